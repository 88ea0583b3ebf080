import { sql } from 'drizzle-orm';
import { automationActionsSchema, type ActionOutcome, type AutomationAction, type AutomationEvent, type Condition, type ConditionTraceEntry } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import type { EngineRule } from './engine.js';

/** A stored rule row (snake_case) as settings and the consumer read it. */
export type RuleRow = {
  id: string; name: string; description: string; position: number; enabled: boolean; trigger: 'event' | 'time'; events: AutomationEvent[];
  conditions: Condition; actions: unknown[]; run_count: number; match_count: number; error_count: number; last_run_at: Date | string | null;
  updated_at: Date | string;
};

/** An enabled event rule ready for the engine, or one whose stored actions no longer parse (`broken`). */
export type LoadedRule = EngineRule & { broken: string | null; usesHours: boolean };

/** The enabled event rules of a workspace, in order, with their actions parsed. */
export async function loadEventRules(db: Db | Tx, workspaceId: string): Promise<LoadedRule[]> {
  const rows = await db.rows<RuleRow>(sql`select id, name, position, events, conditions, actions from automation_rules
    where workspace_id = ${workspaceId}::uuid and enabled and trigger = 'event' order by position, id`);
  return rows.map((r) => {
    const parsed = automationActionsSchema.safeParse(r.actions);
    return {
      id: r.id, name: r.name, position: r.position, events: r.events, conditions: r.conditions,
      actions: parsed.success ? parsed.data : ([] as AutomationAction[]),
      broken: parsed.success ? null : `its actions could not be read: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      usesHours: JSON.stringify(r.conditions).includes('"time.now"'),
    };
  });
}

type Stamp = { n: number; at: string | null };

/**
 * The enabled event rules per workspace, kept between batches. Each batch checks a stamp (how
 * many rules, the newest change) in one indexed query, so a change on any node is seen at the
 * next batch; `invalidate` drops a workspace at once on this node.
 */
export class RuleCache {
  private readonly byWs = new Map<string, { stamp: string; rules: LoadedRule[] }>();

  invalidate(workspaceId: string): void {
    this.byWs.delete(workspaceId);
  }

  async get(db: Db | Tx, workspaceId: string): Promise<LoadedRule[]> {
    const [s] = await db.rows<Stamp>(sql`select count(*)::int as n, max(updated_at)::text as at from automation_rules where workspace_id = ${workspaceId}::uuid`);
    const stamp = `${s?.n ?? 0}:${s?.at ?? ''}`;
    const hit = this.byWs.get(workspaceId);
    if (hit && hit.stamp === stamp) return hit.rules;
    const rules = s && s.n > 0 ? await loadEventRules(db, workspaceId) : [];
    this.byWs.set(workspaceId, { stamp, rules });
    return rules;
  }
}

/** Whether this rule ran on this ticket for this log entry already (a re-delivered event). */
export async function ranAlready(db: Db | Tx, o: { ruleId: string; ticketId: string; position: number }): Promise<boolean> {
  const [r] = await db.rows(sql`select 1 from automation_runs where rule_id = ${o.ruleId}::uuid and ticket_id = ${o.ticketId}::uuid
    and event_position = ${o.position}::int8`);
  return !!r;
}

export type RunRecord = {
  id: string; workspaceId: string; ruleId: string; ruleName: string; ticketId: string; event: AutomationEvent | null; position: number | null;
  depth: number; matched: boolean; trace: ConditionTraceEntry[]; actions: ActionOutcome[]; error: string | null; at: Date;
};

/** Writes one run to the log; false when the same (rule, ticket, event) is there already. */
export async function insertRun(tx: Tx, r: RunRecord): Promise<boolean> {
  const failed = !!r.error || r.actions.some((a) => !a.ok);
  const rows = await tx.rows(sql`insert into automation_runs (id, workspace_id, rule_id, rule_name, ticket_id, event, event_position, depth,
      matched, failed, trace, actions, error, created_at)
    values (${r.id}::uuid, ${r.workspaceId}::uuid, ${r.ruleId}::uuid, ${r.ruleName}, ${r.ticketId}::uuid, ${r.event}, ${r.position}::int8, ${r.depth},
      ${r.matched}, ${failed}, ${JSON.stringify(r.trace)}::jsonb, ${JSON.stringify(r.actions)}::jsonb, ${r.error}, ${r.at}::timestamptz)
    on conflict do nothing returning id`);
  return rows.length > 0;
}

/** Counters of one rule over a unit of work. */
export type RuleTally = { runs: number; matches: number; errors: number };

/** Adds the tallies to the rules' counters and sets their last run, in one statement. */
export async function bumpCounters(db: Db | Tx, workspaceId: string, tallies: Map<string, RuleTally>, at: Date): Promise<void> {
  if (!tallies.size) return;
  const rows = [...tallies].map(([id, t]) => ({ id, runs: t.runs, matches: t.matches, errors: t.errors }));
  await db.rows(sql`update automation_rules r set run_count = r.run_count + t.runs, match_count = r.match_count + t.matches,
      error_count = r.error_count + t.errors, last_run_at = greatest(r.last_run_at, ${at}::timestamptz)
    from json_to_recordset(${JSON.stringify(rows)}::json) as t(id uuid, runs int, matches int, errors int)
    where r.id = t.id and r.workspace_id = ${workspaceId}::uuid`);
}

/** Adds to a tally map. */
export function tally(m: Map<string, RuleTally>, ruleId: string, matched: boolean, failed: boolean): void {
  const t = m.get(ruleId) ?? { runs: 0, matches: 0, errors: 0 };
  t.runs++;
  if (matched) t.matches++;
  if (failed) t.errors++;
  m.set(ruleId, t);
}
