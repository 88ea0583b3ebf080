import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Options of the connection a `RedisPublisher` sends on; the connection is its own. A command
 * fails at once while the connection is down and is never resent by ioredis, so the publisher
 * alone decides what goes out again, and in which order: on one connection the answered
 * commands are always a prefix of those sent.
 */
export const publisherOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  enableAutoPipelining: true,
} satisfies RedisOptions;

/** Events sent again per round trip while a backlog drains. */
const CHUNK = 200;
const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2000;

type Entry = { n: number; raw: string };

/**
 * Publishes messages on one Redis channel in order, never dropping one silently. While Redis
 * answers, each goes out at once. When one fails, it and everything published after it wait
 * in a backlog, in publish order, sent again as soon as the connection is ready (and on a
 * backoff timer, for errors that leave the connection up), in chunks, each after the previous
 * one was answered. A message whose answer was lost may reach subscribers twice; never out of
 * order. Past `maxBacklog` waiting messages the backlog is dropped; once Redis answers again
 * `gapNotice` goes out first, so that subscribers make their clients catch up from storage.
 */
export class RedisPublisher {
  private n = 0;
  private backlog: Entry[] = [];
  /** Messages sent on the fast path and not answered yet. */
  private inflight = 0;
  private draining = false;
  /** Messages dropped since the last gap notice went out. */
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private backoff = MIN_BACKOFF_MS;
  private closed = false;
  private readonly onReady = () => void this.drain();

  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly gapNotice: string,
    private readonly maxBacklog: number,
    private readonly logger: Logger,
  ) {
    redis.on('ready', this.onReady);
  }

  /** Messages waiting to be sent again (for logs and tests). */
  get waiting(): number {
    return this.backlog.length;
  }

  publish(raw: string): void {
    const e = { n: ++this.n, raw };
    if (this.backlog.length || this.draining || this.dropped) return this.hold(e);
    this.inflight++;
    this.redis.publish(this.channel, raw).then(
      () => this.settled(),
      (err: unknown) => {
        if (!this.backlog.length && !this.dropped) this.logger.warn({ err }, 'redis publish failed; holding events to send again');
        this.hold(e);
        this.settled();
        this.retryLater();
      },
    );
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.redis.off('ready', this.onReady);
    if (this.backlog.length || this.dropped)
      this.logger.warn({ unsent: this.backlog.length + this.dropped }, 'bus closed with events Redis never took');
  }

  private settled(): void {
    this.inflight--;
    if (!this.inflight) void this.drain();
  }

  /** Into the backlog at its place by publish order (a failure can be reported after a later publish). */
  private hold(e: Entry): void {
    let i = this.backlog.length;
    while (i > 0 && this.backlog[i - 1]!.n > e.n) i--;
    this.backlog.splice(i, 0, e);
    if (this.backlog.length > this.maxBacklog) {
      this.logger.error({ dropped: this.backlog.length }, 'redis unreachable: event backlog full, dropped; other nodes will be told to resync');
      this.dropped += this.backlog.length;
      this.backlog = [];
    }
  }

  private retryLater(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.backoff);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  private async drain(): Promise<void> {
    // Messages still in flight were published before the backlog: they settle first.
    if (this.draining || this.inflight || this.closed || this.redis.status !== 'ready') return;
    if (!this.backlog.length && !this.dropped) return;
    this.draining = true;
    let resent = 0;
    try {
      for (;;) {
        if (this.dropped) {
          const dropped = this.dropped;
          await this.redis.publish(this.channel, this.gapNotice);
          this.dropped -= dropped;
          this.logger.warn({ dropped }, 'redis back: told the other nodes to resync');
        }
        if (!this.backlog.length) break;
        const chunk = this.backlog.slice(0, CHUNK);
        const results = await Promise.allSettled(chunk.map((e) => this.redis.publish(this.channel, e.raw)));
        const failed = results.findIndex((r) => r.status === 'rejected');
        const done = failed < 0 ? chunk.length : failed;
        // By publish number: the backlog may have been dropped and refilled meanwhile.
        const last = done ? chunk[done - 1]!.n : 0;
        while (this.backlog.length && this.backlog[0]!.n <= last) this.backlog.shift();
        resent += done;
        if (failed >= 0) throw (results[failed] as PromiseRejectedResult).reason;
      }
      this.backoff = MIN_BACKOFF_MS;
      this.logger.info({ resent }, 'redis publishing resumed');
    } catch (err) {
      this.logger.warn({ err, resent, waiting: this.backlog.length }, 'redis publish failed again; will retry');
      this.retryLater();
    } finally {
      this.draining = false;
    }
  }
}
