import { sql } from 'drizzle-orm';
import type { ActionOutcome, AutomationEvent, AutomationRun, ConditionTraceEntry } from '@support/protocol';
import { fromWire, toWire } from '../db/ids.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';

type RunRow = {
  id: string; rule_id: string | null; rule_name: string; ticket_id: string; number: number; event: AutomationEvent | null; depth: number;
  matched: boolean; trace: ConditionTraceEntry[]; actions: ActionOutcome[]; error: string | null; created_at: Date;
};

/**
 * The run log, newest first: each run of a rule on a ticket (those that matched or failed),
 * optionally of one rule or ticket, only matched or only failed runs, older than `before`.
 */
export async function listAutomationRuns(
  ctx: ServiceContext,
  o: { workspaceId: string; ruleId?: string | undefined; ticketId?: string | undefined; only?: 'matched' | 'errors' | undefined; before?: string | undefined; limit: number },
): Promise<AutomationRun[]> {
  const rows = await ctx.db.rows<RunRow>(sql`select r.id, r.rule_id, r.rule_name, r.ticket_id, t.number, r.event, r.depth, r.matched, r.trace, r.actions,
      r.error, r.created_at
    from automation_runs r join tickets t on t.id = r.ticket_id
    where r.workspace_id = ${o.workspaceId}::uuid
      ${o.ruleId ? sql`and r.rule_id = ${fromWire('automationRule', o.ruleId)}::uuid` : sql``}
      ${o.ticketId ? sql`and r.ticket_id = ${fromWire('ticket', o.ticketId)}::uuid` : sql``}
      ${o.only === 'matched' ? sql`and r.matched` : o.only === 'errors' ? sql`and r.failed` : sql``}
      ${o.before ? sql`and r.created_at < ${new Date(o.before)}::timestamptz` : sql``}
    order by r.created_at desc, r.id desc limit ${o.limit}`);
  return rows.map((r) => ({
    id: toWire('automationRun', r.id),
    ruleId: r.rule_id ? toWire('automationRule', r.rule_id) : null,
    ruleName: r.rule_name,
    ticketId: toWire('ticket', r.ticket_id),
    ticketNumber: Number(r.number),
    event: r.event,
    depth: r.depth,
    matched: r.matched,
    trace: r.trace,
    actions: r.actions,
    error: r.error,
    createdAt: iso(r.created_at),
  }));
}
