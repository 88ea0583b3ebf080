import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * At most `max` hits per key (an account, a client address…) in a window, checked and
 * counted in one step so that concurrent callers cannot all pass a check made before any of
 * them counted. Used for logins and for new visitor sessions.
 */
export interface HitCounter {
  /** Counts a hit for `key` and says whether it is within the limit; a refused hit is not counted. */
  take(key: string): Promise<boolean>;
  /** Gives one hit back (a login that succeeded should not use up its address's allowance). */
  release(key: string): Promise<void>;
  /** Forgets the key's hits. */
  clear(key: string): Promise<void>;
}

/** Sliding-window counter per key, in this process (per node). */
export class WindowLimiter {
  private hits = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    return list;
  }

  /** Counts a hit and returns true, or returns false (uncounted) when the key has used up its hits. */
  take(key: string): boolean {
    const list = this.recent(key);
    if (list.length >= this.max) return false;
    // Bounded memory under a spray of random keys: forget everything rather than grow.
    if (this.hits.size > 100_000) this.hits.clear();
    this.hits.set(key, [...list, this.now()]);
    return true;
  }

  release(key: string): void {
    const list = this.recent(key);
    list.pop();
    if (!list.length) this.hits.delete(key);
  }

  clear(key: string): void {
    this.hits.delete(key);
  }
}

/** A HitCounter over a WindowLimiter: exact, but per node. */
export function localCounter(max: number, windowMs: number, now?: () => number): HitCounter {
  const l = new WindowLimiter(max, windowMs, now);
  return {
    take: async (key) => l.take(key),
    release: async (key) => l.release(key),
    clear: async (key) => l.clear(key),
  };
}

// One round trip: create the key with the window's expiry if it is new, then count (a refused
// hit is taken back, so hammering a blocked key neither grows it nor extends its window).
const TAKE = `redis.call('SET', KEYS[1], 0, 'PX', ARGV[2], 'NX')
local n = redis.call('INCR', KEYS[1])
if n > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]) return 0 end
return 1`;
const RELEASE = `if (tonumber(redis.call('GET', KEYS[1]) or '0') > 0) then redis.call('DECR', KEYS[1]) end return 1`;

/**
 * A HitCounter shared by every node through Redis: a fixed window per key that starts with
 * its first hit. Keys are `<prefix>:<name>:<key>`. If Redis fails, the call falls back to
 * this node's own counter (logged), so a Redis outage neither locks everyone out nor lifts
 * the limit.
 */
export function redisCounter(redis: Redis, o: { prefix: string; name: string; max: number; windowMs: number; logger: Logger }): HitCounter {
  const local = localCounter(o.max, o.windowMs);
  const k = (key: string) => `${o.prefix}:${o.name}:${key}`;
  const fallback = <T>(what: string, run: () => Promise<T>, alt: () => Promise<T>) =>
    run().catch((err: unknown) => {
      o.logger.warn({ err, counter: o.name }, `redis ${what} failed; counting on this node`);
      return alt();
    });
  return {
    take: (key) => fallback('take', async () => (await redis.eval(TAKE, 1, k(key), o.max, o.windowMs)) === 1, () => local.take(key)),
    release: (key) => fallback('release', async () => void (await redis.eval(RELEASE, 1, k(key))), () => local.release(key)),
    clear: (key) => fallback('clear', async () => void (await redis.del(k(key))), () => local.clear(key)),
  };
}

/** Makes a named HitCounter: Redis-backed when Redis is configured, else per node. */
export type CounterFactory = (name: string, max: number, windowMs: number) => HitCounter;

export function counterFactory(redis: Redis | undefined, prefix: string, logger: Logger): CounterFactory {
  return (name, max, windowMs) => (redis ? redisCounter(redis, { prefix, name, max, windowMs, logger }) : localCounter(max, windowMs));
}
