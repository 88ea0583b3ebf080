import { sql } from 'drizzle-orm';
import type { TicketStatus } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { toWire, toWireOrNull } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import type { LoggedEvent } from '../events/log.events.js';
import { isOpenClock } from './clock.js';
import { onDue, onPublicMessage, onReplan, onStatusChanged, onTicketCreated, type AppliedPolicy, type ClockChange, type TicketState } from './engine.js';
import { applyChanges, lockClock, markWarned, refreshTicketSla, ticketClocks, type StoredClock, type TicketPlace } from './clocks.store.js';
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
type Notice = { workspaceId: string; ticketId: string; alert?: Alert };

/** Publishes each ticket's new SLA summary (and any alert) on the bus; after commit only. */
function publish(ctx: ServiceContext, notices: Notice[], summaries: Map<string, Awaited<ReturnType<typeof refreshTicketSla>> & { place: TicketPlace; inboxId: string }>) {
  for (const n of notices) {
    const s = summaries.get(n.ticketId);
    if (!s || (!s.changed && !n.alert)) continue;
    ctx.bus.publish('sla.changed', {
      workspaceId: toWire('workspace', n.workspaceId),
      ticketId: toWire('ticket', n.ticketId),
      inboxId: toWire('inbox', s.inboxId),
      teamId: toWireOrNull('team', s.place.teamId),
      assigneeId: toWireOrNull('user', s.place.assigneeId),
      sla: s.sla,
      alert: n.alert ?? null,
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
 * the facts, writes what it decides, refreshes the ticket's summary. Returns what to publish.
 */
async function withTicket(
  ctx: ServiceContext,
  o: { workspaceId: string; ticketId: string; at: Date },
  decide: (s: { ticket: TicketRow; clocks: StoredClock[]; policies: PolicyRow[]; resolver: PolicyResolver; tx: Tx }) => Promise<{ changes: ClockChange[]; alert?: Alert }>,
): Promise<void> {
  const result = await ctx.db.transaction(async (tx) => {
    const clocks = await ticketClocks(tx, { ...o, lock: true });
    const [ticket] = await loadTickets(tx, o.workspaceId, [o.ticketId]);
    if (!ticket) return null;
    const policies = await policyRows(tx, o.workspaceId);
    const resolver = new PolicyResolver(tx, ctx.clock.now());
    const { changes, alert } = await decide({ ticket, clocks, policies, resolver, tx });
    if (!changes.length && !alert) return null;
    const place: TicketPlace = { workspaceId: o.workspaceId, ticketId: o.ticketId, teamId: ticket.team_id, assigneeId: ticket.assignee_id };
    await applyChanges(tx, place, changes, o.at);
    const summary = await refreshTicketSla(tx, o);
    return { summary: { ...summary, place, inboxId: ticket.inbox_id }, alert };
  });
  if (result) publish(ctx, [{ workspaceId: o.workspaceId, ticketId: o.ticketId, ...(result.alert ? { alert: result.alert } : {}) }], new Map([[o.ticketId, result.summary]]));
}

const stateOf = (t: TicketRow, status?: TicketStatus): TicketState => ({ status: status ?? t.status, priority: t.priority });

/**
 * Handles one event of the durable log (the `sla` consumer). Imported events are skipped:
 * an import brings history, not promises to keep.
 */
export async function handleSlaEvent(ctx: ServiceContext, e: LoggedEvent): Promise<void> {
  if (e.imported) return;
  const at = e.occurredAt;
  const base = { workspaceId: e.workspaceId, at };
  switch (e.name) {
    case 'ticket.created':
      return withTicket(ctx, { ...base, ticketId: e.payload.ticketId }, async ({ ticket, clocks, policies, resolver }) => {
        if (clocks.length) return { changes: [] };
        const row = await resolver.select(policies, ticket);
        if (!row) return { changes: [] };
        const policy = await resolver.applied(row);
        return { changes: onTicketCreated({ policy, ticket: stateOf(ticket, e.payload.ticket.status), openedBy: e.payload.authorType, at }) };
      });
    case 'message.created': {
      const p = e.payload;
      if (p.visibility !== 'public') return;
      return withTicket(ctx, { ...base, ticketId: p.ticketId }, async ({ ticket, clocks, policies, resolver }) => {
        const row = currentPolicyOf(clocks, policies) ?? (await resolver.select(policies, ticket));
        if (!row) return { changes: [] };
        const policy = await resolver.applied(row);
        const state = stateOf(ticket, p.status);
        // A customer message moves a pending ticket back to open: the clocks follow first.
        const synced = onStatusChanged({ policy, ticket: state, from: state.status, clocks, at });
        const after = applyLocally(clocks, synced);
        return { changes: [...synced, ...onPublicMessage({ policy, ticket: state, clocks: after, authorType: p.authorType, messageId: p.messageId, at })] };
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
        if (!after) return { changes: [] };
        const replanned = onReplan({ before: before ?? after, after, ticket: state, clocks, at });
        if (!status || !afterRow) return { changes: replanned };
        const from = status.oldValue as TicketStatus;
        return { changes: [...replanned, ...onStatusChanged({ policy: after, ticket: state, from, clocks: applyLocally(clocks, replanned), at })] };
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
 * re-plan since then moved or ended it, and then nothing happens).
 */
export async function fireBreach(ctx: ServiceContext, o: { workspaceId: string; clockId: string }): Promise<void> {
  const now = ctx.clock.now();
  const [clock] = await ctx.db.rows<{ ticket_id: string }>(sql`select ticket_id from sla_clocks where workspace_id = ${o.workspaceId}::uuid and id = ${o.clockId}::uuid`);
  if (!clock) return;
  await withTicket(ctx, { workspaceId: o.workspaceId, ticketId: clock.ticket_id, at: now }, async ({ clocks }) => {
    const c = clocks.find((x) => x.id === o.clockId);
    if (!c) return { changes: [] };
    const changes = onDue({ clock: c, at: now });
    const alert = changes.length ? { kind: 'breached' as const, metric: c.metric, dueAt: c.dueAt!.toISOString() } : undefined;
    return alert ? { changes, alert } : { changes };
  });
}

/** The `sla.warning` due work of a clock: warned once, if it still runs and the warning time has come. */
export async function fireWarning(ctx: ServiceContext, o: { workspaceId: string; clockId: string }): Promise<void> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    const clock = await lockClock(tx, o);
    if (!clock || clock.state !== 'running' || !clock.warnAt || clock.warnAt > now) return null;
    const [ticket] = await loadTickets(tx, o.workspaceId, [clock.ticketId]);
    if (!ticket) return null;
    const place: TicketPlace = { workspaceId: o.workspaceId, ticketId: clock.ticketId, teamId: ticket.team_id, assigneeId: ticket.assignee_id };
    if (!(await markWarned(tx, place, clock, now))) return null;
    const summary = await refreshTicketSla(tx, { workspaceId: o.workspaceId, ticketId: clock.ticketId });
    return { clock, summary: { ...summary, place, inboxId: ticket.inbox_id } };
  });
  if (!result) return;
  const alert: Alert = { kind: 'warning', metric: result.clock.metric, dueAt: result.clock.dueAt!.toISOString() };
  publish(ctx, [{ workspaceId: o.workspaceId, ticketId: result.clock.ticketId, alert }], new Map([[result.clock.ticketId, result.summary]]));
}

/**
 * Re-plans every open clock of a workspace under the policy that matches its ticket now (a
 * policy, its order or a calendar changed), `batch` tickets at a time from `after` (a ticket
 * id; null from the start). Returns the last ticket done, null when none is left.
 */
export async function replanBatch(ctx: ServiceContext, o: { workspaceId: string; after: string | null; batch: number }): Promise<string | null> {
  const ids = await ctx.db.rows<{ ticket_id: string }>(
    sqlOpenTickets(o.workspaceId, o.after, o.batch),
  );
  for (const { ticket_id } of ids) {
    await withTicket(ctx, { workspaceId: o.workspaceId, ticketId: ticket_id, at: ctx.clock.now() }, async ({ ticket, clocks, policies, resolver }) => {
      const at = ctx.clock.now();
      const beforeRow = currentPolicyOf(clocks, policies);
      const afterRow = await resolver.select(policies, ticket);
      const state = stateOf(ticket);
      if (!afterRow && !beforeRow) return { changes: [] };
      const before = beforeRow ? await resolver.applied(beforeRow) : null;
      const after = afterRow ? await resolver.applied(afterRow) : { ...before!, policyId: '', targets: NO_TARGETS };
      // A clock planned under a policy since deleted counts its past in its new policy's way.
      return { changes: onReplan({ before: before ?? after, after, ticket: state, clocks, at, force: true }) };
    });
  }
  return ids.length === o.batch ? ids.at(-1)!.ticket_id : null;
}

const sqlOpenTickets = (ws: string, after: string | null, n: number) => sql`select distinct ticket_id from sla_clocks
  where workspace_id = ${ws}::uuid and state in ('running', 'paused', 'breached') ${after ? sql`and ticket_id > ${after}::uuid` : sql``}
  order by ticket_id limit ${n}`;
