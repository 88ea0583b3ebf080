import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeId } from '@support/protocol';
import { inboxSecret } from '../support/widget-host.js';
import { call, closeSockets, cmid, connect, login, next, ok, record, seedWorkspace, startNode, until, visitor, type Fixture, type Mode, type Node } from '../support/harness.js';

/** The server side of the widget: config route, static files, identify, attributes, session end, pushes. */
describe.each<Mode>(['postgres', 'embedded'])('widget server surface (%s)', (mode) => {
  let node: Node;
  let fx: Fixture;
  let secret: string;
  let agentToken: string;

  beforeAll(async () => {
    node = await startNode(mode);
    fx = await seedWorkspace(node.deps.db, 1);
    secret = await inboxSecret(node.deps.db, fx.inboxId);
    agentToken = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await node.app.close();
  });

  const hmac = (id: string, key = secret) => createHmac('sha256', key).update(id).digest('hex');
  const contactRow = async (wire: string) => {
    const [c] = await node.deps.db.rows<{ name: string | null; email: string | null; external_ref: string | null; attributes: Record<string, unknown> }>(
      sql`select name, email, external_ref, attributes from contacts where id = ${decodeId('contact', wire)}::uuid`,
    );
    return c;
  };

  it('serves the widget config with defaults, open CORS and a short cache; never the secret', async () => {
    const r = await fetch(`${node.url}/api/widget/config?inbox=${fx.inbox}`, { headers: { origin: 'https://shop.example' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    expect(r.headers.get('cache-control')).toBe('public, max-age=30');
    const body = await r.json();
    expect(body).toEqual({
      inboxId: fx.inbox,
      name: 'Chat',
      agentsOnline: false,
      hours: null,
      attachmentMaxBytes: 10 * 1024 * 1024,
      logoUrl: null,
      language: 'en',
      settings: {
        teamName: 'Chat',
        color: '#123456',
        greeting: 'Hi! How can we help?',
        replyTime: 'a few minutes',
        position: 'right',
        colorScheme: 'auto',
        preChat: { name: 'off', email: 'off' },
        awayMessage: expect.any(String),
        awayOutsideHours: false,
      },
    });
    expect(JSON.stringify(body)).not.toContain(secret);
  });

  it('falls back to defaults for bad stored settings, and answers 400/404 for bad or unknown inboxes', async () => {
    const other = await seedWorkspace(node.deps.db, 1);
    await node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify({ color: 'red;}', position: 'top', colorScheme: 'purple', preChat: { name: 'maybe', email: 'required' } })}::jsonb
      where id = ${other.inboxId}::uuid`);
    const c = await (await fetch(`${node.url}/api/widget/config?inbox=${other.inbox}`)).json();
    expect(c.settings).toMatchObject({ color: '#4f46e5', position: 'right', colorScheme: 'auto', preChat: { name: 'off', email: 'required' } });
    const bad = await fetch(`${node.url}/api/widget/config?inbox=nope`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('VALIDATION_FAILED');
    const unknown = await fetch(`${node.url}/api/widget/config?inbox=${fx.inbox.slice(0, -4)}zzzz`);
    expect(unknown.status).toBe(404);
  });

  it('session:start sends visitors the same widget settings as the config route, never the inbox\'s other keys', async () => {
    const other = await seedWorkspace(node.deps.db, 1);
    const stored = { color: '#00aa55', teamName: 'Acme care', colorScheme: 'dark', routingNotes: 'escalate VIPs to Dana', webhookKey: 'whk_private_1234' };
    await node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify(stored)}::jsonb where id = ${other.inboxId}::uuid`);
    const config = await (await fetch(`${node.url}/api/widget/config?inbox=${other.inbox}`)).json();
    const { session } = await visitor(node.url, other.inbox);
    expect(session.inbox.settings).toEqual(config.settings);
    expect(session.inbox.settings).toMatchObject({ color: '#00aa55', teamName: 'Acme care', colorScheme: 'dark', preChat: { name: 'off', email: 'off' } });
    const wire = JSON.stringify(session);
    expect(wire).not.toContain('routingNotes');
    expect(wire).not.toContain('whk_private_1234');
    expect(wire).not.toContain('Dana');
  });

  it('serves widget.js with a short cache and the hashed chunk with a long one, both readable cross-origin', async () => {
    const loader = await fetch(`${node.url}/widget.js`);
    expect(loader.status).toBe(200);
    expect(loader.headers.get('content-type')).toMatch(/javascript/);
    expect(loader.headers.get('cache-control')).toBe('public, max-age=300');
    expect(loader.headers.get('access-control-allow-origin')).toBe('*');
    const text = await loader.text();
    const chunk = /widget\/panel-[0-9a-f]{10}\.js/.exec(text)?.[0];
    expect(chunk).toBeDefined();
    const lazy = await fetch(`${node.url}/${chunk}`);
    expect(lazy.status).toBe(200);
    expect(lazy.headers.get('content-type')).toMatch(/javascript/);
    expect(lazy.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(lazy.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetch(`${node.url}/widget/missing.js`)).status).toBe(404);
  });

  it('a verified identify binds the session to that user (adopting an anonymous contact first), across sessions', async () => {
    const { s: a, session: sa } = await visitor(node.url, fx.inbox);
    const first = await ok(a, 'message:send', { body: 'before login', clientMessageId: cmid() });
    const id = await ok(a, 'identify', { id: 'u-1', hash: hmac('u-1'), name: 'Ada', email: 'ada@example.test' });
    expect(id).toMatchObject({ contactId: sa.contactId, verified: true, name: 'Ada', email: 'ada@example.test' });
    expect(id.conversation.id).toBe(first.conversationId);
    expect(await contactRow(sa.contactId)).toMatchObject({ external_ref: 'u-1', name: 'Ada' });

    const { s: b, session: sb } = await visitor(node.url, fx.inbox);
    expect(sb.contactId).not.toBe(sa.contactId);
    const idB = await ok(b, 'identify', { id: 'u-1', hash: hmac('u-1').toUpperCase() });
    expect(idB).toMatchObject({ contactId: sa.contactId, verified: true, name: 'Ada' });
    const h = await ok(b, 'history', {});
    expect(h.messages.map((m: { body: string }) => m.body)).toEqual(['before login']);
    const live = record(b, 'message:new');
    await ok(a, 'message:send', { body: 'from tab a', clientMessageId: cmid() });
    await until(() => live.find((m) => m.body === 'from tab a'));
    // The token of B now resumes as the user, on a new socket too.
    const again = await connect(node.url, '/widget');
    expect((await ok(again, 'session:start', { inboxId: fx.inbox, token: sb.token })).contactId).toBe(sa.contactId);
  });

  it('two anonymous visitors identifying as the same new user at once end on one contact', async () => {
    const [a, b] = await Promise.all([visitor(node.url, fx.inbox), visitor(node.url, fx.inbox)]);
    const ids = await Promise.all([a, b].map(({ s }) => ok(s, 'identify', { id: 'u-race', hash: hmac('u-race') })));
    expect(ids[0].contactId).toBe(ids[1].contactId);
    const [row] = await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from contacts where workspace_id = ${fx.workspaceId}::uuid and external_ref = 'u-race'`);
    expect(row!.n).toBe(1);
  });

  it('a forged hash is FORBIDDEN and an unverified identify only names the visitor', async () => {
    const { s: owner } = await visitor(node.url, fx.inbox);
    await ok(owner, 'identify', { id: 'u-2', hash: hmac('u-2'), name: 'Owner' });
    await ok(owner, 'message:send', { body: 'private', clientMessageId: cmid() });

    const { s, session } = await visitor(node.url, fx.inbox);
    expect(await call(s, 'identify', { id: 'u-2', hash: hmac('u-2', 'guess') })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call(s, 'identify', { id: 'u-2', hash: hmac('u-3') })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const un = await ok(s, 'identify', { id: 'u-2', name: 'Mallory', email: 'm@example.test' });
    expect(un).toMatchObject({ contactId: session.contactId, verified: false, name: 'Mallory', conversation: null });
    expect((await ok(s, 'history', {})).messages).toEqual([]);
    expect(await contactRow(session.contactId)).toMatchObject({ external_ref: null, name: 'Mallory', email: 'm@example.test' });
  });

  it('required pre-chat fields are enforced on the server before the first ticket, not only by the widget', async () => {
    const other = await seedWorkspace(node.deps.db, 1);
    await node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify({ preChat: { name: 'required', email: 'required' } })}::jsonb
      where id = ${other.inboxId}::uuid`);
    const tickets = async () => (await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from tickets where inbox_id = ${other.inboxId}::uuid`))[0]!.n;
    const { s, session } = await visitor(node.url, other.inbox);
    const first = cmid();
    expect(await call(s, 'message:send', { body: 'skipping the form', clientMessageId: first })).toMatchObject({
      ok: false,
      error: { code: 'PRECHAT_REQUIRED', details: { missing: ['name', 'email'] } },
    });
    await ok(s, 'identify', { name: 'Ada' });
    expect(await call(s, 'message:send', { body: 'still no email', clientMessageId: first })).toMatchObject({
      ok: false,
      error: { code: 'PRECHAT_REQUIRED', details: { missing: ['email'] } },
    });
    expect(await tickets()).toBe(0);
    expect(await node.deps.db.rows(sql`select id from messages where author_id = ${decodeId('contact', session.contactId)}::uuid`)).toEqual([]);

    await ok(s, 'identify', { email: 'ada@example.test' });
    const m = await ok(s, 'message:send', { body: 'now with details', clientMessageId: first });
    expect(m.body).toBe('now with details');
    expect(await tickets()).toBe(1);

    // A contact with a ticket in the inbox is not asked again, even after it was closed.
    await node.deps.db.rows(sql`update tickets set status = 'closed' where inbox_id = ${other.inboxId}::uuid`);
    await node.deps.db.rows(sql`update contacts set email = null where id = ${decodeId('contact', session.contactId)}::uuid`);
    await ok(s, 'message:send', { body: 'a new ticket', clientMessageId: cmid() });
    expect(await tickets()).toBe(2);

    // Optional fields and the default inbox ask for nothing.
    const { s: plain } = await visitor(node.url, fx.inbox);
    await ok(plain, 'message:send', { body: 'no form here', clientMessageId: cmid() });
  });

  it('an identify in another workspace never reaches this one', async () => {
    const other = await seedWorkspace(node.deps.db, 1);
    const otherSecret = await inboxSecret(node.deps.db, other.inboxId);
    const { s: mine } = await visitor(node.url, fx.inbox);
    const here = await ok(mine, 'identify', { id: 'shared-id', hash: hmac('shared-id') });
    const { s: theirs } = await visitor(node.url, other.inbox);
    const there = await ok(theirs, 'identify', { id: 'shared-id', hash: hmac('shared-id', otherSecret) });
    expect(there.contactId).not.toBe(here.contactId);
    expect(await call(theirs, 'identify', { id: 'shared-id', hash: hmac('shared-id') })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('rejects malformed identify and attributes payloads', async () => {
    const { s } = await visitor(node.url, fx.inbox);
    for (const bad of [{ hash: hmac('x') }, { id: 'x', hash: 'zz' }, { email: 'not-an-email' }, { name: '' }, { id: 'x', extra: 1 }])
      expect(await call(s, 'identify', bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    for (const bad of [{ attributes: many }, { attributes: { k: { nested: true } } }, { attributes: { k: 'x'.repeat(1001) } }, {}])
      expect(await call(s, 'attributes:set', bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const fresh = await connect(node.url, '/widget');
    expect(await call(fresh, 'identify', { name: 'x' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('merges attributes (null removes one) and session:end revokes the token', async () => {
    const { s, session } = await visitor(node.url, fx.inbox);
    await ok(s, 'attributes:set', { attributes: { plan: 'pro', seats: 3, trial: false } });
    await ok(s, 'attributes:set', { attributes: { seats: 5, trial: null } });
    expect((await contactRow(session.contactId))!.attributes).toEqual({ plan: 'pro', seats: 5 });
    await ok(s, 'session:end', {});
    expect(await call(s, 'history', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const again = await connect(node.url, '/widget');
    expect(await call(again, 'session:start', { inboxId: fx.inbox, token: session.token })).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } });
  });

  it('pushes availability when agents come and go, and ticket status changes to the visitor', async () => {
    const { s } = await visitor(node.url, fx.inbox);
    const availability = record(s, 'availability');
    const agent = await connect(node.url, '/agent', { token: agentToken });
    await until(() => availability.find((e) => e.agentsOnline === true), 5000, 'online push');
    const first = await ok(s, 'message:send', { body: 'please close this', clientMessageId: cmid() });
    const closed = next(s, 'ticket:status', (e) => e.status === 'closed');
    await ok(agent, 'ticket:setStatus', { ticketId: first.ticketId, status: 'closed' });
    expect(await closed).toEqual({ ticketId: first.ticketId, status: 'closed' });
    const opened = next(s, 'conversation:new');
    const second = await ok(s, 'message:send', { body: 'one more thing', clientMessageId: cmid() });
    expect((await opened).id).toBe(second.conversationId);
    expect(second.conversationId).not.toBe(first.conversationId);
    await ok(agent, 'presence:set', { status: 'away' });
    await until(() => availability.at(-1)?.agentsOnline === false, 5000, 'away push');
  });
});
