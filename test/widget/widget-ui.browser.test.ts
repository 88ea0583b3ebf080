import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { decodeId } from '@support/protocol';
import { cmid, connect, next, ok, seedWorkspace } from '../support/harness.js';
import { embedPage, startChat, useWidgetEnv, widget } from '../support/widget-host.js';

const isChunk = (url: string) => /\/widget\/panel-[0-9a-f]+\.js$/.test(url);

/** Lazy loading, the page-facing JS API, theming and keyboard use. */
describe('chat widget loading, API and styling', () => {
  const env = useWidgetEnv();

  it('loads the panel only on open for a new visitor, and early for a returning one whose reply then shows as a badge', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const chunks: string[] = [];
    page.on('request', (r) => isChunk(r.url()) && chunks.push(r.url()));
    const url = env.site.page('/lazy', embedPage(env.node.url, env.fx.inbox));
    await page.goto(url);
    const w = widget(page);
    await w.launcher.waitFor();
    await page.waitForLoadState('networkidle');
    expect(chunks).toEqual([]);
    await w.launcher.click();
    await w.composer.waitFor();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.startsWith(`${env.node.url}/widget/`)).toBe(true);

    const agent = await connect(env.node.url, '/agent', { token: env.agentToken });
    const ticketNew = next(agent, 'ticket:new');
    await w.send('I will come back later');
    const { ticket } = await ticketNew;
    await w.mine.filter({ hasText: 'I will come back later' }).waitFor();
    await page.reload();
    await expect.poll(() => chunks.length).toBe(2); // preloaded without opening
    await expect.poll(() => page.locator('sw-panel').count()).toBe(1);
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'we answered while you were away', clientMessageId: cmid() });
    await expect.poll(() => w.badge.textContent()).toBe('1');
    expect(await w.panel.isHidden()).toBe(true);
    expect(await w.launcher.getAttribute('aria-label')).toBe('Open chat, 1 unread');
    await context.close();
  });

  it('exposes open/close/toggle, setAttributes and message, open, close and unread events to the page', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const before = `window.SupportWidget = window.SupportWidget || []; window.seen = [];
      ['message', 'open', 'close', 'unread'].forEach((e) => SupportWidget.push(['on', e, (p) => seen.push(e + ':' + (p && p.body !== undefined ? p.body : p))]));`;
    await page.goto(env.site.page('/api', embedPage(env.node.url, env.fx.inbox, { before })));
    const w = widget(page);
    await w.launcher.waitFor();
    await page.evaluate(() => (window as any).SupportWidget.open());
    await w.send('via the api');
    await w.mine.filter({ hasText: 'via the api' }).waitFor();
    const attrs = await page.evaluate(() => (window as any).SupportWidget.setAttributes({ plan: 'pro', seats: 3 }));
    expect(attrs).toEqual({ ok: true, data: null });
    const contactId = await page.evaluate((k) => localStorage.getItem(k), `sw:${env.fx.inbox}:contact`);
    const [row] = await env.node.deps.db.rows<{ attributes: unknown }>(sql`select attributes from contacts where id = ${decodeId('contact', contactId!)}::uuid`);
    expect(row!.attributes).toEqual({ plan: 'pro', seats: 3 });
    await page.evaluate(() => (window as any).SupportWidget.toggle());
    await expect.poll(() => w.panel.isHidden()).toBe(true);
    const seen = await page.evaluate(() => (window as any).seen as string[]);
    expect(seen).toEqual(expect.arrayContaining(['open:undefined', 'message:via the api', 'close:undefined']));
    expect(seen.indexOf('open:undefined')).toBeLessThan(seen.indexOf('close:undefined'));
    await context.close();
  });

  it('takes colour and position from the inbox settings, CSS custom properties and ::part from the page', async () => {
    const other = await seedWorkspace(env.node.deps.db, 1);
    await env.node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify({ color: '#0f766e', position: 'left' })}::jsonb where id = ${other.inboxId}::uuid`);
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(env.site.page('/theme', embedPage(env.node.url, other.inbox)));
    const w = widget(page);
    await w.launcher.waitFor();
    expect(await w.launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(15, 118, 110)');
    expect((await w.launcher.boundingBox())!.x).toBeLessThan(100);

    const custom = '<style>sw-widget { --sw-accent: rgb(200, 0, 0); } sw-widget::part(launcher) { border-radius: 4px; } sw-widget::part(header) { letter-spacing: 2px; }</style>';
    await page.goto(env.site.page('/custom', embedPage(env.node.url, other.inbox, { head: custom })));
    await w.launcher.click();
    await w.composer.waitFor();
    expect(await w.launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(200, 0, 0)');
    expect(await w.launcher.evaluate((el) => getComputedStyle(el).borderRadius)).toBe('4px');
    expect(await page.locator('sw-panel header').evaluate((el) => getComputedStyle(el).letterSpacing)).toBe('2px');
    await context.close();
  });

  it('is light or dark as the inbox setting says; auto follows the host page, not the system alone; data-color-scheme overrides per page', async () => {
    const LIGHT = 'rgb(255, 255, 255)';
    const DARK = 'rgb(17, 24, 39)';
    const darkPage = '<style>body { background: #0b1020; color: #e5e7eb }</style>';
    const other = await seedWorkspace(env.node.deps.db, 1);
    const panelBg = async (page: Page, path: string, o: Parameters<typeof embedPage>[2] = {}) => {
      await page.goto(env.site.page(path, embedPage(env.node.url, other.inbox, o)));
      const w = widget(page);
      await w.launcher.click();
      await w.composer.waitFor();
      return w.panel.evaluate((el) => getComputedStyle(el).backgroundColor);
    };
    const onDarkSystem = await (await env.browser.newContext({ colorScheme: 'dark' })).newPage();
    const onLightSystem = await (await env.browser.newContext({ colorScheme: 'light' })).newPage();
    // auto (the default)
    expect(await panelBg(onDarkSystem, '/auto-light')).toBe(LIGHT); // a plain white page
    expect(await panelBg(onLightSystem, '/auto-dark', { head: darkPage })).toBe(DARK);
    expect(await panelBg(onDarkSystem, '/auto-both', { head: '<meta name="color-scheme" content="light dark">' })).toBe(DARK);
    expect(await panelBg(onLightSystem, '/auto-both', { head: '<meta name="color-scheme" content="light dark">' })).toBe(LIGHT);
    // The page switches theme while the panel is closed: the next open follows it.
    await onLightSystem.goto(env.site.page('/auto-switch', embedPage(env.node.url, other.inbox)));
    const w = widget(onLightSystem);
    await w.launcher.click();
    await w.composer.waitFor();
    expect(await w.panel.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(LIGHT);
    await onLightSystem.keyboard.press('Escape');
    await onLightSystem.evaluate(() => (document.body.style.background = '#000'));
    await w.launcher.click();
    expect(await w.panel.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(DARK);
    // The embed's attribute, then the inbox setting.
    expect(await panelBg(onLightSystem, '/attr-light', { head: darkPage, attrs: 'data-color-scheme="light"' })).toBe(LIGHT);
    await env.node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify({ colorScheme: 'dark' })}::jsonb where id = ${other.inboxId}::uuid`);
    const fresh = await (await env.browser.newContext({ colorScheme: 'light' })).newPage(); // the config is cached 30 s
    expect(await panelBg(fresh, '/setting-dark')).toBe(DARK);
    expect(await panelBg(fresh, '/attr-auto', { attrs: 'data-color-scheme="auto"' })).toBe(LIGHT);
    for (const p of [onDarkSystem, onLightSystem, fresh]) await p.context().close();
  });

  it('works for the page view when the browser refuses localStorage', async () => {
    const context = await env.browser.newContext();
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get: () => { throw new DOMException('denied', 'SecurityError'); } });
    });
    const page = await context.newPage();
    await page.goto(env.site.page('/no-storage', embedPage(env.node.url, env.fx.inbox)));
    const w = widget(page);
    await w.launcher.click();
    await w.send('no storage here');
    await w.mine.filter({ hasText: 'no storage here' }).waitFor();
    await context.close();
  });

  it('keeps keyboard focus inside the open panel', async () => {
    const { context, page } = await startChat(env, '/keyboard', 'tabbing around');
    const inside = () =>
      page.evaluate(() => {
        const host = document.activeElement;
        return host?.tagName === 'SW-WIDGET' && host.shadowRoot?.activeElement?.tagName === 'SW-PANEL';
      });
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await inside()).toBe(true);
    }
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await inside()).toBe(true);
    }
    await context.close();
  });

  it('shows when the agent closed the conversation, and the next message starts a new one', async () => {
    const { agent, context, page, w, ticket } = await startChat(env, '/closed', 'thanks, solved');
    for (const body of ['glad to help', 'anything else?', 'closing now']) await ok(agent, 'message:send', { ticketId: ticket.id, body, clientMessageId: cmid() });
    await w.theirs.filter({ hasText: 'closing now' }).waitFor(); // read up to seq 4 (panel open)
    await ok(agent, 'ticket:setStatus', { ticketId: ticket.id, status: 'closed' });
    await page.locator('sw-messages .note', { hasText: 'This conversation is closed' }).waitFor();
    const ticketNew = next(agent, 'ticket:new');
    await w.send('actually, one more question');
    const { ticket: second } = await ticketNew;
    expect(second.id).not.toBe(ticket.id);
    await expect.poll(() => page.locator('sw-messages .note').count()).toBe(0);
    // Unread counts start again in the new conversation (its seqs restart at 1).
    await page.keyboard.press('Escape');
    await ok(agent, 'message:send', { ticketId: second.id, body: 'sure, go ahead', clientMessageId: cmid() });
    await expect.poll(() => w.badge.textContent()).toBe('1');
    await context.close();
  });
});
