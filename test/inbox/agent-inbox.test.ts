import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, closeSockets, cmid, connect, login, next, ok, record, seedWorkspace, startNode, until, visitor, type Fixture, type Mode, type Node } from '../support/harness.js';
import { seedTickets } from '../support/inbox.js';
import { containsPattern } from '../../server/src/tickets/tickets.queries.js';

/** The `/agent` events the inbox added: search, unread counts, sidebar, teams, inboxes, viewing. */
describe.each<Mode>(['postgres', 'embedded'])('inbox additions on /agent (%s)', (mode) => {
  let node: Node;
  let fx: Fixture;
  let other: Fixture;
  let tokens: string[];
  beforeAll(async () => {
    node = await startNode(mode);
    fx = await seedWorkspace(node.deps.db, 2);
    other = await seedWorkspace(node.deps.db, 1);
    tokens = await Promise.all(fx.agents.map((a) => login(node.url, a.email, a.password)));
  });
  afterEach(() => closeSockets());
  afterAll(() => node.app.close());

  it('serves the built inbox at /inbox: the app for deep links, hashed assets cached, missing ones 404', async () => {
    const html = await fetch(`${node.url}/inbox/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await html.text();
    expect(page).toContain('<ib-app>');
    const deep = await fetch(`${node.url}/inbox/t/tkt_01m8064rczeartdzzs8eg5d8be`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(page);
    const asset = /src="(\/inbox\/assets\/[^"]+\.js)"/.exec(page)![1]!;
    const js = await fetch(`${node.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-type')).toContain('javascript');
    const gone = await fetch(`${node.url}/inbox/assets/index-old.js`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toContain('text/plain');
  });

  it('list rows carry the unread count, which the agent read marker clears', async () => {
    const agent = await connect(node.url, '/agent', { token: tokens[0] });
    const { s: v } = await visitor(node.url, fx.inbox);
    const m1 = await ok(v, 'message:send', { body: 'unread one', clientMessageId: cmid() });
    await ok(v, 'message:send', { body: 'unread two', clientMessageId: cmid() });
    await ok(agent, 'message:send', { ticketId: m1.ticketId, body: 'agent replies do not count', clientMessageId: cmid() });
    await ok(agent, 'message:send', { ticketId: m1.ticketId, body: 'nor notes', clientMessageId: cmid(), visibility: 'internal' });
    const rowOf = async () => (await ok(agent, 'tickets:list', { q: 'unread one' })).items.find((t: any) => t.id === m1.ticketId);
    expect(await rowOf()).toMatchObject({ unreadCount: 2, conversationId: m1.conversationId, lastMessagePreview: 'agent replies do not count' });
    await ok(agent, 'read', { conversationId: m1.conversationId, seq: m1.seq });
    expect((await rowOf()).unreadCount).toBe(1);
    await ok(agent, 'read', { conversationId: m1.conversationId, seq: 100 });
    expect((await rowOf()).unreadCount).toBe(0);
  });

  it('tickets:list q matches subject, contact name and email, and ticket number; LIKE wildcards are literal', async () => {
    const agent = await connect(node.url, '/agent', { token: tokens[0] });
    const { first, last } = await seedTickets(node.deps.db, fx, 30, { words: 'Zebra_50% refund' });
    const q = async (text: string, extra: Record<string, unknown> = {}) => (await ok(agent, 'tickets:list', { q: text, limit: 100, ...extra })).items.map((t: any) => t.number);
    expect((await q('zebra_50%')).length).toBe(30);
    expect(await q('ZEBRA_50% REFUND (7)')).toEqual([first + 6]);
    expect(await q('zebra%50')).toEqual([]); // % is not a wildcard
    expect(await q('zebra_5_')).toEqual([]); // nor is _
    expect(await q('customer12@example.test')).toEqual([first + 11]);
    expect(await q('Customer 29')).toEqual([first + 28]);
    expect(await q(`#${last}`)).toEqual([last]);
    expect(await q(String(last))).toEqual([last]);
    // Combined with the other filters and the keyset cursor.
    expect((await q('zebra', { status: 'pending' })).length).toBe(3);
    const p1 = await ok(agent, 'tickets:list', { q: 'zebra', limit: 20 });
    const p2 = await ok(agent, 'tickets:list', { q: 'zebra', limit: 20, cursor: p1.nextCursor });
    expect(p2.nextCursor).toBeNull();
    expect(new Set([...p1.items, ...p2.items].map((t: any) => t.id)).size).toBe(30);
    // Another workspace's agent finds none of them.
    const stranger = await connect(node.url, '/agent', { token: await login(node.url, other.agents[0]!.email, other.agents[0]!.password) });
    expect((await ok(stranger, 'tickets:list', { q: 'zebra' })).items).toEqual([]);
    expect(await call(agent, 'tickets:list', { q: 'x'.repeat(201) })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(agent, 'tickets:list', { q: 5 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('tickets:list q gives the same rows, newest first and page by page, for rare, common, short and absent terms', async () => {
    const agent = await connect(node.url, '/agent', { token: tokens[0] });
    const a = await seedTickets(node.deps.db, fx, 300, { words: 'Quokka parcel' });
    const b = await seedTickets(node.deps.db, fx, 20, { words: 'Plain words' });
    // Contact-only hits among newer tickets, and a ticket that matches by subject and by contact.
    const rename = (n: number, name: string) => node.deps.db.rows(sql`update contacts set name = ${name}
      where id = (select requester_id from tickets where workspace_id = ${fx.workspaceId}::uuid and number = ${n}::int)`);
    await rename(b.first + 4, 'Quokka Fan');
    await rename(b.first + 9, 'Numbat Smith');
    await rename(a.first + 99, 'Quokka Twice');
    await node.deps.db.rows(sql`vacuum analyze tickets, contacts`);
    // What the list must give: every matching ticket of the workspace, newest activity first.
    const expected = async (q: string) => {
      const p = containsPattern(q);
      const num = /^\d+$/.test(q) ? Number(q) : -1;
      const rows = await node.deps.db.rows<{ number: number }>(sql`select t.number from tickets t join contacts ct on ct.id = t.requester_id
        where t.workspace_id = ${fx.workspaceId}::uuid and (t.subject ilike ${p} or ct.name ilike ${p} or ct.email ilike ${p} or t.number = ${num}::int)
        order by t.updated_at desc, t.id desc`);
      return rows.map((r) => r.number);
    };
    const listed = async (q: string) => {
      const out: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await ok(agent, 'tickets:list', { q, limit: 50, ...(cursor ? { cursor } : {}) });
        out.push(...page.items.map((t: any) => t.number));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    };
    const cases: [string, number][] = [['quokka parcel (137)', 1], ['numbat', 1], ['quokka', 301], ['ok', -1], ['13', -1], ['zz', 0], ['wombat', 0]];
    for (const [q, count] of cases) {
      const want = await expected(q);
      if (count >= 0) expect(want, q).toHaveLength(count);
      expect(await listed(q), q).toEqual(want);
    }
  });

  it('contact:get gives the contact, its attributes and its tickets, in this workspace only', async () => {
    const agent = await connect(node.url, '/agent', { token: tokens[0] });
    const { s: v, session } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'sidebar please', clientMessageId: cmid() });
    await node.deps.db.rows(sql`update contacts set attributes = '{"plan":"pro","<b>x</b>":"<script>"}'::jsonb
      where id = (select requester_id from tickets where workspace_id = ${fx.workspaceId}::uuid and subject = 'sidebar please')`);
    const d = await ok(agent, 'contact:get', { contactId: session.contactId });
    expect(d.contact).toMatchObject({ id: session.contactId, attributes: { plan: 'pro', '<b>x</b>': '<script>' } });
    expect(d.tickets.map((t: any) => t.id)).toEqual([m.ticketId]);
    const stranger = await connect(node.url, '/agent', { token: await login(node.url, other.agents[0]!.email, other.agents[0]!.password) });
    expect(await call(stranger, 'contact:get', { contactId: session.contactId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(agent, 'contact:get', { contactId: m.ticketId })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(agent, 'contact:get', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('teams:list and inboxes:list list this workspace only, without secrets', async () => {
    const agent = await connect(node.url, '/agent', { token: tokens[0] });
    expect(await ok(agent, 'teams:list', {})).toEqual([{ id: fx.team, name: 'Support', memberIds: fx.agents.map((a) => a.wire).sort() }]);
    const inboxes = await ok(agent, 'inboxes:list');
    expect(inboxes).toEqual([{ id: fx.inbox, name: 'Chat', channel: 'chat' }]);
    expect(await call(agent, 'teams:list', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('ticket:view tells the other agents who views a ticket, and acks who already does', async () => {
    const a = await connect(node.url, '/agent', { token: tokens[0] });
    const b = await connect(node.url, '/agent', { token: tokens[1] });
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'who is here', clientMessageId: cmid() });
    const m2 = await ok((await visitor(node.url, fx.inbox)).s, 'message:send', { body: 'another', clientMessageId: cmid() });
    const seenByB = record(b, 'viewing');
    const seenByA = record(a, 'viewing');
    expect(await ok(a, 'ticket:view', { ticketId: m.ticketId })).toEqual({ viewers: [] });
    await until(() => seenByB.find((e) => e.on && e.ticketId === m.ticketId && e.userId === fx.agents[0]!.wire));
    expect(await ok(b, 'ticket:view', { ticketId: m.ticketId })).toEqual({ viewers: [fx.agents[0]!.wire] });
    await until(() => seenByA.find((e) => e.on && e.userId === fx.agents[1]!.wire));
    // Switching tickets ends the first view; a disconnect ends the second.
    const off = next(b, 'viewing', (e) => !e.on && e.ticketId === m.ticketId);
    await ok(a, 'ticket:view', { ticketId: m2.ticketId });
    await off;
    const gone = next(b, 'viewing', (e) => !e.on && e.ticketId === m2.ticketId);
    a.disconnect();
    await gone;
    expect(await ok(b, 'ticket:view', { ticketId: null })).toEqual({ viewers: [] });
    // Unknown or foreign tickets are refused.
    const stranger = await connect(node.url, '/agent', { token: await login(node.url, other.agents[0]!.email, other.agents[0]!.password) });
    const strangerSaw = record(stranger, 'viewing');
    expect(await call(stranger, 'ticket:view', { ticketId: m.ticketId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(b, 'ticket:view', { ticketId: 'tkt_nope' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    await ok(b, 'ticket:view', { ticketId: m.ticketId });
    await ok(stranger, 'teams:list', {}); // a round trip after b's announcement
    expect(strangerSaw).toEqual([]);
  });
});
