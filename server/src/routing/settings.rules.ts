import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import type { Condition, RoutingActions, RoutingRule, RoutingRuleFields } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { fromWire, newId, toWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit } from '../audit/audit.service.js';
import { assertFresh, changedBy, requireAll, uniqueName, type ChangedBy } from '../agents/teams.service.js';
import { routingChanged } from './signals.js';

/**
 * Routing rules of a workspace, tried in `position` order. Conditions and actions are stored as
 * the protocol gives them (wire ids inside, like SLA conditions). Every write is one transaction
 * with its audit event and a durable `routing.changed` for every queue.
 */

type RuleRow = {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: Condition;
  actions: RoutingActions;
  updated_at: Date;
};

const COLUMNS = sql.raw('id, name, position, enabled, conditions, actions, updated_at');

const ruleDto = (r: RuleRow): RoutingRule => ({
  id: toWire('routingRule', r.id),
  name: r.name,
  position: r.position,
  enabled: r.enabled,
  conditions: r.conditions,
  actions: r.actions,
  updatedAt: iso(r.updated_at),
});

const audited = (r: Pick<RuleRow, 'name' | 'enabled' | 'conditions' | 'actions'>) => ({ name: r.name, enabled: r.enabled, conditions: r.conditions, actions: r.actions });
/** A value as jsonb gives it back, for comparing an edit with what is stored. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const rulesOf = (tx: Tx | ServiceContext['db'], workspaceId: string, lock = false) =>
  tx.rows<RuleRow>(sql`select ${COLUMNS} from routing_rules where workspace_id = ${workspaceId}::uuid order by position, id ${lock ? sql`for update` : sql``}`);

/** The workspace's rules in the order they are tried. */
export async function listRoutingRules(ctx: ServiceContext, o: { workspaceId: string }): Promise<RoutingRule[]> {
  return (await rulesOf(ctx.db, o.workspaceId)).map(ruleDto);
}

/** NOT_FOUND unless the team and agent an action names are the workspace's (the agent an active member). */
async function requireActionTargets(tx: Tx, workspaceId: string, a: RoutingActions): Promise<void> {
  if (a.teamId) await requireAll(tx, { workspaceId, table: 'teams', ids: [fromWire('team', a.teamId)] });
  if (a.assigneeId) {
    const [m] = await tx.rows(sql`select 1 from memberships where workspace_id = ${workspaceId}::uuid
      and user_id = ${fromWire('user', a.assigneeId)}::uuid and status = 'active'`);
    if (!m) throw notFound('member');
  }
}

async function getRule(tx: Tx, o: { workspaceId: string; ruleId: string }): Promise<RuleRow> {
  const [r] = await tx.rows<RuleRow>(sql`select ${COLUMNS} from routing_rules where workspace_id = ${o.workspaceId}::uuid and id = ${o.ruleId}::uuid for update`);
  if (!r) throw notFound('routing rule');
  return r;
}

/** Adds a rule, tried after the others. 409 NAME_TAKEN on a name the workspace has (any case). Audited. */
export async function createRoutingRule(ctx: ServiceContext, o: { workspaceId: string } & RoutingRuleFields & ChangedBy): Promise<RoutingRule> {
  return uniqueName('routing rule', o.name, () =>
    ctx.db.transaction(async (tx) => {
      await requireActionTargets(tx, o.workspaceId, o.actions);
      const now = ctx.clock.now();
      const id = newId();
      // The workspace's rules are locked first, so two creates do not take one position.
      await rulesOf(tx, o.workspaceId, true);
      const [made] = await tx.rows<RuleRow>(sql`insert into routing_rules (id, workspace_id, name, position, enabled, conditions, actions, created_at, updated_at)
        select ${id}::uuid, ${o.workspaceId}::uuid, ${o.name}, coalesce(max(position), 0) + 1, ${o.enabled}, ${JSON.stringify(o.conditions)}::jsonb,
          ${JSON.stringify(o.actions)}::jsonb, ${now}::timestamptz, ${now}::timestamptz
        from routing_rules where workspace_id = ${o.workspaceId}::uuid
        returning ${COLUMNS}`);
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'routing_rule.created', object: { type: 'routingRule', id },
        after: audited(made!), request: o.request, at: now });
      await routingChanged(tx, { workspaceId: o.workspaceId, queueIds: null, now });
      return ruleDto(made!);
    }),
  );
}

/**
 * Changes what is given of a rule; `expectedUpdatedAt` must match or 409 STALE. An edit that
 * changes nothing writes nothing. NAME_TAKEN as on create. Audited.
 */
export async function updateRoutingRule(
  ctx: ServiceContext,
  o: { workspaceId: string; ruleId: string; expectedUpdatedAt?: string | undefined } & Partial<RoutingRuleFields> & ChangedBy,
): Promise<RoutingRule> {
  return uniqueName('routing rule', o.name ?? '', () =>
    ctx.db.transaction(async (tx) => {
      const before = await getRule(tx, o);
      assertFresh(before.updated_at, o.expectedUpdatedAt);
      if (o.actions) await requireActionTargets(tx, o.workspaceId, o.actions);
      const next = {
        name: o.name ?? before.name,
        enabled: o.enabled ?? before.enabled,
        conditions: o.conditions ?? before.conditions,
        actions: o.actions ?? before.actions,
      };
      if (isDeepStrictEqual(asJson(next), asJson(audited(before)))) return ruleDto(before);
      const now = ctx.clock.now();
      const [after] = await tx.rows<RuleRow>(sql`update routing_rules set name = ${next.name}, enabled = ${next.enabled},
          conditions = ${JSON.stringify(next.conditions)}::jsonb, actions = ${JSON.stringify(next.actions)}::jsonb, updated_at = ${now}::timestamptz
        where id = ${o.ruleId}::uuid and workspace_id = ${o.workspaceId}::uuid returning ${COLUMNS}`);
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'routing_rule.updated', object: { type: 'routingRule', id: o.ruleId },
        before: audited(before), after: audited(after!), request: o.request, at: now });
      await routingChanged(tx, { workspaceId: o.workspaceId, queueIds: null, now });
      return ruleDto(after!);
    }),
  );
}

/** Deletes a rule (NOT_FOUND when not the workspace's). Audited. */
export async function deleteRoutingRule(ctx: ServiceContext, o: { workspaceId: string; ruleId: string } & ChangedBy): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const before = await getRule(tx, o);
    await tx.rows(sql`delete from routing_rules where id = ${o.ruleId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    const now = ctx.clock.now();
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'routing_rule.deleted', object: { type: 'routingRule', id: o.ruleId },
      before: audited(before), request: o.request, at: now });
    await routingChanged(tx, { workspaceId: o.workspaceId, queueIds: null, now });
  });
}

/**
 * Sets the order rules are tried in: `ruleIds` must be every rule of the workspace, each once
 * (else 400 VALIDATION_FAILED on `ids`). The same order again writes nothing. Audited
 * (`routing_rule.reordered`: the names before and after). Returns the rules in the new order.
 */
export async function reorderRoutingRules(ctx: ServiceContext, o: { workspaceId: string; ruleIds: string[] } & ChangedBy): Promise<RoutingRule[]> {
  return ctx.db.transaction(async (tx) => {
    const rows = await rulesOf(tx, o.workspaceId, true);
    const have = new Set(rows.map((r) => r.id));
    if (o.ruleIds.length !== have.size || new Set(o.ruleIds).size !== have.size || !o.ruleIds.every((id) => have.has(id))) {
      throw new AppError('VALIDATION_FAILED', 'the order must list every rule, each once', { issues: [{ path: ['ids'], message: 'must list every rule, each once' }] });
    }
    if (rows.some((r, i) => r.id !== o.ruleIds[i])) {
      const now = ctx.clock.now();
      await tx.rows(sql`update routing_rules r set position = x.i, updated_at = ${now}::timestamptz
        from unnest(${`{${o.ruleIds.join(',')}}`}::uuid[]) with ordinality as x(id, i)
        where r.id = x.id and r.workspace_id = ${o.workspaceId}::uuid`);
      const name = new Map(rows.map((r) => [r.id, r.name]));
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'routing_rule.reordered', object: { type: 'workspace', id: o.workspaceId },
        before: { order: rows.map((r) => r.name) }, after: { order: o.ruleIds.map((id) => name.get(id)) }, request: o.request, at: now });
      await routingChanged(tx, { workspaceId: o.workspaceId, queueIds: null, now });
    }
    return (await rulesOf(tx, o.workspaceId)).map(ruleDto);
  });
}
