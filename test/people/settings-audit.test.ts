import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { login, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import type { Db } from '../../server/src/db/client.js';

type Row = { actor_type: string; actor_id: string | null; action: string; object_type: string; object_id: string | null; diff: any; user_agent: string | null; request_id: string | null };
const eventsOf = (db: Db, workspaceId: string, prefix: string) =>
  db.rows<Row>(sql`select actor_type, actor_id, action, object_type, object_id, diff, user_agent, request_id from audit_events
    where workspace_id = ${workspaceId}::uuid and action like ${`${prefix}.%`} order by created_at, id`);

/** Member, team and role changes through the settings routes are audited in their transaction, with who, from where and what changed. */
describe('settings changes are audited', () => {
  let node: Node;
  let fx: Fixture;
  let owner: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${node.url}/api/settings${path}`, {
      method,
      headers: { authorization: `Bearer ${owner}`, 'user-agent': 'PeopleAudit/1.0', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, requestId: r.headers.get('x-request-id'), body: r.status === 204 ? null : await r.json() };
  };

  beforeAll(async () => {
    node = await startNode('embedded');
    fx = await seedWorkspace(node.deps.db, 2);
    owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
  });
  afterAll(() => node.app.close());

  it('member.updated keeps the role and team diff; a change to nothing records nothing', async () => {
    const agent = fx.agents[1]!.wire;
    const r = await api('PATCH', `/members/${agent}`, { role: 'supervisor', teamIds: [] });
    expect(r.status).toBe(200);
    expect(await api('PATCH', `/members/${agent}`, { role: 'supervisor', teamIds: [] })).toMatchObject({ status: 200 });
    const events = await eventsOf(node.deps.db, fx.workspaceId, 'member');
    expect(events).toEqual([
      {
        actor_type: 'user', actor_id: fx.agents[0]!.id, action: 'member.updated', object_type: 'user', object_id: fx.agents[1]!.id,
        diff: { before: { role: 'agent', teamIds: [fx.team] }, after: { role: 'supervisor', teamIds: [] } },
        user_agent: 'PeopleAudit/1.0', request_id: r.requestId,
      },
    ]);
  });

  it('team.created, team.updated (what changed) and team.deleted (what it was)', async () => {
    const created = await api('POST', '/teams', { name: 'Billing', memberIds: [fx.agents[1]!.wire], inboxIds: [] });
    const id = created.body.id;
    await api('PATCH', `/teams/${id}`, { name: 'Billing EU', inboxIds: [fx.inbox] });
    await api('PATCH', `/teams/${id}`, { name: 'Billing EU' });
    expect(await api('DELETE', `/teams/${id}`)).toMatchObject({ status: 204 });
    const events = await eventsOf(node.deps.db, fx.workspaceId, 'team');
    expect(events.map((e) => [e.action, e.diff])).toEqual([
      ['team.created', { after: { name: 'Billing', memberIds: [fx.agents[1]!.wire], inboxIds: [] } }],
      ['team.updated', { before: { name: 'Billing', inboxIds: [] }, after: { name: 'Billing EU', inboxIds: [fx.inbox] } }],
      ['team.deleted', { before: { name: 'Billing EU', memberIds: [fx.agents[1]!.wire], inboxIds: [fx.inbox] } }],
    ]);
    expect(new Set(events.map((e) => e.object_type))).toEqual(new Set(['team']));
  });

  it('role.created, role.updated and role.deleted', async () => {
    const created = await api('POST', '/roles', { name: 'Auditor', permissions: ['audit.read'] });
    const id = created.body.id;
    await api('PATCH', `/roles/${id}`, { permissions: ['audit.read', 'reports.read'] });
    await api('PATCH', `/roles/${id}`, { name: 'Auditor' });
    await api('DELETE', `/roles/${id}`);
    const events = await eventsOf(node.deps.db, fx.workspaceId, 'role');
    expect(events.map((e) => [e.action, e.diff])).toEqual([
      ['role.created', { after: { name: 'Auditor', permissions: ['audit.read'] } }],
      ['role.updated', { before: { permissions: ['audit.read'] }, after: { permissions: ['reports.read', 'audit.read'] } }],
      ['role.deleted', { before: { name: 'Auditor', permissions: ['reports.read', 'audit.read'] } }],
    ]);
  });

  it('a refused change records nothing (the audit row is in the transaction of the change)', async () => {
    await api('POST', '/teams', { name: 'Twice' });
    expect(await api('POST', '/teams', { name: 'twice' })).toMatchObject({ status: 409 });
    const events = await eventsOf(node.deps.db, fx.workspaceId, 'team');
    expect(events.filter((e) => e.action === 'team.created' && e.diff.after.name.toLowerCase() === 'twice')).toHaveLength(1);
  });
});
