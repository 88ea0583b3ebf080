import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, calendarSchema, defaultCalendar, timeToMinutes, type CalendarInput } from './calendars.js';
import { isTimeZone } from './workspace.js';

const base = (over: Partial<CalendarInput> = {}): CalendarInput => ({ timeZone: 'Europe/Berlin', weekly: { mon: [{ start: '09:00', end: '17:00' }] }, ...over });
/** The issues of a refused calendar as "path: message". */
function issues(input: unknown): string[] {
  const r = calendarSchema.safeParse(input);
  expect(r.success, 'expected the calendar to be refused').toBe(false);
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('calendar schema', () => {
  it('accepts split shifts and fills missing days, holidays and overrides with empty lists, sorted', () => {
    const c = calendarSchema.parse(
      base({
        weekly: { tue: [{ start: '13:00', end: '17:00' }, { start: '08:00', end: '12:00' }] },
        holidays: [
          { date: '2026-12-26', name: 'Boxing Day' },
          { date: '2026-12-25', name: ' Christmas ' },
        ],
        overrides: [{ date: '2026-12-24', intervals: [{ start: '09:00', end: '12:00' }] }],
      }),
    );
    expect(c.weekly.tue).toEqual([
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ]);
    expect(c.weekly.mon).toEqual([]);
    expect(c.alwaysOpen).toBe(false);
    expect(c.holidays.map((h) => `${h.date} ${h.name}`)).toEqual(['2026-12-25 Christmas', '2026-12-26 Boxing Day']);
    expect(c.overrides[0]).toEqual({ date: '2026-12-24', intervals: [{ start: '09:00', end: '12:00' }] });
  });

  it('stores an interval that crosses midnight as two, Sunday continuing on Monday', () => {
    const c = calendarSchema.parse(base({ weekly: { fri: [{ start: '22:00', end: '06:00' }], sun: [{ start: '20:00', end: '02:30' }] } }));
    expect(c.weekly.fri).toEqual([{ start: '22:00', end: '24:00' }]);
    expect(c.weekly.sat).toEqual([{ start: '00:00', end: '06:00' }]);
    expect(c.weekly.sun).toEqual([{ start: '20:00', end: '24:00' }]);
    expect(c.weekly.mon).toEqual([{ start: '00:00', end: '02:30' }]);
    // Ending at midnight is 24:00, nothing spills over; parsing the output again changes nothing.
    expect(calendarSchema.parse(base({ weekly: { fri: [{ start: '22:00', end: '00:00' }] } })).weekly).toMatchObject({ fri: [{ start: '22:00', end: '24:00' }], sat: [] });
    expect(calendarSchema.parse(c)).toEqual(c);
  });

  it('names the wrong field of a malformed time, an empty interval and a start at 24:00', () => {
    expect(issues(base({ weekly: { mon: [{ start: '9:00', end: '17:00' }], wed: [{ start: '09:00', end: '24:30' }] } }))).toEqual([
      'weekly.mon.0.start: must be a time such as 09:00 (00:00 to 24:00)',
      'weekly.wed.0.end: must be a time such as 09:00 (00:00 to 24:00)',
    ]);
    expect(issues(base({ weekly: { mon: [{ start: '10:00', end: '10:00' }] } }))).toEqual(['weekly.mon.0.end: must differ from the start (00:00 to 24:00 is the whole day)']);
    expect(issues(base({ weekly: { mon: [{ start: '24:00', end: '10:00' }] } }))).toEqual(['weekly.mon.0.start: must be before 24:00']);
  });

  it('refuses overlapping intervals at the one that overlaps, including a night shift spilling into the next day', () => {
    expect(
      issues(
        base({
          weekly: {
            mon: [
              { start: '09:00', end: '13:00' },
              { start: '12:00', end: '17:00' },
            ],
          },
        }),
      ),
    ).toEqual(['weekly.mon.1: overlaps mon 09:00–13:00']);
    expect(issues(base({ weekly: { tue: [{ start: '22:00', end: '06:00' }], wed: [{ start: '05:00', end: '09:00' }] } }))).toEqual(['weekly.wed.0: overlaps tue 22:00–06:00']);
    // Touching is not overlapping.
    expect(calendarSchema.safeParse(base({ weekly: { mon: [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '17:00' }] } })).success).toBe(true);
  });

  it('needs an interval somewhere in the week unless it is open 24/7', () => {
    expect(issues({ timeZone: 'UTC' })).toEqual(['weekly: needs at least one working interval, or make the calendar open 24/7']);
    expect(calendarSchema.parse({ timeZone: 'UTC', alwaysOpen: true }).alwaysOpen).toBe(true);
    expect(calendarSchema.parse(ALWAYS_OPEN_CALENDAR)).toEqual(ALWAYS_OPEN_CALENDAR);
  });

  it('validates the time zone with Intl', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(calendarSchema.parse(base({ timeZone: ' europe/berlin ' })).timeZone).toBe('Europe/Berlin');
    expect(issues(base({ timeZone: 'Europe/Berln' }))).toEqual(['timeZone: must be a time zone such as Europe/Paris or America/New_York']);
  });

  it('refuses impossible dates, duplicate holidays and duplicate overrides at the entry', () => {
    expect(
      issues(
        base({
          holidays: [
            { date: '2026-12-25', name: 'Christmas' },
            { date: '2026-02-30', name: 'Nope' },
            { date: '2026-12-25', name: 'Again' },
            { date: '2026-05-01', name: '' },
          ],
        }),
      ),
    ).toEqual(['holidays.1.date: must be a date such as 2026-12-25', 'holidays.3.name: must not be empty', 'holidays.2.date: 2026-12-25 is listed already: one holiday per date']);
    expect(
      issues(
        base({
          overrides: [
            { date: '2026-12-24', intervals: [] },
            { date: '2026-12-24', intervals: [{ start: '09:00', end: '12:00' }] },
          ],
        }),
      ),
    ).toEqual(['overrides.1.date: 2026-12-24 is listed already: one override per date']);
  });

  it('an override closes a date with no intervals or sets special hours; its intervals stay within the date', () => {
    const c = calendarSchema.parse(base({ overrides: [{ date: '2026-12-31', name: 'New Year’s Eve', intervals: [] }] }));
    expect(c.overrides[0]!.intervals).toEqual([]);
    expect(issues(base({ overrides: [{ date: '2026-12-31', intervals: [{ start: '22:00', end: '02:00' }] }] }))).toEqual([
      'overrides.0.intervals.0.end: must be after the start (hours past midnight go on the next date)',
    ]);
    expect(
      issues(
        base({
          overrides: [
            {
              date: '2026-12-31',
              intervals: [
                { start: '08:00', end: '12:00' },
                { start: '11:00', end: '13:00' },
              ],
            },
          ],
        }),
      ),
    ).toEqual(['overrides.0.intervals.1: overlaps 08:00–12:00']);
  });

  it('refuses unknown keys, so a typo is not silently ignored', () => {
    expect(issues({ ...base(), holiday: [] })[0]).toMatch(/holiday/);
    expect(issues(base({ weekly: { monday: [] } as never }))[0]).toMatch(/monday/);
  });

  it('the default calendar is Monday to Friday 09:00–17:00 and valid', () => {
    const c = defaultCalendar('America/New_York');
    expect(calendarSchema.parse(c)).toEqual(c);
    expect(c.weekly.fri).toEqual([{ start: '09:00', end: '17:00' }]);
    expect(c.weekly.sat).toEqual([]);
    expect(timeToMinutes('24:00')).toBe(1440);
  });
});
