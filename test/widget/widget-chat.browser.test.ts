import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cmid, next, ok } from '../support/harness.js';
import { startChat, useWidgetEnv } from '../support/widget-host.js';

/** The widget embedded on a third-party page, in Chromium, talking to an agent on /agent. */
describe('chat widget in a third-party page', () => {
  const env = useWidgetEnv();

  it('opens, sends, gets the agent reply live, shows typing and seen, keeps history over a reload, and talks only to the support server', async () => {
    const hosts = new Set<string>();
    const errors: string[] = [];
    const { agent, context, page, w, ticket } = await startChat(env, '/shop', 'Where is my order? see https://shop.example/orders/42.', {
      watch: (p) => {
        p.on('request', (r) => hosts.add(new URL(r.url()).origin));
        p.on('pageerror', (e) => errors.push(e.message));
      },
    });
    expect(await w.panel.getAttribute('aria-modal')).toBe('true');
    expect(await page.locator('sw-messages .list').getAttribute('role')).toBe('log'); // a polite live region

    const typing = next(agent, 'typing', (e) => e.authorType === 'contact' && e.on);
    await w.composer.pressSequentially('still typ');
    expect(await typing).toMatchObject({ ticketId: ticket.id, on: true });
    const stopped = next(agent, 'typing', (e) => e.authorType === 'contact' && !e.on);
    const long = 'x'.repeat(400);
    await w.composer.fill(long);
    await w.composer.press('Enter');
    await stopped;
    const bubble = await w.mine.filter({ hasText: long }).boundingBox();
    expect(bubble!.width).toBeLessThan((await w.panel.boundingBox())!.width); // long words wrap
    expect(await page.locator('sw-messages .m.me a').getAttribute('href')).toBe('https://shop.example/orders/42');
    await page.locator('sw-messages .m.me .meta', { hasText: 'Delivered' }).first().waitFor();

    await ok(agent, 'typing', { ticketId: ticket.id, on: true, visibility: 'public' });
    await page.locator('sw-messages .typing', { hasText: 'Agent 0 is typing' }).waitFor();
    const reply = await ok(agent, 'message:send', { ticketId: ticket.id, body: 'On its way! <b>bold</b>', clientMessageId: cmid() });
    await w.theirs.filter({ hasText: 'On its way! <b>bold</b>' }).waitFor();
    expect(await page.locator('sw-messages .m.them b').count()).toBe(0);
    expect(await page.locator('sw-messages .day').first().textContent()).toBe('Today');
    await ok(agent, 'read', { conversationId: reply.conversationId, seq: reply.seq });
    await expect.poll(() => page.locator('sw-messages .m.me .meta', { hasText: 'Seen' }).count()).toBe(2);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/widget-open.png' });

    await page.reload();
    await w.launcher.click();
    await w.theirs.filter({ hasText: 'On its way!' }).waitFor();
    await expect.poll(() => w.mine.count()).toBe(2);
    expect(errors).toEqual([]);
    // Page, loader, config, chunk and socket: nothing but the host site and the support server.
    expect([...hosts].sort()).toEqual([env.node.url, env.site.url].sort());
    await context.close();
  });

  it('shows the unread badge for a reply while closed and clears it on open; Escape closes and returns focus', async () => {
    const { agent, context, page, w, ticket } = await startChat(env, '/badge', 'hello');
    await page.keyboard.press('Escape');
    await expect.poll(() => w.panel.isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SW-WIDGET');
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'reply while closed', clientMessageId: cmid() });
    await expect.poll(() => w.badge.textContent()).toBe('1');
    await w.launcher.click();
    await w.theirs.filter({ hasText: 'reply while closed' }).waitFor();
    await expect.poll(() => w.badge.isHidden()).toBe(true);
    await context.close();
  });

  it('renders HTML and script typed by a visitor or an agent as text', async () => {
    const evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    const { agent, context, page, w, ticket } = await startChat(env, '/xss', evil);
    await ok(agent, 'message:send', { ticketId: ticket.id, body: '<svg onload="window.pwned=3"></svg> javascript:alert(1)', clientMessageId: cmid() });
    await w.theirs.filter({ hasText: '<svg onload=' }).waitFor();
    expect(await page.locator('sw-messages img, sw-messages script, sw-messages svg, sw-messages a').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await context.close();
  });
});
