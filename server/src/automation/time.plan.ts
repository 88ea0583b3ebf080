import { sql } from 'drizzle-orm';
import { conditionMatches, nextTimeChange, TICKET_STATUSES, type AutomationAction, type Condition, type TicketStatus } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { cancelDueMany, scheduleDueMany } from '../scheduler/due.js';
import type { ServiceContext } from '../lib/context.js';
import { loadTimeTickets, workspaceTime, type TimeTicket, type WorkspaceTime } from './time.facts.js';

/**
 * Planning of time rules: for each (enabled time rule, ticket it watches) the next instant its
 * conditions may change their answer, kept as due work `automation.time` keyed
 * `<rule uuid>:<ticket uuid>`. Nothing scans every ticket every minute: a ticket is planned
 * again when it changes (the durable log) and when its due work runs.
 */

export const TIME_KIND = 'automation.time';
export const timeKey = (ruleId: string, ticketId: string) => `${ruleId}:${ticketId}`;

export type TimeRule = { id: string; name: string; conditions: Condition; actions: AutomationAction[] };

/** The enabled time rules of a workspace. */
export async function enabledTimeRules(db: Db | Tx, workspaceId: string): Promise<TimeRule[]> {
  return db.rows<TimeRule>(sql`select id, name, conditions, actions from automation_rules
    where workspace_id = ${workspaceId}::uuid and trigger = 'time' and enabled order by position, id`);
}

const DEFAULT_WATCHED: readonly TicketStatus[] = ['open', 'pending'];

/**
 * The statuses of the tickets a rule watches: those its root `all` allows (`status is
 * resolved`, `status in [...]`, `is_not`, `not_in`), else open and pending. A rule that names
 * no status does not watch resolved or closed tickets.
 */
export function watchedStatuses(condition: Condition): Set<TicketStatus> {
  let allowed: Set<TicketStatus> | null = null;
  for (const n of Array.isArray(condition?.all) ? condition.all : []) {
    const l = n as { field?: unknown; op?: unknown; value?: unknown };
    if (l.field !== 'ticket.status') continue;
    const list = (Array.isArray(l.value) ? l.value : [l.value]).filter((v): v is TicketStatus => TICKET_STATUSES.includes(v as TicketStatus));
    let these: TicketStatus[];
    if (l.op === 'is' || l.op === 'in') these = list;
    else if (l.op === 'is_not' || l.op === 'not_in') these = TICKET_STATUSES.filter((s) => !list.includes(s));
    else continue;
    allowed = new Set(allowed ? these.filter((s) => allowed!.has(s)) : these);
  }
  return allowed ?? new Set(DEFAULT_WATCHED);
}

/** Whether a condition tests business hours (its next check then also waits for a calendar to open or close). */
function testsHours(n: unknown, depth = 1): boolean {
  if (typeof n !== 'object' || n === null || depth > 16) return false;
  const o = n as Record<string, unknown>;
  if (o.op === 'within_business_hours' || o.op === 'outside_business_hours') return true;
  return ['all', 'any'].some((k) => Array.isArray(o[k]) && (o[k] as unknown[]).some((c) => testsHours(c, depth + 1)));
}

/** The evaluation context of a time rule at `now`. */
export const evaluationAt = (now: Date, time: WorkspaceTime) => ({ now, isOpen: time.isOpen, businessSecondsBetween: time.businessSecondsBetween });

/**
 * When a (rule, ticket) must next be checked, given whether it fired: now when its conditions
 * hold and it has not fired; else the next instant a duration (or business hours) may flip the
 * answer; null when nothing will (it waits for the ticket to change). `clear`: its conditions no
 * longer hold, so a fired rule may fire again later.
 */
export function planOne(rule: TimeRule, t: TimeTicket, fired: boolean, now: Date, time: WorkspaceTime): { dueAt: Date | null; clear: boolean; matched: boolean } {
  const matched = conditionMatches(rule.conditions, t.facts, { ...evaluationAt(now, time), trace: false });
  const clear = fired && !matched;
  if (!watchedStatuses(rule.conditions).has(t.status)) return { dueAt: null, clear, matched };
  if (matched && !fired) return { dueAt: now, clear, matched };
  let next = nextTimeChange(rule.conditions, t.facts, now, { addBusinessSeconds: time.addBusinessSeconds });
  if (testsHours(rule.conditions)) {
    const h = time.nextHoursChange(now);
    if (h && (!next || h < next)) next = h;
  }
  return { dueAt: next, clear, matched };
}

/**
 * Plans `ticketIds` of one workspace for `rules` (one transaction): schedules each (rule,
 * ticket) that has a next check, cancels the others, and clears the fired mark of those whose
 * conditions stopped holding. Returns how many checks were scheduled.
 */
export async function planTickets(ctx: ServiceContext, o: { workspaceId: string; rules: readonly TimeRule[]; ticketIds: readonly string[]; time?: WorkspaceTime }): Promise<number> {
  if (!o.rules.length || !o.ticketIds.length) return 0;
  const now = ctx.clock.now();
  const tickets = await loadTimeTickets(ctx.db, o.workspaceId, o.ticketIds);
  const time = o.time ?? (await workspaceTime(ctx.db, o.workspaceId, now, o.rules.map((r) => r.conditions)));
  const fired = new Set(
    (await ctx.db.rows<{ rule_id: string; ticket_id: string }>(sql`select rule_id, ticket_id from automation_time_state
      where workspace_id = ${o.workspaceId}::uuid and fired_at is not null
        and ticket_id = any(${`{${tickets.map((t) => t.id).join(',')}}`}::uuid[])
        and rule_id = any(${`{${o.rules.map((r) => r.id).join(',')}}`}::uuid[])`)).map((r) => timeKey(r.rule_id, r.ticket_id)),
  );
  const schedule: { workspaceId: string; kind: string; key: string; dueAt: Date }[] = [];
  const cancel: { kind: string; key: string }[] = [];
  const clear: { rule: string; ticket: string }[] = [];
  for (const t of tickets)
    for (const r of o.rules) {
      const key = timeKey(r.id, t.id);
      const p = planOne(r, t, fired.has(key), now, time);
      if (p.dueAt) schedule.push({ workspaceId: o.workspaceId, kind: TIME_KIND, key, dueAt: p.dueAt });
      else cancel.push({ kind: TIME_KIND, key });
      if (p.clear) clear.push({ rule: r.id, ticket: t.id });
    }
  if (!schedule.length && !cancel.length && !clear.length) return 0;
  await ctx.db.transaction(async (tx) => {
    await scheduleDueMany(tx, schedule);
    await cancelDueMany(tx, cancel);
    if (clear.length)
      await tx.rows(sql`update automation_time_state s set fired_at = null, checked_at = ${now}::timestamptz
        from json_to_recordset(${JSON.stringify(clear)}::text::json) as c(rule uuid, ticket uuid)
        where s.workspace_id = ${o.workspaceId}::uuid and s.rule_id = c.rule and s.ticket_id = c.ticket`);
  });
  return schedule.length;
}
