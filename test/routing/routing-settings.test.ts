import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DEFAULT_ROUTING_POLICY, defaultCalendar, type RoutingPolicy, type RoutingRule } from '@support/protocol';
import { startNode, twoWorkspaces, type Fixture, type Node } from '../support/harness.js';
import { toWire } from '../../server/src/db/ids.js';
import { createTeam } from '../../server/src/workspaces/workspaces.service.js';

/**
 * Routing settings over REST on Postgres: policies per team or inbox, member capacity
 * overrides, rules and their order. Every write is checked for its one durable
 * `routing.changed` event and its audit row; ids of another workspace are not found.
 */
describe('routing settings', () => {
  let node: Node;
  let a: Fixture;
  let b: Fixture;
  let owner: string;
  let agent: string;
  let ownerB: string;

  const api = async (method: string, path: string, body?: unknown, token = owner) => {
    const r = await fetch(`${node.url}/api/settings/routing${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };

  /** The `routing.changed` events of workspace A written since the last call. */
  let seen = 0;
  const newSignals = async () => {
    const rows = await node.deps.db.rows<{ position: number; name: string; payload: { queueIds: string[] | null } }>(sql`select position, name, payload
      from domain_events where workspace_id = ${a.workspaceId}::uuid and name = 'routing.changed' and position > ${seen} order by position`);
    if (rows.length) seen = rows.at(-1)!.position;
    return rows.map((r) => r.payload);
  };
  const audits = async (action: string) =>
    (await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from audit_events where workspace_id = ${a.workspaceId}::uuid and action = ${action}`))[0]!.n;

  beforeAll(async () => {
    node = await startNode('postgres');
    const two = await twoWorkspaces(node);
    ({ a, b, ownerA: owner, agentA: agent, ownerB } = two);
    await newSignals();
  });
  afterAll(async () => {
    await node.app.close();
  });

  it('puts, replaces, lists and turns off team and inbox policies', async () => {
    const cal = await fetch(`${node.url}/api/settings/calendars`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Office', definition: defaultCalendar('UTC') }),
    }).then((r) => r.json() as Promise<{ id: string }>);

    const put = await api('PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, mode: 'round_robin', calendarId: cal.id, target: { teamId: a.team } });
    expect(put.status).toBe(200);
    const team = put.body as RoutingPolicy;
    expect(team).toMatchObject({ teamId: a.team, inboxId: null, mode: 'round_robin', calendarId: cal.id, loadStatuses: ['open'], chatCapacity: 3 });
    expect(team.id).toMatch(/^rtp_/);
    expect(await newSignals()).toEqual([{ queueIds: [a.teamId] }]);
    expect(await audits('routing_policy.created')).toBe(1);

    // A replace keeps the id; the same settings again write nothing.
    const again = await api('PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, mode: 'balanced', loadStatuses: ['pending', 'open'], chatCapacity: 5, calendarId: null, target: { teamId: a.team } });
    expect(again.body).toMatchObject({ id: team.id, mode: 'balanced', loadStatuses: ['open', 'pending'], chatCapacity: 5, calendarId: null });
    expect(await newSignals()).toEqual([{ queueIds: [a.teamId] }]);
    expect(await audits('routing_policy.updated')).toBe(1);
    const same = await api('PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, mode: 'balanced', loadStatuses: ['open', 'pending'], chatCapacity: 5, target: { teamId: a.team } });
    expect(same.body).toEqual(again.body);
    expect(await newSignals()).toEqual([]);

    const inbox = await api('PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, mode: 'manual', target: { inboxId: a.inbox } });
    expect(inbox.body).toMatchObject({ teamId: null, inboxId: a.inbox, mode: 'manual' });
    expect(await newSignals()).toEqual([{ queueIds: [a.inboxId] }]);

    const list = await api('GET', '/policies');
    expect((list.body as RoutingPolicy[]).map((p) => [p.teamId, p.inboxId])).toEqual([[a.team, null], [null, a.inbox]]);
    expect((await api('GET', '/policies', undefined, ownerB)).body).toEqual([]);

    // Another workspace neither sees nor deletes it.
    expect(await api('DELETE', `/policies/${team.id}`, undefined, ownerB)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await api('DELETE', `/policies/${team.id}`)).status).toBe(204);
    expect(await newSignals()).toEqual([{ queueIds: [a.teamId] }]);
    expect(await audits('routing_policy.deleted')).toBe(1);
    expect((await api('DELETE', `/policies/${team.id}`)).status).toBe(404);
    expect((await api('GET', '/policies')).body).toEqual([inbox.body]);
  });

  it('refuses bad policy bodies and the teams, inboxes and calendars of another workspace', async () => {
    const bad = await api('PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, mode: 'fastest', chatCapacity: -1, target: { teamId: a.team } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect((await api('PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, loadStatuses: [], target: { teamId: a.team } })).status).toBe(400);
    expect((await api('PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, target: { teamId: a.team, inboxId: a.inbox } })).status).toBe(400);

    const bCal = await fetch(`${node.url}/api/settings/calendars`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ownerB}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'B hours', definition: defaultCalendar('UTC') }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    for (const body of [
      { ...DEFAULT_ROUTING_POLICY, target: { teamId: b.team } },
      { ...DEFAULT_ROUTING_POLICY, target: { inboxId: b.inbox } },
      { ...DEFAULT_ROUTING_POLICY, calendarId: bCal.id, target: { teamId: a.team } },
    ]) {
      expect(await api('PUT', '/policies', body)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    }
    expect(await newSignals()).toEqual([]);
  });

  it('lists every active member with capacity overrides and sets them', async () => {
    const list = await api('GET', '/capacities');
    expect(list.body).toEqual(a.agents.map((m) => ({ userId: m.wire, name: m.name, email: m.email, chatCapacity: null, emailCapacity: null })));

    const [, second] = a.agents;
    const put = await api('PUT', `/capacities/${second!.wire}`, { chatCapacity: 6, emailCapacity: null });
    expect(put).toMatchObject({ status: 200, body: { userId: second!.wire, name: second!.name, chatCapacity: 6, emailCapacity: null } });
    expect(await newSignals()).toEqual([{ queueIds: null }]);
    expect(await audits('routing_capacity.updated')).toBe(1);
    expect((await api('GET', '/capacities')).body[1]).toMatchObject({ chatCapacity: 6, emailCapacity: null });

    const back = await api('PUT', `/capacities/${second!.wire}`, { chatCapacity: null, emailCapacity: 20 });
    expect(back.body).toMatchObject({ chatCapacity: null, emailCapacity: 20 });
    expect(await newSignals()).toEqual([{ queueIds: null }]);

    expect(await api('PUT', `/capacities/${second!.wire}`, { chatCapacity: 501, emailCapacity: null })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await api('PUT', `/capacities/${second!.wire}`, { chatCapacity: 1 })).toMatchObject({ status: 400 });
    expect(await api('PUT', `/capacities/${b.agents[0]!.wire}`, { chatCapacity: 1, emailCapacity: 1 })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await newSignals()).toEqual([]);
  });

  it('creates, edits, orders and deletes rules', async () => {
    const rule = (name: string, extra: object = {}) => ({
      name,
      enabled: true,
      conditions: { all: [{ field: 'message.body', op: 'contains', value: 'refund' }] },
      actions: { teamId: a.team, priority: 'high', addTags: ['billing'] },
      ...extra,
    });
    const one = await api('POST', '/rules', rule('Refunds'));
    expect(one.status).toBe(201);
    const r1 = one.body as RoutingRule;
    expect(r1).toMatchObject({ name: 'Refunds', position: 1, enabled: true, actions: { teamId: a.team, priority: 'high', addTags: ['billing'] } });
    expect(r1.id).toMatch(/^rtr_/);
    expect(await newSignals()).toEqual([{ queueIds: null }]);
    const r2 = (await api('POST', '/rules', rule('VIP', { actions: { assigneeId: a.agents[1]!.wire } }))).body as RoutingRule;
    const r3 = (await api('POST', '/rules', rule('Spam', { enabled: false, actions: { priority: 'low' } }))).body as RoutingRule;
    expect([r2.position, r3.position]).toEqual([2, 3]);
    await newSignals();

    expect(await api('POST', '/rules', rule('refunds'))).toMatchObject({ status: 409, body: { error: { code: 'NAME_TAKEN' } } });
    expect(await api('POST', '/rules', rule('Nothing', { actions: {} }))).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await api('POST', '/rules', rule('Changed', { conditions: { all: [{ field: 'ticket.status', op: 'changed_to', value: 'open' }] } }))).toMatchObject({
      status: 400, body: { error: { code: 'VALIDATION_FAILED' } },
    });
    expect(await api('POST', '/rules', rule('Other team', { actions: { teamId: b.team } }))).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await api('POST', '/rules', rule('Other agent', { actions: { assigneeId: b.agents[0]!.wire } }))).toMatchObject({ status: 404 });
    expect(await newSignals()).toEqual([]);

    // Partial update; a stale version is refused; the same values write nothing.
    const upd = await api('PATCH', `/rules/${r1.id}`, { enabled: false, expectedUpdatedAt: r1.updatedAt });
    expect(upd).toMatchObject({ status: 200, body: { id: r1.id, name: 'Refunds', enabled: false } });
    expect(await newSignals()).toEqual([{ queueIds: null }]);
    expect(await api('PATCH', `/rules/${r1.id}`, { name: 'Refunds 2', expectedUpdatedAt: r1.updatedAt })).toMatchObject({ status: 409, body: { error: { code: 'STALE' } } });
    expect(await api('PATCH', `/rules/${r1.id}`, { name: 'vip' })).toMatchObject({ status: 409, body: { error: { code: 'NAME_TAKEN' } } });
    expect((await api('PATCH', `/rules/${r1.id}`, { enabled: false })).body).toEqual(upd.body);
    expect(await api('PATCH', `/rules/${r1.id}`, { actions: { teamId: b.team } })).toMatchObject({ status: 404 });
    expect(await api('PATCH', `/rules/${r1.id}`, { enabled: 'yes' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await api('PATCH', `/rules/${r1.id}`, { enabled: true }, ownerB)).toMatchObject({ status: 404 });
    expect(await newSignals()).toEqual([]);

    // Order: exactly the workspace's rules, each once.
    for (const ids of [[r3.id, r1.id], [r3.id, r1.id, r2.id, r2.id], []]) {
      expect(await api('PUT', '/rules/order', { ids })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    }
    const ordered = await api('PUT', '/rules/order', { ids: [r3.id, r1.id, r2.id] });
    expect((ordered.body as RoutingRule[]).map((r) => [r.name, r.position])).toEqual([['Spam', 1], ['Refunds', 2], ['VIP', 3]]);
    expect(await newSignals()).toEqual([{ queueIds: null }]);
    expect(await audits('routing_rule.reordered')).toBe(1);
    expect(((await api('GET', '/rules')).body as RoutingRule[]).map((r) => r.name)).toEqual(['Spam', 'Refunds', 'VIP']);
    expect(await api('PUT', '/rules/order', { ids: [r2.id] }, ownerB)).toMatchObject({ status: 400 });

    expect(await api('DELETE', `/rules/${r3.id}`, undefined, ownerB)).toMatchObject({ status: 404 });
    expect((await api('DELETE', `/rules/${r3.id}`)).status).toBe(204);
    expect(await newSignals()).toEqual([{ queueIds: null }]);
    expect(((await api('GET', '/rules')).body as RoutingRule[]).map((r) => r.name)).toEqual(['Refunds', 'VIP']);
    expect((await api('GET', '/rules', undefined, ownerB)).body).toEqual([]);
    expect(await audits('routing_rule.created')).toBe(3);
    expect(await audits('routing_rule.deleted')).toBe(1);
  });

  it('is for members with settings.workflow only', async () => {
    for (const [method, path, body] of [
      ['GET', '/policies'],
      ['PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, target: { teamId: a.team } }],
      ['GET', '/capacities'],
      ['PUT', `/capacities/${a.agents[1]!.wire}`, { chatCapacity: 1, emailCapacity: 1 }],
      ['GET', '/rules'],
      ['POST', '/rules', { name: 'x', enabled: true, conditions: { all: [] }, actions: { priority: 'low' } }],
      ['PUT', '/rules/order', { ids: [] }],
    ] as const) {
      expect(await api(method, path, body, agent), `${method} ${path}`).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    }
    expect(await newSignals()).toEqual([]);
  });

  it('takes a team made later as the workspace\'s own, and two first saves of its policy at once', async () => {
    const teamId = await createTeam(node.deps.db, { workspaceId: a.workspaceId, name: 'Billing', memberIds: [], inboxIds: [] });
    // Two first saves at once: one makes the policy, the other replaces it (no duplicate, no error).
    const target = { teamId: toWire('team', teamId) };
    const [x, y] = await Promise.all([
      api('PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, mode: 'round_robin', target }),
      api('PUT', '/policies', { ...DEFAULT_ROUTING_POLICY, mode: 'manual', target }),
    ]);
    expect([x.status, y.status]).toEqual([200, 200]);
    expect(x.body.id).toBe(y.body.id);
    expect((await api('GET', '/policies')).body.filter((p: RoutingPolicy) => p.teamId === target.teamId)).toHaveLength(1);
    expect(await newSignals()).toEqual([{ queueIds: [teamId] }, { queueIds: [teamId] }]);
  });
});
