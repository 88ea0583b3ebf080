/**
 * Business-time arithmetic speed: `npx tsx bench/business-time.ts [--calls 200000]`.
 * A Europe/Berlin split-shift calendar (Mon–Fri 08–12 and 13–17, Sat 10–14) with the German
 * public holidays and a few closures for three years. Prints:
 * - cold: compile the calendar, then one addBusinessSeconds for each of 100,000 clocks whose
 *   starts spread over a year (what SLA does to re-plan every open clock after a calendar change);
 * - warm: addBusinessSeconds calls per second on the compiled calendar, targets of 1 hour to
 *   5 business days from starts spread over a year;
 * - businessSecondsBetween and isOpen calls per second, and addBusinessSeconds on the plain
 *   (uncompiled) calendar object, which is compiled once per object.
 */
import { calendarSchema, type Calendar } from '@support/protocol';
import { performance } from 'node:perf_hooks';
import { addBusinessSeconds, businessSecondsBetween, compileCalendar, isOpen } from '../server/src/business-time/business-time.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('calls', 200_000);

const shifts = [
  { start: '08:00', end: '12:00' },
  { start: '13:00', end: '17:00' },
];
const fixed = ['01-01', '05-01', '10-03', '12-24', '12-25', '12-26', '12-31'];
const moving = ['2026-04-03', '2026-04-06', '2026-05-14', '2026-05-25', '2027-03-26', '2027-03-29', '2027-05-06', '2027-05-17', '2028-04-14', '2028-04-17', '2028-05-25', '2028-06-05'];
const calendar: Calendar = calendarSchema.parse({
  timeZone: 'Europe/Berlin',
  weekly: { mon: shifts, tue: shifts, wed: shifts, thu: shifts, fri: shifts, sat: [{ start: '10:00', end: '14:00' }] },
  holidays: [...[2026, 2027, 2028].flatMap((y) => fixed.map((d) => `${y}-${d}`)), ...moving].map((date) => ({ date, name: 'Holiday' })),
  overrides: [
    { date: '2026-12-23', name: 'Short day', intervals: [{ start: '09:00', end: '12:00' }] },
    { date: '2027-07-16', name: 'Team day', intervals: [] },
  ],
});

const YEAR_MS = 365 * 86_400_000;
const base = Date.parse('2026-03-01T00:00:00Z');
// Deterministic spread: starts over a year, targets 1 h to 5 business days (40 h).
const starts = Array.from({ length: 100_000 }, (_, i) => new Date(base + ((i * 7_919_993) % YEAR_MS)));
const targets = Array.from({ length: 100_000 }, (_, i) => 3600 * (1 + ((i * 37) % 40)));

function rate(label: string, n: number, fn: (i: number) => unknown) {
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < n; i++) if (fn(i)) sink++;
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(58)} ${String(Math.round((n / ms) * 1000)).padStart(10)} calls/s  (${n} in ${ms.toFixed(0)} ms, ${sink} truthy)`);
}

const t0 = performance.now();
const cold = compileCalendar(calendar);
for (let i = 0; i < 100_000; i++) addBusinessSeconds(cold, starts[i]!, targets[i]!);
console.log(`${'cold: compile + re-plan 100,000 clocks'.padEnd(58)} ${(performance.now() - t0).toFixed(0).padStart(10)} ms`);

const compiled = compileCalendar(calendar);
for (let i = 0; i < 100_000; i++) addBusinessSeconds(compiled, starts[i]!, targets[i]!); // warm the date cache and the JIT
rate('warm: addBusinessSeconds (compiled)', CALLS, (i) => addBusinessSeconds(compiled, starts[i % 100_000]!, targets[i % 100_000]!));
rate('warm: businessSecondsBetween over 1 to 10 days (compiled)', CALLS, (i) => businessSecondsBetween(compiled, starts[i % 100_000]!, new Date(starts[i % 100_000]!.getTime() + 86_400_000 * (1 + (i % 10)))));
rate('warm: isOpen (compiled)', CALLS, (i) => isOpen(compiled, starts[i % 100_000]!));
rate('addBusinessSeconds on the plain calendar object', CALLS, (i) => addBusinessSeconds(calendar, starts[i % 100_000]!, targets[i % 100_000]!));
