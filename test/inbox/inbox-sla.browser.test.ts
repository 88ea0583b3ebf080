import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cmid, connect, login, next, ok, visitor } from '../support/harness.js';
import { openInbox, row } from '../support/inbox.js';
import { useBrowserEnv } from '../support/inbox.js';
import { manualClock } from '../support/email.js';
import { screenAndAxe } from '../support/axe.js';

/**
 * SLA in the agent's inbox, in Chromium: the list row counts down to the ticket's next target
 * and turns amber in the warning lead and red once breached while the test moves the browser's
 * clock; the server's own clock (a manual one) is moved too, so its warning and breach arrive
 * live (`ticket:sla`): a toast for the assignee, and the ticket's SLA panel and history.
 */
describe('inbox: SLA countdowns in Chromium', () => {
  const serverClock = manualClock(new Date());
  const env = useBrowserEnv('postgres', { agents: 1, clock: serverClock });

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${env.node.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = r.status === 204 ? null : await r.json();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const chip = (page: Page, n: number) => row(page, n).locator('.chip.sla');

  it("a ticket's countdown turns amber then red while the test moves the clock; the server's warning and breach arrive live", async () => {
    const { node, fx, browser } = env;
    const me = fx.agents[0]!;
    const token = await login(node.url, me.email, me.password);
    // The default policy, on, counting every hour (not the calendar's): normal priority answers within 8 h, warned 1 h before.
    const policies = await api('GET', '/api/settings/sla-policies', token);
    const def = policies.find((p: any) => p.isDefault);
    await api('PATCH', `/api/settings/sla-policies/${def.id}`, token, { enabled: true, businessHours: false, warnLeadSeconds: 3600, expectedUpdatedAt: def.updatedAt });

    // The browser's clock starts where the server's is; both jump only when the test says. The
    // browser's jumps set the time without firing the timers due meanwhile (fastForward would
    // fire the socket's ping timeout and drop the connection the alerts come by).
    let sockets = 0;
    let lastPing = 0;
    const page = await openInbox(browser, node.url, me, {
      setup: async (ctx) => {
        ctx.on('page', (p) =>
          p.on('websocket', (ws) => {
            sockets++;
            ws.on('framereceived', (f) => void (f.payload === '2' && (lastPing = Date.now())));
          }),
        );
        await ctx.clock.install({ time: serverClock.now() });
      },
    });
    /**
     * After a jump of the browser's clock, the socket's ping looks hours late: the next emit
     * drops the connection and it reconnects (resyncing the screen). `act` emits something;
     * then either a new socket connected, or a ping arrived first and nothing drops.
     */
    const settle = async (act: () => Promise<unknown>) => {
      const jumped = Date.now();
      const before = sockets;
      await act();
      await expect.poll(() => sockets > before || lastPing > jumped, { timeout: 30_000 }).toBe(true);
      await page.locator('ib-app .conn').waitFor({ state: 'detached' });
    };
    const agent = await connect(node.url, '/agent', { token });
    const { s: v } = await visitor(node.url, fx.inbox);
    const counted = next(agent, 'ticket:sla', (e: any) => e.sla !== null, 10_000);
    const m = await ok(v, 'message:send', { body: 'Where is my parcel?', clientMessageId: cmid() });
    const { sla } = (await counted) as { sla: { metric: string; dueAt: string; warnAt: string } };
    expect(sla.metric).toBe('first_response');
    const { ticket } = await ok(agent, 'ticket:assign', { ticketId: m.ticketId, assigneeId: me.wire });
    expect(Date.parse(sla.dueAt) - Date.parse(sla.warnAt)).toBe(3600_000);

    // Neutral: about 8 hours left, the metric in the label.
    const c = chip(page, ticket.number);
    await expect.poll(() => c.getAttribute('data-tone')).toBe('ok');
    expect(await c.textContent()).toMatch(/^Due in (7h 59m|8h)$/);
    expect(await c.getAttribute('aria-label')).toMatch(/^First response due in /);
    await row(page, ticket.number).click();
    const panel = page.locator('ib-sla');
    await panel.locator('.clock[data-metric=first_response][data-state=running]').waitFor();
    expect(await panel.locator('.clock[data-metric=first_response] .due').textContent()).toMatch(/Target 8h/);
    await screenAndAxe(page, 'inbox-sla-neutral');

    // Into the warning lead: amber, in the list and in the panel.
    await page.clock.setSystemTime(Date.parse(sla.warnAt) + 5_000);
    await expect.poll(() => c.getAttribute('data-tone')).toBe('warning');
    expect(await c.textContent()).toMatch(/^Due in 59m$/);
    await panel.locator('.clock.warning[data-metric=first_response]').waitFor();
    // Sorted by time to breach (the list reads its page again).
    await settle(() => page.selectOption('ib-ticket-list select[aria-label=Sort]', 'sla'));
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('sla');
    await expect.poll(() => c.getAttribute('data-tone')).toBe('warning');
    // The server's warning fires when its clock gets there: a toast for the assignee.
    serverClock.advance(Date.parse(sla.warnAt) - serverClock.now().getTime() + 5_000);
    await node.app.scheduler.runDue();
    await page.locator('ib-toast .toast', { hasText: `SLA warning: #${ticket.number} first response` }).waitFor();
    await screenAndAxe(page, 'inbox-sla-warning');

    // Past the due time: red at once in the browser, before the server says so.
    await page.clock.setSystemTime(Date.parse(sla.dueAt) + 5 * 60_000);
    await expect.poll(() => c.getAttribute('data-tone')).toBe('breached');
    expect(await c.textContent()).toMatch(/^Breached 5m ago$/);
    expect(await c.getAttribute('aria-label')).toBe('First response breached 5m ago');
    await settle(() => page.selectOption('ib-ticket-list select[aria-label=Sort]', 'updated'));

    // The server's breach arrives live: a toast, and the panel reads the clock breached with its history.
    const breached = next(agent, 'ticket:sla', (e: any) => e.alert?.kind === 'breached', 10_000);
    serverClock.advance(Date.parse(sla.dueAt) - serverClock.now().getTime() + 5 * 60_000);
    await node.app.scheduler.runDue();
    expect((await breached) as any).toMatchObject({ ticketId: m.ticketId, alert: { kind: 'breached', metric: 'first_response' } });
    await page.locator('ib-toast .toast', { hasText: `SLA breached: #${ticket.number} first response` }).waitFor();
    await panel.locator('.clock.breached[data-metric=first_response][data-state=breached] .badge', { hasText: 'Breached' }).waitFor();
    await panel.getByRole('button', { name: /History/ }).click();
    const history = panel.getByRole('list', { name: 'SLA history' });
    await history.locator('.kind.breached').waitFor();
    expect(await history.locator('.kind').allTextContents()).toEqual(expect.arrayContaining(['Started', 'Warning', 'Breached']));
    expect(await c.getAttribute('data-tone')).toBe('breached');
    await screenAndAxe(page, 'inbox-sla-breached');

    // A newer ticket due later: first by latest activity, second by time to breach.
    const { s: v2 } = await visitor(node.url, fx.inbox);
    const later = await ok(v2, 'message:send', { body: 'Another question', clientMessageId: cmid() });
    const { ticket: second } = await ok(agent, 'ticket:get', { ticketId: later.ticketId, limit: 1 });
    await chip(page, second.number).waitFor();
    const order = () => page.locator('ib-ticket-list .row').evaluateAll((rs) => rs.sort((a, b) => parseFloat((a as HTMLElement).style.top) - parseFloat((b as HTMLElement).style.top)).map((r) => Number(r.getAttribute('data-number'))));
    await expect.poll(order).toEqual([second.number, ticket.number]);
    await page.selectOption('ib-ticket-list select[aria-label=Sort]', 'sla');
    await expect.poll(order).toEqual([ticket.number, second.number]);
    await screenAndAxe(page, 'inbox-sla-sorted');
    // On a phone the open ticket is the whole screen: its SLA panel fits above the thread.
    await page.setViewportSize({ width: 390, height: 800 });
    await panel.locator('.clock[data-metric=first_response]').waitFor();
    await screenAndAxe(page, 'inbox-sla-phone');
    await page.context().close();
  }, 90_000);

  it('a breach on my ticket notifies me (a toast, and a desktop notification when opted in); one on a ticket not mine does not', async () => {
    const { node, fx, browser } = env;
    const me = fx.agents[0]!;
    const token = await login(node.url, me.email, me.password);
    const page = await openInbox(browser, node.url, me, {
      permissions: ['notifications'],
      init: () => {
        // Record what the app shows, and make the tab look like it is in the background.
        const w = window as unknown as { shown: { title: string; body: string }[]; Notification: typeof Notification };
        w.shown = [];
        const Real = w.Notification;
        w.Notification = class extends Real {
          constructor(title: string, opts?: NotificationOptions) {
            super(title, opts);
            w.shown.push({ title, body: opts?.body ?? '' });
          }
        } as typeof Notification;
        Document.prototype.hasFocus = () => false;
      },
    });
    await page.click('ib-app ib-button[title^="Desktop"] button[aria-pressed=false]');
    await page.locator('ib-app ib-button[title^="Desktop"] button[aria-pressed=true]').waitFor();
    const shown = () => page.evaluate(() => (window as unknown as { shown: { title: string; body: string }[] }).shown);

    const agent = await connect(node.url, '/agent', { token });
    const open = async (body: string) => {
      const { s: v } = await visitor(node.url, fx.inbox);
      const counted = next(agent, 'ticket:sla', (e: any) => e.sla !== null, 10_000);
      const m = await ok(v, 'message:send', { body, clientMessageId: cmid() });
      const { sla } = (await counted) as { sla: { dueAt: string } };
      const { ticket } = await ok(agent, 'ticket:get', { ticketId: m.ticketId, limit: 1 });
      return { ticket, sla };
    };
    const mine = await open('Mine to answer');
    await ok(agent, 'ticket:assign', { ticketId: mine.ticket.id, assigneeId: me.wire });
    const theirs = await open('Nobody has this one');
    await chip(page, theirs.ticket.number).waitFor();
    expect(await chip(page, mine.ticket.number).getAttribute('data-tone')).not.toBe('breached');

    const both = Promise.all([mine, theirs].map((t) => next(agent, 'ticket:sla', (e: any) => e.ticketId === t.ticket.id && e.alert?.kind === 'breached', 10_000)));
    serverClock.advance(Math.max(Date.parse(mine.sla.dueAt), Date.parse(theirs.sla.dueAt)) - serverClock.now().getTime() + 60_000);
    await node.app.scheduler.runDue();
    await both;
    const toast = page.locator('ib-toast .toast', { hasText: `SLA breached: #${mine.ticket.number} first response` });
    await toast.waitFor();
    await expect.poll(shown).toContainEqual({ title: `SLA breached: #${mine.ticket.number}`, body: `SLA breached: #${mine.ticket.number} first response` });
    // Both rows are red (the server says breached, whatever the browser's clock).
    await expect.poll(() => chip(page, theirs.ticket.number).getAttribute('data-tone')).toBe('breached');
    expect(await chip(page, mine.ticket.number).getAttribute('data-tone')).toBe('breached');
    expect(await page.locator('ib-toast').textContent()).not.toContain(`#${theirs.ticket.number}`);
    // (Its "New ticket" notification came when it opened; no SLA one.)
    expect((await shown()).filter((n) => n.title.startsWith('SLA') && n.title.includes(`#${theirs.ticket.number}`))).toEqual([]);
    await page.context().close();
  });
});
