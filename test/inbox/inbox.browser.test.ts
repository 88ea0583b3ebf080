import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { cmid, ok, record, seedWorkspace, until, visitor } from '../support/harness.js';
import { openInbox, row, seedTickets, thread, useBrowserEnv } from '../support/inbox.js';

/**
 * The inbox in real Chromium: two agents (two browser contexts, so two sessions) and a
 * visitor on the widget protocol, against Postgres and Redis.
 */
describe('agent inbox in Chromium', () => {
  const env = useBrowserEnv('postgres', { agents: 2 });

  it('two agents and a visitor: live ticket, assignment, reply, note kept from the visitor, resolve', async () => {
    const { node, fx, browser } = env;
    const [a, b] = [fx.agents[0]!, fx.agents[1]!];
    const pageA = await openInbox(browser, node.url, a);
    const pageB = await openInbox(browser, node.url, b);
    const { s: v } = await visitor(node.url, fx.inbox);
    const toVisitor = record(v, 'message:new');

    await ok(v, 'message:send', { body: 'Hello, my parcel is late', clientMessageId: cmid() });
    const live = pageA.locator('ib-ticket-list .row', { hasText: 'Hello, my parcel is late' });
    await live.waitFor({ timeout: 10_000 });
    const number = Number(await live.getAttribute('data-number'));
    // Both agents see it appear live, with the visitor's message as preview and one unread.
    await row(pageB, number).waitFor();
    await expect.poll(() => row(pageB, number).locator('.unread').textContent()).toBe('1');
    await expect.poll(() => pageB.title()).toBe('(1) Inbox');

    // A opens it, assigns it to self and replies.
    await row(pageA, number).click();
    await thread(pageA).getByText('Hello, my parcel is late').waitFor();
    // Opening it marks it read for every agent (one shared marker).
    await row(pageB, number).locator('.unread').waitFor({ state: 'detached' });
    await expect.poll(() => pageB.title()).toBe('Inbox');
    // The visitor's typing shows, and stops.
    await ok(v, 'typing', { on: true });
    await pageA.locator('ib-conversation .typing', { hasText: 'The visitor is typing' }).waitFor();
    await ok(v, 'typing', { on: false });
    await pageA.locator('ib-conversation .typing').waitFor({ state: 'detached' });
    await pageA.click('ib-conversation ib-button.me');
    await pageA.fill('ib-composer textarea', 'Sorry about that! Checking now.');
    await pageA.press('ib-composer textarea', 'Enter');
    const reply = await until(() => toVisitor.find((m) => m.body === 'Sorry about that! Checking now.'), 10_000, 'reply at the visitor');
    // The visitor reads it: A sees "Seen" on the reply.
    await ok(v, 'read', { seq: reply.seq });
    await thread(pageA).locator('.msg.agent', { hasText: 'Sorry about that!' }).locator('.seen').waitFor();

    // B sees the assignment (avatar in the list, activity in the timeline) and the reply live.
    await row(pageB, number).locator('.avatar', { hasText: 'A0' }).waitFor();
    await row(pageB, number).click();
    await thread(pageB).getByText('Sorry about that! Checking now.').waitFor();
    await thread(pageB).getByText('Agent 0 assigned this to Agent 0').waitFor();
    // A is told B is looking at the same ticket.
    await pageA.locator('ib-conversation .collision', { hasText: 'Also viewing: Agent 1' }).waitFor();

    // A writes an internal note: B sees it marked as a note; the visitor never receives it.
    await pageA.click('ib-composer button[data-mode=internal]');
    await pageA.fill('ib-composer textarea', 'VIP customer, refund if needed');
    await pageA.press('ib-composer textarea', 'Enter');
    await thread(pageB).locator('.msg.internal', { hasText: 'VIP customer, refund if needed' }).locator('.badge', { hasText: 'Internal note' }).waitFor();
    const after = await ok(v, 'message:send', { body: 'thank you', clientMessageId: cmid() });
    await until(() => toVisitor.find((m) => m.id === after.id), 5000, 'visitor echo');
    await thread(pageA).getByText('thank you').waitFor();
    expect(toVisitor.map((m) => m.body)).not.toContain('VIP customer, refund if needed');
    mkdirSync('test-results', { recursive: true });
    await pageA.screenshot({ path: 'test-results/inbox-conversation.png' });
    expect(toVisitor.every((m) => m.visibility === 'public')).toBe(true);

    // On A's "Mine" view the ticket is listed; B resolves it and it leaves the open lists.
    await pageA.click('ib-ticket-list button[data-view=mine]');
    await row(pageA, number).waitFor();
    await pageB.click('ib-conversation ib-button.resolve');
    await thread(pageA).getByText('Agent 1 changed the status from open to resolved').waitFor();
    await row(pageA, number).waitFor({ state: 'detached' });
    await row(pageB, number).waitFor({ state: 'detached' });
    await pageA.selectOption('ib-ticket-list select[aria-label=Status]', 'resolved');
    await row(pageA, number).waitFor();

    // Presence: A goes away by hand (stored for the others), then logs out.
    await pageA.click('ib-app ib-button.presence');
    await pageA.locator('ib-app ib-button.presence', { hasText: 'away' }).waitFor();
    await expect.poll(() => pageB.locator(`ib-conversation select[aria-label=Assignee] option[value=${a.wire}]`).textContent()).toContain('away');
    await pageA.click('ib-app ib-button.logout');
    await pageA.locator('ib-app .login').waitFor();
    await pageA.reload();
    await pageA.locator('ib-app .login').waitFor(); // the session is gone, not just the screen
    await expect.poll(() => pageB.locator(`ib-conversation select[aria-label=Assignee] option[value=${a.wire}]`).textContent()).toContain('offline');
    await pageA.context().close();
    await pageB.context().close();
  });

  it('a busy list: 10,000 tickets, windowed rows, cursor pages to the end; screenshot', async () => {
    const { node, browser } = env;
    const busy = await seedWorkspace(node.deps.db, 1);
    const { first, last } = await seedTickets(node.deps.db, busy, 10_000);
    await node.deps.db.rows(sql`update tickets set assignee_id = ${busy.agents[0]!.id}::uuid
      where workspace_id = ${busy.workspaceId}::uuid and number % 3 = 0`);
    const page = await openInbox(browser, node.url, busy.agents[0]!);
    await page.selectOption('ib-ticket-list select[aria-label=Status]', '');
    await row(page, last).waitFor();
    await row(page, last).click();
    await thread(page).getByText(`(10000)`).first().waitFor();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/inbox-busy.png' });
    // Scroll to the end: each step loads the next page; the DOM only ever holds a window.
    const scroller = page.locator('ib-ticket-list .scroller');
    const started = Date.now();
    const maxRows = await scroller.evaluate(async (el) => {
      let most = 0;
      for (;;) {
        el.scrollTop = el.scrollHeight;
        const h = el.scrollHeight;
        const t0 = performance.now();
        while (el.scrollHeight === h && performance.now() - t0 < 3000) await new Promise((r) => requestAnimationFrame(r));
        most = Math.max(most, el.querySelectorAll('.row').length);
        if (el.scrollHeight === h) return most; // no next page came: the end
      }
    });
    await row(page, first).waitFor();
    expect(maxRows).toBeLessThan(40);
    expect(await scroller.evaluate((el) => el.scrollHeight)).toBeGreaterThanOrEqual(10_000 * 76);
    // Smoothness: scroll back up through the loaded list frame by frame and time the frames.
    const frames = await scroller.evaluate(
      (el) =>
        new Promise<number[]>((resolve) => {
          const gaps: number[] = [];
          let last = performance.now();
          const step = () => {
            const now = performance.now();
            gaps.push(now - last);
            last = now;
            el.scrollTop -= 1500;
            if (el.scrollTop > 0 && gaps.length < 400) requestAnimationFrame(step);
            else resolve(gaps.slice(1));
          };
          requestAnimationFrame(step);
        }),
    );
    const sorted = [...frames].sort((a, b) => a - b);
    console.log(
      `[bench] scrolling 10,000 tickets (1,500 px per frame, ${frames.length} frames): frame median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms; reached the end in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    await page.context().close();
  }, 180_000);
});
