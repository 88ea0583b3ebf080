/**
 * Time-zone arithmetic on `Intl` (the runtime's IANA tz data): no offset tables of our own.
 * A "wall" time is a local date and time written as milliseconds as if it were UTC
 * (`Date.UTC(y, m - 1, d, h, min)`), so date arithmetic on it needs no zone.
 */

export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** The cached formatter of a zone, or null for UTC (offset always 0). Throws RangeError for an unknown zone. */
function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    const candidate = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const resolved = candidate.resolvedOptions().timeZone;
    f = resolved === 'UTC' || resolved === 'Etc/UTC' ? null : candidate;
    formatters.set(zone, f);
  }
  return f;
}

/** Throws RangeError unless `Intl` knows the zone. */
export function assertZone(zone: string): void {
  formatter(zone);
}

/** The UTC offset of `zone` at the instant `epochMs`, in milliseconds (east of Greenwich positive). */
export function offsetAt(zone: string, epochMs: number): number {
  const f = formatter(zone);
  if (!f) return 0;
  const p = f.formatToParts(epochMs);
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const part of p) {
    switch (part.type) {
      case 'year': y = Number(part.value); break;
      case 'month': mo = Number(part.value); break;
      case 'day': d = Number(part.value); break;
      case 'hour': h = Number(part.value); break;
      case 'minute': mi = Number(part.value); break;
      case 'second': s = Number(part.value); break;
    }
  }
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** The wall time shown in `zone` at the instant `epochMs`. */
export function instantToWall(zone: string, epochMs: number): number {
  return epochMs + offsetAt(zone, epochMs);
}

/**
 * The instant at which clocks in `zone` show the wall time `wall`.
 * - A wall time shown twice (the repeated hour when clocks go back) is its **earlier**
 *   occurrence.
 * - A wall time never shown (the hour skipped when clocks go forward) is the **instant the
 *   clocks jump**: 02:30 on a night that goes from 02:00 to 03:00 is 03:00 new time. So the
 *   mapping never goes backwards, and an interval inside the gap becomes empty.
 * Assumes at most one offset change within a day either side of `wall`, as in every tz zone.
 */
export function wallToInstant(zone: string, wall: number): number {
  if (!formatter(zone)) return wall;
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  let best = Number.POSITIVE_INFINITY;
  for (const o of before === after ? [before] : [before, after]) {
    const t = wall - o;
    if (t < best && offsetAt(zone, t) === o) best = t;
  }
  if (best !== Number.POSITIVE_INFINITY) return best;
  // In the gap: at `wall - after` the old offset still holds, at `wall - before` the new one.
  // Offsets change on whole seconds, so a search over seconds finds the jump.
  let lo = wall - after;
  let hi = wall - before;
  if (hi <= lo) [lo, hi] = [hi, lo];
  const old = offsetAt(zone, lo);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(zone, mid) === old) lo = mid;
    else hi = mid;
  }
  return hi;
}
