import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, closeSockets, cmid, connect, login, next, ok, record, seedWorkspace, startNode, until, visitor, type Fixture, type Mode, type Node } from '../support/harness.js';

describe.each<Mode>(['postgres', 'embedded'])('live chat end to end (%s)', (mode) => {
  let node: Node;
  let fx: Fixture;
  let tokens: string[];

  beforeAll(async () => {
    node = await startNode(mode);
    fx = await seedWorkspace(node.deps.db, 2);
    tokens = await Promise.all(fx.agents.map((a) => login(node.url, a.email, a.password)));
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await node.app.close();
  });

  it('a visitor and an agent talk in realtime; notes never reach the visitor', async () => {
    const agent = await connect(node.url, '/agent', { token: tokens[0] });
    const { s: v, session } = await visitor(node.url, fx.inbox);
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.conversation).toBeNull();
    expect(session.inbox).toMatchObject({ id: fx.inbox, name: 'Chat', settings: { color: '#123456' } });
    expect(JSON.stringify(session)).not.toContain('secret');
    const visitorMsgs = record(v, 'message:new');

    const newTicket = next(agent, 'ticket:new');
    const first = await ok(v, 'message:send', { body: 'Hello, my order is late', clientMessageId: cmid() });
    expect(first).toMatchObject({ seq: 1, authorType: 'contact', visibility: 'public', body: 'Hello, my order is late' });
    const { ticket, message } = await newTicket;
    expect(message.id).toBe(first.id);
    expect(ticket).toMatchObject({ status: 'open', priority: 'normal', channel: 'chat', inboxId: fx.inbox, assigneeId: null, tags: [] });
    expect(ticket.number).toBeGreaterThan(0);
    expect(ticket.id).toBe(first.ticketId);

    const agentGot = next(agent, 'message:new', (e) => e.message.seq === 2);
    const reply = await ok(agent, 'message:send', { ticketId: ticket.id, body: 'Sorry! Checking now.', clientMessageId: cmid() });
    expect(reply).toMatchObject({ seq: 2, authorType: 'agent', authorId: fx.agents[0]!.wire, authorName: 'Agent 0', visibility: 'public' });
    await until(() => visitorMsgs.find((m) => m.id === reply.id), 5000, 'reply at visitor');
    const e = await agentGot;
    expect(e.ticket.firstResponseAt).not.toBeNull();

    const note = await ok(agent, 'message:send', { ticketId: ticket.id, body: 'internal: VIP customer', clientMessageId: cmid(), visibility: 'internal' });
    expect(note).toMatchObject({ seq: 3, visibility: 'internal' });
    const after = await ok(v, 'message:send', { body: 'thanks', clientMessageId: cmid() });
    expect(after.seq).toBe(4);
    await until(() => visitorMsgs.find((m) => m.id === after.id), 5000, 'own message echo');
    expect(visitorMsgs.map((m) => m.id)).not.toContain(note.id);
    expect(visitorMsgs.every((m) => m.visibility === 'public')).toBe(true);

    const history = await ok(v, 'history', { afterSeq: 0 });
    expect(history.messages.map((m: any) => m.seq)).toEqual([1, 2, 4]);
    expect(JSON.stringify(history)).not.toContain('VIP');

    const detail = await ok(agent, 'ticket:get', { ticketId: ticket.id });
    expect(detail.messages.map((m: any) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(detail.activities.map((a: any) => a.kind)).toEqual(['created']);
    expect(detail.contact.id).toBe(session.contactId);
  });

  it('a retry with the same clientMessageId stores one message and returns it again', async () => {
    const agent = await connect(node.url, '/agent', { token: tokens[0] });
    const agentMsgs = record(agent, 'message:new');
    const agentTickets = record(agent, 'ticket:new');
    const { s: v } = await visitor(node.url, fx.inbox);
    const id = cmid();
    const [a, b] = await Promise.all([ok(v, 'message:send', { body: 'once', clientMessageId: id }), ok(v, 'message:send', { body: 'once', clientMessageId: id })]);
    expect(a.id).toBe(b.id);
    const c = await ok(v, 'message:send', { body: 'once', clientMessageId: id });
    expect(c.id).toBe(a.id);
    const second = await ok(v, 'message:send', { body: 'twice', clientMessageId: cmid() });
    expect(second.seq).toBeGreaterThan(a.seq);
    const h = await ok(v, 'history', { afterSeq: 0 });
    expect(h.messages.filter((m: any) => m.body === 'once')).toHaveLength(1);
    await until(() => agentMsgs.find((e) => e.message.id === second.id));
    expect(agentTickets.filter((t) => t.ticket.id === a.ticketId)).toHaveLength(1);
    const agentRetry = await ok(agent, 'message:send', { ticketId: a.ticketId, body: 'r', clientMessageId: id });
    expect(agentRetry.id).not.toBe(a.id); // idempotency keys are per author
  });

  it('two tabs of one visitor share one conversation and both see every message', async () => {
    const { s: tab1, session } = await visitor(node.url, fx.inbox);
    const { s: tab2, session: s2 } = await visitor(node.url, fx.inbox, session.token);
    expect(s2.contactId).toBe(session.contactId);
    const seen2 = record(tab2, 'message:new');
    const convs2 = record(tab2, 'conversation:new');
    const [m1, m2] = await Promise.all([
      ok(tab1, 'message:send', { body: 'from tab 1', clientMessageId: cmid() }),
      ok(tab2, 'message:send', { body: 'from tab 2', clientMessageId: cmid() }),
    ]);
    expect(m1.conversationId).toBe(m2.conversationId);
    expect(new Set([m1.seq, m2.seq])).toEqual(new Set([1, 2]));
    await until(() => seen2.length >= 2, 5000, 'both messages on tab 2');
    expect(convs2.length).toBe(1);
    const agent = await connect(node.url, '/agent', { token: tokens[1] });
    const page = await ok(agent, 'tickets:list', { view: 'all', limit: 100 });
    expect(page.items.filter((t: any) => t.requester.id === session.contactId)).toHaveLength(1);
  });

  it('resuming a session restores the conversation, and history after a seq has each message once, in order', async () => {
    const { s: v, session } = await visitor(node.url, fx.inbox);
    for (let i = 1; i <= 5; i++) await ok(v, 'message:send', { body: `m${i}`, clientMessageId: cmid() });
    v.disconnect();
    const { s: v2, session: resumed } = await visitor(node.url, fx.inbox, session.token);
    expect(resumed.contactId).toBe(session.contactId);
    expect(resumed.conversation).toMatchObject({ lastSeq: 5 });
    const h = await ok(v2, 'history', { afterSeq: 2 });
    expect(h.messages.map((m: any) => m.body)).toEqual(['m3', 'm4', 'm5']);
    const page = await ok(v2, 'history', { afterSeq: 0, limit: 2 });
    expect(page).toMatchObject({ hasMore: true });
    expect(page.messages.map((m: any) => m.seq)).toEqual([1, 2]);
  });

  it('assignment, status, priority and tags are recorded and pushed live to other agents', async () => {
    const a = await connect(node.url, '/agent', { token: tokens[0] });
    const b = await connect(node.url, '/agent', { token: tokens[1] });
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'help with billing', clientMessageId: cmid() });
    const updates = record(b, 'ticket:updated');

    let r = await ok(a, 'ticket:assign', { ticketId: m.ticketId, assigneeId: fx.agents[0]!.wire, teamId: fx.team });
    expect(r.ticket).toMatchObject({ assigneeId: fx.agents[0]!.wire, teamId: fx.team });
    expect(r.activities.map((x: any) => x.kind)).toEqual(['assigned', 'team_changed']);
    r = await ok(a, 'ticket:setPriority', { ticketId: m.ticketId, priority: 'urgent' });
    expect(r.activities[0]).toMatchObject({ kind: 'priority_changed', oldValue: 'normal', newValue: 'urgent', actorId: fx.agents[0]!.wire });
    r = await ok(a, 'ticket:addTag', { ticketId: m.ticketId, tag: 'Billing' });
    r = await ok(a, 'ticket:addTag', { ticketId: m.ticketId, tag: 'vip' });
    expect(r.ticket.tags).toEqual(['billing', 'vip']);
    const again = await ok(a, 'ticket:addTag', { ticketId: m.ticketId, tag: 'billing' });
    expect(again.activities).toEqual([]);
    r = await ok(a, 'ticket:removeTag', { ticketId: m.ticketId, tag: 'vip' });
    expect(r.ticket.tags).toEqual(['billing']);
    r = await ok(a, 'ticket:setStatus', { ticketId: m.ticketId, status: 'resolved' });
    expect(r.ticket.status).toBe('resolved');
    expect(r.ticket.resolvedAt).not.toBeNull();
    await until(() => updates.length >= 6, 5000, 'updates at agent B');
    expect(updates.at(-1).ticket.status).toBe('resolved');

    const mine = await ok(a, 'tickets:list', { view: 'mine', status: 'resolved' });
    expect(mine.items.map((t: any) => t.id)).toContain(m.ticketId);
    const unassigned = await ok(a, 'tickets:list', { view: 'unassigned' });
    expect(unassigned.items.map((t: any) => t.id)).not.toContain(m.ticketId);

    // The customer writes again: the resolved ticket reopens, with an activity.
    const reopened = next(b, 'message:new', (e) => e.ticket.id === m.ticketId);
    await ok(v, 'message:send', { body: 'still broken', clientMessageId: cmid() });
    const ev = await reopened;
    expect(ev.ticket.status).toBe('open');
    expect(ev.activities[0]).toMatchObject({ kind: 'status_changed', oldValue: 'resolved', newValue: 'open', actorType: 'contact' });

    // Closed is final: the next visitor message opens a new ticket.
    await ok(a, 'ticket:setStatus', { ticketId: m.ticketId, status: 'closed' });
    const conv = next(v, 'conversation:new');
    const fresh = await ok(v, 'message:send', { body: 'new question', clientMessageId: cmid() });
    expect(fresh.ticketId).not.toBe(m.ticketId);
    expect(fresh.seq).toBe(1);
    expect((await conv).ticketId).toBe(fresh.ticketId);
  });

  it('lists tickets with filters and cursor pagination, newest activity first', async () => {
    const local = await seedWorkspace(node.deps.db, 1);
    const token = await login(node.url, local.agents[0]!.email, local.agents[0]!.password);
    const agent = await connect(node.url, '/agent', { token });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { s } = await visitor(node.url, local.inbox);
      ids.push((await ok(s, 'message:send', { body: `ticket ${i}`, clientMessageId: cmid() })).ticketId);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page: any = await ok(agent, 'tickets:list', { view: 'all', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((t: any) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    await ok(agent, 'ticket:setStatus', { ticketId: ids[0], status: 'pending' });
    const pending = await ok(agent, 'tickets:list', { view: 'all', status: ['pending'] });
    expect(pending.items.map((t: any) => t.id)).toEqual([ids[0]]);
    const byInbox = await ok(agent, 'tickets:list', { view: 'all', inboxId: local.inbox, limit: 100 });
    expect(byInbox.items).toHaveLength(7);
    const newest = await ok(agent, 'tickets:list', { view: 'all', limit: 1 });
    expect(newest.items[0].id).toBe(ids[0]);
  });

  it('typing, read marks and presence reach the other side', async () => {
    const a = await connect(node.url, '/agent', { token: tokens[0] });
    const b = await connect(node.url, '/agent', { token: tokens[1] });
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'typing test', clientMessageId: cmid() });

    const vt = next(a, 'typing', (t) => t.authorType === 'contact' && t.ticketId === m.ticketId);
    await ok(v, 'typing', { on: true });
    expect(await vt).toMatchObject({ on: true, conversationId: m.conversationId });

    const at = next(v, 'typing');
    const bt = next(b, 'typing', (t) => t.authorType === 'agent');
    await ok(a, 'typing', { ticketId: m.ticketId, on: true });
    expect(await at).toMatchObject({ on: true, authorType: 'agent', authorName: 'Agent 0', conversationId: m.conversationId });
    expect(await bt).toMatchObject({ authorId: fx.agents[0]!.wire, visibility: 'public' });

    const vTyping = record(v, 'typing');
    const internalAtB = next(b, 'typing', (t) => t.visibility === 'internal');
    await ok(a, 'typing', { ticketId: m.ticketId, on: true, visibility: 'internal' });
    await internalAtB;
    expect(vTyping).toHaveLength(0);

    const reply = await ok(a, 'message:send', { ticketId: m.ticketId, body: 'hi', clientMessageId: cmid() });
    const readAtAgent = next(b, 'read', (r) => r.side === 'contact');
    await ok(v, 'read', { seq: reply.seq });
    expect(await readAtAgent).toMatchObject({ conversationId: m.conversationId, seq: reply.seq });
    const readAtVisitor = next(v, 'read');
    await ok(a, 'read', { conversationId: m.conversationId, seq: 999 });
    expect(await readAtVisitor).toMatchObject({ side: 'agent', seq: reply.seq });

    const pres = next(b, 'presence', (p) => p.userId === fx.agents[0]!.wire && p.status === 'away');
    expect(await ok(a, 'presence:set', { status: 'away' })).toEqual({ userId: fx.agents[0]!.wire, status: 'away' });
    await pres;
    const list = await ok(b, 'agents:list', {});
    expect(list.find((x: any) => x.id === fx.agents[0]!.wire).availability).toBe('away');
    await ok(a, 'presence:set', { status: 'online' });
    const offline = next(b, 'presence', (p) => p.userId === fx.agents[0]!.wire && p.status === 'offline');
    a.disconnect();
    await offline;
  });

  it('logging out closes the sockets opened with that session, and the token stops working', async () => {
    const t = await login(node.url, fx.agents[1]!.email, fx.agents[1]!.password);
    const s = await connect(node.url, '/agent', { token: t });
    const gone = next(s, 'disconnect');
    const r = await fetch(`${node.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${t}` } });
    expect(r.status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    const me = await fetch(`${node.url}/api/auth/me`, { headers: { authorization: `Bearer ${t}` } });
    expect(me.status).toBe(401);
    const other = await connect(node.url, '/agent', { token: tokens[1] });
    expect(await ok(other, 'agents:list', {})).toHaveLength(2);
  });

  it('agents only see their own workspace', async () => {
    const other = await seedWorkspace(node.deps.db, 1);
    const otherToken = await login(node.url, other.agents[0]!.email, other.agents[0]!.password);
    const outsider = await connect(node.url, '/agent', { token: otherToken });
    const outsiderEvents = record(outsider, 'message:new');
    const outsiderTickets = record(outsider, 'ticket:new');
    const insider = await connect(node.url, '/agent', { token: tokens[0] });
    const { s: v } = await visitor(node.url, fx.inbox);
    const insiderTickets = record(insider, 'ticket:new');
    const insiderMsgs = record(insider, 'message:new');
    const m = await ok(v, 'message:send', { body: 'private to workspace one', clientMessageId: cmid() });
    await until(() => insiderTickets.find((e) => e.ticket.id === m.ticketId));
    const m2 = await ok(insider, 'message:send', { ticketId: m.ticketId, body: 'reply', clientMessageId: cmid() });
    await until(() => insiderMsgs.find((e) => e.message.id === m2.id));

    for (const [event, payload] of [
      ['ticket:get', { ticketId: m.ticketId }],
      ['message:send', { ticketId: m.ticketId, body: 'x', clientMessageId: cmid() }],
      ['ticket:setStatus', { ticketId: m.ticketId, status: 'closed' }],
      ['ticket:assign', { ticketId: m.ticketId, assigneeId: other.agents[0]!.wire }],
      ['ticket:addTag', { ticketId: m.ticketId, tag: 'x' }],
      ['messages:list', { conversationId: m.conversationId }],
      ['typing', { ticketId: m.ticketId, on: true }],
    ] as const) {
      const r = await call(outsider, event, payload);
      expect(r, event).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    const list = await ok(outsider, 'tickets:list', { view: 'all' });
    expect(list.items.map((t: any) => t.id)).not.toContain(m.ticketId);
    // Assigning to an agent of another workspace is refused too.
    const cross = await call(insider, 'ticket:assign', { ticketId: m.ticketId, assigneeId: other.agents[0]!.wire });
    expect(cross).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(outsiderEvents).toHaveLength(0);
    expect(outsiderTickets).toHaveLength(0);
    const detail = await ok(insider, 'ticket:get', { ticketId: m.ticketId });
    expect(detail.ticket.status).toBe('open');
    expect(detail.messages).toHaveLength(2);
  });

  it('a visitor can only read its own conversations', async () => {
    const { s: alice } = await visitor(node.url, fx.inbox);
    const am = await ok(alice, 'message:send', { body: 'alice secret', clientMessageId: cmid() });
    const { s: bob } = await visitor(node.url, fx.inbox);
    const bobEvents = record(bob, 'message:new');
    const r = await call(bob, 'history', { conversationId: am.conversationId, afterSeq: 0 });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await ok(alice, 'message:send', { body: 'alice again', clientMessageId: cmid() });
    const own = await ok(bob, 'history', { afterSeq: 0 });
    expect(own).toEqual({ conversationId: null, messages: [], hasMore: false });
    await new Promise((res) => setTimeout(res, 100));
    expect(bobEvents).toHaveLength(0);
  });
});
