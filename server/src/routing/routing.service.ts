import { sql } from 'drizzle-orm';
import { ROUTING_LISTED_CANDIDATES, type Activity, type Channel, type RoutingDecision, type RoutingReason, type RoutingTrigger } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { toWire, toWireOrNull } from '../db/ids.js';
import type { Actor, ServiceContext } from '../lib/context.js';
import { changeTicket, insertActivity, type TicketRow } from '../tickets/tickets.service.js';
import { compiledCalendar } from '../calendars/calendars.service.js';
import { isOpen, nextOpen } from '../business-time/business-time.js';
import { scheduleDue } from '../scheduler/due.js';
import { rankCandidates, tryable, type Candidate, type Ranked } from './engine.js';
import { dequeue, enqueue, lockAndRecount, loadCandidates, policyFor, queueHead, queueOf, waitingQueues, type PolicyRow } from './store.js';
import type { RoutingNotes } from './notify.js';

export const SYSTEM: Actor = { type: 'system', id: null };

/** Statuses in which a ticket is routed (others are done with). */
const ROUTABLE = new Set(['open', 'pending']);

export type RouteOutcome = 'assigned' | 'queued' | 'manual' | 'kept' | 'skipped';

/** Due work that drains a queue when its policy's working hours open. */
export const DRAIN_KIND = 'routing.drain';

/**
 * The core of a routing decision, inside the ticket's transaction (the ticket row is locked):
 * ranks the policy's candidates, then tries them best first, each under a lock on their routing
 * row with their load counted again (a savepoint gives the lock back when they turn out full),
 * and assigns to the first with room; else the ticket waits in the policy's queue. Writes the
 * `assigned` and `routed` activities. A drain attempt that leaves a ticket waiting where it
 * already waited writes nothing.
 */
export async function routeWithin(
  tx: Tx,
  o: { ws: string; cur: TicketRow & { inbox_id: string; channel: Channel }; now: Date; trigger: RoutingTrigger; notes: RoutingNotes; rule?: { id: string; name: string } | null; policy?: PolicyRow | null; prefer?: string | null },
): Promise<{ outcome: RouteOutcome; activities: Activity[] }> {
  const { ws, cur, now } = o;
  const policy = o.policy !== undefined ? o.policy : await policyFor(tx, ws, cur);
  const decision = (outcome: RoutingDecision['outcome'], assigneeId: string | null, ranked: Ranked[]): RoutingDecision => ({
    trigger: o.trigger,
    outcome,
    policy: policy && { id: toWire('routingPolicy', policy.id), mode: policy.mode, teamId: toWireOrNull('team', policy.team_id), inboxId: toWireOrNull('inbox', policy.inbox_id) },
    rule: o.rule ? { id: toWire('routingRule', o.rule.id), name: o.rule.name } : null,
    assigneeId: assigneeId && toWire('user', assigneeId),
    ...listed(ranked),
  });
  const routed = (d: RoutingDecision) => insertActivity(tx, { ws, ticketId: cur.id, kind: 'routed', actor: SYSTEM, oldValue: null, newValue: d, now });

  if (!policy || policy.mode === 'manual') {
    // A rule's agent still gets it when they are online: no policy, so no capacity to keep.
    if (o.prefer) {
      const [m] = await tx.rows<{ name: string; availability: Candidate['availability'] }>(sql`select u.name, m.availability from memberships m join users u on u.id = m.user_id
        where m.workspace_id = ${ws}::uuid and m.user_id = ${o.prefer}::uuid and m.status = 'active' and u.status = 'active'`);
      if (m?.availability === 'online') {
        await tx.rows(sql`update tickets set assignee_id = ${o.prefer}::uuid where id = ${cur.id}::uuid`);
        const left = await dequeue(tx, ws, cur.id, now);
        if (left) o.notes.queueChanged(ws, left, cur.id);
        const assigned = await insertActivity(tx, { ws, ticketId: cur.id, kind: 'assigned', actor: SYSTEM, oldValue: null, newValue: toWire('user', o.prefer), now });
        const ranked: Ranked[] = [{ candidate: { userId: o.prefer, name: m.name, availability: 'online', load: 0, capacity: 0, lastAssignedAt: null }, reason: 'chosen' }];
        return { outcome: 'assigned', activities: [assigned, await routed(decision('assigned', o.prefer, ranked))] };
      }
    }
    if (o.trigger === 'on_demand' || (policy && o.trigger === 'created')) return { outcome: 'manual', activities: [await routed(decision('manual', null, []))] };
    return { outcome: 'manual', activities: [] };
  }
  let inHours = true;
  if (policy.calendar_id) {
    const cal = await compiledCalendar(tx, { workspaceId: ws, calendarId: policy.calendar_id, now });
    inHours = isOpen(cal.calendar, now);
    if (!inHours) {
      // Drain when the hours open: nothing else would wake the queue then.
      let at: Date | null = null;
      try {
        at = nextOpen(cal.calendar, now);
      } catch {
        at = null;
      }
      if (at) await scheduleDue(tx, { workspaceId: ws, kind: DRAIN_KIND, key: `${ws}:${queueOf(policy)}`, dueAt: at, payload: { queueId: queueOf(policy) } });
    }
  }
  const ranked = rankCandidates(policy.mode, await loadCandidates(tx, ws, policy, cur.channel), inHours);
  // A rule's agent goes first when eligible.
  if (o.prefer) {
    const i = ranked.findIndex((r) => r.candidate.userId === o.prefer && tryable(r));
    if (i > 0) ranked.unshift(...ranked.splice(i, 1));
  }
  let chosen: string | null = null;
  for (const r of ranked) {
    if (!tryable(r)) continue;
    if (chosen) {
      r.reason = 'not_next';
      continue;
    }
    await tx.rows(sql`savepoint routing_try`);
    const now2 = await lockAndRecount(tx, ws, r.candidate.userId, policy, cur.channel);
    if (now2 && now2.availability === 'online' && now2.load < now2.capacity) {
      await tx.rows(sql`release savepoint routing_try`);
      r.candidate.load = now2.load;
      r.reason = 'chosen';
      chosen = r.candidate.userId;
    } else {
      // Someone filled their last place (or they went away) since the ranking: give the lock back.
      await tx.rows(sql`rollback to savepoint routing_try`);
      r.reason = now2?.availability === 'online' ? 'at_capacity' : now2?.availability === 'away' ? 'away' : 'offline';
      if (now2) r.candidate.load = now2.load;
    }
  }
  if (chosen) {
    await tx.rows(sql`update tickets set assignee_id = ${chosen}::uuid where id = ${cur.id}::uuid`);
    await tx.rows(sql`update routing_agents set last_assigned_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
      where workspace_id = ${ws}::uuid and user_id = ${chosen}::uuid`);
    const left = await dequeue(tx, ws, cur.id, now);
    if (left) o.notes.queueChanged(ws, left, cur.id);
    const assigned = await insertActivity(tx, { ws, ticketId: cur.id, kind: 'assigned', actor: SYSTEM, oldValue: cur.assignee_id && toWire('user', cur.assignee_id), newValue: toWire('user', chosen), now });
    return { outcome: 'assigned', activities: [assigned, await routed(decision('assigned', chosen, ranked))] };
  }
  const fresh = await enqueue(tx, { ws, ticketId: cur.id, queueId: queueOf(policy), teamId: cur.team_id, inboxId: cur.inbox_id, channel: cur.channel, now });
  if (fresh) o.notes.queueChanged(ws, queueOf(policy), null);
  // Still waiting where it waited: said once, when it joined (asked by hand, it is said again).
  if (!fresh && o.trigger !== 'on_demand') return { outcome: 'queued', activities: [] };
  return { outcome: 'queued', activities: [await routed(decision('queued', null, ranked))] };
}

/**
 * Takes a ticket from its assignee (the `assigned` activity, to nobody) and routes it again, in
 * its transaction: a reopened ticket not kept, an away agent's chat after the grace.
 */
export async function routeAway(
  tx: Tx,
  o: { ws: string; cur: TicketRow & { inbox_id: string; channel: Channel }; now: Date; trigger: RoutingTrigger; notes: RoutingNotes; policy: PolicyRow },
): Promise<{ outcome: RouteOutcome; activities: Activity[] }> {
  const { ws, cur, now } = o;
  await tx.rows(sql`update tickets set assignee_id = null where id = ${cur.id}::uuid`);
  const unassigned = await insertActivity(tx, { ws, ticketId: cur.id, kind: 'assigned', actor: SYSTEM, oldValue: cur.assignee_id && toWire('user', cur.assignee_id), newValue: null, now });
  const r = await routeWithin(tx, { ...o, cur: { ...cur, assignee_id: null } });
  return { outcome: r.outcome, activities: [unassigned, ...r.activities] };
}

/**
 * The candidates a decision lists: the ranking's head (chosen, next best, then the ineligible),
 * at most ROUTING_LISTED_CANDIDATES, and the rest counted by reason. Every assignment's event
 * goes to every agent who sees the ticket: a list of 200 to 200 sockets 80 times a second was
 * what held routing back in the bench.
 */
export function listed(ranked: Ranked[]): Pick<RoutingDecision, 'candidates' | 'more'> {
  const wire = (r: Ranked) => ({ userId: toWire('user', r.candidate.userId), name: r.candidate.name, load: r.candidate.load, capacity: r.candidate.capacity, reason: r.reason });
  if (ranked.length <= ROUTING_LISTED_CANDIDATES) return { candidates: ranked.map(wire) };
  const more: Partial<Record<RoutingReason, number>> = {};
  for (const r of ranked.slice(ROUTING_LISTED_CANDIDATES)) more[r.reason] = (more[r.reason] ?? 0) + 1;
  return { candidates: ranked.slice(0, ROUTING_LISTED_CANDIDATES).map(wire), more };
}

/** The ticket's channel and inbox, read in its transaction. */
export async function channelOf(tx: Tx, ticketId: string): Promise<{ inbox_id: string; channel: Channel }> {
  const [r] = await tx.rows<{ inbox_id: string; channel: Channel }>(sql`select t.inbox_id, i.channel from tickets t join inboxes i on i.id = t.inbox_id where t.id = ${ticketId}::uuid`);
  return r!;
}

/**
 * Routes one ticket now (a new ticket, a drain, on demand): does nothing to an assigned ticket
 * (`skipped`, and it leaves any queue) or one that is resolved or closed. One transaction; the
 * change is published after commit like any ticket change.
 */
export async function routeTicket(
  ctx: ServiceContext,
  o: { workspaceId: string; ticketId: string; trigger: RoutingTrigger; notes: RoutingNotes; rule?: { id: string; name: string } | null; prefer?: string | null },
): Promise<RouteOutcome> {
  let outcome: RouteOutcome = 'skipped';
  await changeTicket(ctx, { workspaceId: o.workspaceId, ticketId: o.ticketId, actor: SYSTEM }, async (tx, cur, now) => {
    if (cur.assignee_id || !ROUTABLE.has(cur.status)) {
      const left = await dequeue(tx, o.workspaceId, cur.id, now);
      if (left) o.notes.queueChanged(o.workspaceId, left, cur.id);
      if (o.trigger === 'on_demand' && cur.assignee_id) {
        outcome = 'kept';
        return [await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'routed', actor: SYSTEM, oldValue: null, now,
          newValue: { trigger: o.trigger, outcome: 'kept', policy: null, rule: null, assigneeId: toWire('user', cur.assignee_id), candidates: [] } satisfies RoutingDecision })];
      }
      return [];
    }
    const r = await routeWithin(tx, { ws: o.workspaceId, cur: { ...cur, ...(await channelOf(tx, cur.id)) }, now, trigger: o.trigger, notes: o.notes, rule: o.rule ?? null, prefer: o.prefer ?? null });
    outcome = r.outcome;
    return r.activities;
  });
  return outcome;
}

/**
 * Gives out the waiting tickets of one queue while someone has room, in queue order, per
 * channel (a full chat desk does not hold up email). Each ticket is its own transaction, so two
 * nodes draining at once interleave safely; returns how many were assigned.
 */
export async function drainQueue(ctx: ServiceContext, o: { workspaceId: string; queueId: string; notes: RoutingNotes }): Promise<number> {
  let assigned = 0;
  for (const channel of ['chat', 'email'] as const) {
    const passed: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const head = await queueHead(ctx.db, o.workspaceId, o.queueId, channel, passed);
      if (!head) break;
      const outcome = await routeTicket(ctx, { workspaceId: o.workspaceId, ticketId: head, trigger: 'drain', notes: o.notes });
      if (outcome === 'assigned') assigned++;
      else if (outcome === 'queued') break; // nobody has room for the head: nobody has for those behind it
      else if (outcome === 'manual') passed.push(head); // its queue's policy is gone or manual: leave it be
    }
  }
  return assigned;
}

/** Drains every queue of a workspace that has tickets waiting (capacity may have appeared anywhere). */
export async function drainWorkspace(ctx: ServiceContext, o: { workspaceId: string; notes: RoutingNotes; only?: string[] | null }): Promise<number> {
  let n = 0;
  for (const q of await waitingQueues(ctx.db, o.workspaceId)) {
    if (o.only && !o.only.includes(q)) continue;
    n += await drainQueue(ctx, { workspaceId: o.workspaceId, queueId: q, notes: o.notes });
  }
  return n;
}

/**
 * A reopened ticket: back to its previous assignee when they are eligible (online, room for it,
 * which it already takes) and it was resolved within the policy's reopen window; else taken from
 * them and routed.
 */
export async function routeReopened(ctx: ServiceContext, o: { workspaceId: string; ticketId: string; notes: RoutingNotes }): Promise<RouteOutcome> {
  let outcome: RouteOutcome = 'skipped';
  await changeTicket(ctx, { workspaceId: o.workspaceId, ticketId: o.ticketId, actor: SYSTEM }, async (tx, cur, now) => {
    if (!ROUTABLE.has(cur.status)) return [];
    const full = { ...cur, ...(await channelOf(tx, cur.id)) };
    const policy = await policyFor(tx, o.workspaceId, full);
    if (!policy || policy.mode === 'manual') return [];
    if (!cur.assignee_id) {
      const r = await routeWithin(tx, { ws: o.workspaceId, cur: full, now, trigger: 'reopened', notes: o.notes, policy });
      outcome = r.outcome;
      return r.activities;
    }
    const [resolved] = await tx.rows<{ at: Date | string }>(sql`select created_at as at from ticket_activities
      where ticket_id = ${cur.id}::uuid and kind = 'status_changed' and new_value in ('"resolved"'::jsonb, '"closed"'::jsonb)
      order by created_at desc limit 1`);
    const within = resolved ? now.getTime() - new Date(resolved.at).getTime() <= policy.reopen_window_seconds * 1000 : false;
    await tx.rows(sql`savepoint routing_reopen`);
    const state = await lockAndRecount(tx, o.workspaceId, cur.assignee_id, policy, full.channel);
    // The reopened ticket is already counted in their load.
    const keep = within && state && state.availability === 'online' && state.load <= state.capacity;
    // Not kept: give their lock back before trying others (no transaction holds two agents' locks).
    await tx.rows(keep ? sql`release savepoint routing_reopen` : sql`rollback to savepoint routing_reopen`);
    if (keep) {
      outcome = 'kept';
      return [await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'routed', actor: SYSTEM, oldValue: null, now,
        newValue: { trigger: 'reopened', outcome: 'kept', policy: { id: toWire('routingPolicy', policy.id), mode: policy.mode, teamId: toWireOrNull('team', policy.team_id), inboxId: toWireOrNull('inbox', policy.inbox_id) },
          rule: null, assigneeId: toWire('user', cur.assignee_id), candidates: [] } satisfies RoutingDecision })];
    }
    const r = await routeAway(tx, { ws: o.workspaceId, cur: full, now, trigger: 'reopened', notes: o.notes, policy });
    outcome = r.outcome;
    return r.activities;
  });
  return outcome;
}
