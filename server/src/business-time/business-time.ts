import { calendarSchema, timeToMinutes, WEEKDAYS, type Calendar, type Interval } from '@support/protocol';
import { assertZone, DAY_MS, offsetAt, wallToInstant } from './zone.js';

/**
 * Business-time arithmetic on a calendar (docs/calendars.md): pure, no database, no clock.
 * Every function takes a `Calendar` or, faster when called many times, the result of
 * `compileCalendar`. Each call costs O(days it spans): the open intervals of a date are
 * computed once per compiled calendar and kept.
 */

/** How far a search (`addBusinessSeconds`, `nextOpen`) goes before giving up with a RangeError: 5 years of days. */
export const HORIZON_DAYS = 5 * 366;

/** Days kept per compiled calendar before the cache starts over (about 55 years; bounds memory for long spans). */
const MAX_CACHED_DAYS = 20_000;

/** One local date: its instants [start, end) and open intervals as instants, flat [s0, e0, s1, e1, …]. */
type Day = { start: number; end: number; open: number[]; total: number };

/** JS weekday (0 = Sunday) of a day number (days since 1970-01-01, a Thursday). */
const weekdayOf = (day: number) => (((day + 4) % 7) + 7) % 7;
/** Our WEEKDAYS (Monday first) by JS weekday. */
const BY_JS_DAY = [6, 0, 1, 2, 3, 4, 5].map((i) => WEEKDAYS[i]!);

const toMinutes = (list: readonly Interval[]) => list.flatMap((iv) => [timeToMinutes(iv.start), timeToMinutes(iv.end)]);
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;

/** A calendar prepared for many calls: holidays as a set, overrides as a map, each date's intervals cached. Treat as opaque. */
export class CompiledCalendar {
  readonly calendar: Calendar;
  readonly timeZone: string;
  /** True when business time is elapsed time (24/7, no holidays or overrides): every call is O(1). */
  readonly elapsed: boolean;
  private readonly weekly: number[][];
  private readonly holidays: Set<number>;
  private readonly overrides: Map<number, number[]>;
  private readonly days = new Map<number, Day>();
  private guessOffset: number | null = null;

  constructor(calendar: Calendar) {
    this.calendar = calendar;
    this.timeZone = calendar.timeZone;
    assertZone(calendar.timeZone);
    this.weekly = BY_JS_DAY.map((d) => (calendar.alwaysOpen ? [0, 1440] : toMinutes(calendar.weekly[d])));
    this.holidays = new Set(calendar.holidays.map((h) => dayNumber(h.date)));
    this.overrides = new Map(calendar.overrides.map((o) => [dayNumber(o.date), toMinutes(o.intervals)]));
    this.elapsed = calendar.alwaysOpen && this.holidays.size === 0 && this.overrides.size === 0;
  }

  /** (Internal.) The local date `day` (days since 1970-01-01): an override's hours, else closed on a holiday, else the weekday's. */
  day(day: number): Day {
    let d = this.days.get(day);
    if (d) return d;
    const wall0 = day * DAY_MS;
    const start = wallToInstant(this.timeZone, wall0);
    const end = wallToInstant(this.timeZone, wall0 + DAY_MS);
    const minutes = this.overrides.get(day) ?? (this.holidays.has(day) ? [] : this.weekly[weekdayOf(day)]!);
    // A day with one offset throughout maps wall to instant by subtraction; otherwise each
    // boundary goes through the DST rules of wallToInstant.
    const offset = offsetAt(this.timeZone, start);
    const plain = end - start === DAY_MS && offsetAt(this.timeZone, end - 1000) === offset;
    const open: number[] = [];
    let total = 0;
    for (let i = 0; i < minutes.length; i += 2) {
      const ws = wall0 + minutes[i]! * 60_000;
      const we = wall0 + minutes[i + 1]! * 60_000;
      const s = plain ? ws - offset : wallToInstant(this.timeZone, ws);
      const e = minutes[i + 1] === 1440 ? end : plain ? we - offset : wallToInstant(this.timeZone, we);
      if (e <= s) continue; // wholly inside a skipped hour
      const last = open.length - 1;
      if (last > 0 && open[last] === s) open[last] = e;
      else open.push(s, e);
      total += e - s;
    }
    d = { start, end, open, total };
    if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
    this.days.set(day, d);
    return d;
  }

  /** (Internal.) The local date containing the instant `t`, as a day number. */
  dayOf(t: number): number {
    this.guessOffset ??= offsetAt(this.timeZone, t);
    let n = Math.floor((t + this.guessOffset) / DAY_MS);
    while (t < this.day(n).start) n--;
    while (t >= this.day(n).end) n++;
    return n;
  }
}

const compiled = new WeakMap<Calendar, CompiledCalendar>();

/**
 * Validates a calendar (calendarSchema; throws its ZodError, or RangeError for a zone this
 * runtime lacks) and prepares it for many calls. The result is what SLA re-planning should pass.
 */
export function compileCalendar(calendar: Calendar): CompiledCalendar {
  return new CompiledCalendar(calendarSchema.parse(calendar));
}

/** A calendar object is compiled once and kept while it lives: calendars are values, never mutated. */
function prepare(calendar: Calendar | CompiledCalendar): CompiledCalendar {
  if (calendar instanceof CompiledCalendar) return calendar;
  let c = compiled.get(calendar);
  if (!c) {
    c = compileCalendar(calendar);
    compiled.set(calendar, c);
  }
  return c;
}

function instant(d: Date, name: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a valid Date`);
  return t;
}

const beyondHorizon = (what: string) => new RangeError(`${what}: beyond the ${HORIZON_DAYS}-day horizon of business-time searches (is the calendar closed for years?)`);

/**
 * The earliest instant at which `seconds` of business time have passed since `start`
 * (milliseconds kept; a fraction of a second counts). 0 seconds is `start` itself, open or not;
 * a target that ends exactly at closing time is that closing time, not the next opening.
 * Throws RangeError for negative or non-finite seconds, or when the due time would be more
 * than HORIZON_DAYS after `start`.
 */
export function addBusinessSeconds(calendar: Calendar | CompiledCalendar, start: Date, seconds: number): Date {
  const t = instant(start, 'start');
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('seconds must be a finite number ≥ 0');
  let left = Math.round(seconds * 1000);
  if (left === 0) return new Date(t);
  const c = prepare(calendar);
  if (c.elapsed) return new Date(t + left);
  const first = c.dayOf(t);
  for (let n = first; n <= first + HORIZON_DAYS; n++) {
    const day = c.day(n);
    if (day.total === 0 || day.end <= t) continue;
    // A whole day after `t` that does not finish the target: take it at once.
    if (day.open[0]! >= t && left > day.total) {
      left -= day.total;
      continue;
    }
    const open = day.open;
    for (let i = 0; i < open.length; i += 2) {
      const e = open[i + 1]!;
      if (e <= t) continue;
      const from = Math.max(open[i]!, t);
      if (left <= e - from) return new Date(from + left);
      left -= e - from;
    }
  }
  throw beyondHorizon('addBusinessSeconds');
}

/**
 * Business seconds in [a, b): the open time between the two instants, with millisecond
 * precision (so possibly fractional). 0 when b ≤ a. Costs O(days between a and b).
 */
export function businessSecondsBetween(calendar: Calendar | CompiledCalendar, a: Date, b: Date): number {
  const from = instant(a, 'a');
  const to = instant(b, 'b');
  if (to <= from) return 0;
  const c = prepare(calendar);
  if (c.elapsed) return (to - from) / 1000;
  let sum = 0;
  const last = c.dayOf(to - 1);
  for (let n = c.dayOf(from); n <= last; n++) {
    const day = c.day(n);
    if (day.start >= from && day.end <= to) {
      sum += day.total;
      continue;
    }
    const open = day.open;
    for (let i = 0; i < open.length; i += 2) {
      const s = Math.max(open[i]!, from);
      const e = Math.min(open[i + 1]!, to);
      if (e > s) sum += e - s;
    }
  }
  return sum / 1000;
}

/** Whether the calendar is open at `at` (an interval includes its start, not its end). */
export function isOpen(calendar: Calendar | CompiledCalendar, at: Date): boolean {
  const t = instant(at, 'at');
  const c = prepare(calendar);
  if (c.elapsed) return true;
  const open = c.day(c.dayOf(t)).open;
  for (let i = 0; i < open.length; i += 2) if (open[i]! <= t && t < open[i + 1]!) return true;
  return false;
}

/**
 * The first instant at or after `at` when the calendar is open: `at` itself when open.
 * Throws RangeError when it does not open within HORIZON_DAYS.
 */
export function nextOpen(calendar: Calendar | CompiledCalendar, at: Date): Date {
  const t = instant(at, 'at');
  const c = prepare(calendar);
  if (c.elapsed) return new Date(t);
  const first = c.dayOf(t);
  for (let n = first; n <= first + HORIZON_DAYS; n++) {
    const open = c.day(n).open;
    for (let i = 0; i < open.length; i += 2) if (open[i + 1]! > t) return new Date(Math.max(open[i]!, t));
  }
  throw beyondHorizon('nextOpen');
}

/**
 * When the open stretch containing `at` ends (open intervals that touch, across midnight too,
 * are one stretch); null when the calendar is closed at `at`, or stays open past HORIZON_DAYS
 * (24/7). What the widget counts down to before it says the team is away.
 */
export function nextClose(calendar: Calendar | CompiledCalendar, at: Date): Date | null {
  const t = instant(at, 'at');
  const c = prepare(calendar);
  if (c.elapsed || !isOpen(c, at)) return null;
  let end = t;
  const first = c.dayOf(t);
  for (let n = first; n <= first + HORIZON_DAYS; n++) {
    const day = c.day(n);
    for (let i = 0; i < day.open.length; i += 2) {
      if (day.open[i + 1]! <= end) continue;
      if (day.open[i]! > end) return new Date(end);
      end = day.open[i + 1]!;
    }
    if (end < day.end) return new Date(end);
  }
  return null;
}
