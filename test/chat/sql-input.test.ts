import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, closeSockets, cmid, connect, login, ok, seedWorkspace, startNode, visitor, type Fixture, type Mode, type Node } from '../support/harness.js';
import { identityHash } from '../../server/src/widget/widget.identity.js';

const INT32_OVER = 2 ** 31;
const cursorOf = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

/**
 * Input that passes a loose schema but that Postgres refuses (an int column past 2^31, NUL in
 * text, a lone surrogate in jsonb, a date outside its range) and bodies or URLs that cannot be
 * decoded get a 4xx or an error ack with a code, never INTERNAL, on both engines.
 */
describe.each(['postgres', 'embedded'] as Mode[])('input that only SQL would refuse (%s)', (mode) => {
  let node: Node;
  let fx: Fixture;
  let token: string;

  beforeAll(async () => {
    node = await startNode(mode);
    fx = await seedWorkspace(node.deps.db, 1);
    token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
  });
  afterEach(() => closeSockets());
  afterAll(() => node.app.close());

  it('/widget: seq past int32, NUL in identify and attributes, lone surrogates in attributes', async () => {
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'hello', clientMessageId: cmid() });
    const [inbox] = await node.deps.db.rows<{ secret: string }>(sql`select secret from inboxes where id = ${fx.inboxId}::uuid`);
    const nulId = 'user\u00001';
    const cases: [string, unknown][] = [
      ['read', { seq: INT32_OVER }],
      ['history', { afterSeq: INT32_OVER }],
      ['history', { afterSeq: Number.MAX_SAFE_INTEGER }],
      ['identify', { name: 'Ann\u0000' }],
      ['identify', { id: nulId, hash: identityHash(inbox!.secret, nulId) }],
      ['attributes:set', { attributes: { 'plan\u0000': 'pro' } }],
      ['attributes:set', { attributes: { plan: 'pro\u0000' } }],
      ['attributes:set', { attributes: { plan: 'pro\ud800' } }],
      ['attributes:set', { attributes: { ['\udc00']: 1 } }],
    ];
    for (const [event, payload] of cases) {
      const r = await call(v, event, payload);
      expect(r, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    // Nothing was changed, and the socket still works.
    expect(await ok(v, 'history', { afterSeq: 0 })).toMatchObject({ messages: [{ id: m.id }] });
    expect(await ok(v, 'attributes:set', { attributes: { plan: 'pro 🙂' } })).toBeNull();
  });

  it('/agent: seq past int32, NUL in search text, forged cursors with out-of-range dates', async () => {
    const agent = await connect(node.url, '/agent', { token });
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'hello', clientMessageId: cmid() });
    const cases: [string, unknown][] = [
      ['read', { conversationId: m.conversationId, seq: INT32_OVER }],
      ['messages:list', { conversationId: m.conversationId, afterSeq: INT32_OVER }],
      ['messages:list', { conversationId: m.conversationId, beforeSeq: INT32_OVER }],
      ['tickets:list', { q: 'abc\u0000' }],
      ['tickets:list', { cursor: cursorOf('+275760-09-13T00:00:00.000Z', m.ticketId) }],
      ['tickets:list', { cursor: cursorOf('-271821-04-20T00:00:00.000Z', m.ticketId) }],
      ['tickets:list', { cursor: cursorOf('-000001-01-01T00:00:00.000Z', m.ticketId) }],
      ['tickets:list', { cursor: cursorOf('10000-01-01', m.ticketId) }],
    ];
    for (const [event, payload] of cases) {
      const r = await call(agent, event, payload);
      expect(r, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect((await ok(agent, 'tickets:list', { q: 'hello' })).items.length).toBeGreaterThanOrEqual(0);
    expect((await ok(agent, 'tickets:list', { cursor: cursorOf('2024-01-01T00:00:00.000Z', m.ticketId) })).items).toBeInstanceOf(Array);
  });

  it('REST: a body whose gzip or br encoding does not decode, and malformed percent-encoding in an attachment id', async () => {
    const body = JSON.stringify({ email: 'nobody@example.com', password: 'x' });
    for (const [encoding, bytes] of [
      ['gzip', Buffer.from('definitely not gzip')],
      ['gzip', gzipSync(body).subarray(0, 20)],
      ['br', Buffer.from('not brotli either, no')],
      ['deflate', Buffer.from([1, 2, 3, 4, 5])],
    ] as const) {
      const r = await fetch(`${node.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: bytes });
      expect(r.status, encoding).toBe(400);
      expect((await r.json()).error.code).toBe('INVALID_BODY');
    }
    // A body that does decode still works.
    const good = await fetch(`${node.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(body) });
    expect(good.status).toBe(401);

    for (const path of ['/api/attachments/%E0%A4%A', '/api/attachments/att_%', '/api/attachments/%C0%AF']) {
      const r = await fetch(`${node.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status, path).toBe(400);
      expect((await r.json()).error.code, path).toBe('VALIDATION_FAILED');
    }
  });
});
