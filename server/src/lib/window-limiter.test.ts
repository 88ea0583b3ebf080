import { describe, expect, it } from 'vitest';
import { WindowLimiter } from './window-limiter.js';

describe('window limiter', () => {
  it('blocks a key after max hits within the window, and forgets them after it', () => {
    let now = 0;
    const l = new WindowLimiter(3, 1000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.blocked('a@b.c')).toBe(false);
      l.hit('a@b.c');
    }
    expect(l.blocked('a@b.c')).toBe(true);
    expect(l.blocked('x@y.z')).toBe(false);
    now = 1001;
    expect(l.blocked('a@b.c')).toBe(false);
  });

  it('clear forgets the key', () => {
    const l = new WindowLimiter(2, 1000, () => 0);
    l.hit('a');
    l.hit('a');
    expect(l.blocked('a')).toBe(true);
    l.clear('a');
    expect(l.blocked('a')).toBe(false);
  });
});
