import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultSlaTargets, type SlaTargets } from '@support/protocol';
import { CALENDAR_TIME, elapsedSeconds, pauseClock, replanClock, resumeClock, startClock, type TimeCounter } from './clock.js';
import { onDue, onPublicMessage, onReplan, onStatusChanged, onTicketCreated, type AppliedPolicy, type Clock, type ClockChange } from './engine.js';

const H = 3600;
const T0 = new Date('2026-03-02T09:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

/** A test calendar: open the first half of every UTC hour. */
const halfHours: TimeCounter = {
  between(a, b) {
    let n = 0;
    for (let t = Math.ceil(a.getTime() / 1000); t < Math.ceil(b.getTime() / 1000); t++) if (t % 3600 < 1800) n++;
    return n;
  },
  add(start, seconds) {
    let t = Math.ceil(start.getTime() / 1000);
    let left = seconds;
    while (left > 0) {
      if (t % 3600 < 1800) {
        const run = Math.min(left, 1800 - (t % 3600));
        t += run;
        left -= run;
      } else t += 3600 - (t % 3600);
    }
    return new Date(t * 1000);
  },
};

const policy = (o: Partial<AppliedPolicy> = {}): AppliedPolicy => ({
  policyId: 'p1',
  targets: defaultSlaTargets(),
  warnLeadSeconds: 30 * 60,
  pauseStatuses: ['pending'],
  reopen: 'restart',
  counter: CALENDAR_TIME,
  ...o,
});

let seq = 0;
/** Applies changes to a clock list as the service would (ids for new clocks). */
function apply(clocks: Clock[], changes: ClockChange[]): Clock[] {
  const out = clocks.slice();
  for (const c of changes) {
    if (c.op === 'start') out.push({ ...c.timing, id: `c${++seq}`, metric: c.metric, messageId: c.messageId, policyId: c.policyId, startedAt: c.at });
    else out[out.findIndex((x) => x.id === c.clock.id)] = { ...c.clock, ...c.timing };
  }
  return out;
}

const open = { status: 'open', priority: 'normal' } as const;

describe('SLA engine', () => {
  it('a ticket a customer opens awaits a first response and a resolution, due at their targets', () => {
    const clocks = apply([], onTicketCreated({ policy: policy(), ticket: open, openedBy: 'contact', at: T0 }));
    expect(clocks.map((c) => [c.metric, c.state, c.dueAt?.toISOString(), c.warnAt?.toISOString()])).toEqual([
      ['first_response', 'running', at(8 * H).toISOString(), at(8 * H - 1800).toISOString()],
      ['resolution', 'running', at(72 * H).toISOString(), at(72 * H - 1800).toISOString()],
    ]);
  });

  it('a ticket an agent opens awaits only its resolution; one created resolved awaits nothing', () => {
    expect(onTicketCreated({ policy: policy(), ticket: open, openedBy: 'agent', at: T0 }).map((c) => c.op === 'start' && c.metric)).toEqual(['resolution']);
    expect(onTicketCreated({ policy: policy(), ticket: { ...open, status: 'resolved' }, openedBy: 'contact', at: T0 })).toEqual([]);
  });

  it('a ticket created in a pause status starts paused, with nothing due', () => {
    const clocks = apply([], onTicketCreated({ policy: policy(), ticket: { ...open, status: 'pending' }, openedBy: 'contact', at: T0 }));
    expect(clocks.every((c) => c.state === 'paused' && c.dueAt === null)).toBe(true);
  });

  it('a metric without a target for the priority gets no clock', () => {
    const targets: SlaTargets = { ...defaultSlaTargets(), normal: { first_response: H, next_response: null, resolution: null } };
    const changes = onTicketCreated({ policy: policy({ targets }), ticket: open, openedBy: 'contact', at: T0 });
    expect(changes.map((c) => c.op === 'start' && c.metric)).toEqual(['first_response']);
  });

  it('a public agent reply meets the first response; the customer writing again waits on a next response per message', () => {
    const p = policy();
    let clocks = apply([], onTicketCreated({ policy: p, ticket: open, openedBy: 'contact', at: T0 }));
    expect(onPublicMessage({ policy: p, ticket: open, clocks, authorType: 'contact', messageId: 'm0', at: at(60) })).toEqual([]);
    clocks = apply(clocks, onPublicMessage({ policy: p, ticket: open, clocks, authorType: 'agent', messageId: 'm1', at: at(600) }));
    expect(clocks.find((c) => c.metric === 'first_response')).toMatchObject({ state: 'fulfilled', usedSeconds: 600, stoppedAt: at(600) });
    expect(clocks.find((c) => c.metric === 'resolution')!.state).toBe('running');
    clocks = apply(clocks, onPublicMessage({ policy: p, ticket: open, clocks, authorType: 'contact', messageId: 'm2', at: at(1000) }));
    clocks = apply(clocks, onPublicMessage({ policy: p, ticket: open, clocks, authorType: 'contact', messageId: 'm3', at: at(1100) }));
    const next = clocks.filter((c) => c.metric === 'next_response');
    expect(next.map((c) => [c.messageId, c.dueAt?.toISOString()])).toEqual([
      ['m2', at(1000 + 8 * H).toISOString()],
      ['m3', at(1100 + 8 * H).toISOString()],
    ]);
    // The same message seen twice (the log is at least once) starts no second clock.
    expect(onPublicMessage({ policy: p, ticket: open, clocks, authorType: 'contact', messageId: 'm3', at: at(1100) })).toEqual([]);
    // An agent reply seen again after them (written before them) meets neither.
    expect(onPublicMessage({ policy: p, ticket: open, clocks, authorType: 'agent', messageId: 'm1', at: at(600) })).toEqual([]);
    clocks = apply(clocks, onPublicMessage({ policy: p, ticket: open, clocks, authorType: 'agent', messageId: 'm4', at: at(2000) }));
    expect(clocks.filter((c) => c.metric === 'next_response').map((c) => c.state)).toEqual(['fulfilled', 'fulfilled']);
    expect(onPublicMessage({ policy: p, ticket: open, clocks, authorType: 'system', messageId: 'm5', at: at(2100) })).toEqual([]);
  });

  it('a pause status pauses every clock keeping the used time; leaving it resumes with the same time left', () => {
    const p = policy();
    let clocks = apply([], onTicketCreated({ policy: p, ticket: open, openedBy: 'contact', at: T0 }));
    clocks = apply(clocks, onStatusChanged({ policy: p, ticket: { ...open, status: 'pending' }, from: 'open', clocks, at: at(H) }));
    expect(clocks.map((c) => [c.state, c.usedSeconds, c.dueAt])).toEqual([
      ['paused', H, null],
      ['paused', H, null],
    ]);
    clocks = apply(clocks, onStatusChanged({ policy: p, ticket: open, from: 'pending', clocks, at: at(5 * H) }));
    expect(clocks.map((c) => [c.state, c.dueAt?.toISOString()])).toEqual([
      ['running', at(5 * H + 7 * H).toISOString()],
      ['running', at(5 * H + 71 * H).toISOString()],
    ]);
  });

  it('resolving meets the resolution target and cancels the awaited responses', () => {
    const p = policy();
    let clocks = apply([], onTicketCreated({ policy: p, ticket: open, openedBy: 'contact', at: T0 }));
    clocks = apply(clocks, onStatusChanged({ policy: p, ticket: { ...open, status: 'resolved' }, from: 'open', clocks, at: at(H) }));
    expect(clocks.map((c) => [c.metric, c.state])).toEqual([
      ['first_response', 'cancelled'],
      ['resolution', 'fulfilled'],
    ]);
  });

  it('a reopened ticket restarts resolution with the whole target, or resumes with the time used as the policy says', () => {
    for (const [reopen, due] of [
      ['restart', 10 * H + 72 * H],
      ['resume', 10 * H + 71 * H],
    ] as const) {
      const p = policy({ reopen });
      let clocks = apply([], onTicketCreated({ policy: p, ticket: open, openedBy: 'agent', at: T0 }));
      clocks = apply(clocks, onStatusChanged({ policy: p, ticket: { ...open, status: 'resolved' }, from: 'open', clocks, at: at(H) }));
      clocks = apply(clocks, onStatusChanged({ policy: p, ticket: open, from: 'resolved', clocks, at: at(10 * H) }));
      const last = clocks.at(-1)!;
      expect([reopen, last.metric, last.state, last.dueAt?.toISOString()]).toEqual([reopen, 'resolution', 'running', at(due).toISOString()]);
    }
  });

  it('a priority change re-plans keeping the time used, and cancels a metric without a target', () => {
    const p = policy();
    let clocks = apply([], onTicketCreated({ policy: p, ticket: open, openedBy: 'contact', at: T0 }));
    const urgent = { status: 'open', priority: 'urgent' } as const;
    clocks = apply(clocks, onReplan({ before: p, after: p, ticket: urgent, clocks, at: at(1800) }));
    expect(clocks.map((c) => [c.metric, c.state, c.dueAt?.toISOString()])).toEqual([
      ['first_response', 'running', at(H).toISOString()],
      ['resolution', 'running', at(8 * H).toISOString()],
    ]);
    const none = policy({ targets: { ...defaultSlaTargets(), low: { first_response: null, next_response: null, resolution: null } } });
    clocks = apply(clocks, onReplan({ before: p, after: none, ticket: { status: 'open', priority: 'low' }, clocks, at: at(2000) }));
    expect(clocks.map((c) => c.state)).toEqual(['cancelled', 'cancelled']);
  });

  it('a re-plan whose new target is already used up is due at once; a breach fires only at the due time; a late reply is fulfilled after breach', () => {
    const p = policy();
    let clocks = apply([], onTicketCreated({ policy: p, ticket: open, openedBy: 'contact', at: T0 }));
    clocks = apply(clocks, onReplan({ before: p, after: p, ticket: { status: 'open', priority: 'urgent' }, clocks, at: at(2 * H) }));
    const first = clocks[0]!;
    expect(first.dueAt).toEqual(at(2 * H));
    expect(onDue({ clock: { ...first, dueAt: at(3 * H) }, at: at(2 * H) })).toEqual([]);
    clocks = apply(clocks, onDue({ clock: first, at: at(2 * H + 1) }));
    expect(clocks[0]).toMatchObject({ state: 'breached', breachedAt: at(2 * H) });
    // Breached twice (a retried due job): nothing more happens.
    expect(onDue({ clock: clocks[0]!, at: at(2 * H + 5) })).toEqual([]);
    clocks = apply(clocks, onPublicMessage({ policy: p, ticket: open, clocks, authorType: 'agent', messageId: 'r', at: at(3 * H) }));
    expect(clocks[0]).toMatchObject({ state: 'fulfilled_after_breach', breachedAt: at(2 * H), stoppedAt: at(3 * H) });
  });
});

describe('SLA clock properties', () => {
  const counters = fc.constantFrom(CALENDAR_TIME, halfHours);
  const secs = fc.integer({ min: 0, max: 3 * 86_400 });
  const target = fc.integer({ min: 1, max: 2 * 86_400 });

  it('a due time is never before its start', () => {
    fc.assert(
      fc.property(counters, secs, target, (counter, s, t) => {
        const c = startClock({ targetSeconds: t, warnLeadSeconds: 0, at: at(s), counter });
        return c.dueAt! >= at(s);
      }),
    );
  });

  it('pausing never shortens the remaining time', () => {
    fc.assert(
      fc.property(counters, target, secs, secs, (counter, t, pauseAfter, pauseFor) => {
        const c = startClock({ targetSeconds: t, warnLeadSeconds: 0, at: T0, counter });
        const resumed = resumeClock(pauseClock(c, at(pauseAfter), counter), at(pauseAfter + pauseFor), counter);
        return resumed.dueAt! >= c.dueAt!;
      }),
    );
  });

  it('a re-plan keeps the time used, and the used time plus what is left is the new target', () => {
    fc.assert(
      fc.property(target, target, secs, (t1, t2, when) => {
        const counter = halfHours;
        const c = startClock({ targetSeconds: t1, warnLeadSeconds: 0, at: T0, counter });
        const used = elapsedSeconds(c, at(when), counter);
        const r = replanClock(c, { targetSeconds: t2, warnLeadSeconds: 0, at: at(when), before: counter, after: counter });
        expect(r.usedSeconds).toBe(used);
        expect(used + counter.between(r.runningSince!, r.dueAt!)).toBe(Math.max(used, t2));
      }),
    );
  });
});
