import { ALWAYS_OPEN_CALENDAR, calendarSchema, defaultCalendar, WEEKDAYS, type Calendar, type CalendarInput } from '@support/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessSeconds, businessSecondsBetween, compileCalendar, CompiledCalendar, HORIZON_DAYS, isOpen, nextClose, nextOpen } from './business-time.js';

const cal = (input: CalendarInput): Calendar => calendarSchema.parse(input);
const every = (start: string, end: string) => Object.fromEntries(WEEKDAYS.map((d) => [d, [{ start, end }]]));

const H = 3600;
const M = 60;

// 2026: Friday 4 December; Europe goes to summer time on Sunday 29 March (02:00 → 03:00) and
// back on Sunday 25 October (03:00 → 02:00); the US on Sunday 8 March and Sunday 1 November.
const CALS = {
  berlin: defaultCalendar('Europe/Berlin'),
  newYork: defaultCalendar('America/New_York'),
  split: cal({
    timeZone: 'Europe/Berlin',
    weekly: {
      ...Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }]])),
      sat: [{ start: '10:00', end: '14:00' }],
    },
  }),
  holidays: cal({
    timeZone: 'Europe/Berlin',
    weekly: defaultCalendar().weekly,
    holidays: [
      { date: '2026-12-24', name: 'Christmas Eve' },
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2027-01-01', name: 'New Year’s Day' },
    ],
    overrides: [
      { date: '2026-12-27', name: 'Sunday opening', intervals: [{ start: '10:00', end: '12:00' }] },
      { date: '2026-12-28', name: 'Stocktaking', intervals: [] },
      { date: '2026-12-31', name: 'New Year’s Eve', intervals: [{ start: '09:00', end: '12:00' }] },
      // A holiday and an override on one date: the override wins.
    ],
  }),
  nightBerlin: cal({ timeZone: 'Europe/Berlin', weekly: every('22:00', '06:00') }),
  nightNewYork: cal({ timeZone: 'America/New_York', weekly: every('22:00', '06:00') }),
  /** Sunday hours inside the skipped and the repeated hour of the Berlin DST nights. */
  dstSunday: cal({ timeZone: 'Europe/Berlin', weekly: { sun: [{ start: '02:00', end: '03:00' }, { start: '04:00', end: '05:00' }] } }),
  gapStart: cal({ timeZone: 'Europe/Berlin', weekly: { sun: [{ start: '02:30', end: '04:00' }] } }),
  always: ALWAYS_OPEN_CALENDAR,
  alwaysButChristmas: cal({ timeZone: 'Europe/Berlin', alwaysOpen: true, holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] }),
  /** Santiago changes clocks at midnight: 6 September 2026 starts at 01:00, 4 April 2026 has 23:00–24:00 twice. */
  nightSantiago: cal({ timeZone: 'America/Santiago', weekly: every('23:00', '02:00') }),
  /** Samoa skipped Friday 30 December 2011 (UTC−10 to UTC+14). */
  samoa: cal({ timeZone: 'Pacific/Apia', weekly: every('09:00', '17:00') }),
  holidayOverridden: cal({
    timeZone: 'Europe/Berlin',
    weekly: defaultCalendar().weekly,
    holidays: [{ date: '2026-12-24', name: 'Christmas Eve' }],
    overrides: [{ date: '2026-12-24', intervals: [{ start: '09:00', end: '11:00' }] }],
  }),
} satisfies Record<string, Calendar>;
type CalName = keyof typeof CALS;

const ADD: [string, CalName, string, number, string][] = [
  ['Friday 16:30 + 60 min is Monday 09:30', 'berlin', '2026-12-04T16:30+01:00', 60 * M, '2026-12-07T09:30+01:00'],
  ['start before hours counts from opening', 'berlin', '2026-12-07T07:00+01:00', H, '2026-12-07T10:00+01:00'],
  ['start after hours counts from the next opening', 'berlin', '2026-12-07T18:00+01:00', H, '2026-12-08T10:00+01:00'],
  ['start inside hours', 'berlin', '2026-12-07T10:00+01:00', 2 * H, '2026-12-07T12:00+01:00'],
  ['a target ending at closing time is the closing time', 'berlin', '2026-12-07T16:00+01:00', H, '2026-12-07T17:00+01:00'],
  ['start on a Saturday waits for Monday', 'berlin', '2026-12-05T12:00+01:00', 30 * M, '2026-12-07T09:30+01:00'],
  ['two business days from Thursday afternoon span the weekend', 'berlin', '2026-12-03T15:00+01:00', 16 * H, '2026-12-07T15:00+01:00'],
  ['a working week from Monday opening ends Friday closing', 'berlin', '2026-12-07T09:00+01:00', 40 * H, '2026-12-11T17:00+01:00'],
  ['0 seconds is the start itself, even when closed', 'berlin', '2026-12-05T12:00+01:00', 0, '2026-12-05T12:00+01:00'],
  ['milliseconds are kept', 'berlin', '2026-12-07T10:00:00.250+01:00', 1.5, '2026-12-07T10:00:01.750+01:00'],
  ['split shift: the lunch break does not count', 'split', '2026-12-07T11:30+01:00', H, '2026-12-07T13:30+01:00'],
  ['split shift: start during lunch counts from 13:00', 'split', '2026-12-07T12:15+01:00', 30 * M, '2026-12-07T13:30+01:00'],
  ['split shift: Friday afternoon into Saturday hours', 'split', '2026-12-04T16:00+01:00', 3 * H, '2026-12-05T12:00+01:00'],
  ['split shift: Saturday into Monday early shift', 'split', '2026-12-05T13:00+01:00', 2 * H, '2026-12-07T09:00+01:00'],
  ['holidays and a closed Saturday skipped to a Sunday special opening', 'holidays', '2026-12-23T16:00+01:00', 2 * H, '2026-12-27T11:00+01:00'],
  ['an override closing a Monday is skipped', 'holidays', '2026-12-27T11:00+01:00', 2 * H, '2026-12-29T10:00+01:00'],
  ['special short hours, then a New Year holiday, then the weekend', 'holidays', '2026-12-31T11:00+01:00', 2 * H, '2027-01-04T10:00+01:00'],
  ['start on a holiday during normal hours', 'holidays', '2026-12-24T10:00+01:00', H, '2026-12-27T11:00+01:00'],
  ['an override beats a holiday on the same date', 'holidayOverridden', '2026-12-24T08:00+01:00', 3 * H, '2026-12-25T10:00+01:00'],
  ['24/7: a week is seven days', 'always', '2026-12-05T03:00Z', 7 * 24 * H, '2026-12-12T03:00Z'],
  ['24/7: elapsed time across a DST change', 'always', '2026-03-28T12:00Z', 24 * H, '2026-03-29T12:00Z'],
  ['24/7 with a holiday skips that local date', 'alwaysButChristmas', '2026-12-24T23:00+01:00', 2 * H, '2026-12-26T01:00+01:00'],
  ['Berlin spring forward inside night hours: the skipped hour is not worked', 'nightBerlin', '2026-03-28T23:00+01:00', 4 * H, '2026-03-29T04:00+02:00'],
  ['Berlin spring forward outside hours: Friday to Monday', 'berlin', '2026-03-27T16:00+01:00', 2 * H, '2026-03-30T10:00+02:00'],
  ['Berlin fall back inside night hours: the repeated hour is worked twice', 'nightBerlin', '2026-10-24T23:00+02:00', 4 * H, '2026-10-25T02:00+01:00'],
  ['Berlin fall back outside hours: Friday to Monday', 'berlin', '2026-10-23T16:00+02:00', 2 * H, '2026-10-26T10:00+01:00'],
  ['New York spring forward inside night hours', 'nightNewYork', '2026-03-07T23:00-05:00', 4 * H, '2026-03-08T04:00-04:00'],
  ['New York spring forward outside hours: Friday 16:30 + 1 h', 'newYork', '2026-03-06T16:30-05:00', H, '2026-03-09T09:30-04:00'],
  ['New York fall back inside night hours', 'nightNewYork', '2026-10-31T23:00-04:00', 4 * H, '2026-11-01T02:00-05:00'],
  ['New York fall back outside hours: Friday 16:30 + 1 h', 'newYork', '2026-10-30T16:30-04:00', H, '2026-11-02T09:30-05:00'],
  ['an interval wholly inside the skipped hour is empty', 'dstSunday', '2026-03-28T12:00+01:00', 30 * M, '2026-03-29T04:30+02:00'],
  ['an interval inside the repeated hour runs from its first 02:00 to 03:00: two hours', 'dstSunday', '2026-10-24T12:00+02:00', 90 * M, '2026-10-25T02:30+01:00'],
  ['an interval starting in the skipped hour starts when the clocks jump', 'gapStart', '2026-03-28T12:00+01:00', 30 * M, '2026-03-29T03:30+02:00'],
  ['a date that starts in a DST gap (Santiago) opens when the clocks jump', 'nightSantiago', '2026-09-05T12:00-04:00', 90 * M, '2026-09-06T01:30-03:00'],
  ['a night shift continues past midnight', 'nightBerlin', '2026-12-07T05:30+01:00', H, '2026-12-07T22:30+01:00'],
];

describe('addBusinessSeconds', () => {
  it.each(ADD)('%s', (_name, c, start, seconds, due) => {
    expect(addBusinessSeconds(CALS[c], new Date(start), seconds).toISOString()).toBe(new Date(due).toISOString());
    // The same with a compiled calendar, and back again with businessSecondsBetween.
    const compiled = compileCalendar(CALS[c]);
    expect(addBusinessSeconds(compiled, new Date(start), seconds).toISOString()).toBe(new Date(due).toISOString());
    expect(businessSecondsBetween(compiled, new Date(start), new Date(due))).toBe(seconds);
  });
});

const BETWEEN: [string, CalName, string, string, number][] = [
  ['Friday 16:30 to Monday 09:30 is one hour', 'berlin', '2026-12-04T16:30+01:00', '2026-12-07T09:30+01:00', H],
  ['a weekend is nothing', 'berlin', '2026-12-05T00:00+01:00', '2026-12-07T00:00+01:00', 0],
  ['b before a is 0', 'berlin', '2026-12-07T12:00+01:00', '2026-12-07T10:00+01:00', 0],
  ['a split-shift day is 8 hours', 'split', '2026-12-07T00:00+01:00', '2026-12-08T00:00+01:00', 8 * H],
  ['the spring-forward night shift in Berlin is 7 hours', 'nightBerlin', '2026-03-28T22:00+01:00', '2026-03-29T06:00+02:00', 7 * H],
  ['the fall-back night shift in Berlin is 9 hours', 'nightBerlin', '2026-10-24T22:00+02:00', '2026-10-25T06:00+01:00', 9 * H],
  ['Christmas week with holidays, a Sunday opening and a closed Monday', 'holidays', '2026-12-23T09:00+01:00', '2026-12-30T09:00+01:00', 18 * H],
  ['a repeated hour before midnight (Santiago) is worked twice: 4 hours', 'nightSantiago', '2026-04-04T12:00-03:00', '2026-04-05T12:00-04:00', 4 * H],
  ['a date a zone skipped has no open time', 'samoa', '2011-12-29T00:00-10:00', '2012-01-01T00:00+14:00', 16 * H],
  ['24/7 is elapsed time', 'always', '2026-01-01T00:00Z', '2026-01-02T00:00:00.500Z', 24 * H + 0.5],
];

describe('businessSecondsBetween', () => {
  it.each(BETWEEN)('%s', (_name, c, a, b, seconds) => {
    expect(businessSecondsBetween(CALS[c], new Date(a), new Date(b))).toBe(seconds);
  });
});

const OPEN: [string, CalName, string, boolean, string][] = [
  ['open at opening time', 'berlin', '2026-12-07T09:00+01:00', true, '2026-12-07T09:00+01:00'],
  ['closed at closing time, opens next morning', 'berlin', '2026-12-07T17:00+01:00', false, '2026-12-08T09:00+01:00'],
  ['open a millisecond before closing', 'berlin', '2026-12-07T16:59:59.999+01:00', true, '2026-12-07T16:59:59.999+01:00'],
  ['closed at lunch, opens at 13:00', 'split', '2026-12-07T12:00+01:00', false, '2026-12-07T13:00+01:00'],
  ['closed on a holiday, opens at the Sunday special opening', 'holidays', '2026-12-25T10:00+01:00', false, '2026-12-27T10:00+01:00'],
  ['open during special hours on New Year’s Eve', 'holidays', '2026-12-31T11:59+01:00', true, '2026-12-31T11:59+01:00'],
  ['closed after special hours on New Year’s Eve', 'holidays', '2026-12-31T12:00+01:00', false, '2027-01-04T09:00+01:00'],
  ['24/7 is always open', 'always', '2026-12-25T03:00Z', true, '2026-12-25T03:00Z'],
  ['open right after the clocks jump forward', 'nightBerlin', '2026-03-29T03:00+02:00', true, '2026-03-29T03:00+02:00'],
  ['open in the second run of the repeated hour', 'nightBerlin', '2026-10-25T02:30+01:00', true, '2026-10-25T02:30+01:00'],
  ['closed after a fall-back night shift, opens at 22:00 local', 'nightNewYork', '2026-11-01T06:00-05:00', false, '2026-11-01T22:00-05:00'],
  ['open in the second run of the hour before midnight (Santiago)', 'nightSantiago', '2026-04-04T23:30-04:00', true, '2026-04-04T23:30-04:00'],
  ['the empty interval in the skipped hour is skipped', 'dstSunday', '2026-03-29T01:30+01:00', false, '2026-03-29T04:00+02:00'],
];

describe('isOpen and nextOpen', () => {
  it.each(OPEN)('%s', (_name, c, at, open, next) => {
    expect(isOpen(CALS[c], new Date(at))).toBe(open);
    expect(nextOpen(CALS[c], new Date(at)).toISOString()).toBe(new Date(next).toISOString());
  });
});

const CLOSE: [string, CalName, string, string | null][] = [
  ['open on a weekday: closes at 17:00', 'berlin', '2026-12-04T10:00:00+01:00', '2026-12-04T17:00:00+01:00'],
  ['closed: null', 'berlin', '2026-12-05T10:00:00+01:00', null],
  ['split shift: the morning stretch ends at the lunch break', 'split', '2026-12-04T09:00:00+01:00', '2026-12-04T12:00:00+01:00'],
  ['a night shift stored as two intervals is one stretch across midnight', 'nightBerlin', '2026-12-04T23:00:00+01:00', '2026-12-05T06:00:00+01:00'],
  ['24/7: never closes', 'always', '2026-12-04T10:00:00Z', null],
  ['24/7 but a holiday: closes when the holiday starts', 'alwaysButChristmas', '2026-12-24T10:00:00+01:00', '2026-12-25T00:00:00+01:00'],
];

describe('nextClose', () => {
  it.each(CLOSE)('%s', (_name, c, at, close) => {
    const got = nextClose(CALS[c], new Date(at));
    expect(got?.toISOString() ?? null).toBe(close === null ? null : new Date(close).toISOString());
  });
});

describe('limits', () => {
  const mondaysOnly = cal({
    timeZone: 'Europe/Berlin',
    weekly: { mon: [{ start: '09:00', end: '17:00' }] },
    // Every Monday for six years is a holiday: closed for longer than the horizon.
    holidays: Array.from({ length: 6 * 53 }, (_, i) => ({ date: new Date(Date.UTC(2026, 11, 7 + 7 * i)).toISOString().slice(0, 10), name: 'Closed' })),
  });

  it('a calendar closed for longer than the horizon throws RangeError instead of looping', () => {
    expect(() => nextOpen(mondaysOnly, new Date('2026-12-07T10:00Z'))).toThrow(RangeError);
    expect(() => addBusinessSeconds(mondaysOnly, new Date('2026-12-07T10:00Z'), 1)).toThrow(/horizon/);
    expect(HORIZON_DAYS).toBeGreaterThanOrEqual(5 * 365);
    expect(businessSecondsBetween(mondaysOnly, new Date('2026-12-07T10:00Z'), new Date('2032-12-07T10:00Z'))).toBe(0);
  });

  it('refuses negative or non-finite seconds and invalid dates', () => {
    expect(() => addBusinessSeconds(CALS.berlin, new Date('2026-12-07T10:00Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessSeconds(CALS.berlin, new Date('2026-12-07T10:00Z'), Number.NaN)).toThrow(RangeError);
    expect(() => isOpen(CALS.berlin, new Date('nope'))).toThrow(RangeError);
  });

  it('compileCalendar validates, and its result is accepted everywhere', () => {
    expect(() => compileCalendar({ ...CALS.berlin, timeZone: 'Nowhere/City' })).toThrow();
    const c = compileCalendar(CALS.split);
    expect(c).toBeInstanceOf(CompiledCalendar);
    expect(isOpen(c, new Date('2026-12-07T08:00+01:00'))).toBe(true);
    expect(nextOpen(c, new Date('2026-12-07T12:00+01:00')).toISOString()).toBe('2026-12-07T12:00:00.000Z');
  });

  it('a year of targets across many dates stays fast: O(days), not O(seconds)', () => {
    const c = compileCalendar(CALS.holidays);
    const start = Date.parse('2026-01-05T08:00+01:00');
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) addBusinessSeconds(c, new Date(start + i * 1_579_000), 40 * H);
    // Generous: about 20 ms on a quiet machine; this only catches a per-second or per-minute loop.
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});

// Properties over random calendars: zones with DST, DST at midnight (Santiago), a 30-minute DST (Lord Howe) and none.
const ZONES = ['Europe/Berlin', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2028, 0, 1);

/** Up to 3 intervals in a day from sorted quarter-hour points; an end of 96 quarters is 24:00. */
const dayArb = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 6 }).map((pts) => {
  const sorted = [...pts].sort((a, b) => a - b);
  const q = (n: number) => `${String(Math.floor(n / 4)).padStart(2, '0')}:${String((n % 4) * 15).padStart(2, '0')}`;
  const out: { start: string; end: string }[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) out.push({ start: q(sorted[i]!), end: q(sorted[i + 1]!) });
  return out;
});
const dateArb = fc.integer({ min: FROM, max: TO }).map((t) => new Date(t).toISOString().slice(0, 10));
const calendarArb = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    alwaysOpen: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    days: fc.tuple(dayArb, dayArb, dayArb, dayArb, dayArb, dayArb, dayArb),
    holidays: fc.uniqueArray(dateArb, { maxLength: 20 }),
    overrides: fc.uniqueArray(fc.tuple(dateArb, dayArb), { maxLength: 5, selector: (o) => o[0] }),
  })
  .map((r) => {
    const weekly = Object.fromEntries(WEEKDAYS.map((d, i) => [d, r.days[i]!]));
    if (WEEKDAYS.every((d) => weekly[d]!.length === 0)) weekly.mon = [{ start: '09:00', end: '17:00' }];
    return cal({
      timeZone: r.timeZone,
      alwaysOpen: r.alwaysOpen,
      weekly,
      holidays: r.holidays.map((date) => ({ date, name: 'Holiday' })),
      overrides: r.overrides.map(([date, intervals]) => ({ date, intervals })),
    });
  });
const instantArb = fc.integer({ min: FROM, max: TO }).map((t) => new Date(t));
/** Up to two days of business time: reachable well within the horizon on any generated calendar. */
const secondsArb = fc.oneof(fc.integer({ min: 0, max: 2 * 86_400 }), fc.integer({ min: 0, max: 4 * H }));

/** The calendar with more open time: each weekday's intervals united with another's, a holiday dropped. */
function widen(c: Calendar, extra: Calendar): Calendar {
  const toQ = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const fromQ = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  const weekly = Object.fromEntries(
    WEEKDAYS.map((d) => {
      const all = [...c.weekly[d], ...extra.weekly[d]].map((iv) => [toQ(iv.start), toQ(iv.end)] as [number, number]).sort((a, b) => a[0] - b[0]);
      const merged: [number, number][] = [];
      for (const [s, e] of all) {
        const last = merged.at(-1);
        if (last && s <= last[1]) last[1] = Math.max(last[1], e);
        else merged.push([s, e]);
      }
      return [d, merged.map(([s, e]) => ({ start: fromQ(s), end: fromQ(e) }))];
    }),
  );
  return cal({ ...c, weekly, holidays: c.holidays.slice(1) });
}

describe('business-time properties', () => {
  it('a due time is never before its start, and businessSecondsBetween(a, addBusinessSeconds(a, s)) = s', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, secondsArb, (c, a, s) => {
        const due = addBusinessSeconds(c, a, s);
        expect(due.getTime()).toBeGreaterThanOrEqual(a.getTime());
        expect(businessSecondsBetween(c, a, due)).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('more seconds never give an earlier due time', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, secondsArb, secondsArb, (c, a, s1, s2) => {
        const [lo, hi] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const compiled = compileCalendar(c);
        expect(addBusinessSeconds(compiled, a, lo).getTime()).toBeLessThanOrEqual(addBusinessSeconds(compiled, a, hi).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('adding working hours to a calendar never makes a due time later', () => {
    fc.assert(
      fc.property(calendarArb, calendarArb, instantArb, secondsArb, (c, extra, a, s) => {
        const wider = widen(c, extra);
        expect(addBusinessSeconds(wider, a, s).getTime()).toBeLessThanOrEqual(addBusinessSeconds(c, a, s).getTime());
      }),
      { numRuns: 200 },
    );
  });

  it('nextOpen is open, not before its argument, and no business time lies between them', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, (c, x) => {
        const next = nextOpen(c, x);
        expect(isOpen(c, next)).toBe(true);
        expect(next.getTime()).toBeGreaterThanOrEqual(x.getTime());
        expect(businessSecondsBetween(c, x, next)).toBe(0);
        if (isOpen(c, x)) expect(next.getTime()).toBe(x.getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('business time splits at any point: between(a, c) = between(a, b) + between(b, c)', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, instantArb, instantArb, (c, ...xs) => {
        const [a, b, d] = xs.sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
        const compiled = compileCalendar(c);
        expect(businessSecondsBetween(compiled, a, d)).toBeCloseTo(businessSecondsBetween(compiled, a, b) + businessSecondsBetween(compiled, b, d), 3);
      }),
      { numRuns: 60 },
    );
  });
});
