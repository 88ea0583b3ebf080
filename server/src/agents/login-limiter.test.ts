import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';

describe('login limiter', () => {
  it('blocks a key after max failures within the window, and forgets them after it', () => {
    let now = 0;
    const l = new LoginLimiter(3, 1000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.blocked('a@b.c')).toBe(false);
      l.fail('a@b.c');
    }
    expect(l.blocked('a@b.c')).toBe(true);
    expect(l.blocked('x@y.z')).toBe(false);
    now = 1001;
    expect(l.blocked('a@b.c')).toBe(false);
  });

  it('a success clears the key', () => {
    const l = new LoginLimiter(2, 1000, () => 0);
    l.fail('a');
    l.fail('a');
    expect(l.blocked('a')).toBe(true);
    l.succeed('a');
    expect(l.blocked('a')).toBe(false);
  });
});
