import { sql } from 'drizzle-orm';
import type { SlaEventKind, SlaMetric, TicketSla } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId } from '../db/ids.js';
import { iso } from '../lib/dto.js';
import { nextTarget, type Clock, type ClockChange } from './engine.js';
import type { ClockTiming } from './clock.js';
import { cancelSlaDue, scheduleSlaDue } from './due.js';

/** Reading and writing `sla_clocks` / `sla_events` and the ticket's SLA summary. */

type ClockDbRow = {
  id: string; metric: SlaMetric; message_id: string | null; policy_id: string | null; state: Clock['state']; target_seconds: number; warn_lead_seconds: number;
  used_seconds: number; running_since: Date | null; due_at: Date | null; warn_at: Date | null; warned_at: Date | null; breached_at: Date | null;
  stopped_at: Date | null; created_at: Date;
};

export type StoredClock = Clock & { warnedAt: Date | null };

const clockOf = (r: ClockDbRow): StoredClock => ({
  id: r.id,
  metric: r.metric,
  messageId: r.message_id,
  policyId: r.policy_id ?? '',
  startedAt: r.created_at,
  state: r.state,
  targetSeconds: r.target_seconds,
  warnLeadSeconds: r.warn_lead_seconds,
  usedSeconds: r.used_seconds,
  runningSince: r.running_since,
  dueAt: r.due_at,
  warnAt: r.warn_at,
  warnedAt: r.warned_at,
  breachedAt: r.breached_at,
  stoppedAt: r.stopped_at,
});

const CLOCK_COLUMNS = sql.raw(`id, metric, message_id, policy_id, state, target_seconds, warn_lead_seconds, used_seconds, running_since,
  due_at, warn_at, warned_at, breached_at, stopped_at, created_at`);

/** A ticket's clocks, oldest first; `lock` takes them FOR UPDATE (every writer of a ticket's clocks does, so they never interleave). */
export async function ticketClocks(tx: Tx, o: { workspaceId: string; ticketId: string; lock?: boolean }): Promise<StoredClock[]> {
  const rows = await tx.rows<ClockDbRow>(sql`select ${CLOCK_COLUMNS} from sla_clocks
    where workspace_id = ${o.workspaceId}::uuid and ticket_id = ${o.ticketId}::uuid order by created_at, id ${o.lock ? sql`for update` : sql``}`);
  return rows.map(clockOf);
}

/** One clock, locked; null when it is gone. */
export async function lockClock(tx: Tx, o: { workspaceId: string; clockId: string }): Promise<(StoredClock & { ticketId: string }) | null> {
  const [r] = await tx.rows<ClockDbRow & { ticket_id: string }>(sql`select ${CLOCK_COLUMNS}, ticket_id from sla_clocks
    where workspace_id = ${o.workspaceId}::uuid and id = ${o.clockId}::uuid for update`);
  return r ? { ...clockOf(r), ticketId: r.ticket_id } : null;
}

/** Where the ticket was when it happened: compliance counts per team and agent. */
export type TicketPlace = { workspaceId: string; ticketId: string; teamId: string | null; assigneeId: string | null };

async function recordEvent(tx: Tx, p: TicketPlace, o: { clockId: string; policyId: string | null; metric: SlaMetric; kind: SlaEventKind; at: Date; data?: Record<string, unknown> }) {
  await tx.rows(sql`insert into sla_events (id, workspace_id, clock_id, ticket_id, policy_id, metric, kind, team_id, assignee_id, at, data)
    values (${newId()}::uuid, ${p.workspaceId}::uuid, ${o.clockId}::uuid, ${p.ticketId}::uuid, ${o.policyId || null}::uuid, ${o.metric}, ${o.kind},
      ${p.teamId}::uuid, ${p.assigneeId}::uuid, ${o.at}::timestamptz, ${JSON.stringify(o.data ?? {})}::jsonb)`);
}

/** What a transition records beside its kind: the target and, for the end of a clock, whether it was met. */
function eventData(t: ClockTiming, kind: SlaEventKind): Record<string, unknown> {
  const d: Record<string, unknown> = { targetSeconds: t.targetSeconds, usedSeconds: t.usedSeconds };
  if (t.dueAt) d.dueAt = iso(t.dueAt);
  if (kind === 'fulfilled') d.met = t.state === 'fulfilled';
  return d;
}

/** When each event of a change happened: a breach at its due time, the rest when the change did. */
const eventAt = (t: ClockTiming, kind: SlaEventKind, at: Date) => (kind === 'breached' && t.breachedAt ? t.breachedAt : at);

/** Keeps the clock's warning and breach in the scheduler: due while it runs, gone otherwise. */
async function syncDue(tx: Tx, workspaceId: string, clockId: string, t: ClockTiming, warned: boolean) {
  if (t.state === 'running' && t.dueAt) {
    await scheduleSlaDue(tx, { workspaceId, kind: 'sla.breach', clockId, dueAt: t.dueAt });
    if (t.warnAt && !warned) await scheduleSlaDue(tx, { workspaceId, kind: 'sla.warning', clockId, dueAt: t.warnAt });
    else await cancelSlaDue(tx, { kind: 'sla.warning', clockId });
  } else {
    await cancelSlaDue(tx, { kind: 'sla.breach', clockId });
    await cancelSlaDue(tx, { kind: 'sla.warning', clockId });
  }
}

/**
 * Writes the engine's decisions in the caller's transaction: new clocks, transitions, one
 * `sla_events` row each, the due warnings and breaches. `at` is when the change happened.
 */
export async function applyChanges(tx: Tx, place: TicketPlace, changes: readonly ClockChange[], at: Date): Promise<void> {
  for (const c of changes) {
    if (c.op === 'start') {
      const id = newId();
      const t = c.timing;
      const made = await tx.rows(sql`insert into sla_clocks (id, workspace_id, ticket_id, policy_id, metric, message_id, state, target_seconds, warn_lead_seconds,
          used_seconds, running_since, due_at, warn_at, created_at, updated_at)
        values (${id}::uuid, ${place.workspaceId}::uuid, ${place.ticketId}::uuid, ${c.policyId}::uuid, ${c.metric}, ${c.messageId}::uuid, ${t.state},
          ${t.targetSeconds}, ${t.warnLeadSeconds}, ${t.usedSeconds}, ${t.runningSince}::timestamptz, ${t.dueAt}::timestamptz, ${t.warnAt}::timestamptz,
          ${c.at}::timestamptz, ${at}::timestamptz)
        on conflict do nothing returning 1`);
      // A next response for a message that has one already (its event seen twice): nothing to do.
      if (!made.length) continue;
      for (const kind of c.events) await recordEvent(tx, place, { clockId: id, policyId: c.policyId, metric: c.metric, kind, at: c.at, data: eventData(t, kind) });
      await syncDue(tx, place.workspaceId, id, t, false);
      continue;
    }
    const t = c.timing;
    const warned = (c.clock as StoredClock).warnedAt != null;
    await tx.rows(sql`update sla_clocks set state = ${t.state}, policy_id = ${c.clock.policyId || null}::uuid, target_seconds = ${t.targetSeconds},
        warn_lead_seconds = ${t.warnLeadSeconds}, used_seconds = ${t.usedSeconds}, running_since = ${t.runningSince}::timestamptz,
        due_at = ${t.dueAt}::timestamptz, warn_at = ${t.warnAt}::timestamptz, breached_at = ${t.breachedAt}::timestamptz,
        stopped_at = ${t.stoppedAt}::timestamptz, updated_at = ${at}::timestamptz
      where id = ${c.clock.id}::uuid and workspace_id = ${place.workspaceId}::uuid`);
    await recordEvent(tx, place, { clockId: c.clock.id, policyId: c.clock.policyId, metric: c.clock.metric, kind: c.event, at: eventAt(t, c.event, at), data: eventData(t, c.event) });
    await syncDue(tx, place.workspaceId, c.clock.id, t, warned);
  }
}

/**
 * Recomputes the ticket's SLA summary (`tickets.sla_*`: the soonest target) from its clocks,
 * without touching `updated_at` (SLA is not activity). Answers the summary and whether it changed.
 */
export async function refreshTicketSla(tx: Tx | Db, o: { workspaceId: string; ticketId: string }): Promise<{ sla: TicketSla | null; changed: boolean }> {
  const clocks = await tx.rows<{ metric: SlaMetric; state: Clock['state']; due_at: Date | null; warn_at: Date | null }>(sql`select metric, state, due_at, warn_at
    from sla_clocks where workspace_id = ${o.workspaceId}::uuid and ticket_id = ${o.ticketId}::uuid and state in ('running', 'breached')`);
  const next = nextTarget(clocks.map((c) => ({ metric: c.metric, state: c.state, dueAt: c.due_at, warnAt: c.warn_at })));
  const rows = await tx.rows(sql`update tickets set sla_due_at = ${next?.dueAt ?? null}::timestamptz, sla_warn_at = ${next?.warnAt ?? null}::timestamptz,
      sla_metric = ${next?.metric ?? null}, sla_breached = ${next?.breached ?? false}
    where id = ${o.ticketId}::uuid and workspace_id = ${o.workspaceId}::uuid
      and (sla_due_at, sla_warn_at, sla_metric, sla_breached) is distinct from
          (${next?.dueAt ?? null}::timestamptz, ${next?.warnAt ?? null}::timestamptz, ${next?.metric ?? null}, ${next?.breached ?? false})
    returning 1`);
  const sla = next ? { metric: next.metric, dueAt: iso(next.dueAt), warnAt: next.warnAt ? iso(next.warnAt) : null, breached: next.breached } : null;
  return { sla, changed: rows.length > 0 };
}

/** Marks a clock's warning as given (once: false when it was already). */
export async function markWarned(tx: Tx, place: TicketPlace, clock: StoredClock, at: Date): Promise<boolean> {
  const rows = await tx.rows(sql`update sla_clocks set warned_at = ${at}::timestamptz where id = ${clock.id}::uuid and warned_at is null returning 1`);
  if (!rows.length) return false;
  await recordEvent(tx, place, { clockId: clock.id, policyId: clock.policyId, metric: clock.metric, kind: 'warned', at, data: eventData(clock, 'warned') });
  return true;
}
