import { sql } from 'drizzle-orm';
import { evaluateCondition, type ActionOutcome, type AutomationActivity } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId, toWire } from '../db/ids.js';
import { scheduleDue } from '../scheduler/due.js';
import type { ServiceContext } from '../lib/context.js';
import { changeActor, runActions, type ActionActor } from '../actions/actions.service.js';
import { changeTicket, insertActivity } from '../tickets/tickets.service.js';
import { loadTimeTickets, workspaceTime } from './time.facts.js';
import { evaluationAt, planOne, planTickets, TIME_KIND, timeKey, watchedStatuses, type TimeRule } from './time.plan.js';

/** Due work that plans every watched ticket of one time rule, a batch at a time (key: the rule uuid). */
export const REPLAN_KIND = 'automation.time.replan';
/** Tickets planned per run of `automation.time.replan` (one transaction each). */
export const REPLAN_BATCH = 1000;

/**
 * The hook the rule settings call after a time rule was created, enabled, changed, disabled or
 * deleted (and after an event rule became a time rule or back): plans every ticket the rule
 * watches (open and pending ones unless its conditions name statuses) in batches of
 * REPLAN_BATCH, in the background; a rule that is no longer an enabled time rule has its
 * pending checks cancelled. Pass `tx` to schedule it in the settings transaction (it then
 * happens only if that commits).
 */
export async function replanTimeRule(ctx: ServiceContext, o: { workspaceId: string; ruleId: string; tx?: Tx }): Promise<void> {
  await scheduleDue(o.tx ?? ctx.db, { workspaceId: o.workspaceId, kind: REPLAN_KIND, key: o.ruleId, dueAt: ctx.clock.now(), payload: { after: null } });
}

async function timeRule(db: Db | Tx, workspaceId: string, ruleId: string): Promise<TimeRule | null> {
  const [r] = await db.rows<TimeRule>(sql`select id, name, conditions, actions from automation_rules
    where workspace_id = ${workspaceId}::uuid and id = ${ruleId}::uuid and trigger = 'time' and enabled`);
  return r ?? null;
}

/**
 * One batch of a rule's re-plan: the next REPLAN_BATCH watched tickets after `after` (by id).
 * Returns the last ticket id when more may follow, else null. A rule that is gone, disabled or
 * no time rule has its checks cancelled instead.
 */
export async function replanBatch(ctx: ServiceContext, o: { workspaceId: string; ruleId: string; after: string | null }): Promise<string | null> {
  const rule = await timeRule(ctx.db, o.workspaceId, o.ruleId);
  if (!rule) {
    await ctx.db.rows(sql`delete from due_work where workspace_id = ${o.workspaceId}::uuid and kind = ${TIME_KIND}
      and key like ${`${o.ruleId}:%`} and state in ('pending', 'running')`);
    return null;
  }
  const statuses = [...watchedStatuses(rule.conditions)];
  if (!statuses.length) return null;
  const ids = await ctx.db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${o.workspaceId}::uuid
      and status = any(${`{${statuses.join(',')}}`}::ticket_status[]) ${o.after ? sql`and id > ${o.after}::uuid` : sql``}
    order by id limit ${REPLAN_BATCH}`);
  await planTickets(ctx, { workspaceId: o.workspaceId, rules: [rule], ticketIds: ids.map((r) => r.id) });
  return ids.length === REPLAN_BATCH ? ids[ids.length - 1]!.id : null;
}

/**
 * A time rule's due check of one ticket, on fresh facts. When its conditions hold and it has
 * not fired since they last stopped holding: marks it fired and logs the run (one transaction,
 * under the lock of its state row, so two nodes never both fire it), then runs the actions as
 * the rule (depth 0), and records what they did on the run and as an `automation` activity.
 * When they do not hold it clears the mark. Either way the next check is scheduled.
 */
export async function checkTimeRule(ctx: ServiceContext, o: { workspaceId: string; ruleId: string; ticketId: string }): Promise<void> {
  const rule = await timeRule(ctx.db, o.workspaceId, o.ruleId);
  if (!rule) return;
  const [ticket] = await loadTimeTickets(ctx.db, o.workspaceId, [o.ticketId]);
  if (!ticket) return;
  const now = ctx.clock.now();
  const time = await workspaceTime(ctx.db, o.workspaceId, now, [rule.conditions]);
  const watched = watchedStatuses(rule.conditions).has(ticket.status);
  const result = evaluateCondition(rule.conditions, ticket.facts, evaluationAt(now, time));
  const runId = await ctx.db.transaction(async (tx) => {
    await tx.rows(sql`insert into automation_time_state (workspace_id, rule_id, ticket_id, fired_at, checked_at)
      values (${o.workspaceId}::uuid, ${rule.id}::uuid, ${ticket.id}::uuid, null, ${now}::timestamptz) on conflict do nothing`);
    const [st] = await tx.rows<{ fired_at: Date | null }>(sql`select fired_at from automation_time_state
      where rule_id = ${rule.id}::uuid and ticket_id = ${ticket.id}::uuid and workspace_id = ${o.workspaceId}::uuid for update`);
    const fire = result.matched && watched && !st?.fired_at;
    const fired = fire || (result.matched && !!st?.fired_at);
    await tx.rows(sql`update automation_time_state set checked_at = ${now}::timestamptz,
        fired_at = ${fire ? now : fired ? st!.fired_at : null}::timestamptz
      where rule_id = ${rule.id}::uuid and ticket_id = ${ticket.id}::uuid`);
    const next = planOne(rule, ticket, fired, now, time).dueAt;
    // The check that fires plans its next one once the actions changed the ticket (their events re-plan it).
    if (next && next > now) await scheduleDue(tx, { workspaceId: o.workspaceId, kind: TIME_KIND, key: timeKey(rule.id, ticket.id), dueAt: next });
    if (!fire) return null;
    const id = newId();
    await tx.rows(sql`insert into automation_runs (id, workspace_id, rule_id, rule_name, ticket_id, event, depth, matched, trace, actions, created_at)
      values (${id}::uuid, ${o.workspaceId}::uuid, ${rule.id}::uuid, ${rule.name}, ${ticket.id}::uuid, null, 0, true,
        ${JSON.stringify(result.trace)}::jsonb, '[]'::jsonb, ${now}::timestamptz)`);
    await tx.rows(sql`update automation_rules set run_count = run_count + 1, match_count = match_count + 1, last_run_at = ${now}::timestamptz
      where id = ${rule.id}::uuid`);
    return id;
  });
  if (!runId) return;
  const actor: ActionActor = { type: 'automation', ruleId: rule.id, ruleName: rule.name, runId, depth: 0 };
  let outcomes: ActionOutcome[];
  try {
    outcomes = await runActions(ctx, { workspaceId: o.workspaceId, ticketId: ticket.id, actions: rule.actions, actor });
  } catch (err) {
    ctx.logger.error({ err, ruleId: rule.id, ticketId: ticket.id }, 'time rule actions failed');
    outcomes = rule.actions.map((a) => ({ type: a.type, ok: false, changed: false, summary: 'The action could not run', code: 'INTERNAL' }));
  }
  await recordRun(ctx, { workspaceId: o.workspaceId, rule, actor, ticketId: ticket.id, runId, firedAt: now, outcomes });
}

/** Writes what the actions did on the run, the rule's error count, and the ticket's `automation` activity (one transaction). */
async function recordRun(
  ctx: ServiceContext,
  o: { workspaceId: string; rule: TimeRule; actor: ActionActor; ticketId: string; runId: string; firedAt: Date; outcomes: ActionOutcome[] },
): Promise<void> {
  const failed = o.outcomes.some((a) => !a.ok);
  const activity: AutomationActivity = { ruleId: toWire('automationRule', o.rule.id), ruleName: o.rule.name, runId: toWire('automationRun', o.runId), event: null, actions: o.outcomes };
  const actor = changeActor(o.actor);
  await changeTicket(ctx, { workspaceId: o.workspaceId, ticketId: o.ticketId, actor }, async (tx) => {
    await tx.rows(sql`update automation_runs set actions = ${JSON.stringify(o.outcomes)}::jsonb, failed = ${failed}
      where id = ${o.runId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    if (failed) await tx.rows(sql`update automation_rules set error_count = error_count + 1 where id = ${o.rule.id}::uuid`);
    // Dated when the rule fired: before the changes its actions made, as the timeline reads it.
    return [await insertActivity(tx, { ws: o.workspaceId, ticketId: o.ticketId, kind: 'automation', actor, oldValue: null, newValue: activity, now: o.firedAt })];
  }).catch((err: unknown) => ctx.logger.warn({ err, runId: o.runId }, 'could not record a time rule run'));
}
