import { MAX_CALENDAR_DATES, type Holiday } from '@support/protocol';
import ICAL from 'ical.js';
import { AppError } from '../http/errors.js';

/**
 * Holidays from an iCalendar (.ics) file, parsed with ical.js: what the calendar settings'
 * upload turns into `holidays` entries.
 */

/** Largest .ics text accepted, in characters (public-holiday feeds are a few hundred KB at most). */
export const ICS_MAX_CHARS = 2_000_000;
/**
 * Occurrences the recurring events of one file may step through in all (from each DTSTART,
 * however far back): about 0.6 s of ical.js. A yearly rule from 1900 takes ~130.
 */
const MAX_RECURRENCE_STEPS = 10_000;
const DAY_MS = 86_400_000;

type IcsTime = InstanceType<typeof ICAL.Time>;

const dayOf = (t: IcsTime) => Date.UTC(t.year, t.month - 1, t.day) / DAY_MS;
const isoDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const midnight = (t: IcsTime) => t.isDate || (t.hour === 0 && t.minute === 0 && t.second === 0);

/**
 * The local dates an occurrence closes, as day numbers [first, last): all-day events, and
 * timed events running from midnight to midnight (as some exporters write all-day ones).
 * DTEND is exclusive (ical.js makes an all-day event without DTEND or DURATION last its
 * start date). Null for an event covering part of a day: not a holiday.
 */
function closedDays(start: IcsTime, end: IcsTime): [number, number] | null {
  if (!midnight(start) || !midnight(end)) return null;
  const first = dayOf(start);
  const last = dayOf(end);
  return last > first ? [first, last] : null;
}

function invalid(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { field: 'file' });
}

/**
 * The holidays an .ics file lists from `from` (a "YYYY-MM-DD", default: today in UTC) for
 * `years` years (default 3): each date of an all-day event, multi-day events expanded day
 * by day, recurring events (RRULE, RDATE, EXDATE, moved occurrences) expanded within that
 * range. Timed events are kept only when they run midnight to midnight; cancelled events and
 * occurrences are left out. One entry per date (the first event's name wins), sorted by date.
 * Throws AppError PAYLOAD_TOO_LARGE past ICS_MAX_CHARS, VALIDATION_FAILED for text that is not
 * iCalendar, an event recurring too often to be a holiday, or more than MAX_CALENDAR_DATES dates.
 */
export function parseIcsHolidays(text: string, options: { from?: string; years?: number } = {}): Holiday[] {
  if (typeof text !== 'string') throw invalid('The calendar file must be text');
  if (text.length > ICS_MAX_CHARS) throw new AppError('PAYLOAD_TOO_LARGE', `The calendar file is larger than ${ICS_MAX_CHARS / 1_000_000} MB`);
  const from = options.from ?? new Date().toISOString().slice(0, 10);
  const years = options.years ?? 3;
  const rangeStart = Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, Number(from.slice(8, 10))) / DAY_MS;
  const rangeEnd = Date.UTC(Number(from.slice(0, 4)) + years, Number(from.slice(5, 7)) - 1, Number(from.slice(8, 10))) / DAY_MS;
  if (!Number.isInteger(rangeStart) || !Number.isInteger(rangeEnd) || years <= 0) throw new RangeError('from must be a YYYY-MM-DD date and years > 0');

  const body = text.replace(/^\uFEFF/, '');
  if (!/^\s*BEGIN:VCALENDAR/i.test(body)) throw invalid('This is not an iCalendar (.ics) file: it should start with BEGIN:VCALENDAR');
  let parsed: unknown;
  try {
    parsed = ICAL.parse(body);
  } catch (e) {
    throw invalid(`This iCalendar file cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Several VCALENDARs in one file parse to a list of them.
  const roots = (Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : (parsed as unknown[])).map((j) => new ICAL.Component(j as never));
  const vevents = roots.flatMap((r) => (r.name === 'vcalendar' ? r.getAllSubcomponents('vevent') : []));
  if (!roots.some((r) => r.name === 'vcalendar')) throw invalid('This iCalendar file has no VCALENDAR');

  const masters = new Map<string, InstanceType<typeof ICAL.Event>>();
  const exceptions: InstanceType<typeof ICAL.Event>[] = [];
  const singles: InstanceType<typeof ICAL.Event>[] = [];
  for (const [i, component] of vevents.entries()) {
    const event = new ICAL.Event(component);
    if (!component.getFirstPropertyValue('dtstart')) continue;
    if (event.isRecurrenceException()) exceptions.push(event);
    // A rule without a UID (against RFC 5545, but seen) still expands; nothing can modify it.
    else if (event.isRecurring()) masters.set(event.uid || `#${i}`, event);
    else singles.push(event);
  }
  for (const ex of exceptions) {
    const master = masters.get(ex.uid);
    if (master) master.relateException(ex);
    else singles.push(ex);
  }

  const found = new Map<number, string>();
  const add = (summary: string | null | undefined, status: unknown, start: IcsTime, end: IcsTime) => {
    if (String(status ?? '').toUpperCase() === 'CANCELLED') return;
    const days = closedDays(start, end);
    if (!days) return;
    const name = (summary ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 100) || 'Holiday';
    for (let d = Math.max(days[0], rangeStart); d < Math.min(days[1], rangeEnd); d++) {
      if (!found.has(d)) found.set(d, name);
      if (found.size > MAX_CALENDAR_DATES) throw invalid(`This file has more than ${MAX_CALENDAR_DATES} holiday dates in the ${years} years from ${from}`);
    }
  };
  for (const event of singles) add(event.summary, event.component.getFirstPropertyValue('status'), event.startDate, event.endDate);
  let steps = 0;
  for (const event of masters.values()) {
    const it = event.iterator();
    for (;;) {
      if (++steps > MAX_RECURRENCE_STEPS) throw invalid(`"${event.summary ?? event.uid}" repeats too often to be a holiday (this file's rules give more than ${MAX_RECURRENCE_STEPS} occurrences)`);
      const occurrence = it.next();
      if (!occurrence || dayOf(occurrence) >= rangeEnd) break;
      const details = event.getOccurrenceDetails(occurrence);
      add(details.item.summary, details.item.component.getFirstPropertyValue('status'), details.startDate, details.endDate);
    }
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([d, name]) => ({ date: isoDate(d), name }));
}
