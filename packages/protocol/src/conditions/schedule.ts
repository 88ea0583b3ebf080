import { conditionField } from './fields.js';
import type { ConditionFacts } from './facts.js';
import { instantMs } from './read.js';
import type { Condition } from './types.js';

const MINUTE_MS = 60_000;

/** What {@link nextTimeChange} needs to place business durations on the calendar. */
export interface TimeChangeOptions {
  /**
   * The earliest instant at which `seconds` of business time have passed since `from` in the
   * workspace's default calendar (null or a throw: never within reach). Without it business
   * durations are left out.
   */
  addBusinessSeconds?: (from: Date, seconds: number) => Date | null;
}

/**
 * The earliest instant after `now` at which a duration leaf of the condition (`ticket.age`,
 * `ticket.since_*`, and with `opts.addBusinessSeconds` the `ticket.business_*` ones, with
 * gt/gte/lt/lte) changes from holding to not holding or back, for these facts; null when none
 * will (no duration leaves, or their timestamps are absent). A time rule re-evaluates the
 * ticket then instead of scanning every ticket every minute.
 *
 * Conservative: it looks at every duration leaf whatever its group, so the condition as a whole
 * may not flip at that instant (evaluate it then and ask again). Business hours are not
 * considered: a condition with within/outside_business_hours also needs the calendar's next
 * opening or closing. Durations count whole minutes, so `age gt 60` flips at created + 61 min
 * (a business duration: when the 61st business minute is complete).
 */
export function nextTimeChange(condition: Condition, facts: ConditionFacts, now: Date, opts: TimeChangeOptions = {}): Date | null {
  const nowMs = now.getTime();
  let best = Number.POSITIVE_INFINITY;
  const visit = (node: unknown, depth: number) => {
    if (typeof node !== 'object' || node === null || depth > 16) return;
    const n = node as Record<string, unknown>;
    if ('field' in n) {
      const def = typeof n.field === 'string' ? conditionField(n.field) : null;
      if (!def || def.type !== 'duration' || typeof n.value !== 'number' || !Number.isFinite(n.value)) return;
      const minutes = n.op === 'gt' || n.op === 'lte' ? n.value + 1 : n.op === 'gte' || n.op === 'lt' ? n.value : null;
      if (minutes === null || minutes < 0) return;
      const ticket = (facts as unknown as { ticket?: Record<string, unknown> } | null)?.ticket;
      const from = instantMs(ticket?.[def.source.property]);
      if (from === null) return;
      let at: number;
      if (def.source.derive === 'business_minutes_since') {
        if (typeof opts.addBusinessSeconds !== 'function') return;
        let due: Date | null;
        try {
          due = opts.addBusinessSeconds(new Date(from), minutes * 60);
        } catch {
          return;
        }
        if (!(due instanceof Date) || !Number.isFinite(due.getTime())) return;
        at = due.getTime();
      } else at = from + minutes * MINUTE_MS;
      if (at > nowMs && at < best) best = at;
      return;
    }
    for (const key of ['all', 'any'] as const) {
      const list = n[key];
      if (Array.isArray(list)) for (const child of list) visit(child, depth + 1);
    }
  };
  visit(condition, 1);
  return Number.isFinite(best) ? new Date(best) : null;
}
