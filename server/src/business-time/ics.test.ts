import { calendarSchema, defaultCalendar } from '@support/protocol';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.js';
import { isOpen } from './business-time.js';
import { ICS_MAX_CHARS, parseIcsHolidays } from './ics.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const dates = (list: { date: string }[]) => list.map((h) => h.date);
const FROM = { from: '2026-12-01' };

/** The AppError a call throws. */
function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an error');
}

const ics = (...events: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
const vevent = (...lines: string[]) => ['BEGIN:VEVENT', 'UID:' + lines.join('').length + '@t', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');

describe('parseIcsHolidays', () => {
  it('reads a public-holiday feed: one all-day event per date, names in UTF-8, past dates left out', () => {
    const list = parseIcsHolidays(fixture('de-holidays.ics'), FROM);
    expect(list).toEqual([
      { date: '2026-12-25', name: '1. Weihnachtstag' },
      { date: '2026-12-26', name: '2. Weihnachtstag' },
      { date: '2027-01-01', name: 'Neujahr' },
      { date: '2027-03-26', name: 'Karfreitag' },
      { date: '2027-03-29', name: 'Ostermontag' },
      { date: '2027-05-01', name: 'Tag der Arbeit' },
    ]);
    // What it returns is valid holidays for a calendar, and the calendar is closed on them.
    const cal = calendarSchema.parse({ ...defaultCalendar('Europe/Berlin'), holidays: list });
    expect(isOpen(cal, new Date('2027-03-26T10:00+01:00'))).toBe(false);
    expect(isOpen(cal, new Date('2027-03-25T10:00+01:00'))).toBe(true);
  });

  it('expands yearly rules over the next three years, with a moved and a cancelled occurrence and an EXDATE', () => {
    const list = parseIcsHolidays(fixture('us-holidays-rrule.ics'), FROM);
    expect(dates(list)).toEqual([
      '2026-12-25',
      '2027-01-01',
      '2027-05-31', // last Monday of May
      '2027-07-05', // Independence Day observed on the Monday (RECURRENCE-ID)
      '2027-11-25', // fourth Thursday of November, and the Friday after (DTEND two days on)
      '2027-11-26',
      // 2027-12-25 cancelled
      '2028-01-01',
      // 2028-05-29 excluded
      '2028-07-04',
      '2028-11-23',
      '2028-11-24',
      '2028-12-25',
      '2029-01-01',
      '2029-05-28',
      '2029-07-04',
      '2029-11-22',
      '2029-11-23',
    ]);
    expect(list.find((h) => h.date === '2027-07-05')!.name).toBe('Independence Day (observed)');
    // The range is bounded: a longer one adds later years, never an endless expansion.
    expect(dates(parseIcsHolidays(fixture('us-holidays-rrule.ics'), { from: '2026-12-01', years: 1 })).at(-1)).toBe('2027-11-26');
  });

  it('expands multi-day closures and DURATION, keeps midnight-to-midnight timed events, drops partial-day and cancelled ones', () => {
    const list = parseIcsHolidays(fixture('office-closures.ics'), FROM);
    expect(dates(list)).toEqual([
      '2026-12-24',
      '2026-12-25',
      '2026-12-26',
      '2026-12-27',
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31', // DTEND 2027-01-02 is exclusive; New Year's Eve's own event is the same date
      '2027-01-01',
      '2027-02-15',
      '2027-08-02',
      '2027-08-03',
      '2027-08-04',
    ]);
    expect(list[0]!.name).toBe('Winter closure');
  });

  it('defaults: an all-day event without DTEND is its own date, no SUMMARY is "Holiday", one entry per date', () => {
    const text = ics(vevent('DTSTART;VALUE=DATE:20270101'), vevent('DTSTART;VALUE=DATE:20270101', 'SUMMARY:Duplicate'), vevent('DTSTART:20270102T000000Z'));
    expect(parseIcsHolidays(text, FROM)).toEqual([{ date: '2027-01-01', name: 'Holiday' }]);
    // Two calendars in one file, and a yearly rule without a UID.
    const two = ics(vevent('DTSTART;VALUE=DATE:20270501', 'SUMMARY:May Day')) + ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20201003', 'RRULE:FREQ=YEARLY', 'SUMMARY:Unity Day', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    expect(parseIcsHolidays(two, { from: '2027-01-01', years: 2 })).toEqual([
      { date: '2027-05-01', name: 'May Day' },
      { date: '2027-10-03', name: 'Unity Day' },
      { date: '2028-10-03', name: 'Unity Day' },
    ]);
  });

  it('refuses text that is not iCalendar, and a broken file, with a message that says so', () => {
    const notIcs = thrown(() => parseIcsHolidays('Date,Name\n2026-12-25,Christmas\n'));
    expect(notIcs.code).toBe('VALIDATION_FAILED');
    expect(notIcs.message).toMatch(/not an iCalendar \(\.ics\) file/);
    const broken = thrown(() => parseIcsHolidays('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nthis line has no colon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'));
    expect(broken.code).toBe('VALIDATION_FAILED');
    expect(broken.message).toMatch(/cannot be read/);
    expect(thrown(() => parseIcsHolidays('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).message).toMatch(/cannot be read/);
  });

  it('refuses a file over the size cap, and a daily rule that would flood the holiday list', () => {
    expect(thrown(() => parseIcsHolidays(ics(vevent('DTSTART;VALUE=DATE:20270101', `DESCRIPTION:${'x'.repeat(ICS_MAX_CHARS)}`)))).code).toBe('PAYLOAD_TOO_LARGE');
    const daily = thrown(() => parseIcsHolidays(ics(vevent('DTSTART;VALUE=DATE:20260101', 'RRULE:FREQ=DAILY', 'SUMMARY:Every day')), FROM));
    expect(daily.message).toMatch(/more than 1000 holiday dates/);
    const ancient = thrown(() => parseIcsHolidays(ics(vevent('DTSTART;VALUE=DATE:19000101', 'RRULE:FREQ=DAILY;INTERVAL=2', 'SUMMARY:Every other day')), FROM));
    expect(ancient.message).toMatch(/"Every other day" repeats too often/);
  });
});
