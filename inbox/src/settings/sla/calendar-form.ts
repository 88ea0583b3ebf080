import { calendarSchema, defaultCalendar, WEEKDAYS, type CalendarInput, type CalendarRecord, type Holiday, type Interval, type Weekday } from '@support/protocol';
import type { FormValues } from '../form/form-controller.js';
import { tidyTime, type WeekInput } from './week.js';

/** An override as the form holds it: a date with its own hours (none: closed), an optional name. */
export type OverrideInput = { date: string; name?: string; intervals: Interval[] };

/** The form fields of a calendar; nested ones under `definition.`, as the server's issue paths name them. */
export const F = {
  timeZone: 'definition.timeZone',
  alwaysOpen: 'definition.alwaysOpen',
  weekly: 'definition.weekly',
  holidays: 'definition.holidays',
  overrides: 'definition.overrides',
} as const;

/** The form values of a calendar (a new one when null: Monday to Friday 9 to 5 in the browser's time zone). */
export function calendarValues(c: CalendarRecord | null): FormValues {
  const d = c?.definition ?? defaultCalendar(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  return {
    name: c?.name ?? '',
    [F.timeZone]: d.timeZone,
    [F.alwaysOpen]: d.alwaysOpen,
    [F.weekly]: JSON.stringify(d.weekly),
    [F.holidays]: JSON.stringify(d.holidays),
    [F.overrides]: JSON.stringify(d.overrides),
  };
}

/** The calendar definition of the form's values, as sent. */
export function definitionOf(v: FormValues): CalendarInput {
  return {
    timeZone: String(v[F.timeZone] ?? ''),
    alwaysOpen: v[F.alwaysOpen] === true,
    weekly: JSON.parse(String(v[F.weekly] || '{}')) as WeekInput,
    holidays: JSON.parse(String(v[F.holidays] || '[]')) as Holiday[],
    overrides: (JSON.parse(String(v[F.overrides] || '[]')) as OverrideInput[]).map((o) => (o.name ? o : { date: o.date, intervals: o.intervals })),
  };
}

/** Where the calendar schema finds a problem, by entry: `weekly` by `<day>.<index>`, holidays and overrides by index. */
export type EntryIssues = { weekly: Map<string, string>; holidays: Map<number, string>; overrides: Map<number, string> };

const sentence = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** The calendar schema's verdict on a definition, put on the entries it names (several messages on one entry are joined). */
export function entryIssues(d: CalendarInput): EntryIssues {
  const out: EntryIssues = { weekly: new Map(), holidays: new Map(), overrides: new Map() };
  const r = calendarSchema.safeParse(d);
  if (r.success) return out;
  const add = <K>(m: Map<K, string>, k: K, msg: string) => m.set(k, m.has(k) ? `${m.get(k)}; ${msg}` : sentence(msg));
  for (const i of r.error.issues) {
    const [top, a, b, part] = i.path;
    const what = typeof part === 'string' ? `${part === 'start' ? 'from' : part === 'end' ? 'to' : part}: ` : '';
    if (top === 'weekly' && typeof a === 'string' && typeof b === 'number') add(out.weekly, `${a}.${b}`, `${what}${i.message}`);
    else if (top === 'holidays' && typeof a === 'number') add(out.holidays, a, `${typeof b === 'string' ? `${b}: ` : ''}${i.message}`);
    else if (top === 'overrides' && typeof a === 'number') add(out.overrides, a, `${typeof b === 'string' && b !== 'intervals' ? `${b}: ` : ''}${i.message}`);
  }
  return out;
}

/** Override hours as one line: "10:00–14:00, 15:00–17:00"; "" when closed. */
export const hoursText = (list: Interval[]) => list.map((iv) => `${iv.start}–${iv.end}`).join(', ');

/** Reads "10-14, 15:00–17:30" into intervals (times tidied); a piece without two times is kept as typed, for the schema to refuse. */
export function parseHours(text: string): Interval[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((piece) => {
      const [a = '', b = ''] = piece.split(/\s*[-–—]\s*/);
      return { start: tidyTime(a), end: tidyTime(b) };
    });
}

const SHORT: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** A week in a line: "Mon–Fri 09:00–17:00 · Sat 10:00–14:00"; "Open 24/7"; "Closed every day". */
export function weekSummary(c: CalendarInput): string {
  if (c.alwaysOpen) return 'Open 24/7';
  const week = (c.weekly ?? {}) as Partial<WeekInput>;
  const runs: { from: Weekday; to: Weekday; text: string }[] = [];
  for (const day of WEEKDAYS) {
    const text = hoursText(week[day] ?? []);
    const last = runs.at(-1);
    if (last && last.text === text && WEEKDAYS.indexOf(last.to) === WEEKDAYS.indexOf(day) - 1) last.to = day;
    else runs.push({ from: day, to: day, text });
  }
  const open = runs.filter((r) => r.text);
  if (!open.length) return 'Closed every day';
  return open.map((r) => `${SHORT[r.from]}${r.from === r.to ? '' : `–${SHORT[r.to]}`} ${r.text}`).join(' · ');
}
