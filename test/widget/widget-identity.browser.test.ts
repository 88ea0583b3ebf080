import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { call, connect, login, next, ok, seedWorkspace } from '../support/harness.js';
import { embedPage, inboxSecret, useWidgetEnv, widget } from '../support/widget-host.js';
import { createInbox } from '../../server/src/workspaces/workspaces.service.js';
import { toWire } from '../../server/src/db/ids.js';

type Ack = { ok: boolean; data?: any; error?: { code: string } };
const api = (page: Page, method: string, arg?: unknown) =>
  page.evaluate(([m, a]) => (window as any).SupportWidget[m as string](a), [method, arg] as const) as Promise<Ack>;

/** Identify, shutdown, pre-chat, away form and live availability, through the page's JS API. */
describe('chat widget identity and forms', () => {
  const env = useWidgetEnv();

  const hmac = (key: string, id: string) => createHmac('sha256', key).update(id).digest('hex');
  const queuedIdentify = (p: unknown) => `window.SupportWidget = window.SupportWidget || []; SupportWidget.push(['identify', ${JSON.stringify(p)}]);`;

  it('a verified identify (queued before the script loaded) follows the user to another device; a forged or unverified one cannot', async () => {
    const user = { id: 'user-42', hash: hmac(env.secret, 'user-42'), name: 'Ada', email: 'ada@example.test' };
    const device1 = await env.browser.newContext();
    const p1 = await device1.newPage();
    await p1.goto(env.site.page('/account', embedPage(env.node.url, env.fx.inbox, { before: queuedIdentify(user) })));
    await widget(p1).launcher.click();
    await widget(p1).send('my invoice is wrong');
    await widget(p1).mine.filter({ hasText: 'my invoice is wrong' }).waitFor();

    const device2 = await env.browser.newContext();
    const p2 = await device2.newPage();
    await p2.goto(env.site.page('/account', embedPage(env.node.url, env.fx.inbox, { before: queuedIdentify(user) })));
    await widget(p2).launcher.click();
    await widget(p2).mine.filter({ hasText: 'my invoice is wrong' }).waitFor();

    const attacker = await env.browser.newContext();
    const p3 = await attacker.newPage();
    await p3.goto(env.site.page('/plain', embedPage(env.node.url, env.fx.inbox)));
    await widget(p3).launcher.click();
    await widget(p3).composer.waitFor();
    const forged = await api(p3, 'identify', { id: 'user-42', hash: hmac('not-the-secret', 'user-42') });
    expect(forged).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const unverified = await api(p3, 'identify', { id: 'user-42', name: 'Mallory' });
    expect(unverified).toMatchObject({ ok: true, data: { verified: false, name: 'Mallory', conversation: null } });
    await widget(p3).send('just me');
    await widget(p3).mine.filter({ hasText: 'just me' }).waitFor();
    expect(await widget(p3).mine.filter({ hasText: 'my invoice is wrong' }).count()).toBe(0);

    // The identified user writes from device 2; device 1 sees it (same contact, live).
    await widget(p2).send('from my phone');
    await widget(p1).mine.filter({ hasText: 'from my phone' }).waitFor();
    await Promise.all([device1.close(), device2.close(), attacker.close()]);
  });

  it('a page that identified the visitor with name and email skips the required pre-chat form; one that gave only the name gets asked the email', async () => {
    const other = await seedWorkspace(env.node.deps.db, 1);
    const settings = { preChat: { name: 'required', email: 'required' } };
    await env.node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify(settings)}::jsonb where id = ${other.inboxId}::uuid`);
    const secret = await inboxSecret(env.node.deps.db, other.inboxId);
    const agent = await connect(env.node.url, '/agent', { token: await login(env.node.url, other.agents[0]!.email, other.agents[0]!.password) });
    const user = { id: 'user-9', hash: hmac(secret, 'user-9'), name: 'Ada', email: 'ada@example.test' };
    const page = await (await env.browser.newContext()).newPage();
    await page.goto(env.site.page('/known', embedPage(env.node.url, other.inbox, { before: queuedIdentify(user) })));
    const w = widget(page);
    await w.launcher.click();
    await w.composer.waitFor({ timeout: 10_000 });
    expect(await page.locator('sw-prechat').count()).toBe(0);
    const ticketNew = next(agent, 'ticket:new');
    await w.send('straight to the point');
    expect((await ticketNew).ticket.requester).toMatchObject({ name: 'Ada', email: 'ada@example.test' });

    const named = await (await env.browser.newContext()).newPage();
    await named.goto(env.site.page('/named', embedPage(env.node.url, other.inbox, { before: queuedIdentify({ name: 'Lin' }) })));
    await widget(named).launcher.click();
    await expect.poll(() => named.locator('sw-prechat input').evaluateAll((els) => els.map((e) => e.getAttribute('name')))).toEqual(['email']);
    await Promise.all([page.context().close(), named.context().close()]);
  });

  it('an identified user chatting on two inboxes of one workspace sees each conversation only in its own widget', async () => {
    const inboxB = await createInbox(env.node.deps.db, { workspaceId: env.fx.workspaceId, name: 'Docs site', channel: 'chat' });
    const secretB = await inboxSecret(env.node.deps.db, inboxB);
    const context = await env.browser.newContext();
    const [a, b] = [await context.newPage(), await context.newPage()];
    await a.goto(env.site.page('/site-a', embedPage(env.node.url, env.fx.inbox, { before: queuedIdentify({ id: 'user-7', hash: hmac(env.secret, 'user-7') }) })));
    await b.goto(env.site.page('/site-b', embedPage(env.node.url, toWire('inbox', inboxB), { before: queuedIdentify({ id: 'user-7', hash: hmac(secretB, 'user-7') }) })));
    for (const p of [a, b]) await widget(p).launcher.click();
    await widget(a).send('asked on site A');
    await widget(b).send('asked on site B');
    await widget(a).mine.filter({ hasText: 'asked on site A' }).waitFor();
    await widget(b).mine.filter({ hasText: 'asked on site B' }).waitFor();
    await widget(a).send('second on site A');
    await widget(a).mine.filter({ hasText: 'second on site A' }).waitFor();
    expect(await widget(b).mine.allTextContents()).toEqual(['asked on site B']);
    expect(await widget(a).mine.allTextContents()).toEqual(['asked on site A', 'second on site A']);
    await context.close();
  });

  it('shutdown() revokes the token on the server and forgets the visitor in every tab', async () => {
    const context = await env.browser.newContext();
    const [a, b] = [await context.newPage(), await context.newPage()];
    const url = env.site.page('/logout', embedPage(env.node.url, env.fx.inbox));
    await a.goto(url);
    await widget(a).launcher.click();
    await widget(a).send('secret order details');
    await widget(a).mine.filter({ hasText: 'secret order details' }).waitFor();
    await b.goto(url);
    await widget(b).launcher.click();
    await widget(b).mine.filter({ hasText: 'secret order details' }).waitFor();
    const token = await a.evaluate((k) => localStorage.getItem(k), `sw:${env.fx.inbox}:token`);
    await api(a, 'shutdown');
    expect(await a.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('sw:')))).toEqual([]);
    await expect.poll(() => b.locator('sw-panel').count()).toBe(0);
    const v = await connect(env.node.url, '/widget');
    expect(await call(v, 'session:start', { inboxId: env.fx.inbox, token })).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } });
    await widget(a).launcher.click();
    await widget(a).composer.waitFor();
    expect(await widget(a).mine.count()).toBe(0);
    await context.close();
  });

  it('asks the pre-chat questions, offers the away form while nobody is online and confirms the email left there, and turns Online live', async () => {
    const other = await seedWorkspace(env.node.deps.db, 1);
    const settings = { teamName: 'Acme Help', replyTime: 'an hour', preChat: { name: 'required', email: 'off' }, awayMessage: 'We are offline, leave your email.' };
    await env.node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify(settings)}::jsonb where id = ${other.inboxId}::uuid`);
    const context = await env.browser.newContext({ viewport: { width: 375, height: 700 } });
    const page = await context.newPage();
    await page.goto(env.site.page('/prechat', embedPage(env.node.url, other.inbox)));
    const w = widget(page);
    await w.launcher.click();
    await page.locator('sw-panel header', { hasText: 'Acme Help' }).waitFor();
    await page.locator('sw-panel header', { hasText: 'Away · Typically replies in an hour' }).waitFor();
    expect(await w.panel.boundingBox()).toMatchObject({ x: 0, y: 0, width: 375, height: 700 }); // full screen under 480px
    await page.locator('sw-prechat input[name=name]').fill('Grace');
    await page.locator('sw-prechat button').click();
    await page.locator('sw-prechat', { hasText: 'We are offline, leave your email.' }).waitFor();
    await page.locator('sw-prechat input[name=email]').fill('grace@example.test');
    await page.locator('sw-prechat button').click();
    await expect.poll(() => page.locator('sw-prechat').count()).toBe(0);
    await page.locator('sw-messages .note', { hasText: "Thanks! We'll get back to you at grace@example.test." }).waitFor();

    const token = await login(env.node.url, other.agents[0]!.email, other.agents[0]!.password);
    const agent = await connect(env.node.url, '/agent', { token });
    await page.locator('sw-panel header', { hasText: 'Online' }).waitFor();
    const ticketNew = next(agent, 'ticket:new');
    await w.send('hi, it is Grace');
    const { ticket } = await ticketNew;
    expect(ticket.requester).toMatchObject({ name: 'Grace', email: 'grace@example.test' });
    await ok(agent, 'presence:set', { status: 'away' });
    await page.locator('sw-panel header', { hasText: 'Away' }).waitFor();
    await context.close();
  });
  it('when the server asks for details the widget did not know were required, it asks them and then sends the held message', async () => {
    const other = await seedWorkspace(env.node.deps.db, 1);
    const token = await login(env.node.url, other.agents[0]!.email, other.agents[0]!.password);
    const agent = await connect(env.node.url, '/agent', { token });
    const page = await (await env.browser.newContext()).newPage();
    await page.goto(env.site.page('/late-prechat', embedPage(env.node.url, other.inbox)));
    const w = widget(page);
    await w.launcher.click();
    await w.composer.waitFor();
    // An admin makes the details required after this page loaded its config (pre-chat off).
    await env.node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify({ preChat: { name: 'required', email: 'required' } })}::jsonb where id = ${other.inboxId}::uuid`);
    const ticketNew = next(agent, 'ticket:new');
    await w.send('typed before the form');
    await page.locator('sw-prechat input[name=email]').fill('lin@example.test');
    await page.locator('sw-prechat input[name=name]').fill('Lin');
    await page.locator('sw-prechat button').click();
    const { ticket, message } = await ticketNew;
    expect(ticket.requester).toMatchObject({ name: 'Lin', email: 'lin@example.test' });
    expect(message.body).toBe('typed before the form');
    await w.mine.filter({ hasText: 'typed before the form' }).waitFor();
    await expect.poll(() => page.locator('sw-prechat').count()).toBe(0);
  });
});
