import { z } from 'zod';
import { jsonText } from './text.js';
import { timeZoneSchema } from './workspace.js';

/**
 * Business-hours calendars (docs/calendars.md): the hours a team works in its own time zone,
 * read by SLA clocks, routing hours, automation conditions, the widget's away state and reports.
 * The arithmetic lives in server/src/business-time/; this is the wire and storage shape.
 */

/** Weekday keys of `weekly`, Monday first as the settings grid shows them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Most intervals one day may hold (split shifts need two or three). */
export const MAX_INTERVALS_PER_DAY = 12;
/** Most holidays, and most overrides, one calendar may hold. */
export const MAX_CALENDAR_DATES = 1000;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since midnight of an "HH:MM" the schema accepted ("24:00" is 1440). */
export function timeToMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const timeSchema = z.string().regex(TIME, 'must be a time such as 09:00 (00:00 to 24:00)');

/** A calendar date "YYYY-MM-DD" that exists (no 2026-02-30), years 1970 to 9999. */
export const calendarDateSchema = z.string().refine((v) => {
  const m = DATE.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970) return false;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}, 'must be a date such as 2026-12-25');

/**
 * One working interval of a day, local wall time, start inclusive, end exclusive. Start before
 * end, except in `weekly` where an end before the start means "until that time the next day"
 * and is stored as two intervals (see `weeklySchema`).
 */
export const intervalSchema = z.strictObject({ start: timeSchema, end: timeSchema }).superRefine((v, ctx) => {
  if (v.start === '24:00') ctx.addIssue({ code: 'custom', path: ['start'], message: 'must be before 24:00' });
});
export type Interval = z.infer<typeof intervalSchema>;

const nameSchema = jsonText(z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'));

type Piece = { start: number; end: number; at: (string | number)[]; label: string };

/** Adds an issue at the later of each pair of overlapping pieces; pieces of one day. */
function refuseOverlaps(pieces: Piece[], ctx: z.RefinementCtx) {
  const sorted = [...pieces].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.end) ctx.addIssue({ code: 'custom', path: cur.at, message: `overlaps ${prev.label}` });
  }
}

const byStart = (a: Interval, b: Interval) => timeToMinutes(a.start) - timeToMinutes(b.start);

/**
 * Working intervals per weekday, several per day (split shifts). An interval whose end is before
 * its start crosses midnight: 22:00–06:00 on Monday is stored as Monday 22:00–24:00 and Tuesday
 * 00:00–06:00 (Sunday's continues on Monday). Overlaps, after that split, are refused at the
 * interval that overlaps; output intervals are sorted by start.
 */
export const weeklySchema = z
  .strictObject(
    Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(intervalSchema).max(MAX_INTERVALS_PER_DAY, `at most ${MAX_INTERVALS_PER_DAY} intervals a day`).default([])])) as Record<
      Weekday,
      z.ZodDefault<z.ZodArray<typeof intervalSchema>>
    >,
  )
  .superRefine((week, ctx) => {
    const pieces: Record<Weekday, Piece[]> = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    WEEKDAYS.forEach((day, di) => {
      week[day].forEach((iv, i) => {
        const s = timeToMinutes(iv.start);
        const e = timeToMinutes(iv.end);
        const at = [day, i];
        const label = `${day} ${iv.start}–${iv.end}`;
        if (!TIME.test(iv.start) || !TIME.test(iv.end) || iv.start === '24:00') return;
        if (s === e) ctx.addIssue({ code: 'custom', path: [day, i, 'end'], message: 'must differ from the start (00:00 to 24:00 is the whole day)' });
        else if (s < e) pieces[day].push({ start: s, end: e, at, label });
        else {
          pieces[day].push({ start: s, end: 1440, at, label });
          if (e > 0) pieces[WEEKDAYS[(di + 1) % 7]!].push({ start: 0, end: e, at, label });
        }
      });
    });
    for (const day of WEEKDAYS) refuseOverlaps(pieces[day], ctx);
  })
  .transform((week) => {
    const out = Object.fromEntries(WEEKDAYS.map((d) => [d, [] as Interval[]])) as Record<Weekday, Interval[]>;
    WEEKDAYS.forEach((day, di) => {
      for (const iv of week[day]) {
        if (timeToMinutes(iv.start) < timeToMinutes(iv.end)) out[day].push({ start: iv.start, end: iv.end });
        else {
          out[day].push({ start: iv.start, end: '24:00' });
          if (iv.end !== '00:00') out[WEEKDAYS[(di + 1) % 7]!].push({ start: '00:00', end: iv.end });
        }
      }
    });
    for (const day of WEEKDAYS) out[day].sort(byStart);
    return out;
  });
export type Weekly = z.output<typeof weeklySchema>;

/** Intervals of one date (an override): start before end, no overlaps, sorted on output. */
const dateIntervalsSchema = z
  .array(intervalSchema)
  .max(MAX_INTERVALS_PER_DAY, `at most ${MAX_INTERVALS_PER_DAY} intervals a day`)
  .superRefine((list, ctx) => {
    const pieces: Piece[] = [];
    list.forEach((iv, i) => {
      const s = timeToMinutes(iv.start);
      const e = timeToMinutes(iv.end);
      if (!TIME.test(iv.start) || !TIME.test(iv.end) || iv.start === '24:00') return;
      if (e <= s) ctx.addIssue({ code: 'custom', path: [i, 'end'], message: 'must be after the start (hours past midnight go on the next date)' });
      else pieces.push({ start: s, end: e, at: [i], label: `${iv.start}–${iv.end}` });
    });
    refuseOverlaps(pieces, ctx);
  })
  .transform((list) => [...list].sort(byStart));

/** A date closed all day. */
export const holidaySchema = z.strictObject({ date: calendarDateSchema, name: nameSchema });
export type Holiday = z.infer<typeof holidaySchema>;

/** One date with its own hours instead of the weekday's: `intervals: []` closes it. */
export const overrideSchema = z.strictObject({ date: calendarDateSchema, name: nameSchema.optional(), intervals: dateIntervalsSchema });
export type Override = z.output<typeof overrideSchema>;

/** Refuses a second entry for a date, at the entry's date. */
function uniqueDates(what: string) {
  return (list: { date: string }[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    list.forEach((h, i) => {
      if (seen.has(h.date)) ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `${h.date} is listed already: one ${what} per date` });
      seen.add(h.date);
    });
  };
}

const sortByDate = <T extends { date: string }>(list: T[]) => [...list].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

/**
 * A business-hours calendar. Precedence on a date: an override's intervals, else closed on a
 * holiday, else the weekday's intervals (or the whole day when `alwaysOpen`). `alwaysOpen`
 * replaces the weekly grid, which is then ignored but kept (switching 24/7 off restores it);
 * holidays and overrides still apply to it. Wall times are in `timeZone`; DST gaps and
 * repeated hours follow the rules in docs/calendars.md.
 */
export const calendarSchema = z
  .strictObject({
    timeZone: timeZoneSchema,
    alwaysOpen: z.boolean().default(false),
    weekly: weeklySchema.default({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }),
    holidays: z.array(holidaySchema).max(MAX_CALENDAR_DATES, `at most ${MAX_CALENDAR_DATES} holidays`).superRefine(uniqueDates('holiday')).transform(sortByDate).default([]),
    overrides: z.array(overrideSchema).max(MAX_CALENDAR_DATES, `at most ${MAX_CALENDAR_DATES} overrides`).superRefine(uniqueDates('override')).transform(sortByDate).default([]),
  })
  .superRefine((c, ctx) => {
    if (!c.alwaysOpen && WEEKDAYS.every((d) => c.weekly[d].length === 0))
      ctx.addIssue({ code: 'custom', path: ['weekly'], message: 'needs at least one working interval, or make the calendar open 24/7' });
  });
/** A calendar as parsed (intervals split at midnight and sorted, holidays and overrides sorted by date). */
export type Calendar = z.output<typeof calendarSchema>;
/** A calendar as a client may send it. */
export type CalendarInput = z.input<typeof calendarSchema>;

const emptyWeek = (): Weekly => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] });

/** Open every second of every day: business time equals elapsed time. */
export const ALWAYS_OPEN_CALENDAR: Calendar = Object.freeze({
  timeZone: 'UTC',
  alwaysOpen: true,
  weekly: emptyWeek(),
  holidays: [],
  overrides: [],
}) as Calendar;

/** Monday to Friday 09:00–17:00 in `timeZone` (UTC by default), no holidays: a new workspace's calendar. */
export function defaultCalendar(timeZone = 'UTC'): Calendar {
  const day = () => [{ start: '09:00', end: '17:00' }];
  return { timeZone, alwaysOpen: false, weekly: { mon: day(), tue: day(), wed: day(), thu: day(), fri: day(), sat: [], sun: [] }, holidays: [], overrides: [] };
}
