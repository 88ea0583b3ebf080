import type { SlaClockState } from '@support/protocol';

/**
 * How an SLA clock counts time: the business hours of its calendar, or every second
 * (calendar time). Whole seconds; `between` is 0 when b <= a.
 */
export interface TimeCounter {
  add(start: Date, seconds: number): Date;
  between(a: Date, b: Date): number;
}

/** Calendar time: every second counts. */
export const CALENDAR_TIME: TimeCounter = {
  add: (start, seconds) => new Date(start.getTime() + seconds * 1000),
  between: (a, b) => Math.max(0, Math.floor((b.getTime() - a.getTime()) / 1000)),
};

/**
 * The timing of one SLA clock. `usedSeconds` is the counted time up to `runningSince`
 * (null unless running); `dueAt`/`warnAt` are planned while running, null otherwise.
 */
export interface ClockTiming {
  state: SlaClockState;
  targetSeconds: number;
  warnLeadSeconds: number;
  usedSeconds: number;
  runningSince: Date | null;
  dueAt: Date | null;
  warnAt: Date | null;
  breachedAt: Date | null;
  stoppedAt: Date | null;
}

/** States a clock can still change from by time passing or a ticket change. */
export const OPEN_CLOCK_STATES: readonly SlaClockState[] = ['running', 'paused', 'breached'];

export const isOpenClock = (c: Pick<ClockTiming, 'state'>) => OPEN_CLOCK_STATES.includes(c.state);

function plan(c: ClockTiming, counter: TimeCounter): ClockTiming {
  const since = c.runningSince!;
  const remaining = Math.max(0, c.targetSeconds - c.usedSeconds);
  const dueAt = counter.add(since, remaining);
  // No warning when the lead covers the whole remaining time: it would fire at once, and
  // the warning is there to say a breach is coming, not that the clock started late.
  const warnAt = c.warnLeadSeconds > 0 && remaining > c.warnLeadSeconds ? counter.add(since, remaining - c.warnLeadSeconds) : null;
  return { ...c, dueAt, warnAt };
}

/** A new running clock from `at` with `targetSeconds` to go. */
export function startClock(o: { targetSeconds: number; warnLeadSeconds: number; at: Date; counter: TimeCounter }): ClockTiming {
  return plan(
    {
      state: 'running',
      targetSeconds: o.targetSeconds,
      warnLeadSeconds: o.warnLeadSeconds,
      usedSeconds: 0,
      runningSince: o.at,
      dueAt: null,
      warnAt: null,
      breachedAt: null,
      stoppedAt: null,
    },
    o.counter,
  );
}

/** Counted time so far, as of `at` (the used time plus what ran since it last started). */
export function elapsedSeconds(c: ClockTiming, at: Date, counter: TimeCounter): number {
  return c.usedSeconds + (c.runningSince ? counter.between(c.runningSince, at) : 0);
}

/** Stops counting, keeping the time used: nothing is due while paused. A breached clock stays breached. */
export function pauseClock(c: ClockTiming, at: Date, counter: TimeCounter): ClockTiming {
  if (c.state !== 'running') return c;
  return { ...c, state: 'paused', usedSeconds: elapsedSeconds(c, at, counter), runningSince: null, dueAt: null, warnAt: null };
}

/** Counts again from `at` what a pause left. */
export function resumeClock(c: ClockTiming, at: Date, counter: TimeCounter): ClockTiming {
  if (c.state !== 'paused') return c;
  return plan({ ...c, state: 'running', runningSince: at }, counter);
}

/**
 * Re-plans an open clock with a new target, warning lead or way of counting (a priority,
 * policy or calendar change), keeping the time already used: what ran until `at` is counted
 * with `before` (the old counter), what remains with `after`. A clock whose new target is
 * already used up is due at `at`.
 */
export function replanClock(
  c: ClockTiming,
  o: { targetSeconds: number; warnLeadSeconds: number; at: Date; before: TimeCounter; after: TimeCounter },
): ClockTiming {
  if (c.state === 'paused') return { ...c, targetSeconds: o.targetSeconds, warnLeadSeconds: o.warnLeadSeconds };
  if (c.state !== 'running') return c;
  const used = elapsedSeconds(c, o.at, o.before);
  return plan({ ...c, targetSeconds: o.targetSeconds, warnLeadSeconds: o.warnLeadSeconds, usedSeconds: used, runningSince: o.at }, o.after);
}

/** Records the breach of a running clock whose due time has come; else returns it unchanged. */
export function breachClock(c: ClockTiming, at: Date): ClockTiming {
  if (c.state !== 'running' || !c.dueAt || c.dueAt > at) return c;
  return { ...c, state: 'breached', breachedAt: c.dueAt, warnAt: null };
}

/** The target was met (or met late, after a breach). */
export function fulfilClock(c: ClockTiming, at: Date, counter: TimeCounter): ClockTiming {
  if (!isOpenClock(c)) return c;
  const late = c.state === 'breached' || (c.state === 'running' && c.dueAt !== null && c.dueAt <= at);
  return {
    ...c,
    state: late ? 'fulfilled_after_breach' : 'fulfilled',
    breachedAt: c.breachedAt ?? (late ? c.dueAt : null),
    usedSeconds: elapsedSeconds(c, at, counter),
    runningSince: null,
    dueAt: late ? c.dueAt : null,
    warnAt: null,
    stoppedAt: at,
  };
}

/** The target no longer applies (no target for the new priority, the ticket was resolved before a reply). */
export function cancelClock(c: ClockTiming, at: Date, counter: TimeCounter): ClockTiming {
  if (!isOpenClock(c)) return c;
  return { ...c, state: 'cancelled', usedSeconds: elapsedSeconds(c, at, counter), runningSince: null, dueAt: null, warnAt: null, stoppedAt: at };
}
