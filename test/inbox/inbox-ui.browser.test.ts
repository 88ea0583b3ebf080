import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { cmid, ok, until, visitor } from '../support/harness.js';
import { openInbox, row, seedThread, seedTickets, thread, useBrowserEnv } from '../support/inbox.js';

/** What a visitor typed is text; the shortcuts work; deep links open tickets; a 500-message thread is timed. */
describe('inbox UI in Chromium', () => {
  const env = useBrowserEnv('embedded');

  it('renders HTML from visitors (message, name, attributes) as text and runs none of it', async () => {
    const { node, fx, browser } = env;
    const { s: v } = await visitor(node.url, fx.inbox);
    const evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    const m = await ok(v, 'message:send', { body: `hi ${evil}`, clientMessageId: cmid() });
    await node.deps.db.rows(sql`update contacts set name = ${'<b onmouseover="window.pwned=3">Eve</b>'},
        attributes = ${JSON.stringify({ '<i>k</i>': evil })}::jsonb
      where id = (select requester_id from tickets where id = ${(await import('@support/protocol')).decodeId('ticket', m.ticketId)}::uuid)`);
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${m.ticketId}` });
    await thread(page).getByText(`hi ${evil}`).waitFor();
    await page.locator('ib-contact h2', { hasText: '<b onmouseover="window.pwned=3">Eve</b>' }).waitFor();
    await page.locator('ib-contact dd', { hasText: evil }).waitFor();
    await page.locator('ib-ticket-list .row', { hasText: `hi ${evil}` }).hover();
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('ib-conversation img, ib-contact b, ib-contact i').count()).toBe(0);
    await page.context().close();
  });

  it('keyboard: ? lists the shortcuts, j/k move, r replies, n notes, e resolves', async () => {
    const { node, fx, browser } = env;
    const { first } = await seedTickets(node.deps.db, fx, 3, { words: 'Shortcut ticket' });
    const page = await openInbox(browser, node.url, fx.agents[0]!);
    await page.keyboard.press('/');
    await page.keyboard.type('shortcut ticket');
    await page.locator('ib-ticket-list .row').nth(2).waitFor();
    await expect.poll(() => page.locator('ib-ticket-list .row').count()).toBe(3);
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.locator('ib-dialog.help').getByText('next ticket').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.keyboard.press('j'); // the first row: the newest ticket
    await page.locator('ib-conversation .num', { hasText: `#${first + 2}` }).waitFor();
    await page.keyboard.press('j');
    await page.locator('ib-conversation .num', { hasText: `#${first + 1}` }).waitFor();
    await page.keyboard.press('k');
    await page.locator('ib-conversation .num', { hasText: `#${first + 2}` }).waitFor();
    await page.keyboard.press('r');
    await page.keyboard.type('typed after r');
    await page.keyboard.press('Enter');
    await thread(page).locator('.msg.agent.public', { hasText: 'typed after r' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    await page.keyboard.type('a note after n');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    await page.keyboard.press('Enter');
    await thread(page).locator('.msg.internal', { hasText: 'a note after n' }).waitFor();
    expect(await thread(page).locator('.msg.internal .body').textContent()).toBe('a note after n\nsecond line');
    await page.keyboard.press('Escape');
    await page.keyboard.press('e');
    await thread(page).getByText('changed the status from open to resolved').waitFor();
    await row(page, first + 2).waitFor({ state: 'detached' }); // gone from the Open list
    await page.context().close();
  });

  it('ticket actions: priority, tags, team; a refused action says why', async () => {
    const { node, fx, browser } = env;
    const { first } = await seedTickets(node.deps.db, fx, 1, { words: 'Actions ticket' });
    const page = await openInbox(browser, node.url, fx.agents[0]!);
    await row(page, first).click();
    await page.selectOption('ib-conversation select[aria-label=Priority]', 'urgent');
    await thread(page).getByText(/changed the priority from \w+ to urgent/).waitFor();
    await row(page, first).locator('.prio-urgent').waitFor();
    await page.fill('ib-conversation input.addtag', 'VIP');
    await page.press('ib-conversation input.addtag', 'Enter');
    await page.locator('ib-conversation .tag', { hasText: 'vip' }).waitFor();
    await row(page, first).locator('.chip', { hasText: 'vip' }).waitFor();
    await thread(page).getByText('Agent 0 added the tag vip').waitFor();
    await page.click('ib-conversation button[aria-label="Remove tag vip"]');
    await thread(page).getByText('Agent 0 removed the tag vip').waitFor();
    await page.locator('ib-conversation .tag').waitFor({ state: 'detached' });
    await page.selectOption('ib-conversation select[aria-label=Assignee]', fx.team);
    await page.locator('ib-conversation .team', { hasText: 'Team: Support' }).waitFor();
    // The menu shows the assignee again (none), not the team picked in it.
    await expect.poll(() => page.inputValue('ib-conversation select[aria-label=Assignee]')).toBe('');
    await page.fill('ib-conversation input.addtag', '!!!');
    await page.press('ib-conversation input.addtag', 'Enter');
    await page.locator('ib-conversation [role=alert]', { hasText: 'tag' }).waitFor();
    await page.context().close();
  });

  it('notifications (opt-in): a new ticket, and a visitor message on my ticket, while the tab is in the background', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, {
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
    const shown = () => page.evaluate(() => (window as unknown as { shown: { title: string; body: string }[] }).shown);
    const { s: quiet } = await visitor(node.url, fx.inbox);
    await ok(quiet, 'message:send', { body: 'before opting in', clientMessageId: cmid() });
    await page.locator('ib-ticket-list .row', { hasText: 'before opting in' }).waitFor();
    expect(await shown()).toEqual([]);

    await page.click('ib-app ib-button[title^="Desktop"] button[aria-pressed=false]');
    await page.locator('ib-app ib-button[title^="Desktop"] button[aria-pressed=true]').waitFor();
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'please notify', clientMessageId: cmid() });
    await expect.poll(shown).toEqual([{ title: expect.stringMatching(/^New ticket #\d+$/), body: 'please notify' }]);
    await ok(quiet, 'message:send', { body: 'not assigned to you', clientMessageId: cmid() });
    await page.locator('ib-ticket-list .row', { hasText: 'not assigned to you' }).waitFor();
    await page.locator('ib-ticket-list .row', { hasText: 'please notify' }).click();
    await page.click('ib-conversation ib-button.me');
    await thread(page).getByText('assigned this to Agent 0').waitFor();
    await ok(v, 'message:send', { body: 'on my ticket', clientMessageId: cmid() });
    await expect.poll(async () => (await shown()).map((n) => n.body)).toEqual(['please notify', 'on my ticket']);
    expect(m.ticketId).toMatch(/^tkt_/);
    await page.context().close();
  });

  it('keeps a draft per ticket when switching', async () => {
    const { node, fx, browser } = env;
    const { first } = await seedTickets(node.deps.db, fx, 2, { words: 'Draft ticket' });
    const page = await openInbox(browser, node.url, fx.agents[0]!);
    await row(page, first).click();
    await page.fill('ib-composer textarea', 'half-written answer');
    await row(page, first + 1).click();
    await page.locator('ib-conversation .num', { hasText: `#${first + 1}` }).waitFor();
    expect(await page.inputValue('ib-composer textarea')).toBe('');
    await row(page, first).click();
    await page.locator('ib-conversation .num', { hasText: `#${first}` }).waitFor();
    expect(await page.inputValue('ib-composer textarea')).toBe('half-written answer');
    await page.context().close();
  });

  it('measures opening a ticket with 500 messages (performance marks; figure for docs/benchmarks.md)', async () => {
    const { node, fx, browser } = env;
    const { first } = await seedTickets(node.deps.db, fx, 2, { words: 'Long thread' });
    const agent = fx.agents[0]!;
    const page = await openInbox(browser, node.url, agent);
    for (const n of [first, first + 1]) {
      await row(page, n).click();
      const ids = await page.evaluate(() => location.pathname.split('/').pop()!);
      const { decodeId } = await import('@support/protocol');
      const [t] = await node.deps.db.rows<{ cv: string; ct: string }>(sql`select c.id as cv, t.requester_id as ct from tickets t
        join conversations c on c.ticket_id = t.id where t.id = ${decodeId('ticket', ids)}::uuid`);
      const { encodeId } = await import('@support/protocol');
      await seedThread(node.deps.db, fx, ids, encodeId('conversation', t!.cv), encodeId('contact', t!.ct), 499);
    }
    await page.goto(`${node.url}/inbox/`);
    await row(page, first).waitFor();
    const runs: { first: number; full: number }[] = [];
    for (let i = 0; i < 10; i++) {
      const n = i % 2 ? first + 1 : first;
      await page.evaluate(() => performance.clearMeasures());
      await row(page, n).click();
      await until(async () => (await thread(page).locator('.msg').count()) === 500, 10_000);
      await page.waitForFunction(() => performance.getEntriesByName('ib-open:full').length > 0);
      runs.push(
        await page.evaluate(() => ({
          first: performance.getEntriesByName('ib-open:render').at(-1)!.duration,
          full: performance.getEntriesByName('ib-open:full').at(-1)!.duration,
        })),
      );
    }
    expect(runs.every((r) => r.first > 0 && r.full >= r.first), JSON.stringify(runs)).toBe(true);
    const stat = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return `median ${s[5]!.toFixed(1)} ms (min ${s[0]!.toFixed(1)}, max ${s[9]!.toFixed(1)})`;
    };
    console.log(
      `[bench] open a 500-message ticket, 10 opens: first frame ${stat(runs.map((r) => r.first))}; whole thread ${stat(runs.map((r) => r.full))}`,
    );
    await page.context().close();
  });
});
