/** A token bucket's shape: refilled at `ratePerSecond`, holding at most `burst` tokens. */
export type Rate = { ratePerSecond: number; burst: number };

/** A token bucket: `burst` events at once, refilled at `perSecond`. */
export class RateLimiter {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Token buckets shared by every socket of one key on this node (a visitor session, a client
 * address), with a count of those sockets: `full` says the key has `maxSockets` already. A
 * key's bucket lives while it has sockets, so memory follows the open sockets.
 */
export class SharedBuckets {
  private entries = new Map<string, { bucket: RateLimiter; sockets: number }>();
  constructor(
    private readonly rate: Rate,
    readonly maxSockets: number,
  ) {}

  full(key: string): boolean {
    return (this.entries.get(key)?.sockets ?? 0) >= this.maxSockets;
  }

  /** Counts one more socket of `key` and returns the key's bucket. */
  join(key: string): RateLimiter {
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = { bucket: new RateLimiter(this.rate.ratePerSecond, this.rate.burst), sockets: 0 }));
    e.sockets++;
    return e.bucket;
  }

  leave(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    if (--e.sockets <= 0) this.entries.delete(key);
  }
}

/**
 * Admission of one socket's events: the socket's own bucket, then each shared bucket it is in
 * (its visitor session's, its address's); an event refused by any of them is RATE_LIMITED.
 * Refusals are counted in a bucket of their own (twice the socket's burst, refilled at its
 * rate): a client that backs off when refused never empties it; one that keeps sending
 * regardless does, and `onAbuse` runs once (the socket is disconnected).
 */
export class EventGate {
  private readonly own: RateLimiter;
  private readonly strikes: RateLimiter;
  private readonly shared = new Map<string, RateLimiter>();
  private abused = false;
  constructor(
    rate: Rate,
    private readonly onAbuse: () => void,
  ) {
    this.own = new RateLimiter(rate.ratePerSecond, rate.burst);
    this.strikes = new RateLimiter(rate.ratePerSecond, rate.burst * 2);
  }

  /** Puts the socket's events under a shared bucket in `slot` ('session', 'address'), or out of it. */
  share(slot: string, bucket: RateLimiter | undefined): void {
    if (bucket) this.shared.set(slot, bucket);
    else this.shared.delete(slot);
  }

  /** True when the event may run; false (and a strike) when a bucket is empty. */
  admit(): boolean {
    if (!this.own.take()) return this.strike();
    for (const b of this.shared.values()) if (!b.take()) return this.strike();
    return true;
  }

  /** Counts a refusal (rate, or a payload no client of ours sends); past the allowance, `onAbuse`. */
  strike(): false {
    if (!this.strikes.take() && !this.abused) {
      this.abused = true;
      this.onAbuse();
    }
    return false;
  }
}
