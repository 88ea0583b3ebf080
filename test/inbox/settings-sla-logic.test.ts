import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../inbox/src/settings/sla/duration.js';

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
