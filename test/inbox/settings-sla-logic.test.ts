import { describe, expect, it } from 'vitest';
import { defaultCalendar, slaPolicyCreateSchema, type SlaTargets } from '@support/protocol';
import { formatDuration, parseDuration } from '../../inbox/src/settings/sla/duration.js';
import { addInterval, tidyTime, type WeekInput } from '../../inbox/src/settings/sla/week.js';
import { calendarValues, definitionOf, entryIssues, parseHours, weekSummary } from '../../inbox/src/settings/sla/calendar-form.js';
import { policyBody, policyValues, withDurations } from '../../inbox/src/settings/sla/policy-form.js';
import { describeCondition } from '../../inbox/src/settings/sla/condition-text.js';

describe('SLA durations', () => {
  it.each([
    ['', null],
    ['1h 30m', 5400],
    ['1h30m', 5400],
    ['90m', 5400],
    ['90 min', 5400],
    ['1:30', 5400],
    ['1.5h', 5400],
    ['2d', 172_800],
    ['1w', 604_800],
    ['8 hours', 28_800],
    [' 45M ', 2700],
  ])('reads %j as %j seconds', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, seconds });
  });

  it.each(['90', 'soon', '1x', '1h 30'])('refuses %j', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });

  it('writes hours and minutes, and reads back what it wrote', () => {
    for (const s of [60, 2700, 3600, 5400, 28_800, 259_200, 90_060]) expect(parseDuration(formatDuration(s))).toEqual({ ok: true, seconds: s });
    expect(formatDuration(5400)).toBe('1h 30m');
    expect(formatDuration(259_200)).toBe('72h');
    expect(formatDuration(null)).toBe('');
  });
});

describe('the week grid and the calendar form', () => {
  it('tidies typed times and merges drawn intervals with those they touch', () => {
    expect(['9', '930', '9.30', '17:00', '24', 'x'].map(tidyTime)).toEqual(['09:00', '09:30', '09:30', '17:00', '24:00', 'x']);
    const day = [{ start: '08:00', end: '12:00' }, { start: '14:00', end: '16:00' }];
    expect(addInterval(day, 11 * 60, 13 * 60)).toEqual([{ start: '08:00', end: '13:00' }, { start: '14:00', end: '16:00' }]);
    expect(addInterval(day, 12 * 60, 14 * 60)).toEqual([{ start: '08:00', end: '16:00' }]);
    expect(addInterval([], 22 * 60, 24 * 60)).toEqual([{ start: '22:00', end: '24:00' }]);
  });

  it('reads special-day hours and says a week in a line', () => {
    expect(parseHours('10-14, 15:00–17:30')).toEqual([{ start: '10:00', end: '14:00' }, { start: '15:00', end: '17:30' }]);
    expect(parseHours('')).toEqual([]);
    const c = defaultCalendar('Europe/Berlin');
    expect(weekSummary(c)).toBe('Mon–Fri 09:00–17:00');
    c.weekly.mon = [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }];
    c.weekly.sat = [{ start: '10:00', end: '14:00' }];
    expect(weekSummary(c)).toBe('Mon 08:00–12:00, 13:00–17:00 · Tue–Fri 09:00–17:00 · Sat 10:00–14:00');
    expect(weekSummary({ ...c, alwaysOpen: true })).toBe('Open 24/7');
  });

  it('puts the calendar schema’s issues on their interval, holiday or special day', () => {
    const d = definitionOf(calendarValues(null));
    (d.weekly as WeekInput).mon = [{ start: '09:00', end: '25:00' }, { start: '08:00', end: '10:00' }];
    d.holidays = [{ date: '2027-02-30', name: 'Nope' }];
    const issues = entryIssues(d);
    expect(issues.weekly.get('mon.0')).toMatch(/^To: must be a time/);
    expect(issues.holidays.get(0)).toMatch(/^Date: must be a date/);
  });
});

describe('the policy form', () => {
  it('sends durations as seconds, empty as no target, and refuses unreadable ones on their field with the protocol schema after', () => {
    const values = policyValues(null);
    values['targets.urgent.first_response'] = '1h 30m';
    values['targets.low.resolution'] = '';
    values.conditions = JSON.stringify({ all: [{ field: 'ticket.priority', op: 'is', value: 'urgent' }] });
    const body = policyBody(values, false);
    expect((body.targets as SlaTargets).urgent.first_response).toBe(5400);
    expect((body.targets as SlaTargets).low.resolution).toBeNull();
    expect(body.calendarId).toBeNull();
    expect(body.pauseStatuses).toEqual(['pending']);
    const schema = withDurations(slaPolicyCreateSchema);
    expect(schema.safeParse({ ...body, name: 'Urgent' }).success).toBe(true);
    values['targets.high.next_response'] = 'soon';
    const bad = schema.safeParse({ ...policyBody(values, false), name: '' });
    expect(bad.success).toBe(false);
    const paths = bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['targets.high.next_response', 'name']));
    expect(policyBody(values, true)).not.toHaveProperty('conditions');
  });

  it('says a condition in words', () => {
    const choices = { inbox: [{ id: 'inb_1', name: 'Support' }], team: [], user: [], calendar: [] };
    expect(describeCondition({ all: [] }, choices)).toBe('Every ticket');
    expect(describeCondition({ all: [{ field: 'ticket.priority', op: 'in', value: ['high', 'urgent'] }, { field: 'ticket.inbox', op: 'is', value: 'inb_1' }] }, choices))
      .toBe('Priority is any of High, Urgent and Inbox is Support');
    expect(describeCondition({ any: [{ field: 'ticket.team', op: 'is', value: null }, { field: 'ticket.tags', op: 'includes_any', value: ['vip'] }] }, choices))
      .toBe('Team is no team or Tags include any of vip');
  });
});
