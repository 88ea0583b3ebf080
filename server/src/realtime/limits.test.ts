import { describe, expect, it } from 'vitest';
import { EventGate, RateLimiter, SharedBuckets } from './limits.js';

describe('rate limits', () => {
  it('a bucket gives its burst at once and refills at its rate', () => {
    let now = 0;
    const b = new RateLimiter(2, 3, () => now);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    now = 500;
    expect([b.take(), b.take()]).toEqual([true, false]);
  });

  it('shared buckets count sockets per key and drop a key with its last socket', () => {
    const s = new SharedBuckets({ ratePerSecond: 0, burst: 1 }, 2);
    const a = s.join('k');
    expect(s.join('k')).toBe(a);
    expect(s.full('k')).toBe(true);
    expect(a.take()).toBe(true);
    s.leave('k');
    s.leave('k');
    expect(s.full('k')).toBe(false);
    expect(s.join('k').take()).toBe(true); // a fresh bucket
  });

  it('a gate refuses when any of its buckets is empty, and calls onAbuse once when refusals go on', () => {
    let abused = 0;
    const g = new EventGate({ ratePerSecond: 0, burst: 3 }, () => abused++);
    const shared = new RateLimiter(0, 1);
    g.share('session', shared);
    expect([g.admit(), g.admit()]).toEqual([true, false]);
    g.share('session', undefined);
    expect(g.admit()).toBe(true);
    for (let i = 0; i < 10; i++) g.admit();
    expect(abused).toBe(1);
  });
});
