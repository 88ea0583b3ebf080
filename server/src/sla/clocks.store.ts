import { sql } from 'drizzle-orm';
import type { SlaEventKind, SlaMetric, TicketSla } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId } from '../db/ids.js';
import { iso } from '../lib/dto.js';
import type { Clock, ClockChange } from './engine.js';
import type { ClockTiming } from './clock.js';
import type { SlaDueKind } from './due.js';
import { cancelDueMany, scheduleDueMany } from '../scheduler/due.js';

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

/**
 * The clocks of tickets of a workspace, oldest first per ticket, taken FOR UPDATE: every writer
 * of a ticket's clocks locks them first, so two never interleave.
 */
export async function clocksOfTickets(tx: Tx, o: { workspaceId: string; ticketIds: string[] }): Promise<(StoredClock & { ticketId: string })[]> {
  const rows = await tx.rows<ClockDbRow & { ticket_id: string }>(sql`select ${CLOCK_COLUMNS}, ticket_id from sla_clocks
    where workspace_id = ${o.workspaceId}::uuid and ticket_id = any(${`{${o.ticketIds.join(',')}}`}::uuid[]) order by ticket_id, created_at, id for update`);
  return rows.map((r) => ({ ...clockOf(r), ticketId: r.ticket_id }));
}

/** One clock, locked; null when it is gone. */
export async function lockClock(tx: Tx, o: { workspaceId: string; clockId: string }): Promise<(StoredClock & { ticketId: string }) | null> {
  const [r] = await tx.rows<ClockDbRow & { ticket_id: string }>(sql`select ${CLOCK_COLUMNS}, ticket_id from sla_clocks
    where workspace_id = ${o.workspaceId}::uuid and id = ${o.clockId}::uuid for update`);
  return r ? { ...clockOf(r), ticketId: r.ticket_id } : null;
}

/** Where the ticket was when it happened: compliance counts per team and agent. */
export type TicketPlace = { workspaceId: string; ticketId: string; teamId: string | null; assigneeId: string | null };

/** What a transition records beside its kind: the target and, for the end of a clock, whether it was met. */
function eventData(t: ClockTiming, kind: SlaEventKind): Record<string, unknown> {
  const d: Record<string, unknown> = { targetSeconds: t.targetSeconds, usedSeconds: t.usedSeconds };
  if (t.dueAt) d.dueAt = iso(t.dueAt);
  if (kind === 'fulfilled') d.met = t.state === 'fulfilled';
  return d;
}

/** When each event of a change happened: a breach at its due time, the rest when the change did. */
const eventAt = (t: ClockTiming, kind: SlaEventKind, at: Date) => (kind === 'breached' && t.breachedAt ? t.breachedAt : at);

type EventRow = { id: string; ws: string; clock: string; ticket: string; policy: string | null; metric: SlaMetric; kind: SlaEventKind; team: string | null; assignee: string | null; at: string; data: Record<string, unknown> };

/** The `sla_events` row of a transition of `clock` (its timing as it is after it) of the ticket at `p`. */
const eventRow = (p: TicketPlace, clock: { id: string; policyId: string | null; metric: SlaMetric }, kind: SlaEventKind, t: ClockTiming, at: Date): EventRow => ({
  id: newId(), ws: p.workspaceId, clock: clock.id, ticket: p.ticketId, policy: clock.policyId || null, metric: clock.metric, kind, team: p.teamId, assignee: p.assigneeId,
  at: eventAt(t, kind, at).toISOString(), data: eventData(t, kind),
});

const INSERT_CLOCKS = `insert into sla_clocks (id, workspace_id, ticket_id, policy_id, metric, message_id, state, target_seconds, warn_lead_seconds,
    used_seconds, running_since, due_at, warn_at, created_at, updated_at)
  select id, ws, ticket, policy, metric::sla_metric, message, state::sla_clock_state, target, lead, used, running, due, warn, started, now
  from json_to_recordset($1::text::json) as r(id uuid, ws uuid, ticket uuid, policy uuid, metric text, message uuid, state text, target int, lead int,
    used int, running timestamptz, due timestamptz, warn timestamptz, started timestamptz, now timestamptz)
  on conflict do nothing
  returning id`;

const UPDATE_CLOCKS = `update sla_clocks c set state = r.state::sla_clock_state, policy_id = r.policy, target_seconds = r.target, warn_lead_seconds = r.lead,
    used_seconds = r.used, running_since = r.running, due_at = r.due, warn_at = r.warn, breached_at = r.breached, stopped_at = r.stopped, updated_at = r.now
  from json_to_recordset($1::text::json) as r(id uuid, ws uuid, state text, policy uuid, target int, lead int, used int, running timestamptz,
    due timestamptz, warn timestamptz, breached timestamptz, stopped timestamptz, now timestamptz)
  where c.id = r.id and c.workspace_id = r.ws`;

const INSERT_EVENTS = `insert into sla_events (id, workspace_id, clock_id, ticket_id, policy_id, metric, kind, team_id, assignee_id, at, data)
  select id, ws, clock, ticket, policy, metric::sla_metric, kind::sla_event_kind, team, assignee, at, data
  from json_to_recordset($1::text::json) as r(id uuid, ws uuid, clock uuid, ticket uuid, policy uuid, metric text, kind text, team uuid, assignee uuid,
    at timestamptz, data jsonb)`;

/**
 * Writes the engine's decisions for many tickets in the caller's transaction, in a handful of
 * statements whatever their number: new clocks, transitions, one `sla_events` row each, and the
 * warnings and breaches kept in the scheduler (due while a clock runs, gone otherwise). `at` is
 * when the change happened.
 */
export async function applyChanges(tx: Tx, items: readonly { place: TicketPlace; changes: readonly ClockChange[] }[], at: Date): Promise<void> {
  const inserts: Record<string, unknown>[] = [];
  const updates: Record<string, unknown>[] = [];
  const events: EventRow[] = [];
  const due = new Map<string, { workspaceId: string; kind: SlaDueKind; key: string; dueAt: Date | null; clock: string }>();
  const sync = (workspaceId: string, clock: string, t: ClockTiming, warned: boolean) => {
    const running = t.state === 'running' && t.dueAt;
    due.set(`sla.breach:${clock}`, { workspaceId, kind: 'sla.breach', key: clock, dueAt: running ? t.dueAt : null, clock });
    due.set(`sla.warning:${clock}`, { workspaceId, kind: 'sla.warning', key: clock, dueAt: running && t.warnAt && !warned ? t.warnAt : null, clock });
  };
  for (const { place, changes } of items) {
    for (const c of changes) {
      const t = c.timing;
      if (c.op === 'start') {
        const id = newId();
        inserts.push({ id, ws: place.workspaceId, ticket: place.ticketId, policy: c.policyId || null, metric: c.metric, message: c.messageId, state: t.state,
          target: t.targetSeconds, lead: t.warnLeadSeconds, used: t.usedSeconds, running: t.runningSince, due: t.dueAt, warn: t.warnAt, started: c.at, now: at });
        for (const kind of c.events) events.push(eventRow(place, { id, policyId: c.policyId, metric: c.metric }, kind, t, c.at));
        sync(place.workspaceId, id, t, false);
        continue;
      }
      updates.push({ id: c.clock.id, ws: place.workspaceId, state: t.state, policy: c.clock.policyId || null, target: t.targetSeconds, lead: t.warnLeadSeconds,
        used: t.usedSeconds, running: t.runningSince, due: t.dueAt, warn: t.warnAt, breached: t.breachedAt, stopped: t.stoppedAt, now: at });
      events.push(eventRow(place, c.clock, c.event, t, at));
      sync(place.workspaceId, c.clock.id, t, (c.clock as StoredClock).warnedAt != null);
    }
  }
  if (inserts.length) {
    const made = new Set((await tx.query<{ id: string }>(INSERT_CLOCKS, [JSON.stringify(inserts)])).map((r) => r.id));
    // A next response for a message that has one already (its event seen twice): nothing of it is written.
    for (const i of inserts) {
      if (made.has(i.id as string)) continue;
      due.delete(`sla.breach:${i.id}`);
      due.delete(`sla.warning:${i.id}`);
    }
    const dropped = new Set(inserts.map((i) => i.id as string).filter((id) => !made.has(id)));
    if (dropped.size) events.splice(0, events.length, ...events.filter((e) => !dropped.has(e.clock)));
  }
  if (updates.length) await tx.query(UPDATE_CLOCKS, [JSON.stringify(updates)]);
  if (events.length) await tx.query(INSERT_EVENTS, [JSON.stringify(events)]);
  const all = [...due.values()];
  await scheduleDueMany(tx, all.filter((d) => d.dueAt).map((d) => ({ workspaceId: d.workspaceId, kind: d.kind, key: d.key, dueAt: d.dueAt!, payload: { clockId: d.clock } })));
  await cancelDueMany(tx, all.filter((d) => !d.dueAt).map((d) => ({ kind: d.kind, key: d.key })));
}

/** A ticket's summary on the wire from its `sla_*` values; null when no target runs. */
const summaryOf = (due: Date | null, warn: Date | null, metric: SlaMetric | null, breached: boolean): TicketSla | null =>
  due ? { metric: metric!, dueAt: iso(due), warnAt: warn ? iso(warn) : null, breached } : null;

/** A ticket whose SLA summary changed, with where it is (for the live update). */
export type RefreshedTicket = { ticketId: string; inboxId: string; teamId: string | null; assigneeId: string | null; sla: TicketSla | null };

/**
 * Recomputes the SLA summary of tickets (`tickets.sla_*`: the soonest target: the earliest due
 * time among running and breached clocks) from their clocks, in one statement, without
 * touching `updated_at` (SLA is not activity). Answers the tickets whose summary changed.
 */
export async function refreshTicketsSla(tx: Tx | Db, o: { workspaceId: string; ticketIds: string[] }): Promise<RefreshedTicket[]> {
  if (!o.ticketIds.length) return [];
  const rows = await tx.query<{ id: string; inbox_id: string; team_id: string | null; assignee_id: string | null; due_at: Date | null; warn_at: Date | null; metric: SlaMetric | null; breached: boolean }>(
    `with x as (
       select t.id, n.due_at, n.warn_at, n.metric, coalesce(n.breached, false) as breached
       from tickets t
       left join lateral (select c.due_at, c.warn_at, c.metric::text as metric, c.state = 'breached' as breached from sla_clocks c
         where c.ticket_id = t.id and c.state in ('running', 'breached') and c.due_at is not null order by c.due_at, c.id limit 1) n on true
       where t.workspace_id = $1::uuid and t.id = any($2::uuid[]))
     update tickets t set sla_due_at = x.due_at, sla_warn_at = x.warn_at, sla_metric = x.metric, sla_breached = x.breached
     from x where t.id = x.id
       and (t.sla_due_at, t.sla_warn_at, t.sla_metric, t.sla_breached) is distinct from (x.due_at, x.warn_at, x.metric, x.breached)
     returning t.id, t.inbox_id, t.team_id, t.assignee_id, x.due_at, x.warn_at, x.metric, x.breached`,
    [o.workspaceId, `{${o.ticketIds.join(',')}}`],
  );
  return rows.map((r) => ({
    ticketId: r.id,
    inboxId: r.inbox_id,
    teamId: r.team_id,
    assigneeId: r.assignee_id,
    sla: summaryOf(r.due_at, r.warn_at, r.metric, r.breached),
  }));
}

/** The SLA summary of one ticket as stored. */
export async function ticketSla(tx: Tx | Db, o: { workspaceId: string; ticketId: string }): Promise<RefreshedTicket | null> {
  const [r] = await tx.rows<{ id: string; inbox_id: string; team_id: string | null; assignee_id: string | null; sla_due_at: Date | null; sla_warn_at: Date | null; sla_metric: SlaMetric | null; sla_breached: boolean }>(
    sql`select id, inbox_id, team_id, assignee_id, sla_due_at, sla_warn_at, sla_metric, sla_breached from tickets where workspace_id = ${o.workspaceId}::uuid and id = ${o.ticketId}::uuid`,
  );
  if (!r) return null;
  return {
    ticketId: r.id, inboxId: r.inbox_id, teamId: r.team_id, assigneeId: r.assignee_id,
    sla: summaryOf(r.sla_due_at, r.sla_warn_at, r.sla_metric, r.sla_breached),
  };
}

/** Marks a clock's warning as given (once: false when it was already). */
export async function markWarned(tx: Tx, place: TicketPlace, clock: StoredClock, at: Date): Promise<boolean> {
  const rows = await tx.rows(sql`update sla_clocks set warned_at = ${at}::timestamptz where id = ${clock.id}::uuid and warned_at is null returning 1`);
  if (!rows.length) return false;
  await tx.query(INSERT_EVENTS, [JSON.stringify([eventRow(place, clock, 'warned', clock, at)])]);
  return true;
}

/**
 * Records the breach of a clock whose due time has come (`sla.breach` due work), in a few
 * statements: the clock turns breached at its due time unless a change since moved or ended
 * it. Answers the clock's ticket and metric, or null when nothing happened.
 */
export async function breachIfDue(tx: Tx, o: { workspaceId: string; clockId: string; now: Date }): Promise<{ ticketId: string; metric: SlaMetric; dueAt: Date } | null> {
  const [c] = await tx.query<{ ticket_id: string; policy_id: string | null; metric: SlaMetric; due_at: Date; breached_at: Date; target_seconds: number; warn_lead_seconds: number; used_seconds: number; team_id: string | null; assignee_id: string | null }>(
    `update sla_clocks c set state = 'breached', breached_at = c.due_at, warn_at = null, updated_at = $3::timestamptz
     from tickets t
     where c.id = $2::uuid and c.workspace_id = $1::uuid and c.state = 'running' and c.due_at <= $3::timestamptz and t.id = c.ticket_id
     returning c.ticket_id, c.policy_id, c.metric, c.due_at, c.breached_at, c.target_seconds, c.warn_lead_seconds, c.used_seconds, t.team_id, t.assignee_id`,
    [o.workspaceId, o.clockId, o.now],
  );
  if (!c) return null;
  const place: TicketPlace = { workspaceId: o.workspaceId, ticketId: c.ticket_id, teamId: c.team_id, assigneeId: c.assignee_id };
  const timing: ClockTiming = {
    state: 'breached', targetSeconds: c.target_seconds, warnLeadSeconds: c.warn_lead_seconds, usedSeconds: c.used_seconds, runningSince: null,
    dueAt: new Date(c.due_at), warnAt: null, breachedAt: new Date(c.breached_at), stoppedAt: null,
  };
  await tx.query(INSERT_EVENTS, [JSON.stringify([eventRow(place, { id: o.clockId, policyId: c.policy_id, metric: c.metric }, 'breached', timing, o.now)])]);
  await cancelDueMany(tx, [{ kind: 'sla.warning', key: o.clockId }]);
  return { ticketId: c.ticket_id, metric: c.metric, dueAt: new Date(c.due_at) };
}
