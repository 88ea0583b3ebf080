import { describe, expect, it } from 'vitest';
import { WindowLimiter } from './window-limiter.js';

describe('window limiter', () => {
  it('takes max hits per key within the window, refuses (uncounted) past it, and forgets them after it', () => {
    let now = 0;
    const l = new WindowLimiter(3, 1000, () => now);
    for (let i = 0; i < 3; i++) expect(l.take('a@b.c')).toBe(true);
    expect(l.take('a@b.c')).toBe(false);
    expect(l.take('x@y.z')).toBe(true);
    now = 1001;
    expect(l.take('a@b.c')).toBe(true);
  });

  it('release gives one hit back; clear forgets the key', () => {
    const l = new WindowLimiter(2, 1000, () => 0);
    expect(l.take('a') && l.take('a')).toBe(true);
    expect(l.take('a')).toBe(false);
    l.release('a');
    expect(l.take('a')).toBe(true);
    expect(l.take('a')).toBe(false);
    l.clear('a');
    expect(l.take('a')).toBe(true);
  });
});
