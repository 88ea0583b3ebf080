import type { AuthorType, SlaEventKind, SlaMetric, SlaTargets, TicketPriority, TicketStatus } from '@support/protocol';
import {
  breachClock,
  cancelClock,
  fulfilClock,
  isOpenClock,
  pauseClock,
  replanClock,
  resumeClock,
  startClock,
  type ClockTiming,
  type TimeCounter,
} from './clock.js';

/**
 * What the SLA engine decides, as pure functions: given the policy that applies, the
 * ticket's clocks and what happened, the clocks to start and the transitions of the others.
 * The service (sla.service.ts) loads the state, applies the changes in one transaction and
 * schedules the warnings and breaches; nothing here reads a database or a clock.
 */

/** The policy that applies to a ticket, resolved for counting. */
export interface AppliedPolicy {
  policyId: string;
  targets: SlaTargets;
  warnLeadSeconds: number;
  pauseStatuses: readonly TicketStatus[];
  reopen: 'restart' | 'resume';
  counter: TimeCounter;
}

/** A clock as stored. */
export interface Clock extends ClockTiming {
  id: string;
  metric: SlaMetric;
  /** The customer message a next-response clock waits on; null for the other metrics. */
  messageId: string | null;
  policyId: string;
  /** When the clock was started: a message older than that (seen again, the log is at least once) does not meet it. */
  startedAt: Date;
}

/** The ticket facts the engine needs. */
export interface TicketState {
  status: TicketStatus;
  priority: TicketPriority;
}

export type ClockChange =
  | { op: 'start'; metric: SlaMetric; messageId: string | null; policyId: string; at: Date; timing: ClockTiming; events: SlaEventKind[] }
  | { op: 'update'; clock: Clock; timing: ClockTiming; event: SlaEventKind };

const CLOSED_STATUSES: readonly TicketStatus[] = ['resolved', 'closed'];
export const isClosedStatus = (s: TicketStatus) => CLOSED_STATUSES.includes(s);

function target(policy: AppliedPolicy, priority: TicketPriority, metric: SlaMetric): number | null {
  return policy.targets[priority][metric];
}

function start(policy: AppliedPolicy, ticket: TicketState, metric: SlaMetric, at: Date, messageId: string | null = null, usedSeconds = 0): ClockChange | null {
  const t = target(policy, ticket.priority, metric);
  if (t === null) return null;
  let timing = startClock({ targetSeconds: t, warnLeadSeconds: policy.warnLeadSeconds, at, counter: policy.counter });
  if (usedSeconds > 0) timing = replanClock({ ...timing, usedSeconds }, { targetSeconds: t, warnLeadSeconds: policy.warnLeadSeconds, at, before: policy.counter, after: policy.counter });
  const events: SlaEventKind[] = ['started'];
  if (policy.pauseStatuses.includes(ticket.status)) {
    timing = pauseClock(timing, at, policy.counter);
    events.push('paused');
  }
  return { op: 'start', metric, messageId, policyId: policy.policyId, at, timing, events };
}

function update(clock: Clock, timing: ClockTiming, event: SlaEventKind): ClockChange[] {
  return timing === clock ? [] : [{ op: 'update', clock, timing, event }];
}

const present = <T>(x: T | null): x is T => x !== null;

/**
 * A ticket was created. Its first response is awaited only when a customer opened it (an
 * agent writing first has answered already); resolution is awaited unless it was created
 * resolved.
 */
export function onTicketCreated(o: { policy: AppliedPolicy; ticket: TicketState; openedBy: AuthorType; at: Date }): ClockChange[] {
  if (isClosedStatus(o.ticket.status)) return [];
  return [o.openedBy === 'contact' ? start(o.policy, o.ticket, 'first_response', o.at) : null, start(o.policy, o.ticket, 'resolution', o.at)].filter(present);
}

/**
 * A public message on an existing ticket. From the customer: while the first response is
 * still awaited it changes nothing; otherwise the message waits on a next response (one
 * clock per waiting message). From an agent: the awaited responses are met.
 */
export function onPublicMessage(o: {
  policy: AppliedPolicy;
  ticket: TicketState;
  clocks: readonly Clock[];
  authorType: AuthorType;
  messageId: string;
  at: Date;
}): ClockChange[] {
  const open = o.clocks.filter(isOpenClock);
  if (o.authorType === 'agent') {
    return open
      .filter((c) => (c.metric === 'first_response' || c.metric === 'next_response') && c.startedAt <= o.at)
      .flatMap((c) => update(c, fulfilClock(c, o.at, o.policy.counter), 'fulfilled'));
  }
  if (o.authorType !== 'contact' || isClosedStatus(o.ticket.status)) return [];
  if (open.some((c) => c.metric === 'first_response')) return [];
  if (o.clocks.some((c) => c.metric === 'next_response' && c.messageId === o.messageId)) return [];
  return [start(o.policy, o.ticket, 'next_response', o.at, o.messageId)].filter(present);
}

/**
 * The ticket's status changed. Resolving meets the resolution target and ends the response
 * targets (nobody is waiting on a reply to a resolved ticket); a pause status pauses every
 * clock, leaving it resumes them; reopening starts resolution again as the policy says.
 */
export function onStatusChanged(o: { policy: AppliedPolicy; ticket: TicketState; from: TicketStatus; clocks: readonly Clock[]; at: Date }): ClockChange[] {
  const { policy, at } = o;
  const to = o.ticket.status;
  const open = o.clocks.filter(isOpenClock);
  if (isClosedStatus(to)) {
    return open.flatMap((c) =>
      c.metric === 'resolution' ? update(c, fulfilClock(c, at, policy.counter), 'fulfilled') : update(c, cancelClock(c, at, policy.counter), 'cancelled'),
    );
  }
  const changes: ClockChange[] = [];
  if (isClosedStatus(o.from)) {
    const last = [...o.clocks].reverse().find((c) => c.metric === 'resolution');
    const carried = policy.reopen === 'resume' && last ? last.usedSeconds : 0;
    const restarted = start(policy, o.ticket, 'resolution', at, null, carried);
    if (restarted) changes.push(restarted);
    return changes;
  }
  const pausing = policy.pauseStatuses.includes(to);
  for (const c of open) {
    if (pausing) changes.push(...update(c, pauseClock(c, at, policy.counter), 'paused'));
    else changes.push(...update(c, resumeClock(c, at, policy.counter), 'resumed'));
  }
  return changes;
}

/**
 * The targets changed under the open clocks (a priority change, another policy now applies,
 * the policy or its calendar was edited): each is re-planned keeping the time it used (counted
 * the old way until `at`), or cancelled when its metric has no target any more.
 */
export function onReplan(o: {
  before: AppliedPolicy;
  after: AppliedPolicy;
  ticket: TicketState;
  clocks: readonly Clock[];
  at: Date;
  /** Re-plan even where nothing seems to differ (the calendar's hours changed under the same policy). */
  force?: boolean;
}): ClockChange[] {
  const changes: ClockChange[] = [];
  for (const c of o.clocks.filter(isOpenClock)) {
    const t = target(o.after, o.ticket.priority, c.metric);
    if (t === null) {
      changes.push(...update(c, cancelClock(c, o.at, o.before.counter), 'cancelled'));
      continue;
    }
    if (c.state === 'breached') continue;
    const same = t === c.targetSeconds && o.after.warnLeadSeconds === c.warnLeadSeconds && o.before.counter === o.after.counter && c.policyId === o.after.policyId;
    if (same && !o.force) continue;
    const timing = replanClock(c, { targetSeconds: t, warnLeadSeconds: o.after.warnLeadSeconds, at: o.at, before: o.before.counter, after: o.after.counter });
    changes.push({ op: 'update', clock: { ...c, policyId: o.after.policyId }, timing, event: 'replanned' });
  }
  // A resolution target that did not apply before (none for the old priority) starts now.
  const lastResolution = [...o.clocks].reverse().find((c) => c.metric === 'resolution');
  if (!isClosedStatus(o.ticket.status) && (!lastResolution || lastResolution.state === 'cancelled')) {
    const started = start(o.after, o.ticket, 'resolution', o.at);
    if (started) changes.push(started);
  }
  return changes;
}

/** The due time of a running clock came: it is breached (unless a change since moved it). */
export function onDue(o: { clock: Clock; at: Date }): ClockChange[] {
  return update(o.clock, breachClock(o.clock, o.at), 'breached');
}
