import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { encodeId } from '@support/protocol';
import { call, closeSockets, cmid, connect, holdConversation, login, ok, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';

/**
 * Every class of bad input gets an error ack or a 4xx with a code; the connection and the
 * process stay up; nothing partial is written.
 */
describe('bad input', () => {
  let node: Node;
  let fx: Fixture;
  let token: string;
  const counts = async () => {
    const [r] = await node.deps.db.rows<{ t: number; m: number; a: number }>(sql`select
      (select count(*)::int from tickets where workspace_id = ${fx.workspaceId}::uuid) as t,
      (select count(*)::int from messages where workspace_id = ${fx.workspaceId}::uuid) as m,
      (select count(*)::int from ticket_activities where workspace_id = ${fx.workspaceId}::uuid) as a`);
    return r!;
  };

  beforeAll(async () => {
    node = await startNode('postgres');
    fx = await seedWorkspace(node.deps.db, 1);
    token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
  });
  afterEach(() => closeSockets());
  afterAll(() => node.app.close());

  it('widget: wrong types, unknown fields, oversized and non-JSON payloads get VALIDATION_FAILED and write nothing', async () => {
    const { s: v } = await visitor(node.url, fx.inbox);
    const before = await counts();
    const huge = 'x'.repeat(1024 * 1024);
    const bad: unknown[] = [
      undefined,
      null,
      'just a string',
      42,
      [1, 2],
      Buffer.from('binary'),
      {},
      { body: 5, clientMessageId: cmid() },
      { body: 'hi' },
      { body: 'hi', clientMessageId: cmid(), extra: true },
      { body: '   ', clientMessageId: cmid() },
      { body: huge, clientMessageId: cmid() },
      { body: 'hi', clientMessageId: 'x'.repeat(65) },
      { body: 'hi', clientMessageId: 'has spaces and <script>' },
      { body: { $gt: '' }, clientMessageId: cmid() },
      { body: 'nul \u0000 byte', clientMessageId: cmid() },
    ];
    for (const payload of bad) {
      const r = await call(v, 'message:send', payload);
      expect(r, JSON.stringify(payload)?.slice(0, 60)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(typeof r.ok === 'boolean' && !r.ok && r.error.message.length).toBeGreaterThan(0);
    }
    for (const [event, payload] of [
      ['history', { afterSeq: -1 }],
      ['history', { afterSeq: 'a' }],
      ['history', { limit: 100000 }],
      ['history', { conversationId: 'cnv_nope' }],
      ['read', { seq: 1.5 }],
      ['typing', { on: 'yes' }],
      ['session:start', { inboxId: 'tkt_01m805yzx5e6xbjx3hdv95knx0' }],
      ['session:start', { inboxId: fx.inbox, token: 'short' }],
    ] as const) {
      const r = await call(v, event, payload);
      expect(r, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(await counts()).toEqual(before);
    // The same socket still works.
    const m = await ok(v, 'message:send', { body: 'still alive', clientMessageId: cmid() });
    expect(m.seq).toBe(1);
  });

  it('widget: unknown ids, other inboxes, forged and expired tokens, events before a session', async () => {
    const s = await connect(node.url, '/widget');
    expect(await call(s, 'message:send', { body: 'hi', clientMessageId: cmid() })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await call(s, 'history', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const unknownInbox = encodeId('inbox', '01900000-0000-7000-8000-000000000000');
    expect(await call(s, 'session:start', { inboxId: unknownInbox })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const forged = 'A'.repeat(43);
    expect(await call(s, 'session:start', { inboxId: fx.inbox, token: forged })).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } });

    // A real token is bound to its inbox: presenting it to another inbox (another workspace) fails.
    const other = await seedWorkspace(node.deps.db, 0 + 1);
    const { session } = await visitor(node.url, fx.inbox);
    expect(await call(s, 'session:start', { inboxId: other.inbox, token: session.token })).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } });

    await node.deps.db.rows(sql`update visitor_sessions set expires_at = now() - interval '1 second'
      where contact_id = (select id from contacts where id = ${session.contactId.startsWith('ct_') ? (await import('@support/protocol')).decodeId('contact', session.contactId)! : ''}::uuid)`);
    expect(await call(s, 'session:start', { inboxId: fx.inbox, token: session.token })).toMatchObject({ ok: false, error: { code: 'SESSION_EXPIRED' } });
    // A message event with no ack callback and garbage is ignored without hurting the socket.
    s.emit('message:send', 'garbage');
    s.emit('no-such-event', { x: 1 });
    const fresh = await ok(s, 'session:start', { inboxId: fx.inbox });
    expect(fresh.token).not.toBe(session.token);
  });

  it('agent: missing, forged and expired auth is refused at connect with a code', async () => {
    const attempt = (auth?: Record<string, unknown>, headers?: Record<string, string>) =>
      new Promise<{ message: string; data?: { code: string } }>((resolve, reject) => {
        const s = io(`${node.url}/agent`, { transports: ['websocket'], auth, extraHeaders: headers, reconnection: false, forceNew: true });
        s.on('connect', () => {
          s.disconnect();
          reject(new Error('connected without valid auth'));
        });
        s.on('connect_error', (err) => {
          s.disconnect();
          resolve(err as never);
        });
      });
    expect((await attempt()).data).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await attempt({ token: 'A'.repeat(43) })).data).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await attempt({ token: 12345 })).data).toMatchObject({ code: 'UNAUTHENTICATED' });
    // The session cookie is not accepted from a foreign origin (cross-site WebSocket hijacking).
    expect((await attempt(undefined, { cookie: `sd_session=${token}`, origin: 'https://evil.example' })).data).toMatchObject({ code: 'UNAUTHENTICATED' });
    const own = await connect(node.url, '/agent', { token });
    expect(own.connected).toBe(true);
    const extra = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    await node.deps.db.rows(sql`update agent_sessions set expires_at = now() - interval '1 second'
      where token_hash = ${(await import('../../server/src/lib/tokens.js')).hashToken(extra)}`);
    expect((await attempt({ token: extra })).data).toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('agent: bad payloads, unknown ids and ids of the wrong kind get error acks and write nothing', async () => {
    const agent = await connect(node.url, '/agent', { token });
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'hello', clientMessageId: cmid() });
    const before = await counts();
    const missing = encodeId('ticket', '01900000-0000-7000-8000-000000000000');
    const cases: [string, unknown, string][] = [
      ['message:send', { ticketId: m.ticketId, body: 'x'.repeat(10_001), clientMessageId: cmid() }, 'VALIDATION_FAILED'],
      ['message:send', { ticketId: m.ticketId, body: 'x', clientMessageId: cmid(), visibility: 'secret' }, 'VALIDATION_FAILED'],
      ['message:send', { ticketId: m.conversationId, body: 'x', clientMessageId: cmid() }, 'VALIDATION_FAILED'],
      ['message:send', { ticketId: missing, body: 'x', clientMessageId: cmid() }, 'NOT_FOUND'],
      ['ticket:setStatus', { ticketId: m.ticketId, status: 'deleted' }, 'VALIDATION_FAILED'],
      ['ticket:setStatus', { ticketId: missing, status: 'closed' }, 'NOT_FOUND'],
      ['ticket:setPriority', { ticketId: m.ticketId, priority: 'asap' }, 'VALIDATION_FAILED'],
      ['ticket:assign', { ticketId: m.ticketId }, 'VALIDATION_FAILED'],
      ['ticket:assign', { ticketId: m.ticketId, assigneeId: null, force: 'yes' }, 'VALIDATION_FAILED'],
      ['ticket:assign', { ticketId: m.ticketId, assigneeId: encodeId('user', '01900000-0000-7000-8000-000000000000') }, 'NOT_FOUND'],
      ['ticket:assign', { ticketId: m.ticketId, teamId: encodeId('team', '01900000-0000-7000-8000-000000000000') }, 'NOT_FOUND'],
      ['ticket:addTag', { ticketId: m.ticketId, tag: '<img src=x onerror=alert(1)>' }, 'VALIDATION_FAILED'],
      ['ticket:addTag', { ticketId: m.ticketId, tag: 'x'.repeat(51) }, 'VALIDATION_FAILED'],
      ['tickets:list', { view: 'everything' }, 'VALIDATION_FAILED'],
      ['tickets:list', { cursor: 'not-a-cursor' }, 'VALIDATION_FAILED'],
      ['tickets:list', { limit: 0 }, 'VALIDATION_FAILED'],
      ['ticket:get', { ticketId: "tkt_' or 1=1 --" }, 'VALIDATION_FAILED'],
      ['messages:list', { conversationId: encodeId('conversation', '01900000-0000-7000-8000-000000000000') }, 'NOT_FOUND'],
      ['presence:set', { status: 'invisible' }, 'VALIDATION_FAILED'],
      ['agents:list', { x: 1 }, 'VALIDATION_FAILED'],
    ];
    for (const [event, payload, code] of cases) {
      const r = await call(agent, event, payload);
      expect(r, `${event} ${JSON.stringify(payload).slice(0, 80)}`).toMatchObject({ ok: false, error: { code } });
    }
    expect(await counts()).toEqual(before);
    const detail = await ok(agent, 'ticket:get', { ticketId: m.ticketId });
    expect(detail.ticket).toMatchObject({ status: 'open', priority: 'normal', assigneeId: null, tags: [] });
  });

  it('a flood of events is rate limited with RATE_LIMITED, and the socket recovers', async () => {
    const { s: v } = await visitor(node.url, fx.inbox);
    const results = await Promise.all(Array.from({ length: 60 }, () => call(v, 'typing', { on: true })));
    const limited = results.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await call(v, 'typing', { on: false })).toEqual({ ok: true, data: null });
  });

  it('REST: malformed JSON, oversized bodies, wrong fields and unknown routes get 4xx with a code', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${node.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': type }, body });
    let r = await post('{"email":');
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: { code: 'INVALID_JSON', message: expect.any(String) } });
    r = await post(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1024 * 1024) }));
    expect(r.status).toBe(413);
    expect((await r.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    r = await post(JSON.stringify({ email: 'not-an-email', password: 'x' }));
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'email' }] });
    r = await post(JSON.stringify({ email: 'a@b.c', password: 'x', admin: true }));
    expect((await r.json()).error.code).toBe('VALIDATION_FAILED');
    r = await post('email=a@b.c&password=x', 'application/x-www-form-urlencoded');
    expect(r.status).toBe(400);
    r = await post(JSON.stringify({ email: fx.agents[0]!.email, password: 'wrong' }));
    expect(r.status).toBe(401);
    expect((await r.json()).error.code).toBe('INVALID_CREDENTIALS');
    r = await fetch(`${node.url}/api/nope`);
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe('NOT_FOUND');
    r = await fetch(`${node.url}/api/auth/me`);
    expect(r.status).toBe(401);
    r = await fetch(`${node.url}/api/auth/me`, { headers: { authorization: 'Bearer forged' } });
    expect(r.status).toBe(401);
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
  });

  it('REST: repeated failed logins for one account are refused with 429, even with the right password', async () => {
    const other = await seedWorkspace(node.deps.db, 1);
    const attempt = (password: string) =>
      fetch(`${node.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: other.agents[0]!.email, password }) });
    for (let i = 0; i < 10; i++) expect((await attempt(`guess-${i}`)).status).toBe(401);
    const r = await attempt(other.agents[0]!.password);
    expect(r.status).toBe(429);
    expect((await r.json()).error.code).toBe('RATE_LIMITED');
  });
});

describe('session flood', () => {
  it('one address cannot mint unlimited anonymous sessions; resuming with a token still works', async () => {
    const node = await startNode('postgres', { config: { WIDGET_NEW_SESSIONS_PER_MINUTE: 3 } });
    try {
      const fx = await seedWorkspace(node.deps.db, 1);
      const first = await visitor(node.url, fx.inbox);
      await visitor(node.url, fx.inbox);
      await visitor(node.url, fx.inbox);
      const s = await connect(node.url, '/widget');
      expect(await call(s, 'session:start', { inboxId: fx.inbox })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect(await ok(s, 'session:start', { inboxId: fx.inbox, token: first.session.token })).toMatchObject({ contactId: first.session.contactId });
      const [n] = await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from contacts where workspace_id = ${fx.workspaceId}::uuid`);
      expect(n!.n).toBe(3);
    } finally {
      closeSockets();
      await node.app.close();
    }
  });
});

describe('backpressure', () => {
  it('past MAX_INFLIGHT the node answers UNAVAILABLE at once instead of queueing, and recovers', async () => {
    const node = await startNode('postgres', { config: { MAX_INFLIGHT: 2 } });
    try {
      const fx = await seedWorkspace(node.deps.db, 1);
      const { s: v } = await visitor(node.url, fx.inbox);
      const first = await ok(v, 'message:send', { body: 'first', clientMessageId: cmid() });
      const lock = await holdConversation(first.conversationId);
      const held = [call(v, 'message:send', { body: 'a', clientMessageId: cmid() }), call(v, 'message:send', { body: 'b', clientMessageId: cmid() })];
      await until(() => node.app.lifecycle.busy >= 2, 2000, 'two writes in flight');
      expect(await call(v, 'message:send', { body: 'c', clientMessageId: cmid() })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      await lock.release();
      for (const r of await Promise.all(held)) expect(r.ok).toBe(true);
      expect((await ok(v, 'message:send', { body: 'd', clientMessageId: cmid() })).seq).toBe(4);
    } finally {
      closeSockets();
      await node.app.close();
    }
  });
});
