import type { Agent, Channel, Ticket, RoutingDecision, RoutingMode, RoutingQueueSummary, RoutingReason, RoutingTrigger } from '@support/protocol';

/** Names of the workspace's teams and inboxes, to say where a ticket was routed or waits. */
export type Places = { teams: readonly { id: string; name: string }[]; inboxes: readonly { id: string; name: string }[] };

const MODES: Record<RoutingMode, string> = { manual: 'Manual', round_robin: 'Round robin', balanced: 'Balanced' };

const REASONS: Record<RoutingReason, string> = {
  chosen: 'chosen',
  offline: 'offline',
  away: 'away',
  at_capacity: 'at capacity',
  outside_hours: 'outside working hours',
  not_next: 'not next in turn',
  busy: 'busy',
};

/** What started a decision, as a clause after it ("" for a new ticket). */
const TRIGGERS: Record<RoutingTrigger, string> = {
  created: '',
  drain: ' from the queue',
  reopened: ' on reopening',
  away: ' after the assignee went away',
  on_demand: ' on request',
  team_changed: ' after the team changed',
};

/** A candidate's reason in words ("at capacity"); an unknown one as it came. */
export const reasonText = (r: string): string => REASONS[r as RoutingReason] ?? r.replace(/_/g, ' ');

/** Whether `v` (an activity's `newValue`) looks like a routing decision. */
export function isDecision(v: unknown): v is RoutingDecision {
  const d = v as Partial<RoutingDecision> | null;
  return !!d && typeof d === 'object' && typeof d.outcome === 'string' && Array.isArray(d.candidates);
}

/** "team Billing" / "inbox Website" / null (a policy of neither, or none). */
export function policyPlace(p: { teamId: string | null; inboxId: string | null } | null, places: Places): string | null {
  if (p?.teamId) return `team ${places.teams.find((t) => t.id === p.teamId)?.name ?? 'removed'}`;
  if (p?.inboxId) return `inbox ${places.inboxes.find((i) => i.id === p.inboxId)?.name ?? 'removed'}`;
  return null;
}

/**
 * One sentence for a `routed` activity, always rendered as text:
 * "Routed to Ann by Balanced (team Billing), rule VIP", "Queued: nobody free in team Billing",
 * "Left for manual assignment (team Billing)", "Kept with Ann on reopening".
 */
export function routedText(d: RoutingDecision, agents: Map<string, Agent>, places: Places): string {
  const who = d.assigneeId ? (d.candidates.find((c) => c.userId === d.assigneeId)?.name ?? agents.get(d.assigneeId)?.name ?? 'an agent') : 'nobody';
  const place = policyPlace(d.policy, places);
  const rule = d.rule ? `, rule ${d.rule.name}` : '';
  const why = TRIGGERS[d.trigger] ?? '';
  switch (d.outcome) {
    case 'assigned':
      return d.policy
        ? `Routed to ${who}${why} by ${MODES[d.policy.mode] ?? d.policy.mode}${place ? ` (${place})` : ''}${rule}`
        : `Routed to ${who}${why}${d.rule ? ` by rule ${d.rule.name}` : ''}`;
    case 'queued':
      return `Queued${why}: nobody free${place ? ` in ${place}` : ''}${rule}`;
    case 'kept':
      return `Kept with ${who}${why}${rule}`;
    default:
      return place ? `Left for manual assignment${why} (${place})${rule}` : `Not routed${why}: no routing policy applies${rule}`;
  }
}

/** The candidates a decision did not list: "and 180 more: 150 not next in turn, 30 offline". */
export function moreText(more: Partial<Record<RoutingReason, number>>): string {
  const parts = Object.entries(more).filter(([, n]) => (n ?? 0) > 0).map(([r, n]) => `${n} ${reasonText(r)}`);
  const total = Object.values(more).reduce((a, n) => a + (n ?? 0), 0);
  return `and ${total} more: ${parts.join(', ')}`;
}

/** "2 of 3 chats" for a candidate's load, in the ticket's channel's unit. */
export function loadText(c: { load: number; capacity: number }, channel: Channel): string {
  return `${c.load} of ${c.capacity} ${channel === 'email' ? 'emails' : 'chats'}`;
}

/** "waiting less than a minute", "waiting 3 min", "waiting 2 h 5 min" since `since` (ISO) at `now` (ms). */
export function waitText(since: string, now: number): string {
  const min = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (min < 1) return 'waiting less than a minute';
  if (min < 60) return `waiting ${min} min`;
  const h = Math.floor(min / 60);
  return `waiting ${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

/** A queue's name: its team's, or "Website (inbox)" for an inbox's tickets without a team. */
export function queueName(q: Pick<RoutingQueueSummary, 'teamId' | 'inboxId'>, places: Places): string {
  if (q.teamId) return places.teams.find((t) => t.id === q.teamId)?.name ?? 'A removed team';
  return `${places.inboxes.find((i) => i.id === q.inboxId)?.name ?? 'A removed inbox'} (inbox)`;
}

/** The queues someone waits in, longest wait first; and how many wait in all. */
export function waitingQueues(queues: readonly RoutingQueueSummary[]): { list: RoutingQueueSummary[]; total: number } {
  const list = queues.filter((q) => q.length > 0).sort((a, b) => (a.oldestSince ?? '\uffff').localeCompare(b.oldestSince ?? '\uffff'));
  return { list, total: list.reduce((n, q) => n + q.length, 0) };
}

/** What `POST /api/tickets/:ticketId/route` did (its `outcome`). */
export type RouteOutcome = 'assigned' | 'queued' | 'manual' | 'kept' | 'skipped';

/** What "Route now" did, in words for its toast: "Given to Ann", "Waiting in the queue: nobody has room"… */
export function routeOutcomeText(outcome: RouteOutcome, ticket: Pick<Ticket, 'assigneeId' | 'status'>, agents: Map<string, Agent>): string {
  const who = ticket.assigneeId ? (agents.get(ticket.assigneeId)?.name ?? 'an agent') : 'nobody';
  switch (outcome) {
    case 'assigned':
      return `Given to ${who}`;
    case 'queued':
      return 'Waiting in the queue: nobody has room';
    case 'manual':
      return 'This ticket is assigned by hand: no routing policy gives it out';
    case 'kept':
      return `Already with ${who}: nothing changed`;
    case 'skipped':
      return `Not routed: the ticket is ${ticket.status}`;
  }
}
