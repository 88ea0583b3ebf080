import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId, defaultSlaTargets, permissionsOfRole } from '@support/protocol';
import { closeSockets, cmid, ctxOf, login, ok, startNode, seedWorkspace, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { runActions } from '../../server/src/actions/actions.service.js';
import { AppendBatcher } from '../../server/src/messages/append-batcher.js';
import { setTicketPriority } from '../../server/src/tickets/tickets.service.js';
import type { ServiceContext } from '../../server/src/lib/context.js';

/**
 * The action catalogue as macros use it (an agent actor): per-action permission checks, tickets
 * the agent cannot see, dry runs that simulate in order, notes as the agent; and apply_sla
 * holding a ticket to a policy its conditions do not select, through later re-plans.
 */
describe('runActions', () => {
  let node: Node;
  let fx: Fixture;
  let ctx: ServiceContext;
  let owner: string;

  const db = () => node.deps.db;
  const chat = async (body: string) => {
    const v = await visitor(node.url, fx.inbox);
    const m = await ok(v.s, 'message:send', { body, clientMessageId: cmid() });
    return decodeId('ticket', m.ticketId)!;
  };
  const agentActor = (perms = permissionsOfRole('agent'), i = 1) => ({ type: 'agent' as const, userId: fx.agents[i]!.id, permissions: perms, macro: { id: 'm', name: 'Macro' } });

  beforeAll(async () => {
    node = await startNode('postgres', { isolated: true });
    fx = await seedWorkspace(node.deps.db, 2);
    owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    ctx = { ...ctxOf(node), writes: new AppendBatcher(node.deps.db, 2, undefined, true) };
  }, 60_000);
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  it('checks each action against the agent: without tickets.assign, assigning is FORBIDDEN and the rest runs', async () => {
    const ticketId = await chat('macro one');
    const perms = permissionsOfRole('agent').filter((p) => p !== 'tickets.assign');
    const out = await runActions(ctx, { workspaceId: fx.workspaceId, ticketId, actor: agentActor(perms), actions: [
      { type: 'set_assignee', assigneeId: fx.agents[1]!.wire },
      { type: 'set_status', status: 'pending' },
      { type: 'add_note', body: 'Parked by {{agent.name}} for {{contact.name | the visitor}}' },
    ] });
    expect(out).toEqual([
      { type: 'set_assignee', ok: false, changed: false, code: 'FORBIDDEN', summary: 'Not allowed: tickets.assign is needed' },
      { type: 'set_status', ok: true, changed: true, summary: 'Status changed from open to pending' },
      { type: 'add_note', ok: true, changed: true, summary: 'Added an internal note: “Parked by Agent 1 for the visitor”' },
    ]);
    const [note] = await db().rows<{ author_type: string; author_id: string }>(sql`select author_type, author_id from messages where ticket_id = ${ticketId}::uuid and visibility = 'internal'`);
    expect(note).toEqual({ author_type: 'agent', author_id: fx.agents[1]!.id });
    const [act] = await db().rows<{ actor_type: string; actor_id: string }>(sql`select actor_type, actor_id from ticket_activities where ticket_id = ${ticketId}::uuid and kind = 'status_changed'`);
    expect(act).toEqual({ actor_type: 'agent', actor_id: fx.agents[1]!.id });
  });

  it('a ticket the agent cannot see is NOT_FOUND for every action, and nothing changes', async () => {
    const ticketId = await chat('macro two');
    const out = await runActions(ctx, { workspaceId: fx.workspaceId, ticketId, actor: agentActor(['tickets.read.mine', 'tickets.write', 'tickets.assign']), actions: [
      { type: 'set_priority', priority: 'urgent' }, { type: 'add_tags', tags: ['x'] },
    ] });
    expect(out.map((o) => [o.ok, o.code])).toEqual([[false, 'NOT_FOUND'], [false, 'NOT_FOUND']]);
    const [t] = await db().rows<{ priority: string }>(sql`select priority from tickets where id = ${ticketId}::uuid`);
    expect(t!.priority).toBe('normal');
  });

  it('a dry run simulates in order and writes nothing', async () => {
    const ticketId = await chat('macro three');
    const before = await db().rows(sql`select count(*)::int as n from ticket_activities where ticket_id = ${ticketId}::uuid`);
    const out = await runActions(ctx, { workspaceId: fx.workspaceId, ticketId, actor: agentActor(), dryRun: true, actions: [
      { type: 'set_status', status: 'pending' }, { type: 'set_status', status: 'pending' },
      { type: 'add_tags', tags: ['vip', 'VIP', 'gold'] }, { type: 'remove_tags', tags: ['gold'] },
      { type: 'set_team', teamId: fx.team }, { type: 'set_assignee', assigneeId: fx.agents[0]!.wire }, { type: 'route' },
      { type: 'send_message', body: 'Hello {{contact.first_name | there}}' }, { type: 'snooze', minutes: 60 },
    ] });
    expect(out.map((o) => o.summary)).toEqual([
      'Status would change from open to pending',
      'Status is already pending',
      'Would add tags vip, gold',
      'Would remove tag gold',
      'Team would change from no team to Support',
      'Would be assigned to Agent 0',
      'Already assigned to Agent 0; routing keeps it',
      'Would send a reply: “Hello there”',
      expect.stringMatching(/^Would snooze until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
    ]);
    expect(await db().rows(sql`select count(*)::int as n from ticket_activities where ticket_id = ${ticketId}::uuid`)).toEqual(before);
  });

  it('apply_sla holds the ticket to a policy its conditions do not select, through a later priority change', async () => {
    const post = (body: unknown) => fetch(`${node.url}/api/settings/sla-policies`, {
      method: 'POST', headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const base = { enabled: true, businessHours: false, calendarId: null, pauseStatuses: [], warnLeadSeconds: 0, reopen: 'restart', targets: defaultSlaTargets() };
    const std = await post({ ...base, name: 'Standard', conditions: { all: [] } });
    expect(std.status, JSON.stringify(std.body)).toBe(201);
    const vip = await post({ ...base, name: 'VIP', conditions: { all: [{ field: 'ticket.tags', op: 'includes_any', value: ['never-set'] }] }, targets: { ...defaultSlaTargets(), normal: { first_response: 600, next_response: 600, resolution: 3600 } } });
    expect(vip.status).toBe(201);
    const ticketId = await chat('sla please');
    const policyOf = async () => (await db().rows<{ policy_id: string }>(sql`select distinct policy_id from sla_clocks where ticket_id = ${ticketId}::uuid and state in ('running', 'paused')`)).map((r) => r.policy_id);
    const stdId = decodeId('slaPolicy', std.body.id)!;
    const vipId = decodeId('slaPolicy', vip.body.id)!;
    await until(async () => (await policyOf()).join() === stdId, 10_000, 'clocks under Standard');
    const dry = await runActions(ctx, { workspaceId: fx.workspaceId, ticketId, actor: agentActor(), dryRun: true, actions: [{ type: 'apply_sla', policyId: vip.body.id }] });
    expect(dry[0]).toMatchObject({ ok: true, changed: true, summary: 'SLA policy would change from Standard to VIP' });
    const out = await runActions(ctx, { workspaceId: fx.workspaceId, ticketId, actor: agentActor(), actions: [{ type: 'apply_sla', policyId: vip.body.id }] });
    expect(out[0]).toMatchObject({ ok: true, changed: true, summary: 'SLA policy changed from Standard to VIP' });
    expect(await policyOf()).toEqual([vipId]);
    const [due] = await db().rows<{ target_seconds: number }>(sql`select target_seconds from sla_clocks where ticket_id = ${ticketId}::uuid and metric = 'resolution' and state = 'running'`);
    expect(due!.target_seconds).toBe(3600);
    // A priority change re-selects the policy: the pin holds.
    await setTicketPriority(ctx, { workspaceId: fx.workspaceId, ticketId, actor: { type: 'agent', id: fx.agents[0]!.id }, priority: 'high' });
    await until(async () => (await db().rows(sql`select 1 from sla_events where ticket_id = ${ticketId}::uuid and kind = 'replanned' and not (data ? 'pinned')`)).length > 0, 10_000, 'the re-plan');
    expect(await policyOf()).toEqual([vipId]);
    const again = await runActions(ctx, { workspaceId: fx.workspaceId, ticketId, actor: agentActor(), actions: [{ type: 'apply_sla', policyId: vip.body.id }] });
    expect(again[0]).toMatchObject({ ok: true, changed: false, summary: 'SLA policy is already VIP' });
    const other = await runActions(ctx, { workspaceId: fx.workspaceId, ticketId, actor: agentActor(), actions: [{ type: 'apply_sla', policyId: 'sla_01890a5dac96774bbcceb302099a8057' }] });
    expect(other[0]).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});
