/**
 * Sliding-window counter per key (an account, a client address…): at most `max` hits per key
 * in `windowMs`, counted per node. Used for failed logins and for new visitor sessions.
 */
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

  /** True when the key has used up its hits in the window. */
  blocked(key: string): boolean {
    return this.recent(key).length >= this.max;
  }

  hit(key: string): void {
    // Bounded memory under a spray of random keys: forget everything rather than grow.
    if (this.hits.size > 100_000) this.hits.clear();
    this.hits.set(key, [...this.recent(key), this.now()]);
  }

  clear(key: string): void {
    this.hits.delete(key);
  }
}
