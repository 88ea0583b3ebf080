/**
 * Tracks in-flight writes so a graceful shutdown can stop taking new work and wait for
 * what was already accepted.
 */
export class Lifecycle {
  private inflight = new Set<Promise<unknown>>();
  stopping = false;

  /** Above this many in-flight handlers the node answers UNAVAILABLE instead of queueing more. */
  constructor(readonly maxInflight = Infinity) {}

  get saturated(): boolean {
    return this.inflight.size >= this.maxInflight;
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  get busy(): number {
    return this.inflight.size;
  }

  /** Resolves when nothing is in flight, or after `timeoutMs`; returns how many were left. */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.inflight.size && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
    }
    return this.inflight.size;
  }
}
