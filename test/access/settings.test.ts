import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { login, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { createAgent, createInbox } from '../../server/src/workspaces/workspaces.service.js';
import { toWire } from '../../server/src/db/ids.js';
import { isUniqueViolation } from '../../server/src/db/errors.js';

/**
 * The People, Teams and Roles routes under /api/settings, and the rules their services keep:
 * owner-only changes, at least one active owner, stale edits refused, unique names.
 */
describe('settings: members, teams, roles', () => {
  let node: Node;
  let fx: Fixture;
  let owner: string;
  let admin: string;
  let adminId: string;
  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${node.url}/api/settings${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };

  beforeAll(async () => {
    node = await startNode('embedded');
    fx = await seedWorkspace(node.deps.db, 2);
    adminId = await createAgent(node.deps.db, { workspaceId: fx.workspaceId, email: `admin-${fx.workspaceId}@example.test`, name: 'Ada Admin', password: 'pw-settings', role: 'admin' });
    owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    admin = await login(node.url, `admin-${fx.workspaceId}@example.test`, 'pw-settings');
  });
  afterAll(() => node.app.close());

  it('lists members with role, status, teams; only an owner makes or unmakes owners; the last active owner stays', async () => {
    const list = await api('GET', '/members', admin);
    expect(list.status).toBe(200);
    expect(list.body.map((m: any) => [m.name, m.role, m.status])).toEqual([['Ada Admin', 'admin', 'active'], ['Agent 0', 'owner', 'active'], ['Agent 1', 'agent', 'active']]);
    expect(list.body[1].teamIds).toEqual([fx.team]);
    const agent1 = fx.agents[1]!.wire;
    expect(await api('PATCH', `/members/${agent1}`, admin, { role: 'owner' })).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN', message: 'only an owner can make someone owner' } } });
    expect(await api('PATCH', `/members/${fx.agents[0]!.wire}`, admin, { role: 'agent' })).toMatchObject({ status: 403 });
    expect(await api('POST', `/members/${fx.agents[0]!.wire}/deactivate`, admin)).toMatchObject({ status: 403 });
    // The only owner cannot step down or be deactivated, even by themself.
    expect(await api('PATCH', `/members/${fx.agents[0]!.wire}`, owner, { role: 'admin' })).toMatchObject({ status: 409, body: { error: { code: 'LAST_OWNER' } } });
    expect(await api('POST', `/members/${fx.agents[0]!.wire}/deactivate`, owner)).toMatchObject({ status: 409, body: { error: { code: 'LAST_OWNER' } } });
    // With a second owner, the first may step down.
    expect(await api('PATCH', `/members/${agent1}`, owner, { role: 'owner' })).toMatchObject({ status: 200, body: { role: 'owner' } });
    expect(await api('PATCH', `/members/${fx.agents[0]!.wire}`, owner, { role: 'admin' })).toMatchObject({ status: 200, body: { role: 'admin' } });
    const back = await login(node.url, fx.agents[1]!.email, fx.agents[1]!.password);
    expect(await api('PATCH', `/members/${fx.agents[0]!.wire}`, back, { role: 'owner' })).toMatchObject({ status: 200 });
    expect(await api('PATCH', `/members/${agent1}`, back, { role: 'agent' })).toMatchObject({ status: 200, body: { role: 'agent' } });
    // Bad input: a field error with its path.
    expect(await api('PATCH', `/members/${agent1}`, owner, { role: 'custom' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'roleId' }] } } });
    expect(await api('PATCH', `/members/${agent1}`, owner, { role: 'custom', roleId: 'role_01m8064rczeartdzzs8eg5d8be' })).toMatchObject({ status: 404 });
    expect(await api('PATCH', '/members/usr_01m8064rczeartdzzs8eg5d8be', owner, { role: 'agent' })).toMatchObject({ status: 404 });
  });

  it('a stale edit is refused with 409 STALE; a fresh one goes through', async () => {
    const agent1 = fx.agents[1]!.wire;
    const before = (await api('GET', '/members', owner)).body.find((m: any) => m.userId === agent1);
    const first = await api('PATCH', `/members/${agent1}`, owner, { role: 'supervisor', expectedUpdatedAt: before.updatedAt });
    expect(first.status).toBe(200);
    expect(await api('PATCH', `/members/${agent1}`, admin, { role: 'agent', expectedUpdatedAt: before.updatedAt })).toMatchObject({ status: 409, body: { error: { code: 'STALE' } } });
    expect(await api('PATCH', `/members/${agent1}`, admin, { role: 'agent', expectedUpdatedAt: first.body.updatedAt })).toMatchObject({ status: 200, body: { role: 'agent' } });
  });

  it('teams: create with members and inboxes, names unique per workspace, update whole lists, delete', async () => {
    const created = await api('POST', '/teams', admin, { name: 'Billing', memberIds: [fx.agents[1]!.wire], inboxIds: [fx.inbox] });
    expect(created).toMatchObject({ status: 201, body: { name: 'Billing', memberIds: [fx.agents[1]!.wire], inboxIds: [fx.inbox] } });
    expect(await api('POST', '/teams', admin, { name: 'billing' })).toMatchObject({ status: 409, body: { error: { code: 'NAME_TAKEN', details: { field: 'name' } } } });
    expect(await api('POST', '/teams', admin, { name: 'Ghosts', memberIds: ['usr_01m8064rczeartdzzs8eg5d8be'] })).toMatchObject({ status: 404 });
    const other = await seedWorkspace(node.deps.db, 1);
    expect(await api('POST', '/teams', admin, { name: 'Theirs', inboxIds: [other.inbox] })).toMatchObject({ status: 404 });
    const id = created.body.id;
    const inbox2 = toWire('inbox', await createInbox(node.deps.db, { workspaceId: fx.workspaceId, name: 'Second', channel: 'chat' }));
    const upd = await api('PATCH', `/teams/${id}`, admin, { name: 'Billing EU', memberIds: [], inboxIds: [inbox2, fx.inbox], expectedUpdatedAt: created.body.updatedAt });
    expect(upd).toMatchObject({ status: 200, body: { name: 'Billing EU', memberIds: [] } });
    expect(upd.body.inboxIds.sort()).toEqual([inbox2, fx.inbox].sort());
    expect(await api('PATCH', `/teams/${id}`, admin, { name: 'x', expectedUpdatedAt: created.body.updatedAt })).toMatchObject({ status: 409, body: { error: { code: 'STALE' } } });
    expect((await api('GET', '/teams', admin)).body.map((t: any) => t.name)).toEqual(['Billing EU', 'Support']);
    expect(await api('DELETE', `/teams/${id}`, admin)).toMatchObject({ status: 204 });
    expect(await api('DELETE', `/teams/${id}`, admin)).toMatchObject({ status: 404 });
  });

  it('roles: built-in and custom listed; a custom role is created, edited, given, and deleted only when nobody holds it', async () => {
    const list = await api('GET', '/roles', admin);
    expect(list.body.builtin.map((r: any) => r.role)).toEqual(['owner', 'admin', 'supervisor', 'agent']);
    expect(await api('POST', '/roles', admin, { name: 'Auditor', permissions: ['audit.read', 'nope'] })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'permissions.1' }] } } });
    const role = await api('POST', '/roles', admin, { name: 'Auditor', permissions: ['reports.read', 'audit.read', 'audit.read'] });
    expect(role).toMatchObject({ status: 201, body: { name: 'Auditor', permissions: ['reports.read', 'audit.read'], memberCount: 0 } });
    expect(await api('POST', '/roles', admin, { name: 'AUDITOR', permissions: [] })).toMatchObject({ status: 409, body: { error: { code: 'NAME_TAKEN' } } });
    const agent1 = fx.agents[1]!.wire;
    expect(await api('PATCH', `/members/${agent1}`, admin, { role: 'custom', roleId: role.body.id })).toMatchObject({ status: 200, body: { role: 'custom', roleId: role.body.id } });
    expect(await api('DELETE', `/roles/${role.body.id}`, admin)).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', details: { memberCount: 1 } } } });
    const edited = await api('PATCH', `/roles/${role.body.id}`, admin, { permissions: ['tickets.read.all'] });
    expect(edited.body).toMatchObject({ permissions: ['tickets.read.all'], memberCount: 1 });
    const me = await (await fetch(`${node.url}/api/auth/me`, { headers: { authorization: `Bearer ${await login(node.url, fx.agents[1]!.email, fx.agents[1]!.password)}` } })).json();
    expect(me.permissions).toEqual(['tickets.read.all', 'tickets.read.team', 'tickets.read.mine']);
    expect(await api('PATCH', `/members/${agent1}`, admin, { role: 'agent' })).toMatchObject({ status: 200 });
    expect(await api('DELETE', `/roles/${role.body.id}`, admin)).toMatchObject({ status: 204 });
  });

  it('deactivate and reactivate answer the member; inbox names are unique per workspace (case-insensitive)', async () => {
    const agent1 = fx.agents[1]!.wire;
    expect(await api('POST', `/members/${agent1}/deactivate`, admin)).toMatchObject({ status: 200, body: { status: 'deactivated', availability: 'offline' } });
    expect(await api('POST', `/members/${agent1}/deactivate`, admin)).toMatchObject({ status: 200, body: { status: 'deactivated' } });
    expect(await api('POST', `/members/${agent1}/reactivate`, admin)).toMatchObject({ status: 200, body: { status: 'active' } });
    await expect(createInbox(node.deps.db, { workspaceId: fx.workspaceId, name: 'CHAT', channel: 'chat' })).rejects.toMatchObject({ code: 'INBOX_NAME_TAKEN' });
    // The index holds even for SQL that skips the service.
    await expect(node.deps.db.rows(sql`insert into inboxes (id, workspace_id, name, channel, secret)
      values (gen_random_uuid(), ${fx.workspaceId}::uuid, 'chat', 'chat', 's')`)).rejects.toSatisfy(isUniqueViolation);
  });
});
