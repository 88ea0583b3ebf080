import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { automationRuleFieldsSchema, type AutomationAction, type AutomationRule, type AutomationRuleFields } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { fromWire, newId, toWire } from '../db/ids.js';
import { AppError, notFound, validationError } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit } from '../audit/audit.service.js';
import { assertFresh, changedBy, requireAll, uniqueName, type ChangedBy } from '../agents/teams.service.js';
import type { RuleRow } from './store.js';

/**
 * Automation rules of a workspace (settings): run in `position` order. Conditions and actions
 * are stored as the protocol gives them (wire ids inside). Every write is one transaction with
 * its audit event; `onChange` (the consumer's cache) hears of it after commit.
 */

const isoOrNull = (v: unknown): string | null => (v == null ? null : iso(v));

const COLUMNS = sql.raw(`id, name, description, position, enabled, trigger, events, conditions, actions, run_count, match_count, error_count,
  last_run_at, updated_at`);

export const ruleDto = (r: RuleRow): AutomationRule => ({
  id: toWire('automationRule', r.id),
  name: r.name,
  description: r.description,
  enabled: r.enabled,
  trigger: r.trigger,
  events: r.events,
  conditions: r.conditions,
  actions: r.actions as AutomationAction[],
  position: r.position,
  runCount: r.run_count,
  matchCount: r.match_count,
  errorCount: r.error_count,
  lastRunAt: isoOrNull(r.last_run_at),
  updatedAt: iso(r.updated_at),
});

const fieldsOf = (r: RuleRow) => ({ name: r.name, description: r.description, enabled: r.enabled, trigger: r.trigger, events: r.events, conditions: r.conditions, actions: r.actions });
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const rulesOf = (tx: Tx | ServiceContext['db'], workspaceId: string, lock = false) =>
  tx.rows<RuleRow>(sql`select ${COLUMNS} from automation_rules where workspace_id = ${workspaceId}::uuid order by position, id ${lock ? sql`for update` : sql``}`);

/** The workspace's rules in the order they run, with their counters. */
export async function listAutomationRules(ctx: ServiceContext, o: { workspaceId: string }): Promise<AutomationRule[]> {
  return (await rulesOf(ctx.db, o.workspaceId)).map(ruleDto);
}

/** A rule body checked as a whole (trigger, events and conditions together): VALIDATION_FAILED with paths (prefixed by `prefix`). */
export function parseRuleFields(input: unknown, prefix: (string | number)[] = []): AutomationRuleFields {
  const r = automationRuleFieldsSchema.safeParse(input);
  if (!r.success) {
    if (!prefix.length) throw validationError(r.error);
    throw validationError(new z.ZodError(r.error.issues.map((i) => ({ ...i, path: [...prefix, ...i.path] }))));
  }
  return r.data as AutomationRuleFields;
}

/** NOT_FOUND unless the teams, members and SLA policies the actions name are the workspace's (members active). */
export async function requireActionTargets(tx: Tx | ServiceContext['db'], workspaceId: string, actions: readonly AutomationAction[]): Promise<void> {
  const teams = new Set<string>();
  const users = new Set<string>();
  const policies = new Set<string>();
  for (const a of actions) {
    if (a.type === 'set_team' && a.teamId) teams.add(fromWire('team', a.teamId));
    if (a.type === 'set_assignee' && a.assigneeId) users.add(fromWire('user', a.assigneeId));
    if (a.type === 'notify') {
      for (const t of a.teamIds) teams.add(fromWire('team', t));
      for (const u of a.userIds) users.add(fromWire('user', u));
    }
    if (a.type === 'apply_sla') policies.add(fromWire('slaPolicy', a.policyId));
  }
  await requireAll(tx as Tx, { workspaceId, table: 'teams', ids: [...teams] });
  if (users.size) {
    const [r] = await tx.rows<{ n: number }>(sql`select count(*)::int as n from memberships where workspace_id = ${workspaceId}::uuid
      and status = 'active' and user_id = any(${`{${[...users].join(',')}}`}::uuid[])`);
    if (r!.n !== users.size) throw notFound('member');
  }
  if (policies.size) {
    const [r] = await tx.rows<{ n: number }>(sql`select count(*)::int as n from sla_policies where workspace_id = ${workspaceId}::uuid
      and id = any(${`{${[...policies].join(',')}}`}::uuid[])`);
    if (r!.n !== policies.size) throw notFound('SLA policy');
  }
}

async function getRule(tx: Tx, o: { workspaceId: string; ruleId: string }): Promise<RuleRow> {
  const [r] = await tx.rows<RuleRow>(sql`select ${COLUMNS} from automation_rules where workspace_id = ${o.workspaceId}::uuid and id = ${o.ruleId}::uuid for update`);
  if (!r) throw notFound('automation rule');
  return r;
}

type Common = { workspaceId: string; onChange?: (() => void) | undefined } & ChangedBy;

/** Adds a rule, run after the others. NAME_TAKEN (409) on a name the workspace has (any case). Audited. */
export async function createAutomationRule(ctx: ServiceContext, o: Common & { fields: AutomationRuleFields }): Promise<AutomationRule> {
  const f = o.fields;
  const made = await uniqueName('automation rule', f.name, () =>
    ctx.db.transaction(async (tx) => {
      await requireActionTargets(tx, o.workspaceId, f.actions);
      const now = ctx.clock.now();
      const id = newId();
      await rulesOf(tx, o.workspaceId, true);
      const [row] = await tx.rows<RuleRow>(sql`insert into automation_rules (id, workspace_id, name, description, position, enabled, trigger, events,
          conditions, actions, created_at, updated_at)
        select ${id}::uuid, ${o.workspaceId}::uuid, ${f.name}, ${f.description}, coalesce(max(position), 0) + 1, ${f.enabled}, ${f.trigger},
          ${`{${f.events.join(',')}}`}::text[], ${JSON.stringify(f.conditions)}::jsonb, ${JSON.stringify(f.actions)}::jsonb, ${now}::timestamptz, ${now}::timestamptz
        from automation_rules where workspace_id = ${o.workspaceId}::uuid
        returning ${COLUMNS}`);
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'automation_rule.created', object: { type: 'automationRule', id },
        after: fieldsOf(row!), request: o.request, at: now });
      return ruleDto(row!);
    }),
  );
  o.onChange?.();
  return made;
}

/**
 * Changes what is given of a rule: the result (stored rule with the edit) is validated as a
 * whole; `expectedUpdatedAt` must match or 409 STALE. An edit that changes nothing writes
 * nothing. NAME_TAKEN as on create. Audited.
 */
export async function updateAutomationRule(
  ctx: ServiceContext,
  o: Common & { ruleId: string; expectedUpdatedAt?: string | undefined; patch: Partial<Record<keyof AutomationRuleFields, unknown>> },
): Promise<AutomationRule> {
  const out = await uniqueName('automation rule', String(o.patch.name ?? ''), () =>
    ctx.db.transaction(async (tx) => {
      const before = await getRule(tx, o);
      assertFresh(new Date(before.updated_at), o.expectedUpdatedAt);
      const merged = { ...fieldsOf(before), ...Object.fromEntries(Object.entries(o.patch).filter(([, v]) => v !== undefined)) };
      // A trigger switched to time without naming events drops the stored ones (a time rule has none).
      if (o.patch.trigger === 'time' && o.patch.events === undefined) merged.events = [];
      const next = parseRuleFields(merged);
      if (o.patch.actions !== undefined) await requireActionTargets(tx, o.workspaceId, next.actions);
      if (isDeepStrictEqual(asJson(next), asJson(fieldsOf(before)))) return { dto: ruleDto(before), changed: false };
      const now = ctx.clock.now();
      const [after] = await tx.rows<RuleRow>(sql`update automation_rules set name = ${next.name}, description = ${next.description},
          enabled = ${next.enabled}, trigger = ${next.trigger}, events = ${`{${next.events.join(',')}}`}::text[],
          conditions = ${JSON.stringify(next.conditions)}::jsonb, actions = ${JSON.stringify(next.actions)}::jsonb, updated_at = ${now}::timestamptz
        where id = ${o.ruleId}::uuid and workspace_id = ${o.workspaceId}::uuid returning ${COLUMNS}`);
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'automation_rule.updated', object: { type: 'automationRule', id: o.ruleId },
        before: fieldsOf(before), after: fieldsOf(after!), request: o.request, at: now });
      return { dto: ruleDto(after!), changed: true };
    }),
  );
  if (out.changed) o.onChange?.();
  return out.dto;
}

/** Deletes a rule (NOT_FOUND when not the workspace's); its runs stay in the log with its name. Audited. */
export async function deleteAutomationRule(ctx: ServiceContext, o: Common & { ruleId: string }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const before = await getRule(tx, o);
    await tx.rows(sql`delete from automation_rules where id = ${o.ruleId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    const now = ctx.clock.now();
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'automation_rule.deleted', object: { type: 'automationRule', id: o.ruleId },
      before: fieldsOf(before), request: o.request, at: now });
  });
  o.onChange?.();
}

/** Sets the order rules run in: every rule of the workspace, each once (else VALIDATION_FAILED on `ids`). Audited. */
export async function reorderAutomationRules(ctx: ServiceContext, o: Common & { ruleIds: string[] }): Promise<AutomationRule[]> {
  const rules = await ctx.db.transaction(async (tx) => {
    const rows = await rulesOf(tx, o.workspaceId, true);
    const have = new Set(rows.map((r) => r.id));
    if (o.ruleIds.length !== have.size || new Set(o.ruleIds).size !== have.size || !o.ruleIds.every((id) => have.has(id)))
      throw new AppError('VALIDATION_FAILED', 'ids: must list every rule, each once', [{ path: 'ids', message: 'must list every rule, each once' }]);
    if (rows.some((r, i) => r.id !== o.ruleIds[i])) {
      const now = ctx.clock.now();
      await tx.rows(sql`update automation_rules r set position = x.i, updated_at = ${now}::timestamptz
        from unnest(${`{${o.ruleIds.join(',')}}`}::uuid[]) with ordinality as x(id, i)
        where r.id = x.id and r.workspace_id = ${o.workspaceId}::uuid`);
      const name = new Map(rows.map((r) => [r.id, r.name]));
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'automation_rule.reordered', object: { type: 'workspace', id: o.workspaceId },
        before: { order: rows.map((r) => r.name) }, after: { order: o.ruleIds.map((id) => name.get(id)) }, request: o.request, at: now });
    }
    return (await rulesOf(tx, o.workspaceId)).map(ruleDto);
  });
  o.onChange?.();
  return rules;
}
