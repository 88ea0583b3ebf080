import { randomBytes } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, closeSockets, connect, ctxOf, disconnected, login, ok, seedWorkspace, startNode, until, type Fixture, type Node } from '../support/harness.js';
import { hashToken } from '../../server/src/lib/tokens.js';
import { revokeAgentSessions } from '../../server/src/agents/agents.service.js';
import { deactivateMember, reactivateMember } from '../../server/src/agents/members.service.js';


/** Tries to reconnect a socket the server closed; resolves with the connect error's code (or 'connected'). */
const reconnect = (s: Socket) =>
  new Promise<string>((resolve) => {
    s.once('connect', () => resolve('connected'));
    s.once('connect_error', (err) => resolve((err as { data?: { code: string } }).data?.code ?? err.message));
    s.connect();
  });

/**
 * Revocation reaches live sockets: a session deleted or a user disabled, by a service or by
 * SQL, closes that agent's sockets on every node at once, and they cannot come back.
 */
describe('agent revocation across nodes', () => {
  let a: Node;
  let b: Node;
  let fx: Fixture;

  beforeAll(async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    a = await startNode('postgres', { prefix });
    b = await startNode('postgres', { prefix });
    fx = await seedWorkspace(a.deps.db, 3);
  });
  afterEach(() => closeSockets());
  afterAll(() => Promise.all([a.app.close(), b.app.close()]));

  /** An agent socket on node B, proven live by a tickets:list. */
  const liveOnB = async (i: number) => {
    const token = await login(a.url, fx.agents[i]!.email, fx.agents[i]!.password);
    const s = await connect(b.url, '/agent', { token });
    await ok(s, 'tickets:list', {});
    return { s, token };
  };

  it('a session row deleted by SQL closes its socket on another node; it cannot reconnect', async () => {
    const { s, token } = await liveOnB(0);
    const other = await liveOnB(0); // another session of the same agent stays
    const gone = disconnected(s);
    await a.deps.db.rows(sql`delete from agent_sessions where token_hash = ${hashToken(token)}`);
    expect(await gone).toBe('io server disconnect');
    expect(await reconnect(s)).toBe('UNAUTHENTICATED');
    expect((await call(other.s, 'tickets:list', {})).ok).toBe(true);
  });

  it('a user disabled by SQL loses every socket, and only theirs', async () => {
    const one = await liveOnB(1);
    const two = await liveOnB(1);
    const bystander = await liveOnB(0);
    const gone = [disconnected(one.s), disconnected(two.s)];
    await a.deps.db.rows(sql`update users set status = 'disabled' where id = ${fx.agents[1]!.id}::uuid`);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(await reconnect(one.s)).toBe('UNAUTHENTICATED');
    expect((await call(bystander.s, 'tickets:list', {})).ok).toBe(true);
    await a.deps.db.rows(sql`update users set status = 'active' where id = ${fx.agents[1]!.id}::uuid`);
  });

  const owner = () => ({ type: 'agent' as const, id: fx.agents[0]!.id });

  it('deactivateMember on node A closes the sockets on node B at once and ends every session; reactivated, a new login works', async () => {
    const { s, token } = await liveOnB(2);
    const gone = disconnected(s);
    expect(await deactivateMember(ctxOf(a), { workspaceId: fx.workspaceId, userId: fx.agents[2]!.id, actor: owner() })).toBe(true);
    expect(await gone).toBe('io server disconnect');
    expect(await reconnect(s)).toBe('UNAUTHENTICATED');
    const r = await fetch(`${a.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: fx.agents[2]!.email, password: fx.agents[2]!.password }) });
    expect((await r.json()).error.code).toBe('INVALID_CREDENTIALS');
    expect(await reactivateMember(ctxOf(a), { workspaceId: fx.workspaceId, userId: fx.agents[2]!.id, actor: owner() })).toBe(true);
    // The old token died with its session; a new login works.
    expect((await fetch(`${b.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    await liveOnB(2);
  });

  it('revokeAgentSessions logs an agent out everywhere', async () => {
    const one = await liveOnB(0);
    const gone = disconnected(one.s);
    expect(await revokeAgentSessions(ctxOf(a), { workspaceId: fx.workspaceId, userId: fx.agents[0]!.id })).toBeGreaterThanOrEqual(1);
    expect(await gone).toBe('io server disconnect');
    expect(await reconnect(one.s)).toBe('UNAUTHENTICATED');
  });

  it('a session whose expiry is moved into the past by SQL is closed', async () => {
    const { s, token } = await liveOnB(1);
    const gone = disconnected(s);
    await a.deps.db.rows(sql`update agent_sessions set expires_at = now() - interval '1 second' where token_hash = ${hashToken(token)}`);
    expect(await gone).toBe('io server disconnect');
    expect(await reconnect(s)).toBe('SESSION_EXPIRED');
  });

  it('a role changed by SQL reaches the live socket without closing it', async () => {
    const { s } = await liveOnB(1);
    await a.deps.db.rows(sql`update memberships set role = 'admin' where user_id = ${fx.agents[1]!.id}::uuid`);
    const roleOnB = () =>
      [...b.app.io.of('/agent').sockets.values()]
        .map((x) => (x.data as { agent: { userId: string; role: string } }).agent)
        .find((me) => me.userId === fx.agents[1]!.id)?.role;
    const role = await until(() => (roleOnB() === 'admin' ? 'admin' : null), 5000, 'the new role on node B');
    expect(role).toBe('admin');
    expect(s.connected).toBe(true);
  });
});

describe('agent revocation (embedded)', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode('embedded');
  });
  afterEach(() => closeSockets());
  afterAll(() => node.app.close());

  it('a session row deleted by SQL closes its socket', async () => {
    const fx = await seedWorkspace(node.deps.db, 1);
    const token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const s = await connect(node.url, '/agent', { token });
    const gone = disconnected(s);
    await node.deps.db.rows(sql`delete from agent_sessions where token_hash = ${hashToken(token)}`);
    expect(await gone).toBe('io server disconnect');
    expect(await reconnect(s)).toBe('UNAUTHENTICATED');
  });
});
