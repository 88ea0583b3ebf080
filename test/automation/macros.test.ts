import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Macro, MacroApplyResult } from '@support/protocol';
import { startNode, twoWorkspaces, type Fixture, type Node } from '../support/harness.js';
import { seedTickets } from '../support/seed-tickets.js';
import { fromWire, toWire } from '../../server/src/db/ids.js';

/**
 * Macros over REST on one Postgres node: who sees and may change which macro (personal, team,
 * workspace; sharing needs settings.workflow), preview changing nothing, apply and bulk apply
 * with each ticket reported on its own, the `macro` activity and usage count, audit, bad input,
 * and another workspace's macros and tickets out of reach.
 */
describe('macros', () => {
  let node: Node;
  let a: Fixture;
  let b: Fixture;
  let ownerA: string;
  let agentA: string;
  let ownerB: string;
  const ticketsA: string[] = [];
  let ticketB: string;

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${node.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };
  async function ticketsOf(fx: Fixture, n: number): Promise<string[]> {
    const { first, last } = await seedTickets(node.deps.db, fx, n);
    const rows = await node.deps.db.rows<{ id: string }>(sql`update tickets set status = 'open' where workspace_id = ${fx.workspaceId}::uuid
      and number between ${first} and ${last} returning id`);
    return rows.map((r) => toWire('ticket', r.id));
  }
  const ticketRow = async (wire: string) =>
    (await node.deps.db.rows<{ status: string; tags: string[] | null }>(sql`select t.status,
      (select array_agg(g.name order by g.name) from ticket_tags tt join tags g on g.id = tt.tag_id where tt.ticket_id = t.id) as tags
      from tickets t where t.id = ${fromWire('ticket', wire)}::uuid`))[0]!;
  const names = (list: Macro[]) => list.map((m) => m.name).sort();
  const actions = [{ type: 'set_status', status: 'pending' }, { type: 'add_tags', tags: ['refund'] }, { type: 'add_note', body: 'Refund asked on #{{ticket.number}}' }];

  beforeAll(async () => {
    node = await startNode('postgres');
    ({ a, b, ownerA, agentA, ownerB } = await twoWorkspaces(node));
    ticketsA.push(...(await ticketsOf(a, 3)));
    ticketB = (await ticketsOf(b, 1))[0]!;
  });
  afterAll(async () => {
    await node.app.close();
  });

  let personal: Macro;
  let team: Macro;
  let shared: Macro;

  it('a member writes personal macros; sharing with a team or the workspace needs settings.workflow', async () => {
    const made = await api('POST', '/macros', agentA, { name: 'My refund', sharing: 'personal', actions });
    expect(made.status).toBe(201);
    personal = made.body;
    expect(personal).toMatchObject({ name: 'My refund', description: '', sharing: 'personal', teamId: null, ownerId: a.agents[1]!.wire, usageCount: 0, actions });
    for (const body of [{ name: 'All refund', sharing: 'workspace', actions }, { name: 'Team refund', sharing: 'team', teamId: a.team, actions }])
      expect((await api('POST', '/macros', agentA, body)).body.error.code).toBe('FORBIDDEN');
    expect((await api('PATCH', `/macros/${personal.id}`, agentA, { sharing: 'workspace' })).body.error.code).toBe('FORBIDDEN');
    team = (await api('POST', '/macros', ownerA, { name: 'Team refund', sharing: 'team', teamId: a.team, actions })).body;
    shared = (await api('POST', '/macros', ownerA, { name: 'Everyone refund', description: 'For all', sharing: 'workspace', actions })).body;
    expect(team).toMatchObject({ sharing: 'team', teamId: a.team, ownerId: a.agents[0]!.wire });
    const ownerOnly = (await api('POST', '/macros', ownerA, { name: 'Owner only', sharing: 'personal', actions })).body as Macro;
    // Each sees their own personal macros, their teams' and the workspace's.
    expect(names((await api('GET', '/macros', agentA)).body)).toEqual(['Everyone refund', 'My refund', 'Team refund']);
    expect(names((await api('GET', '/macros', ownerA)).body)).toEqual(['Everyone refund', 'Owner only', 'Team refund']);
    expect((await api('GET', '/macros', ownerB)).body).toEqual([]);
    expect((await api('PATCH', `/macros/${ownerOnly.id}`, agentA, { name: 'Mine now' })).body.error.code).toBe('NOT_FOUND');
  });

  it('changing or deleting a shared macro needs settings.workflow; the author changes their own; audited', async () => {
    expect((await api('PATCH', `/macros/${team.id}`, agentA, { name: 'Hijacked' })).body.error.code).toBe('FORBIDDEN');
    expect((await api('DELETE', `/macros/${shared.id}`, agentA)).body.error.code).toBe('FORBIDDEN');
    const renamed = await api('PATCH', `/macros/${personal.id}`, agentA, { name: 'My refund v2', expectedUpdatedAt: personal.updatedAt });
    expect(renamed.body).toMatchObject({ name: 'My refund v2' });
    expect((await api('PATCH', `/macros/${personal.id}`, agentA, { name: 'Stale', expectedUpdatedAt: personal.updatedAt })).body.error.code).toBe('STALE');
    personal = renamed.body;
    const moved = await api('PATCH', `/macros/${team.id}`, ownerA, { sharing: 'workspace', teamId: null });
    expect(moved.body).toMatchObject({ sharing: 'workspace', teamId: null });
    team = (await api('PATCH', `/macros/${team.id}`, ownerA, { sharing: 'team', teamId: a.team })).body;
    expect(team).toMatchObject({ sharing: 'team', teamId: a.team });
    const audit = await node.deps.db.rows<{ action: string }>(sql`select action from audit_events where workspace_id = ${a.workspaceId}::uuid and action like 'macro.%' order by created_at, id`);
    expect(audit.map((r) => r.action)).toEqual(['macro.created', 'macro.created', 'macro.created', 'macro.created', 'macro.updated', 'macro.updated', 'macro.updated']);
  });

  it('preview says what would change and changes nothing', async () => {
    const r = await api('POST', `/tickets/${ticketsA[0]}/macros/${personal.id}/preview`, agentA);
    expect(r.status).toBe(200);
    const result = r.body as MacroApplyResult;
    expect(result).toMatchObject({ ticketId: ticketsA[0], ok: true });
    expect(result.actions.map((x) => [x.type, x.ok, x.changed])).toEqual([['set_status', true, true], ['add_tags', true, true], ['add_note', true, true]]);
    expect(await ticketRow(ticketsA[0]!)).toEqual({ status: 'open', tags: null });
  });

  it('apply runs the actions as the member, writes a macro activity and counts the use', async () => {
    const r = await api('POST', `/tickets/${ticketsA[0]}/macros/${team.id}/apply`, agentA);
    expect(r.body).toMatchObject({ ticketId: ticketsA[0], ok: true });
    expect(await ticketRow(ticketsA[0]!)).toEqual({ status: 'pending', tags: ['refund'] });
    const [act] = await node.deps.db.rows<{ actor_type: string; actor_id: string; new_value: { macroId: string; macroName: string; actions: unknown[] } }>(sql`select actor_type, actor_id, new_value
      from ticket_activities where ticket_id = ${fromWire('ticket', ticketsA[0]!)}::uuid and kind = 'macro'`);
    expect(act).toMatchObject({ actor_type: 'agent', actor_id: a.agents[1]!.id, new_value: { macroId: team.id, macroName: 'Team refund', actions: r.body.actions } });
    const [note] = await node.deps.db.rows<{ body: string }>(sql`select body from messages where ticket_id = ${fromWire('ticket', ticketsA[0]!)}::uuid and visibility = 'internal'`);
    expect(note!.body).toMatch(/^Refund asked on #\d+$/);
    const list = (await api('GET', '/macros', agentA)).body as Macro[];
    expect(list.find((m) => m.id === team.id)!.usageCount).toBe(1);
  });

  it('bulk apply reports each ticket on its own: another workspace\'s ticket is NOT_FOUND there', async () => {
    const r = await api('POST', `/macros/${shared.id}/apply`, agentA, { ticketIds: [ticketsA[1], ticketB, ticketsA[2]] });
    expect(r.status).toBe(200);
    const results = r.body as MacroApplyResult[];
    expect(results.map((x) => [x.ticketId, x.ok, x.code ?? null])).toEqual([[ticketsA[1], true, null], [ticketB, false, 'NOT_FOUND'], [ticketsA[2], true, null]]);
    expect(await ticketRow(ticketB!)).toEqual({ status: 'open', tags: null });
    expect(await ticketRow(ticketsA[2]!)).toEqual({ status: 'pending', tags: ['refund'] });
    expect(((await api('GET', '/macros', ownerA)).body as Macro[]).find((m) => m.id === shared.id)!.usageCount).toBe(2);
  });

  it('another workspace reaches neither the macros nor the tickets', async () => {
    expect((await api('POST', `/tickets/${ticketB}/macros/${shared.id}/apply`, ownerB)).body.error.code).toBe('NOT_FOUND');
    expect((await api('POST', `/tickets/${ticketsA[1]}/macros/${shared.id}/preview`, ownerB)).body.error.code).toBe('NOT_FOUND');
    expect((await api('PATCH', `/macros/${shared.id}`, ownerB, { name: 'Mine' })).body.error.code).toBe('NOT_FOUND');
    expect((await api('DELETE', `/macros/${shared.id}`, ownerB)).body.error.code).toBe('NOT_FOUND');
    const own = (await api('POST', '/macros', ownerB, { name: 'B', sharing: 'workspace', actions })).body as Macro;
    expect((await api('POST', `/tickets/${ticketsA[1]}/macros/${own.id}/apply`, ownerB)).body.error.code).toBe('NOT_FOUND');
    expect((await api('POST', '/macros', ownerB, { name: 'B team', sharing: 'team', teamId: a.team, actions })).body.error.code).toBe('NOT_FOUND');
  });

  it('bad input is VALIDATION_FAILED and changes nothing', async () => {
    const bad: unknown[] = [
      {},
      { name: 'x', sharing: 'personal', actions: [] },
      { name: '', sharing: 'personal', actions },
      { name: 'x', sharing: 'team', actions },
      { name: 'x', sharing: 'workspace', teamId: a.team, actions },
      { name: 'x', sharing: 'galaxy', actions },
      { name: 'x', sharing: 'personal', actions: [{ type: 'explode' }] },
      { name: 'x', sharing: 'personal', actions, ownerId: a.agents[0]!.wire },
    ];
    for (const body of bad) expect((await api('POST', '/macros', ownerA, body)).body.error.code, JSON.stringify(body)).toBe('VALIDATION_FAILED');
    expect((await api('PATCH', `/macros/${shared.id}`, ownerA, { sharing: 'team' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await api('POST', `/macros/${shared.id}/apply`, ownerA, { ticketIds: [] })).status).toBe(400);
    expect((await api('POST', `/macros/${shared.id}/apply`, ownerA, { ticketIds: Array.from({ length: 101 }, () => ticketsA[0]) })).status).toBe(400);
    expect((await api('POST', '/macros/mac_nope/apply', ownerA, { ticketIds: [ticketsA[0]] })).status).toBe(400);
    expect((await api('POST', `/tickets/nope/macros/${shared.id}/apply`, ownerA)).status).toBe(400);
    expect((await api('DELETE', `/macros/${shared.id}`, ownerA)).status).toBe(204);
    expect((await api('POST', `/tickets/${ticketsA[1]}/macros/${shared.id}/apply`, ownerA)).body.error.code).toBe('NOT_FOUND');
  });
});
