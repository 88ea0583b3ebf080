import type { ActionOutcome, AutomationActivity, AutomationEvent, ConditionTraceEntry } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { newId, toWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { runActions } from '../actions/actions.service.js';
import { changeTicket, insertActivity } from '../tickets/tickets.service.js';
import { insertRun, ranAlready } from './store.js';

export type RuleRunInput = {
  workspaceId: string;
  ticketId: string;
  rule: { id: string; name: string };
  event: AutomationEvent | null;
  /** The log position of the event (idempotency key with rule and ticket), null for time rules. */
  position: number | null;
  depth: number;
  matched: boolean;
  trace: ConditionTraceEntry[];
  actions: Parameters<typeof runActions>[1]['actions'];
  /** Why the rule could not run at all (its stored actions do not parse). */
  error?: string | null;
};

/** What a run did: skipped (ran before for this event), or its outcomes. */
export type RuleRunResult = { skipped: true } | { skipped: false; runId: string; actions: ActionOutcome[]; failed: boolean };

/**
 * Runs one matched (or broken) rule on one ticket, as the automation actor: checks the run log
 * first (a re-delivered event does nothing), runs the actions (each its own transaction; a
 * failing one does not stop the others), then writes in one transaction the run's row and, when
 * an action changed something or failed, an `automation` activity on the ticket (AutomationActivity),
 * published live like any ticket change. Rules that did not match are only counted (not logged).
 */
export async function runRule(ctx: ServiceContext, o: RuleRunInput): Promise<RuleRunResult> {
  if (o.position !== null && (await ranAlready(ctx.db, { ruleId: o.rule.id, ticketId: o.ticketId, position: o.position }))) return { skipped: true };
  const runId = newId();
  const actions = o.matched && !o.error
    ? await runActions(ctx, {
        workspaceId: o.workspaceId, ticketId: o.ticketId, actions: o.actions,
        actor: { type: 'automation', ruleId: o.rule.id, ruleName: o.rule.name, runId, depth: o.depth },
      })
    : [];
  const failed = !!o.error || actions.some((a) => !a.ok);
  const show = failed || actions.some((a) => a.changed);
  const activity: AutomationActivity = { ruleId: toWire('automationRule', o.rule.id), ruleName: o.rule.name, runId: toWire('automationRun', runId), event: o.event, actions };
  const actor = { type: 'system' as const, id: o.rule.id, cause: { ruleId: o.rule.id, depth: o.depth + 1 } };
  const record = (tx: Tx, now: Date) => insertRun(tx, {
    id: runId, workspaceId: o.workspaceId, ruleId: o.rule.id, ruleName: o.rule.name, ticketId: o.ticketId, event: o.event, position: o.position,
    depth: o.depth, matched: o.matched, trace: o.trace, actions, error: o.error ?? null, at: now,
  });
  // Nothing to show on the ticket (every action found nothing to do): the run's row alone, one statement.
  if (!show) await record(ctx.db, ctx.clock.now());
  else
    await changeTicket(ctx, { workspaceId: o.workspaceId, ticketId: o.ticketId, actor }, async (tx, _cur, now) => {
      if (!(await record(tx, now))) return [];
      return [await insertActivity(tx, { ws: o.workspaceId, ticketId: o.ticketId, kind: 'automation', actor, oldValue: null, newValue: activity, now })];
    });
  return { skipped: false, runId, actions, failed };
}
