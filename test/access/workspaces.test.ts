import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { fromWire } from '../../server/src/db/ids.js';
import { call, closeSockets, cmid, connect, login, next, ok, record, seedWorkspace, startNode, visitor, type Fixture, type Node } from '../support/harness.js';
import { addMember, createAgent } from '../../server/src/workspaces/workspaces.service.js';

type Session = { token: string; agent: { workspaceId: string; role: string }; permissions: string[]; workspace: { id: string; name: string }; workspaces: { id: string; name: string; role: string }[] };

/**
 * One account in several workspaces: login picks the workspace (the one asked for, the last
 * used, the oldest), switch issues a session for another, `me` lists them, an owner creates a
 * new one; everything stays scoped to the session's workspace.
 */
describe('several workspaces', () => {
  let node: Node;
  let one: Fixture;
  let two: Fixture;
  const user = () => one.agents[0]!; // owner of one, agent in two
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${node.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const loginAs = async (body: Record<string, unknown>) => post('/api/auth/login', { email: user().email, password: user().password, ...body });
  const me = async (token: string) => (await (await fetch(`${node.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as Session;

  beforeAll(async () => {
    node = await startNode('postgres');
    one = await seedWorkspace(node.deps.db, 1);
    two = await seedWorkspace(node.deps.db, 1);
    await addMember(node.deps.db, { workspaceId: two.workspaceId, userId: user().id, role: 'agent' });
    await node.deps.db.rows(sql`insert into team_members (workspace_id, team_id, user_id) values (${two.workspaceId}::uuid, ${two.teamId}::uuid, ${user().id}::uuid)`);
  });
  afterEach(() => closeSockets());
  afterAll(() => node.app.close());

  it('login picks the oldest membership first, then the last used; switch keeps the old session; me lists the workspaces', async () => {
    const first = (await (await loginAs({})).json()) as Session;
    expect(first.workspace.id).toBe(one.ws);
    expect(first.agent).toMatchObject({ workspaceId: one.ws, role: 'owner' });
    expect(first.workspaces.map((w) => [w.id, w.role]).sort()).toEqual([[one.ws, 'owner'], [two.ws, 'agent']].sort());
    const r = await post('/api/auth/switch', { workspaceId: two.ws }, first.token);
    expect(r.status).toBe(200);
    expect(r.headers.get('set-cookie')).toMatch(/^sd_session=/);
    const switched = (await r.json()) as Session;
    expect(switched.token).not.toBe(first.token);
    expect(switched).toMatchObject({ workspace: { id: two.ws }, agent: { workspaceId: two.ws, role: 'agent' } });
    expect(switched.permissions).toContain('tickets.read.team');
    expect(switched.permissions).not.toContain('settings.people');
    expect((await me(first.token)).workspace.id).toBe(one.ws); // the other tab keeps its workspace
    expect((await me(switched.token)).workspace.id).toBe(two.ws);
    // The last used wins next time; the one asked for wins over it.
    expect(((await (await loginAs({})).json()) as Session).workspace.id).toBe(two.ws);
    expect(((await (await loginAs({ workspaceId: one.ws })).json()) as Session).workspace.id).toBe(one.ws);
    expect(((await (await loginAs({})).json()) as Session).workspace.id).toBe(one.ws);
  });

  it('a workspace the user is not an active member of is refused, at login and at switch', async () => {
    const stranger = await seedWorkspace(node.deps.db, 1);
    const r = await loginAs({ workspaceId: stranger.ws });
    expect(r.status).toBe(403);
    expect((await r.json()).error.code).toBe('FORBIDDEN');
    const token = await login(node.url, user().email, user().password);
    expect((await post('/api/auth/switch', { workspaceId: stranger.ws }, token)).status).toBe(403);
    await node.deps.db.rows(sql`update memberships set status = 'deactivated' where workspace_id = ${two.workspaceId}::uuid and user_id = ${user().id}::uuid`);
    expect((await post('/api/auth/switch', { workspaceId: two.ws }, token)).status).toBe(403);
    expect(((await me(token)).workspaces).map((w) => w.id)).toEqual([one.ws]);
    await node.deps.db.rows(sql`update memberships set status = 'active' where workspace_id = ${two.workspaceId}::uuid and user_id = ${user().id}::uuid`);
    // An account whose only membership is deactivated cannot log in at all (same answer as a wrong password).
    await node.deps.db.rows(sql`update memberships set status = 'deactivated' where workspace_id = ${stranger.workspaceId}::uuid`);
    const lone = await post('/api/auth/login', { email: stranger.agents[0]!.email, password: stranger.agents[0]!.password });
    expect((await lone.json()).error.code).toBe('INVALID_CREDENTIALS');
  });

  it("everything is scoped to the session's workspace: lists, events, presence", async () => {
    const inOne = await connect(node.url, '/agent', { token: ((await (await loginAs({ workspaceId: one.ws })).json()) as Session).token });
    const inTwo = await connect(node.url, '/agent', { token: ((await (await loginAs({ workspaceId: two.ws })).json()) as Session).token });
    const heardInOne = record(inOne, 'ticket:new');
    const v2 = await visitor(node.url, two.inbox);
    const twoNew = next(inTwo, 'ticket:new');
    const m2 = await ok(v2.s, 'message:send', { body: 'Only in two', clientMessageId: cmid() });
    await twoNew;
    const v1 = await visitor(node.url, one.inbox);
    const oneNew = next(inOne, 'ticket:new');
    const m1 = await ok(v1.s, 'message:send', { body: 'Only in one', clientMessageId: cmid() });
    await oneNew;
    expect(heardInOne.map((e) => e.ticket.id)).toEqual([m1.ticketId]);
    expect((await ok(inTwo, 'tickets:list', {})).items.map((t: any) => t.id)).toEqual([m2.ticketId]);
    expect(await call(inTwo, 'ticket:get', { ticketId: m1.ticketId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Presence is per membership: away in two leaves one online.
    await ok(inTwo, 'presence:set', { status: 'away' });
    const status = async (s: typeof inOne) => (await ok(s, 'agents:list', {})).find((x: any) => x.id === user().wire).availability;
    expect(await status(inTwo)).toBe('away');
    expect(await status(inOne)).toBe('online');
  });

  it('an owner creates a workspace with a chat inbox and becomes its owner; someone who owns none cannot', async () => {
    const token = await login(node.url, user().email, user().password);
    const r = await post('/api/workspaces', { name: '  Acme  ' }, token);
    expect(r.status).toBe(201);
    const created = (await r.json()) as { workspace: { id: string; name: string }; inbox: { id: string; name: string } };
    expect(created).toMatchObject({ workspace: { name: 'Acme' }, inbox: { name: 'Website chat' } });
    // The new workspace's audit log starts with who made it, and from where.
    const [made] = await node.deps.db.rows<{ actor_id: string; actor_name: string; object_type: string; diff: unknown; ip: string | null }>(
      sql`select actor_id, actor_name, object_type, diff, ip from audit_events where workspace_id = ${fromWire('workspace', created.workspace.id)}::uuid and action = 'workspace.created'`);
    expect(made).toMatchObject({ actor_id: user().id, actor_name: user().name, object_type: 'workspace', diff: { after: { name: 'Acme' } } });
    expect(made!.ip).toBeTruthy();
    const inAcme = (await (await post('/api/auth/switch', { workspaceId: created.workspace.id }, token)).json()) as Session;
    expect(inAcme.agent.role).toBe('owner');
    const s = await connect(node.url, '/agent', { token: inAcme.token });
    expect(await ok(s, 'inboxes:list', {})).toEqual([{ id: created.inbox.id, name: 'Website chat', channel: 'chat' }]);
    const cfg = await fetch(`${node.url}/api/widget/config?inbox=${created.inbox.id}`);
    expect(cfg.status).toBe(200);
    const agentOnly = await createAgent(node.deps.db, { workspaceId: two.workspaceId, email: `plain-${two.workspaceId}@example.test`, name: 'Plain', password: 'pw-plain-agent' });
    expect(agentOnly).toBeTruthy();
    const plain = await login(node.url, `plain-${two.workspaceId}@example.test`, 'pw-plain-agent');
    const refused = await post('/api/workspaces', { name: 'Mine' }, plain);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: 'FORBIDDEN' });
    expect((await post('/api/workspaces', { name: '' }, token)).status).toBe(400);
  });
});
