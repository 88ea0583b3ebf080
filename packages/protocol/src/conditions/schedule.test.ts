import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionMatches } from './evaluate.js';
import { facts, NOW } from './fixtures.test-support.js';
import { nextTimeChange } from './schedule.js';
import type { Condition } from './types.js';

const at = (iso: string) => new Date(iso);

describe('nextTimeChange', () => {
  it('pending for 3 days: due 4320 minutes after the status changed', () => {
    const f = facts();
    f.ticket.status = 'pending';
    const c: Condition = { all: [{ field: 'ticket.status', op: 'is', value: 'pending' }, { field: 'ticket.since_status_change', op: 'gte', value: 4320 }] };
    expect(nextTimeChange(c, f, NOW)).toEqual(at('2026-12-10T11:50:00Z'));
    expect(conditionMatches(c, f, { now: at('2026-12-10T11:49:59Z') })).toBe(false);
    expect(conditionMatches(c, f, { now: at('2026-12-10T11:50:00Z') })).toBe(true);
    expect(nextTimeChange(c, f, at('2026-12-10T11:50:00Z'))).toBeNull();
  });

  it('whole minutes: gt and lte flip one minute later than gte and lt', () => {
    const leaf = (op: 'gt' | 'gte' | 'lt' | 'lte'): Condition => ({ all: [{ field: 'ticket.age', op, value: 180 }] });
    // created 10:00, NOW 12:00
    expect(nextTimeChange(leaf('gte'), facts(), NOW)).toEqual(at('2026-12-07T13:00:00Z'));
    expect(nextTimeChange(leaf('lt'), facts(), NOW)).toEqual(at('2026-12-07T13:00:00Z'));
    expect(nextTimeChange(leaf('gt'), facts(), NOW)).toEqual(at('2026-12-07T13:01:00Z'));
    expect(nextTimeChange(leaf('lte'), facts(), NOW)).toEqual(at('2026-12-07T13:01:00Z'));
  });

  it('the earliest of several leaves, in any group; none for absent timestamps or no durations', () => {
    const c: Condition = { any: [{ field: 'ticket.age', op: 'gt', value: 600 }, { all: [{ field: 'ticket.since_customer_message', op: 'gte', value: 90 }] }, { field: 'ticket.since_agent_reply', op: 'gt', value: 1 }] };
    expect(nextTimeChange(c, facts(), NOW)).toEqual(at('2026-12-07T12:30:00Z'));
    expect(nextTimeChange({ all: [{ field: 'ticket.since_agent_reply', op: 'gt', value: 1 }] }, facts(), NOW)).toBeNull();
    expect(nextTimeChange({ all: [{ field: 'ticket.status', op: 'is', value: 'open' }] }, facts(), NOW)).toBeNull();
    expect(nextTimeChange({ all: [] }, null as never, NOW)).toBeNull();
  });

  it('property: a duration condition never changes its answer between now and the instant returned', () => {
    const ops = fc.constantFrom('gt', 'gte', 'lt', 'lte') as fc.Arbitrary<'gt' | 'gte' | 'lt' | 'lte'>;
    const fields = fc.constantFrom('ticket.age', 'ticket.since_customer_message', 'ticket.since_status_change');
    const leaf = fc.record({ field: fields, op: ops, value: fc.integer({ min: 0, max: 300 }) });
    fc.assert(
      fc.property(fc.array(leaf, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.integer({ min: 0, max: 600 }), (leaves, all, offset) => {
        const c: Condition = all ? { all: leaves } : { any: leaves };
        const f = facts();
        const now = new Date(NOW.getTime() + offset * 30_000);
        const next = nextTimeChange(c, f, now);
        const before = conditionMatches(c, f, { now });
        const end = next ? next.getTime() : now.getTime() + 1000 * 60_000;
        for (let t = now.getTime(); t < end; t += 30_000) expect(conditionMatches(c, f, { now: new Date(t) })).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});
