import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmid, ok, startNode, visitor, type Node } from '../support/harness.js';
import { sql } from 'drizzle-orm';
import { decodeId, encodeId } from '@support/protocol';
import { openInbox, seedThread, thread, useBrowserEnv } from '../support/inbox.js';

/**
 * The inbox's server restarts while visitors keep writing (through another node): once it is
 * back, the open page catches up without a reload: the new ticket in the list, the missed
 * messages in the open thread, each once.
 */
describe('inbox after a server restart', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const env = useBrowserEnv('postgres', { prefix });
  let other: Node;
  beforeAll(async () => {
    other = await startNode('postgres', { prefix });
  });
  afterAll(() => other?.app.close());

  it('catches up the list and the open thread, showing nothing twice', async () => {
    const { fx, browser } = env;
    const { s: v } = await visitor(other.url, fx.inbox);
    const m1 = await ok(v, 'message:send', { body: 'before the restart', clientMessageId: cmid() });
    const page = await openInbox(browser, env.node.url, fx.agents[0]!);
    const r = page.locator('ib-ticket-list .row', { hasText: 'before the restart' });
    await r.click();
    await thread(page).getByText('before the restart').waitFor();

    const port = env.node.port;
    await env.node.app.close();
    await page.locator('ib-app .conn', { hasText: 'reconnecting' }).waitFor();
    // While the page's server is down, the visitor writes on and a new visitor opens a ticket.
    await ok(v, 'message:send', { body: 'while you were away 1', clientMessageId: cmid() });
    await ok(v, 'message:send', { body: 'while you were away 2', clientMessageId: cmid() });
    const { s: v2 } = await visitor(other.url, fx.inbox);
    const fresh = await ok(v2, 'message:send', { body: 'a brand new ticket', clientMessageId: cmid() });
    env.node = await startNode('postgres', { prefix, port });

    await page.locator('ib-app .conn').waitFor({ state: 'detached', timeout: 15_000 });
    await thread(page).getByText('while you were away 2').waitFor({ timeout: 10_000 });
    await page.locator('ib-ticket-list .row', { hasText: 'a brand new ticket' }).waitFor();
    expect(await thread(page).locator('.msg').allTextContents()).toHaveLength(3);
    expect(await thread(page).getByText('before the restart').count()).toBe(1);
    // And live delivery works again on the new connection.
    await ok(v, 'message:send', { body: 'after the restart', clientMessageId: cmid() });
    await thread(page).getByText('after the restart').waitFor();
    expect(await thread(page).locator('.msg').count()).toBe(4);
    expect(fresh.ticketId).not.toBe(m1.ticketId);
    await page.context().close();
  });

  it('a sync hint (events missed while connected) fetches the list and the open thread again', async () => {
    const { fx, browser } = env;
    const { s: v } = await visitor(env.node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'sync me', clientMessageId: cmid() });
    const page = await openInbox(browser, env.node.url, fx.agents[0]!, { path: `/inbox/t/${m.ticketId}` });
    await thread(page).getByText('sync me').waitFor();
    // Messages stored without any live event: the page cannot know until it is told to look.
    const [t] = await env.node.deps.db.rows<{ ct: string }>(sql`select requester_id as ct from tickets where id = ${decodeId('ticket', m.ticketId)}::uuid`);
    await seedThread(env.node.deps.db, fx, m.ticketId, m.conversationId, encodeId('contact', t!.ct), 3);
    expect(await thread(page).locator('.msg').count()).toBe(1);
    env.node.app.io.of('/agent').emit('sync', { reason: 'events-gap', withinMs: 10 });
    await expect.poll(() => thread(page).locator('.msg').count()).toBe(4);
    await thread(page).getByText('Message number 3:').waitFor();
    await page.context().close();
  });

  it('a live message that skips seqs brings the skipped ones: the open thread shows each once, in order; a row not open counts them; a retry counts nothing twice', async () => {
    const { fx, browser } = env;
    const db = env.node.deps.db;
    const requester = async (ticketId: string) => {
      const [t] = await db.rows<{ ct: string }>(sql`select requester_id as ct from tickets where id = ${decodeId('ticket', ticketId)}::uuid`);
      return encodeId('contact', t!.ct);
    };
    const { s: v1 } = await visitor(env.node.url, fx.inbox);
    const { s: v2 } = await visitor(env.node.url, fx.inbox);
    const m1 = await ok(v1, 'message:send', { body: 'open thread first', clientMessageId: cmid() });
    const n1 = await ok(v2, 'message:send', { body: 'other row first', clientMessageId: cmid() });
    const page = await openInbox(browser, env.node.url, fx.agents[0]!, { path: `/inbox/t/${m1.ticketId}` });
    await thread(page).getByText('open thread first').waitFor();
    const other = page.locator(`ib-ticket-list .row[data-ticket="${n1.ticketId}"]`);
    await other.locator('.unread', { hasText: '1' }).waitFor();

    // Messages stored whose events never came (lost between nodes), then a live one after them.
    await seedThread(db, fx, m1.ticketId, m1.conversationId, await requester(m1.ticketId), 3);
    await seedThread(db, fx, n1.ticketId, n1.conversationId, await requester(n1.ticketId), 2);
    const again = { body: 'open thread after the hole', clientMessageId: cmid() };
    await ok(v1, 'message:send', again);
    const n4 = { body: 'other row after the hole', clientMessageId: cmid() };
    await ok(v2, 'message:send', n4);
    const bodies = () => thread(page).locator('.msg').allTextContents();
    await expect.poll(async () => (await bodies()).length).toBe(5);
    const shown = await bodies();
    expect(shown[0]).toContain('open thread first');
    for (let i = 1; i <= 3; i++) expect(shown[i]).toContain(`Message number ${i}:`);
    expect(shown[4]).toContain('open thread after the hole');
    // The other row: its first message, the contact's seeded one and the live one (the seeded agent reply is not unread).
    await other.locator('.unread', { hasText: '3' }).waitFor();

    // The visitors retry (their acks were lost, say): the server announces both again; nothing counts twice.
    const order = await page.locator('ib-ticket-list .row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket')));
    await ok(v2, 'message:send', n4);
    await ok(v1, 'message:send', again);
    const { s: v3 } = await visitor(env.node.url, fx.inbox);
    const marker = await ok(v3, 'message:send', { body: 'a later ticket', clientMessageId: cmid() });
    await page.locator(`ib-ticket-list .row[data-ticket="${marker.ticketId}"]`).waitFor();
    expect(await bodies()).toHaveLength(5);
    expect(await other.locator('.unread').textContent()).toBe('3');
    const after = await page.locator('ib-ticket-list .row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket')));
    expect(after.filter((id) => id !== marker.ticketId)).toEqual(order);
    await page.context().close();
  });
});
