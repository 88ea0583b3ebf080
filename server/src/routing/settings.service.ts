import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import type { RoutingCapacity, RoutingMode, RoutingPolicy, RoutingPolicyFields } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { newId, toWire, toWireOrNull } from '../db/ids.js';
import { notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit } from '../audit/audit.service.js';
import { changedBy, type ChangedBy } from '../agents/teams.service.js';
import { routingChanged } from './signals.js';

/**
 * Routing settings of a workspace: the policy of each team or inbox, and each member's capacity
 * overrides (rules: settings.rules.ts). Every write is one transaction that also records its
 * audit event and the durable `routing.changed` (signals.ts), so queues drain under the new
 * settings; the routing consumer polls the event log, so no bus event is published.
 */

type PolicyRow = {
  id: string;
  team_id: string | null;
  inbox_id: string | null;
  mode: RoutingMode;
  load_statuses: ('open' | 'pending')[];
  chat_capacity: number;
  email_capacity: number;
  away_grace_seconds: number;
  reopen_window_seconds: number;
  calendar_id: string | null;
  updated_at: Date;
};

const POLICY_COLUMNS = sql.raw(`id, team_id, inbox_id, mode, load_statuses, chat_capacity, email_capacity, away_grace_seconds,
  reopen_window_seconds, calendar_id, updated_at`);

/** The settings of a policy row with uuids (what the audit diff keeps). */
const fieldsOf = (r: PolicyRow) => ({
  mode: r.mode,
  loadStatuses: [...r.load_statuses],
  chatCapacity: r.chat_capacity,
  emailCapacity: r.email_capacity,
  awayGraceSeconds: r.away_grace_seconds,
  reopenWindowSeconds: r.reopen_window_seconds,
  calendarId: r.calendar_id,
});

const policyDto = (r: PolicyRow): RoutingPolicy => ({
  id: toWire('routingPolicy', r.id),
  teamId: toWireOrNull('team', r.team_id),
  inboxId: toWireOrNull('inbox', r.inbox_id),
  ...fieldsOf(r),
  calendarId: toWireOrNull('calendar', r.calendar_id),
  updatedAt: iso(r.updated_at),
});

/** Every policy of the workspace (teams' first, then inboxes', oldest first). */
export async function listRoutingPolicies(ctx: ServiceContext, o: { workspaceId: string }): Promise<RoutingPolicy[]> {
  const rows = await ctx.db.rows<PolicyRow>(sql`select ${POLICY_COLUMNS} from routing_policies where workspace_id = ${o.workspaceId}::uuid
    order by team_id is null, created_at, id`);
  return rows.map(policyDto);
}

/** NOT_FOUND unless `id` is a row of `table` in the workspace. */
async function requireOwn(tx: Tx, workspaceId: string, table: 'teams' | 'inboxes' | 'calendars', id: string, what: string): Promise<void> {
  const [r] = await tx.rows(sql`select 1 from ${sql.raw(table)} where workspace_id = ${workspaceId}::uuid and id = ${id}::uuid`);
  if (!r) throw notFound(what);
}

/** Where a policy applies, as uuids: exactly one of the two. */
export type PolicyTarget = { teamId: string; inboxId?: null } | { inboxId: string; teamId?: null };

/**
 * Creates or replaces the policy of a team or an inbox (uuids; NOT_FOUND when the team, inbox or
 * calendar is not the workspace's). A replace that changes nothing writes nothing. Audited
 * (`routing_policy.created` / `.updated`); signals `routing.changed` for that queue.
 */
export async function putRoutingPolicy(
  ctx: ServiceContext,
  o: { workspaceId: string; target: PolicyTarget; fields: RoutingPolicyFields } & ChangedBy,
): Promise<RoutingPolicy> {
  return ctx.db.transaction(async (tx) => {
    const teamId = o.target.teamId ?? null;
    const inboxId = o.target.inboxId ?? null;
    const queueId = (teamId ?? inboxId)!;
    if (teamId) await requireOwn(tx, o.workspaceId, 'teams', teamId, 'team');
    else await requireOwn(tx, o.workspaceId, 'inboxes', inboxId!, 'inbox');
    if (o.fields.calendarId) await requireOwn(tx, o.workspaceId, 'calendars', o.fields.calendarId, 'calendar');
    const locate = () => tx.rows<PolicyRow>(sql`select ${POLICY_COLUMNS} from routing_policies where workspace_id = ${o.workspaceId}::uuid
      and ${teamId ? sql`team_id = ${teamId}::uuid` : sql`inbox_id = ${inboxId}::uuid`} for update`);
    const f = o.fields;
    // Stored in one canonical order, so a replace listing the same statuses differently changes nothing.
    const statuses = (['open', 'pending'] as const).filter((s) => f.loadStatuses.includes(s));
    const now = ctx.clock.now();
    const values = sql`${f.mode}, ${`{${statuses.join(',')}}`}::text[], ${f.chatCapacity}, ${f.emailCapacity}, ${f.awayGraceSeconds},
      ${f.reopenWindowSeconds}, ${f.calendarId}::uuid`;
    let [before] = await locate();
    let id = before?.id ?? newId();
    if (!before) {
      const made = await tx.rows(sql`insert into routing_policies (id, workspace_id, team_id, inbox_id, mode, load_statuses, chat_capacity, email_capacity,
          away_grace_seconds, reopen_window_seconds, calendar_id, created_at, updated_at)
        values (${id}::uuid, ${o.workspaceId}::uuid, ${teamId}::uuid, ${inboxId}::uuid, ${values}, ${now}::timestamptz, ${now}::timestamptz)
        on conflict do nothing returning id`);
      // Another save of the same target made it first (and committed): this one replaces it.
      if (!made.length) [before] = await locate();
      if (before) id = before.id;
    }
    if (before) {
      if (isDeepStrictEqual(fieldsOf(before), { ...f, loadStatuses: statuses })) return policyDto(before);
      await tx.rows(sql`update routing_policies set (mode, load_statuses, chat_capacity, email_capacity, away_grace_seconds, reopen_window_seconds, calendar_id, updated_at)
        = (${values}, ${now}::timestamptz) where id = ${id}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    }
    const [after] = await tx.rows<PolicyRow>(sql`select ${POLICY_COLUMNS} from routing_policies where id = ${id}::uuid`);
    await recordAudit(tx, {
      workspaceId: o.workspaceId, actor: changedBy(o), action: before ? 'routing_policy.updated' : 'routing_policy.created',
      object: { type: 'routingPolicy', id }, ...(before ? { before: { teamId, inboxId, ...fieldsOf(before) } } : {}),
      after: { teamId, inboxId, ...fieldsOf(after!) }, request: o.request, at: now,
    });
    await routingChanged(tx, { workspaceId: o.workspaceId, queueIds: [queueId], now });
    return policyDto(after!);
  });
}

/** Deletes a policy (its team's or inbox's tickets are then assigned by hand). NOT_FOUND when not the workspace's. Audited; signals `routing.changed`. */
export async function deleteRoutingPolicy(ctx: ServiceContext, o: { workspaceId: string; policyId: string } & ChangedBy): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.rows<PolicyRow>(sql`delete from routing_policies where workspace_id = ${o.workspaceId}::uuid and id = ${o.policyId}::uuid
      returning ${POLICY_COLUMNS}`);
    if (!before) throw notFound('routing policy');
    const now = ctx.clock.now();
    await recordAudit(tx, {
      workspaceId: o.workspaceId, actor: changedBy(o), action: 'routing_policy.deleted', object: { type: 'routingPolicy', id: o.policyId },
      before: { teamId: before.team_id, inboxId: before.inbox_id, ...fieldsOf(before) }, request: o.request, at: now,
    });
    await routingChanged(tx, { workspaceId: o.workspaceId, queueIds: [(before.team_id ?? before.inbox_id)!], now });
  });
}

/** One member's overrides as the capacities screen reads them: null uses the team default. */
export type RoutingCapacityRow = RoutingCapacity & { name: string; email: string };

type CapacityRow = { user_id: string; name: string; email: string; chat_capacity: number | null; email_capacity: number | null };

const capacityDto = (r: CapacityRow): RoutingCapacityRow => ({
  userId: toWire('user', r.user_id),
  name: r.name,
  email: r.email,
  chatCapacity: r.chat_capacity,
  emailCapacity: r.email_capacity,
});

const capacitiesQuery = (workspaceId: string, userId?: string) => sql`select m.user_id, u.name, u.email, a.chat_capacity, a.email_capacity
  from memberships m join users u on u.id = m.user_id
  left join routing_agents a on a.workspace_id = m.workspace_id and a.user_id = m.user_id
  where m.workspace_id = ${workspaceId}::uuid and m.status = 'active' ${userId ? sql`and m.user_id = ${userId}::uuid` : sql``}
  order by lower(u.name), m.user_id`;

/** Every active member of the workspace with their capacity overrides, by name. */
export async function listRoutingCapacities(ctx: ServiceContext, o: { workspaceId: string }): Promise<RoutingCapacityRow[]> {
  return (await ctx.db.rows<CapacityRow>(capacitiesQuery(o.workspaceId))).map(capacityDto);
}

/**
 * Sets a member's chat and email capacity (null: the team default). NOT_FOUND unless the user is
 * an active member. A write that changes nothing writes nothing. Audited
 * (`routing_capacity.updated`, object the user); signals `routing.changed` for every queue.
 */
export async function putRoutingCapacity(
  ctx: ServiceContext,
  o: { workspaceId: string; userId: string; chatCapacity: number | null; emailCapacity: number | null } & ChangedBy,
): Promise<RoutingCapacityRow> {
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.rows<CapacityRow>(capacitiesQuery(o.workspaceId, o.userId));
    if (!before) throw notFound('member');
    const was = { chatCapacity: before.chat_capacity, emailCapacity: before.email_capacity };
    const next = { chatCapacity: o.chatCapacity, emailCapacity: o.emailCapacity };
    if (isDeepStrictEqual(was, next)) return capacityDto(before);
    const now = ctx.clock.now();
    await tx.rows(sql`insert into routing_agents (workspace_id, user_id, chat_capacity, email_capacity, updated_at)
      values (${o.workspaceId}::uuid, ${o.userId}::uuid, ${o.chatCapacity}, ${o.emailCapacity}, ${now}::timestamptz)
      on conflict (workspace_id, user_id) do update set chat_capacity = excluded.chat_capacity, email_capacity = excluded.email_capacity,
        updated_at = excluded.updated_at`);
    await recordAudit(tx, {
      workspaceId: o.workspaceId, actor: changedBy(o), action: 'routing_capacity.updated', object: { type: 'user', id: o.userId },
      before: was, after: next, request: o.request, at: now,
    });
    await routingChanged(tx, { workspaceId: o.workspaceId, queueIds: null, now });
    return { ...capacityDto(before), ...next };
  });
}
