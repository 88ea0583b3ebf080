import { conditionField } from './fields.js';
import type { ConditionFacts } from './facts.js';
import { instantMs } from './read.js';
import type { Condition } from './types.js';

const MINUTE_MS = 60_000;

/**
 * The earliest instant after `now` at which a duration leaf of the condition (`ticket.age`,
 * `ticket.since_*` with gt/gte/lt/lte) changes from holding to not holding or back, for these
 * facts; null when none will (no duration leaves, or their timestamps are absent). A time rule
 * re-evaluates the ticket then instead of scanning every ticket every minute.
 *
 * Conservative: it looks at every duration leaf whatever its group, so the condition as a whole
 * may not flip at that instant (evaluate it then and ask again). Business hours are not
 * considered: a condition with within/outside_business_hours also needs the calendar's next
 * opening or closing. Durations count whole minutes, so `age gt 60` flips at created + 61 min.
 */
export function nextTimeChange(condition: Condition, facts: ConditionFacts, now: Date): Date | null {
  const nowMs = now.getTime();
  let best = Number.POSITIVE_INFINITY;
  const visit = (node: unknown, depth: number) => {
    if (typeof node !== 'object' || node === null || depth > 16) return;
    const n = node as Record<string, unknown>;
    if ('field' in n) {
      const def = typeof n.field === 'string' ? conditionField(n.field) : null;
      if (!def || def.type !== 'duration' || typeof n.value !== 'number' || !Number.isFinite(n.value)) return;
      const minutes = n.op === 'gt' || n.op === 'lte' ? n.value + 1 : n.op === 'gte' || n.op === 'lt' ? n.value : null;
      if (minutes === null) return;
      const ticket = (facts as unknown as { ticket?: Record<string, unknown> } | null)?.ticket;
      const from = instantMs(ticket?.[def.source.property]);
      if (from === null) return;
      const at = from + minutes * MINUTE_MS;
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
