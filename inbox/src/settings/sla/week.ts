import type { Interval, Weekday } from '@support/protocol';

/** The week grid's arithmetic on "HH:MM" wall times (no DOM, so logic tests can import it). */

/** Working intervals per weekday as the form holds them (possibly unfinished: "9:3"). */
export type WeekInput = Record<Weekday, Interval[]>;

export const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
const DAY = 1440;

/** "HH:MM" of minutes since midnight (1440 is "24:00"). */
export const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
/** Minutes of a well-formed "HH:MM", else null. */
export function minutesOf(t: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(t);
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return Number(m[2]) < 60 && v <= DAY ? v : null;
}

/** What a person typed as a time, tidied: "9" → "09:00", "930" → "09:30", "9.30" → "09:30"; anything else as typed. */
export function tidyTime(t: string): string {
  const s = t.trim();
  const m = /^(\d{1,2})(?:[:.h]?(\d{2}))?$/.exec(s);
  if (!m) return s;
  const h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  return h <= 24 && min < 60 ? hhmm(h * 60 + min) : s;
}

/** Adds [start, end) to a day's intervals, merged with those it overlaps or touches; sorted. */
export function addInterval(list: Interval[], start: number, end: number): Interval[] {
  let s = start;
  let e = end;
  const keep: Interval[] = [];
  for (const iv of list) {
    const a = minutesOf(iv.start);
    const b = minutesOf(iv.end);
    if (a !== null && b !== null && a < b && a <= e && b >= s) {
      s = Math.min(s, a);
      e = Math.max(e, b);
    } else keep.push(iv);
  }
  return [...keep, { start: hhmm(s), end: hhmm(e) }].sort((x, y) => (minutesOf(x.start) ?? 0) - (minutesOf(y.start) ?? 0));
}
