import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cmid, connect, next, ok, seedWorkspace, startNode } from '../support/harness.js';
import { embedPage, startChat, useWidgetEnv, widget } from '../support/widget-host.js';
import { seedThread } from '../support/inbox.js';

/** What a real page throws at the widget: network loss, a server restart, hostile CSS, several tabs. */
describe('chat widget resilience', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const env = useWidgetEnv({ prefix });

  /** Bodies of the ticket's messages as the agent sees them, in seq order. */
  const bodies = async (ticketId: string) => {
    const agent = await connect(env.node.url, '/agent', { token: env.agentToken });
    const detail = await ok(agent, 'ticket:get', { ticketId });
    agent.disconnect();
    return detail.messages.map((m: { body: string }) => m.body);
  };

  it('says it is offline, queues messages typed offline and delivers each exactly once, in order, when back online', async () => {
    const { agent, context, page, w, ticket } = await startChat(env, '/offline', 'before the tunnel');

    const header = page.locator('sw-panel header p');
    await header.filter({ hasText: 'Online ·' }).waitFor();
    await context.setOffline(true);
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
    // The header tells the truth; messages still queue.
    await header.filter({ hasText: 'Offline ·' }).waitFor();
    await w.send('offline one');
    await w.send('offline two');
    await page.locator('sw-messages .m.pending .meta', { hasText: 'Waiting for connection' }).nth(1).waitFor();
    // A reply the visitor misses while offline is fetched by seq on reconnect.
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'reply sent while you were offline', clientMessageId: cmid() });
    expect(await bodies(ticket.id)).toEqual(['before the tunnel', 'reply sent while you were offline']);

    await context.setOffline(false);
    await w.mine.filter({ hasText: 'offline two' }).waitFor({ timeout: 15_000 });
    await header.filter({ hasText: 'Online ·' }).waitFor();
    await w.theirs.filter({ hasText: 'reply sent while you were offline' }).waitFor();
    await expect.poll(() => w.pending.count()).toBe(0);
    expect(await bodies(ticket.id)).toEqual(['before the tunnel', 'reply sent while you were offline', 'offline one', 'offline two']);
    for (const text of ['offline one', 'offline two']) expect(await w.mine.filter({ hasText: text }).count()).toBe(1);

    // Typed offline, then the tab is gone: the next page view sends it.
    await context.setOffline(true);
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
    await w.send('typed before closing the tab');
    await w.pending.first().waitFor();
    await page.close();
    await context.setOffline(false);
    const again = await context.newPage();
    await again.goto(env.site.page('/offline', embedPage(env.node.url, env.fx.inbox)));
    await widget(again).launcher.click();
    await widget(again).mine.filter({ hasText: 'typed before closing the tab' }).waitFor({ timeout: 15_000 });
    expect((await bodies(ticket.id)).slice(2)).toEqual(['offline one', 'offline two', 'typed before closing the tab']);
    await context.close();
  });

  it('survives a server restart mid-conversation (connecting meanwhile): what was typed meanwhile arrives once, replies keep coming', async () => {
    const { agent, context, page, w, ticket } = await startChat(env, '/restart', 'hello before restart');
    agent.disconnect();

    await env.node.app.close();
    await page.locator('sw-panel header p', { hasText: 'Connecting… ·' }).waitFor();
    await w.send('typed while the server was down');
    await w.pending.first().waitFor();
    env.node = await startNode('postgres', { prefix, port: env.node.port });

    await w.mine.filter({ hasText: 'typed while the server was down' }).waitFor({ timeout: 20_000 });
    const agent2 = await connect(env.node.url, '/agent', { token: env.agentToken });
    await ok(agent2, 'message:send', { ticketId: ticket.id, body: 'back after the restart', clientMessageId: cmid() });
    await w.theirs.filter({ hasText: 'back after the restart' }).waitFor({ timeout: 10_000 });
    expect(await bodies(ticket.id)).toEqual(['hello before restart', 'typed while the server was down', 'back after the restart']);
    expect(await w.mine.filter({ hasText: 'typed while the server was down' }).count()).toBe(1);
    await context.close();
  });

  it('draws the launcher once the server is back when the page loaded (widget.js from cache) while it was down', async () => {
    const other = await seedWorkspace(env.node.deps.db, 1);
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(env.site.page('/cached', embedPage(env.node.url, env.fx.inbox)));
    await widget(page).launcher.waitFor();
    await env.node.app.close();
    await page.goto(env.site.page('/early', embedPage(env.node.url, other.inbox)));
    await expect.poll(() => page.evaluate(() => typeof (window as any).SupportWidget?.open)).toBe('function');
    env.node = await startNode('postgres', { prefix, port: env.node.port });
    const w = widget(page);
    await w.launcher.click({ timeout: 15_000 });
    await w.send('the server was down when I arrived');
    await w.mine.filter({ hasText: 'the server was down when I arrived' }).waitFor();
    await context.close();
  });

  it('still shows a working widget on a page with hostile CSS', async () => {
    const agent = await connect(env.node.url, '/agent', { token: env.agentToken });
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const hostile = '<style>* { all: unset } div { display: none } button, textarea { display: none !important } body { overflow: hidden; font-size: 40px }</style>';
    await page.goto(env.site.page('/hostile', embedPage(env.node.url, env.fx.inbox, { head: hostile })));
    const w = widget(page);
    await w.launcher.click();
    const box = await w.panel.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(300);
    const launcher = await w.launcher.boundingBox(); // 56 px, up to 6% more while hovered
    expect(launcher!.width).toBeGreaterThanOrEqual(56);
    expect(launcher!.width).toBeLessThan(60);
    const ticketNew = next(agent, 'ticket:new');
    await w.send('styled page');
    const { ticket } = await ticketNew;
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'we see you', clientMessageId: cmid() });
    await w.theirs.filter({ hasText: 'we see you' }).waitFor();
    await page.screenshot({ path: 'test-results/widget-hostile-css.png' });
    await context.close();
  });

  it('works on a page with a strict Content-Security-Policy that allows the support server', async () => {
    const agent = await connect(env.node.url, '/agent', { token: env.agentToken });
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
    const support = env.node.url;
    const csp = `default-src 'none'; script-src 'unsafe-inline' ${support}; connect-src ${support} ${support.replace('http', 'ws')}; style-src 'self'; img-src 'self'`;
    await page.goto(env.site.page('/csp', embedPage(env.node.url, env.fx.inbox), { 'content-security-policy': csp }));
    const w = widget(page);
    await w.launcher.click();
    const ticketNew = next(agent, 'ticket:new');
    await w.send('behind a CSP');
    await ticketNew;
    await w.mine.filter({ hasText: 'behind a CSP' }).waitFor();
    expect(await w.launcher.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
    expect(violations).toEqual([]);
    await context.close();
  });

  it('several tabs share one conversation and show every message once', async () => {
    const agent = await connect(env.node.url, '/agent', { token: env.agentToken });
    const context = await env.browser.newContext();
    const [a, b] = [await context.newPage(), await context.newPage()];
    const url = env.site.page('/tabs', embedPage(env.node.url, env.fx.inbox));
    await a.goto(url);
    const wa = widget(a);
    await wa.launcher.click();
    const ticketNew = next(agent, 'ticket:new');
    await wa.send('from tab A');
    const { ticket } = await ticketNew;
    await b.goto(url);
    const wb = widget(b);
    await wb.launcher.click();
    await wb.mine.filter({ hasText: 'from tab A' }).waitFor();
    await wb.send('from tab B');
    await wb.mine.filter({ hasText: 'from tab B' }).waitFor();
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'to both tabs', clientMessageId: cmid() });
    for (const w of [wa, wb]) {
      await w.theirs.filter({ hasText: 'to both tabs' }).waitFor();
      await w.mine.filter({ hasText: 'from tab B' }).waitFor();
      expect(await w.mine.count()).toBe(2);
      expect(await w.theirs.count()).toBe(1);
    }
    expect(await bodies(ticket.id)).toEqual(['from tab A', 'from tab B', 'to both tabs']);
    await context.close();
  });

  it('a live reply that skips seqs brings the skipped messages, each once and in order; internal notes between are no hole', async () => {
    const { agent, context, page, w, ticket } = await startChat(env, '/holes', 'before the hole');
    const detail = await ok(agent, 'ticket:get', { ticketId: ticket.id });
    // Stored without events reaching this visitor (lost between nodes): seq 2 to 4, then a note (5) it never sees.
    await seedThread(env.node.deps.db, env.fx, ticket.id, detail.conversations[0].id, detail.contact.id, 3);
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'a note for agents', visibility: 'internal', clientMessageId: cmid() });
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'reply after the hole', clientMessageId: cmid() });
    const shown = () => page.locator('sw-messages .m:not(.pending) p').allTextContents();
    await expect.poll(async () => (await shown()).length).toBe(5);
    const texts = await shown();
    expect(texts[0]).toBe('before the hole');
    for (let i = 1; i <= 3; i++) expect(texts[i]).toContain(`Message number ${i}:`);
    expect(texts[4]).toBe('reply after the hole');
    // Another note, another reply: only the reply shows, once.
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'another note', visibility: 'internal', clientMessageId: cmid() });
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'and one more reply', clientMessageId: cmid() });
    await w.theirs.filter({ hasText: 'and one more reply' }).waitFor();
    expect((await shown()).slice(4)).toEqual(['reply after the hole', 'and one more reply']);
    await context.close();
  });
});
