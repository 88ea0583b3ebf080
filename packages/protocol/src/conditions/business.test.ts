import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conditionMatches, evaluateCondition } from './evaluate.js';
import { conditionField, conditionFieldsFor } from './fields.js';
import { facts, NOW } from './fixtures.test-support.js';
import { nextTimeChange } from './schedule.js';
import type { Condition } from './types.js';
import { conditionSchemaFor } from './validate.js';

/** A calendar open 09:00–17:00 UTC every day, counted by hand (the real one is server/src/business-time). */
const DAY = 86_400_000;
const OPEN = 9 * 3_600_000;
const CLOSE = 17 * 3_600_000;
function between(a: Date, b: Date): number {
  let sum = 0;
  for (let d = Math.floor(a.getTime() / DAY) * DAY; d < b.getTime(); d += DAY) {
    const s = Math.max(d + OPEN, a.getTime());
    const e = Math.min(d + CLOSE, b.getTime());
    if (e > s) sum += e - s;
  }
  return sum / 1000;
}
function add(from: Date, seconds: number): Date {
  let left = seconds * 1000;
  for (let d = Math.floor(from.getTime() / DAY) * DAY; ; d += DAY) {
    const s = Math.max(d + OPEN, from.getTime());
    const e = d + CLOSE;
    if (e <= s) continue;
    if (left <= e - s) return new Date(s + left);
    left -= e - s;
  }
}
const at = (iso: string) => new Date(iso);
const ctx = (now: Date) => ({ now, businessSecondsBetween: between });

describe('business-minute durations', () => {
  it('count only the minutes the calendar was open: 10:00 → 12:00 is 120, 16:00 → next day 10:00 is 120', () => {
    const c = (v: number): Condition => ({ all: [{ field: 'ticket.business_age', op: 'gte', value: v }] });
    // created 10:00, NOW 12:00
    const r = evaluateCondition(c(120), facts(), ctx(NOW));
    expect(r).toMatchObject({ matched: true, trace: [{ field: 'ticket.business_age', actual: 120, held: true }] });
    expect(conditionMatches(c(121), facts(), ctx(NOW))).toBe(false);
    const f = facts();
    f.ticket.createdAt = '2026-12-06T16:00:00Z';
    expect(evaluateCondition(c(120), f, ctx(at('2026-12-07T10:00:00Z'))).trace[0]!.actual).toBe(120);
    // Overnight counts nothing: at 08:59 only the hour before closing has passed.
    expect(evaluateCondition(c(0), f, ctx(at('2026-12-07T08:59:00Z'))).trace[0]!.actual).toBe(60);
  });

  it('"no agent reply for 30 business minutes": absent timestamps and a missing calendar never hold', () => {
    const c: Condition = { all: [{ field: 'ticket.business_since_customer_message', op: 'gte', value: 30 }] };
    expect(conditionMatches(c, facts(), ctx(NOW))).toBe(true);
    expect(conditionMatches(c, facts(), { now: NOW })).toBe(false);
    expect(conditionMatches({ all: [{ field: 'ticket.business_since_agent_reply', op: 'lt', value: 30 }] }, facts(), ctx(NOW))).toBe(false);
    expect(conditionMatches(c, facts(), { now: NOW, businessSecondsBetween: () => { throw new Error('no calendar'); } })).toBe(false);
  });

  it('are offered to automation and views, not SLA or routing, and only with ordering operators', () => {
    expect(conditionFieldsFor('automation_time').map((f) => f.key)).toContain('ticket.business_since_agent_reply');
    expect(conditionFieldsFor('view').map((f) => f.key)).toContain('ticket.business_age');
    expect(conditionFieldsFor('sla').map((f) => f.key)).not.toContain('ticket.business_age');
    expect(conditionFieldsFor('routing').map((f) => f.key)).not.toContain('ticket.business_age');
    expect(conditionField('ticket.business_since_agent_reply')!.operators).toEqual(['gt', 'gte', 'lt', 'lte']);
    expect(conditionSchemaFor('automation_time').safeParse({ all: [{ field: 'ticket.business_age', op: 'gt', value: 30 }] }).success).toBe(true);
    expect(conditionSchemaFor('sla').safeParse({ all: [{ field: 'ticket.business_age', op: 'gt', value: 30 }] }).success).toBe(false);
    expect(conditionSchemaFor('automation_time').safeParse({ all: [{ field: 'ticket.business_age', op: 'is_empty' }] }).success).toBe(false);
  });

  it('nextTimeChange places them on the calendar: 30 business minutes after 16:45 is 09:15 next day', () => {
    const f = facts();
    f.ticket.lastCustomerMessageAt = '2026-12-07T16:45:00Z';
    const c: Condition = { all: [{ field: 'ticket.business_since_customer_message', op: 'gte', value: 30 }] };
    const now = at('2026-12-07T16:50:00Z');
    expect(nextTimeChange(c, f, now, { addBusinessSeconds: add })).toEqual(at('2026-12-08T09:15:00Z'));
    expect(nextTimeChange(c, f, now)).toBeNull();
    expect(nextTimeChange(c, f, now, { addBusinessSeconds: () => null })).toBeNull();
    expect(conditionMatches(c, f, ctx(at('2026-12-08T09:14:59Z')))).toBe(false);
    expect(conditionMatches(c, f, ctx(at('2026-12-08T09:15:00Z')))).toBe(true);
  });

  it('property: a business condition never changes its answer between now and the instant returned', () => {
    const ops = fc.constantFrom('gt', 'gte', 'lt', 'lte') as fc.Arbitrary<'gt' | 'gte' | 'lt' | 'lte'>;
    const fields = fc.constantFrom('ticket.business_age', 'ticket.business_since_customer_message', 'ticket.age');
    const leaf = fc.record({ field: fields, op: ops, value: fc.integer({ min: 0, max: 900 }) });
    fc.assert(
      fc.property(fc.array(leaf, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.integer({ min: 0, max: 200 }), (leaves, all, offset) => {
        const c: Condition = all ? { all: leaves } : { any: leaves };
        const f = facts();
        const now = new Date(NOW.getTime() + offset * 7 * 60_000);
        const next = nextTimeChange(c, f, now, { addBusinessSeconds: add });
        const before = conditionMatches(c, f, ctx(now));
        const end = next ? next.getTime() : now.getTime() + 2 * DAY;
        for (let t = now.getTime(); t < end; t += 5 * 60_000) expect(conditionMatches(c, f, ctx(new Date(t)))).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});
