import { writeEvents } from '../events/log.writer.js';
import { sql } from 'drizzle-orm';
import type { TicketStatus } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { toWire, toWireOrNull } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import type { LoggedEvent } from '../events/log.events.js';
import { isOpenClock } from './clock.js';
import { onDue, onPublicMessage, onReplan, onStatusChanged, onTicketCreated, type AppliedPolicy, type ClockChange, type TicketState } from './engine.js';
import { applyChanges, breachIfDue, clocksOfTickets, lockClock, markWarned, refreshTicketsSla, ticketSla, type RefreshedTicket, type StoredClock, type TicketPlace } from './clocks.store.js';
import { loadTickets, PolicyResolver, type TicketRow } from './facts.js';
import { policyRows, type PolicyRow } from './policies.service.js';

/**
 * SLA reactions: the `sla` consumer of the durable event log starts and moves clocks as
 * tickets and messages change; the scheduler's `sla.warning` / `sla.breach` work fires them.
 * Each unit of work is one transaction per ticket that locks the ticket's clocks first, so a
 * breach and a reply racing on two nodes serialize; every handler is idempotent (the log and
 * the scheduler deliver at least once). What changed reaches the inbox after commit as
 * `sla.changed` on the bus.
 */

type Alert = { kind: 'warning' | 'breached'; metric: StoredClock['metric']; dueAt: string };

/** Tells agents who see each ticket its new SLA summary (and any alert), on the bus; after commit only. */
export function publish(ctx: ServiceContext, workspaceId: string, tickets: readonly RefreshedTicket[], alert: Alert | null = null) {
  for (const t of tickets) {
    ctx.bus.publish('sla.changed', {
      workspaceId: toWire('workspace', workspaceId),
      ticketId: toWire('ticket', t.ticketId),
      inboxId: toWire('inbox', t.inboxId),
      teamId: toWireOrNull('team', t.teamId),
      assigneeId: toWireOrNull('user', t.assigneeId),
      sla: t.sla,
      alert,
    });
  }
}

/** The policy the ticket's open clocks were planned under (its current row), or null. */
function currentPolicyOf(clocks: readonly StoredClock[], policies: readonly PolicyRow[]): PolicyRow | null {
  const open = clocks.filter(isOpenClock);
  const id = (open.at(-1) ?? clocks.at(-1))?.policyId;
  return policies.find((p) => p.id === id) ?? null;
}

/**
 * Runs `decide` for one ticket in one transaction: loads and locks its clocks, the policies and
 * the facts, writes what it decides, refreshes the ticket's summary; publishes after commit.
 */
async function withTicket(
  ctx: ServiceContext,
  o: { workspaceId: string; ticketId: string; at: Date },
  decide: (s: { ticket: TicketRow; clocks: StoredClock[]; policies: PolicyRow[]; resolver: PolicyResolver; tx: Tx }) => Promise<ClockChange[]>,
): Promise<void> {
  const changed = await ctx.db.transaction(async (tx) => {
    const clocks: StoredClock[] = await clocksOfTickets(tx, { workspaceId: o.workspaceId, ticketIds: [o.ticketId] });
    const [ticket] = await loadTickets(tx, o.workspaceId, [o.ticketId]);
    if (!ticket) return [];
    const policies = await policyRows(tx, o.workspaceId);
    const resolver = new PolicyResolver(tx, ctx.clock.now());
    const changes = await decide({ ticket, clocks, policies, resolver, tx });
    if (!changes.length) return [];
    const place: TicketPlace = { workspaceId: o.workspaceId, ticketId: o.ticketId, teamId: ticket.team_id, assigneeId: ticket.assignee_id };
    await applyChanges(tx, [{ place, changes }], o.at);
    return refreshTicketsSla(tx, { workspaceId: o.workspaceId, ticketIds: [o.ticketId] });
  });
  publish(ctx, o.workspaceId, changed);
}

const stateOf = (t: TicketRow, status?: TicketStatus): TicketState => ({ status: status ?? t.status, priority: t.priority });

/**
 * Handles one event of the durable log (the `sla` consumer). Imported events are skipped:
 * an import brings history, not promises to keep.
 */
export async function handleSlaEvent(ctx: ServiceContext, e: LoggedEvent, o: { checked?: boolean } = {}): Promise<void> {
  if (e.imported || !('ticketId' in e.payload)) return;
  // Most workspaces have no SLA: one cheap look before a transaction per event (the consumer
  // looks once per batch instead: `slaTouched`).
  if (!o.checked && !(await slaApplies(ctx, e.workspaceId, e.payload.ticketId))) return;
  const at = e.occurredAt;
  const base = { workspaceId: e.workspaceId, at };
  switch (e.name) {
    case 'ticket.created':
      return withTicket(ctx, { ...base, ticketId: e.payload.ticketId }, async ({ ticket, clocks, policies, resolver }) => {
        if (clocks.length) return [];
        const row = await resolver.select(policies, ticket);
        if (!row) return [];
        const policy = await resolver.applied(row);
        return onTicketCreated({ policy, ticket: stateOf(ticket, e.payload.ticket.status), openedBy: e.payload.authorType, at });
      });
    case 'message.created': {
      const p = e.payload;
      if (p.visibility !== 'public') return;
      return withTicket(ctx, { ...base, ticketId: p.ticketId }, async ({ ticket, clocks, policies, resolver }) => {
        const row = currentPolicyOf(clocks, policies) ?? (await resolver.select(policies, ticket));
        if (!row) return [];
        const policy = await resolver.applied(row);
        const state = stateOf(ticket, p.status);
        // A customer message moves a pending ticket back to open: the clocks follow first.
        const synced = onStatusChanged({ policy, ticket: state, from: state.status, clocks, at });
        const after = applyLocally(clocks, synced);
        return [...synced, ...onPublicMessage({ policy, ticket: state, clocks: after, authorType: p.authorType, messageId: p.messageId, at })];
      });
    }
    case 'ticket.updated': {
      const p = e.payload;
      const status = p.activities.find((a) => a.kind === 'status_changed');
      return withTicket(ctx, { ...base, ticketId: p.ticketId }, async ({ ticket, clocks, policies, resolver }) => {
        const state: TicketState = { status: p.ticket.status, priority: p.ticket.priority };
        const beforeRow = currentPolicyOf(clocks, policies);
        // Team, tags, inbox or priority may have moved the ticket under another policy.
        const afterRow = await resolver.select(policies, { ...ticket, ...state });
        const before = beforeRow ? await resolver.applied(beforeRow) : null;
        const after = afterRow ? await resolver.applied(afterRow) : before && { ...before, policyId: '', targets: NO_TARGETS };
        if (!after) return [];
        const replanned = onReplan({ before: before ?? after, after, ticket: state, clocks, at });
        if (!status || !afterRow) return replanned;
        const from = status.oldValue as TicketStatus;
        return [...replanned, ...onStatusChanged({ policy: after, ticket: state, from, clocks: applyLocally(clocks, replanned), at })];
      });
    }
    default:
      return;
  }
}

const NONE = { first_response: null, next_response: null, resolution: null };
const NO_TARGETS = { low: NONE, normal: NONE, high: NONE, urgent: NONE };

/** The clocks as they are after `changes` (for deciding on top of changes not yet written). */
function applyLocally(clocks: readonly StoredClock[], changes: readonly ClockChange[]): StoredClock[] {
  const out = clocks.slice();
  for (const c of changes) {
    if (c.op !== 'update') continue;
    const i = out.findIndex((x) => x.id === c.clock.id);
    if (i >= 0) out[i] = { ...out[i]!, ...c.timing, policyId: c.clock.policyId };
  }
  return out;
}

/**
 * The `sla.breach` due work of a clock: breached now if it still runs and is due (a reply or a
 * re-plan since then moved or ended it, and then nothing happens). A few statements: breaches
 * come in bursts (every ticket of a busy morning due at nine).
 */
export async function fireBreach(ctx: ServiceContext, o: { workspaceId: string; clockId: string }): Promise<void> {
  const now = ctx.clock.now();
  const done = await ctx.db.transaction(async (tx) => {
    const b = await breachIfDue(tx, { ...o, now });
    if (!b) return null;
    // Durable, for reactions to breaches (automation): in the breach's transaction.
    await writeEvents(tx, [{ workspaceId: o.workspaceId, name: 'sla.breached', occurredAt: now, payload: { ticketId: b.ticketId, clockId: o.clockId, metric: b.metric, dueAt: b.dueAt.toISOString() } }]);
    const changed = await refreshTicketsSla(tx, { workspaceId: o.workspaceId, ticketIds: [b.ticketId] });
    return { b, ticket: changed[0] ?? (await ticketSla(tx, { workspaceId: o.workspaceId, ticketId: b.ticketId })) };
  });
  if (done?.ticket) publish(ctx, o.workspaceId, [done.ticket], { kind: 'breached', metric: done.b.metric, dueAt: done.b.dueAt.toISOString() });
}

/** The `sla.warning` due work of a clock: warned once, if it still runs and the warning time has come. */
export async function fireWarning(ctx: ServiceContext, o: { workspaceId: string; clockId: string }): Promise<void> {
  const now = ctx.clock.now();
  const done = await ctx.db.transaction(async (tx) => {
    const clock = await lockClock(tx, o);
    if (!clock || clock.state !== 'running' || !clock.warnAt || clock.warnAt > now) return null;
    const ticket = await ticketSla(tx, { workspaceId: o.workspaceId, ticketId: clock.ticketId });
    if (!ticket) return null;
    const place: TicketPlace = { workspaceId: o.workspaceId, ticketId: clock.ticketId, teamId: ticket.teamId, assigneeId: ticket.assigneeId };
    if (!(await markWarned(tx, place, clock, now))) return null;
    await writeEvents(tx, [{ workspaceId: o.workspaceId, name: 'sla.warning', occurredAt: now, payload: { ticketId: clock.ticketId, clockId: o.clockId, metric: clock.metric, dueAt: clock.dueAt!.toISOString() } }]);
    return { clock, ticket };
  });
  if (done) publish(ctx, o.workspaceId, [done.ticket], { kind: 'warning', metric: done.clock.metric, dueAt: done.clock.dueAt!.toISOString() });
}

/**
 * Re-plans the open clocks of a workspace under the policy that matches each ticket now (a
 * policy, the order or a calendar changed): `batch` tickets from `after` (a ticket id; null
 * from the start) in one transaction and a handful of statements. Returns the last ticket
 * done, null when none is left.
 */
export async function replanBatch(ctx: ServiceContext, o: { workspaceId: string; after: string | null; batch: number }): Promise<string | null> {
  const at = ctx.clock.now();
  const { ids, changed } = await ctx.db.transaction(async (tx) => {
    const ids = (await tx.rows<{ ticket_id: string }>(sqlOpenTickets(o.workspaceId, o.after, o.batch))).map((r) => r.ticket_id);
    if (!ids.length) return { ids, changed: [] };
    const clocks = await clocksOf(tx, o.workspaceId, ids);
    const tickets = await loadTickets(tx, o.workspaceId, ids);
    const policies = await policyRows(tx, o.workspaceId);
    const resolver = new PolicyResolver(tx, at);
    const items: { place: TicketPlace; changes: ClockChange[] }[] = [];
    for (const ticket of tickets) {
      const mine = clocks.get(ticket.id) ?? [];
      const beforeRow = currentPolicyOf(mine, policies);
      const afterRow = await resolver.select(policies, ticket);
      if (!afterRow && !beforeRow) continue;
      const before = beforeRow ? await resolver.applied(beforeRow) : null;
      const after = afterRow ? await resolver.applied(afterRow) : { ...before!, policyId: '', targets: NO_TARGETS };
      // A clock planned under a policy since deleted counts its past in its new policy's way.
      const changes = onReplan({ before: before ?? after, after, ticket: stateOf(ticket), clocks: mine, at, force: true });
      if (changes.length) items.push({ place: { workspaceId: o.workspaceId, ticketId: ticket.id, teamId: ticket.team_id, assigneeId: ticket.assignee_id }, changes });
    }
    await applyChanges(tx, items, at);
    return { ids, changed: await refreshTicketsSla(tx, { workspaceId: o.workspaceId, ticketIds: items.map((i) => i.place.ticketId) }) };
  });
  publish(ctx, o.workspaceId, changed);
  return ids.length === o.batch ? ids.at(-1)! : null;
}

/** The clocks of many tickets, locked, by ticket (oldest first). */
async function clocksOf(tx: Tx, workspaceId: string, ticketIds: string[]): Promise<Map<string, StoredClock[]>> {
  const out = new Map<string, StoredClock[]>();
  for (const c of await clocksOfTickets(tx, { workspaceId, ticketIds })) {
    const list = out.get(c.ticketId) ?? [];
    list.push(c);
    out.set(c.ticketId, list);
  }
  return out;
}

/**
 * Of a batch of log events, those SLA must look at: of workspaces with an enabled policy, or
 * about tickets with open clocks (which a change may move or end). One statement for the batch.
 */
export async function slaTouched(db: Db, events: readonly LoggedEvent[]): Promise<LoggedEvent[]> {
  const about = events.filter((e) => !e.imported && 'ticketId' in e.payload);
  if (!about.length) return [];
  const ticketOf = (e: LoggedEvent) => (e.payload as { ticketId: string }).ticketId;
  const rows = await db.query<{ k: 'w' | 't'; id: string }>(
    `select 'w' as k, workspace_id::text as id from sla_policies where enabled and workspace_id = any($1::uuid[])
     union
     select 't', ticket_id::text from sla_clocks where ticket_id = any($2::uuid[]) and state in ('running', 'paused', 'breached')`,
    [`{${[...new Set(about.map((e) => e.workspaceId))].join(',')}}`, `{${[...new Set(about.map(ticketOf))].join(',')}}`],
  );
  const ws = new Set(rows.filter((r) => r.k === 'w').map((r) => r.id));
  const tickets = new Set(rows.filter((r) => r.k === 't').map((r) => r.id));
  return about.filter((e) => ws.has(e.workspaceId) || tickets.has(ticketOf(e)));
}

/** Whether the workspace has an enabled policy, or the ticket open clocks (which a change may move or end). */
async function slaApplies(ctx: ServiceContext, workspaceId: string, ticketId: string): Promise<boolean> {
  const [r] = await ctx.db.query<{ yes: boolean }>(
    `select exists (select 1 from sla_policies where workspace_id = $1::uuid and enabled)
         or exists (select 1 from sla_clocks where workspace_id = $1::uuid and ticket_id = $2::uuid and state in ('running', 'paused', 'breached')) as yes`,
    [workspaceId, ticketId],
  );
  return r?.yes === true;
}

const sqlOpenTickets = (ws: string, after: string | null, n: number) => sql`select distinct ticket_id from sla_clocks
  where workspace_id = ${ws}::uuid and state in ('running', 'paused', 'breached') ${after ? sql`and ticket_id > ${after}::uuid` : sql``}
  order by ticket_id limit ${n}`;
