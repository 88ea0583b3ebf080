import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { cmid, connect, login, next, ok, seedWorkspace, visitor } from '../support/harness.js';
import { openInbox, row, seedTickets, thread, useBrowserEnv } from '../support/inbox.js';
import { eventually, manualClock, seedEmailInbox, smtpSink, workerCtx } from '../support/email.js';
import { processOutbox } from '../../server/src/email/outbox.worker.js';
import { smtpMailer } from '../../server/src/email/mailer.js';

/** What agents see change without a reload, and the inbox bugs a new user met. */
describe('inbox: live updates and fixes in Chromium', () => {
  const env = useBrowserEnv('postgres', { agents: 2 });
  const agentSocket = async (i = 0) => connect(env.node.url, '/agent', { token: await login(env.node.url, env.fx.agents[i]!.email, env.fx.agents[i]!.password) });
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  beforeAll(async () => {
    sink = await smtpSink();
  });
  afterAll(() => sink?.close());

  it('a name, email and attributes set from the widget reach the open inbox live: list row, ticket header, contact sidebar', async () => {
    const { node, fx, browser } = env;
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'Who am I to you?', clientMessageId: cmid() });
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${m.ticketId}` });
    await thread(page).getByText('Who am I to you?').waitFor();
    const number = Number(await page.locator('ib-ticket-list [role=option][aria-selected=true]').getAttribute('data-number'));
    await page.locator('ib-contact h2', { hasText: 'Anonymous visitor' }).waitFor();

    await ok(v, 'identify', { name: 'Jane Roe', email: 'jane@example.test' });
    await ok(v, 'attributes:set', { attributes: { plan: 'gold', seats: 12 } });
    await row(page, number).locator('.who', { hasText: 'Jane Roe' }).waitFor();
    await page.locator('ib-conversation header .requester', { hasText: 'Jane Roe' }).waitFor();
    await page.locator('ib-contact h2', { hasText: 'Jane Roe' }).waitFor();
    await page.locator('ib-contact .email', { hasText: 'jane@example.test' }).waitFor();
    await page.locator('ib-contact dd', { hasText: 'gold' }).waitFor();
    await page.locator('ib-contact dd', { hasText: '12' }).waitFor();
    await page.context().close();
  });

  it('the contact sidebar shows a ticket\'s status as it changes (here, and by another agent)', async () => {
    const { node, fx, browser } = env;
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'Status follows', clientMessageId: cmid() });
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${m.ticketId}` });
    const entry = page.locator('ib-contact li[aria-current=true] .status');
    await expect.poll(() => entry.textContent()).toMatch(/^open/);
    await page.selectOption('ib-conversation select[aria-label=Status]', 'pending');
    await thread(page).getByText('changed the status from open to pending').waitFor();
    await expect.poll(() => entry.textContent()).toMatch(/^pending/);
    const other = await agentSocket(1);
    await ok(other, 'ticket:setStatus', { ticketId: m.ticketId, status: 'resolved' });
    await expect.poll(() => entry.textContent()).toMatch(/^resolved/);
    await page.context().close();
  });

  it('a chat reply sent on by email shows its email state live (message:delivery reaches the agent)', async () => {
    const { node, fx, browser } = env;
    await seedEmailInbox(node.deps.db, fx.workspaceId);
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'Answer me by mail please', clientMessageId: cmid() });
    await ok(v, 'identify', { email: 'mailme@example.test' });
    v.disconnect();
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${m.ticketId}` });
    await thread(page).getByText('Answer me by mail please').waitFor();
    await page.fill('ib-composer textarea', 'We will write to you');
    await page.press('ib-composer textarea', 'Enter');
    const reply = thread(page).locator('.msg.agent', { hasText: 'We will write to you' });
    await reply.waitFor();
    const tk = decodeId('ticket', m.ticketId)!;
    await eventually(async () => (await node.deps.db.rows(sql`select 1 from email_outbox where ticket_id = ${tk}::uuid and kind = 'digest'`)).length === 1, 'digest row');
    const watcher = await agentSocket(1);
    const delivered = next(watcher, 'message:delivery', (e: any) => e.ticketId === m.ticketId && e.delivery.status === 'sent', 10_000);
    const clock = manualClock(new Date(Date.now() + node.deps.config.EMAIL_CONTINUITY_GRACE_MS + 60_000));
    expect((await processOutbox(workerCtx(node, clock), smtpMailer(sink.url), { workspaceId: fx.workspaceId })).sent).toBe(1);
    await delivered;
    await reply.locator('.delivery', { hasText: /Sent/ }).waitFor();
    expect(await reply.locator('.delivery').textContent()).toContain('mailme@example.test');
    // Still the chat bubble with its text, not an email block.
    expect(await reply.locator('.body').textContent()).toBe('We will write to you');
    await page.context().close();
  });

  it('list rows with tags, a status and an assignee keep their preview line whole', async () => {
    const { node, fx, browser } = env;
    const { first } = await seedTickets(node.deps.db, fx, 1, { words: 'A rather long preview of what the customer wrote to us today' });
    const [t] = await node.deps.db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${fx.workspaceId}::uuid and number = ${first}`);
    const { toWire } = await import('../../server/src/db/ids.js');
    const agent = await agentSocket(0);
    const ticketId = toWire('ticket', t!.id);
    for (const tag of ['billing', 'vip', 'refund', 'follow-up']) await ok(agent, 'ticket:addTag', { ticketId, tag });
    await ok(agent, 'ticket:assign', { ticketId, assigneeId: fx.agents[0]!.wire });
    await ok(agent, 'ticket:setPriority', { ticketId, priority: 'urgent' });
    // Read: no unread badge to hold the preview's line open.
    const [cv] = await node.deps.db.rows<{ id: string }>(sql`select id from conversations where ticket_id = ${t!.id}::uuid`);
    await ok(agent, 'read', { conversationId: toWire('conversation', cv!.id), seq: 1 });
    const page = await openInbox(browser, node.url, fx.agents[0]!);
    const r = row(page, first);
    await r.locator('.avatar').waitFor();
    expect(await r.locator('.unread').count()).toBe(0);
    const box = await r.evaluate((el) => {
      const rect = (q: string) => el.querySelector(q)!.getBoundingClientRect();
      const rowRect = el.getBoundingClientRect();
      const p = el.querySelector('.preview') as HTMLElement;
      const inside = (b: DOMRect) => b.top >= rowRect.top - 0.5 && b.bottom <= rowRect.bottom + 0.5 && b.left >= rowRect.left - 0.5 && b.right <= rowRect.right + 0.5;
      return {
        previewInside: inside(rect('.preview')),
        metaInside: inside(rect('.meta')),
        avatarInside: inside(rect('.avatar')),
        previewFullHeight: p.scrollHeight <= p.clientHeight,
        previewWidth: rect('.preview').width / rowRect.width,
        overlap: rect('.preview').bottom > rect('.meta').top + 0.5,
      };
    });
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/inbox-row-tags.png', clip: { x: 0, y: 0, width: 420, height: 300 } });
    expect(box).toMatchObject({ previewInside: true, metaInside: true, avatarInside: true, previewFullHeight: true, overlap: false });
    expect(box.previewWidth).toBeGreaterThan(0.7);
    await page.context().close();
  });

  it('a link to a ticket that does not exist, or of another workspace, says "not found" with a way back', async () => {
    const { node, fx, browser } = env;
    const other = await seedWorkspace(node.deps.db, 1);
    const { s: v } = await visitor(node.url, other.inbox);
    const theirs = await ok(v, 'message:send', { body: 'Not for your eyes', clientMessageId: cmid() });
    for (const path of [`/inbox/t/${theirs.ticketId}`, '/inbox/t/tkt_00000000000000000000000000', '/inbox/t/nonsense']) {
      const page = await openInbox(browser, node.url, fx.agents[0]!, { path });
      const missing = page.locator('ib-conversation .not-found');
      await missing.getByRole('heading', { name: 'Ticket not found' }).waitFor();
      expect(await page.locator('ib-conversation').textContent()).not.toContain('Not for your eyes');
      await missing.getByRole('button', { name: 'Back to the list' }).click();
      await missing.waitFor({ state: 'detached' });
      await expect.poll(() => new URL(page.url()).pathname).toBe('/inbox/');
      await page.context().close();
    }
  });

  it('the list\'s filters live in the URL: a reload keeps them, back and forward restore them', async () => {
    const { node, fx, browser } = env;
    const { first } = await seedTickets(node.deps.db, fx, 3, { words: 'Filter ticket' });
    const page = await openInbox(browser, node.url, fx.agents[0]!);
    await row(page, first).waitFor();
    await page.click('ib-ticket-list [role=tab][data-view=unassigned]');
    await page.selectOption('ib-ticket-list select[aria-label=Status]', '');
    await page.fill('ib-ticket-list input[type=search]', 'filter ticket');
    await expect.poll(() => page.url()).toContain('q=filter+ticket');
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ view: 'unassigned', status: 'any', q: 'filter ticket' });
    await row(page, first + 1).click();
    await page.locator('ib-conversation .num', { hasText: `#${first + 1}` }).waitFor();
    expect(new URL(page.url()).search).toBe(url.search);

    await page.reload();
    await page.locator('ib-conversation .num', { hasText: `#${first + 1}` }).waitFor();
    await expect.poll(() => page.locator('ib-ticket-list [role=option]').count()).toBe(3);
    expect(await page.locator('ib-ticket-list [role=tab][aria-selected=true]').textContent()).toContain('Unassigned');
    expect(await page.inputValue('ib-ticket-list select[aria-label=Status]')).toBe('');
    expect(await page.inputValue('ib-ticket-list input[type=search]')).toBe('filter ticket');

    // Back: the ticket closes; back again: the search is undone (one entry, not one per key); again: the status.
    await page.goBack();
    await page.locator('ib-conversation .num').waitFor({ state: 'detached' });
    expect(await page.inputValue('ib-ticket-list input[type=search]')).toBe('filter ticket');
    await page.goBack();
    await expect.poll(() => page.inputValue('ib-ticket-list input[type=search]')).toBe('');
    expect(await page.inputValue('ib-ticket-list select[aria-label=Status]')).toBe('');
    await page.goBack();
    await expect.poll(() => page.inputValue('ib-ticket-list select[aria-label=Status]')).toBe('open');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ view: 'unassigned' });
    await page.goForward();
    await page.goForward();
    await expect.poll(() => page.inputValue('ib-ticket-list input[type=search]')).toBe('filter ticket');
    expect(await page.inputValue('ib-ticket-list select[aria-label=Status]')).toBe('');
    await expect.poll(() => page.locator('ib-ticket-list [role=option]').count()).toBe(3);
    await page.context().close();
  });

  it('URLs in chat messages are links that open a new tab; other schemes stay text', async () => {
    const { node, fx, browser } = env;
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'See https://shop.example.test/o/1?x=1, mail bob@example.test; javascript:alert(1) <a href="https://evil.test">x</a>', clientMessageId: cmid() });
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${m.ticketId}` });
    await thread(page).getByText('See ').waitFor();
    await page.fill('ib-composer textarea', 'Track it at http://track.example.test/42 (or mailto:help@acme.test)');
    await page.press('ib-composer textarea', 'Enter');
    await thread(page).locator('.msg.agent a').first().waitFor();
    const links = await thread(page).locator('.msg .body a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel')]));
    const rel = 'noopener noreferrer nofollow';
    expect(links).toEqual([
      ['https://shop.example.test/o/1?x=1', 'https://shop.example.test/o/1?x=1', '_blank', rel],
      ['bob@example.test', 'mailto:bob@example.test', '_blank', rel],
      ['https://evil.test', 'https://evil.test/', '_blank', rel],
      ['http://track.example.test/42', 'http://track.example.test/42', '_blank', rel],
      ['mailto:help@acme.test', 'mailto:help@acme.test', '_blank', rel],
    ]);
    // The visitor's markup is still text around the link.
    expect(await thread(page).locator('.msg.contact .body').textContent()).toBe('See https://shop.example.test/o/1?x=1, mail bob@example.test; javascript:alert(1) <a href="https://evil.test">x</a>');
    await page.context().close();
  });

  it('on a 375 px phone: the list, then the ticket full width with a way back; nothing scrolls sideways', async () => {
    const { node, fx, browser } = env;
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'Hello from a phone-sized test with a long unbroken https://example.test/a/very/long/path/that/should/wrap/nicely/in/the/bubble', clientMessageId: cmid() });
    const page = await openInbox(browser, node.url, fx.agents[0]!, { viewport: { width: 375, height: 740 } });
    const wide = () => page.evaluate(() => document.documentElement.scrollWidth);
    const list = page.locator('ib-ticket-list');
    const r = page.locator(`ib-ticket-list [role=option]`, { hasText: 'Hello from a phone' });
    await r.waitFor();
    expect(await wide()).toBeLessThanOrEqual(375);
    expect((await list.boundingBox())!.width).toBe(375);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/inbox-phone-list.png' });
    await r.click();
    const conv = page.locator('ib-conversation');
    await thread(page).getByText('Hello from a phone').waitFor();
    expect(await list.isVisible()).toBe(false);
    expect((await conv.boundingBox())!.width).toBe(375);
    expect(await wide()).toBeLessThanOrEqual(375);
    expect(new URL(page.url()).pathname).toBe(`/inbox/t/${m.ticketId}`);
    await page.screenshot({ path: 'test-results/inbox-phone-ticket.png' });
    // The contact details open over the ticket, and close again.
    await conv.getByRole('button', { name: 'Contact details' }).click();
    await page.locator('ib-contact h2').waitFor();
    expect((await page.locator('ib-contact').boundingBox())!.width).toBe(375);
    await page.screenshot({ path: 'test-results/inbox-phone-contact.png' });
    await page.locator('ib-contact').getByRole('button', { name: 'Close contact details' }).click();
    await page.locator('ib-contact h2').waitFor({ state: 'hidden' });
    await conv.getByRole('button', { name: 'Back to the list' }).click();
    await r.waitFor();
    expect(await conv.isVisible()).toBe(false);
    expect(new URL(page.url()).pathname).toBe('/inbox/');
    // The browser's back button goes to the ticket again, forward to the list.
    await page.goBack();
    await thread(page).getByText('Hello from a phone').waitFor();
    await page.goForward();
    await r.waitFor();
    await page.context().close();
  });
});
