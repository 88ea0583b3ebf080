import type { Logger } from 'pino';

/**
 * A background loop of rounds that never overlap: `wake()` asks for a round now (one more runs
 * after the current one if asked meanwhile), `run()` runs one and resolves when it is done
 * (for tests, and to drain), and a timer runs one after `nextDelayMs()` (re-armed after every
 * round). `stop()` cancels the timer and waits for the round in progress.
 */
export class Wakeable {
  private current: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly round: () => Promise<void>,
    /** Milliseconds until the next round on its own; called after each round. */
    private readonly nextDelayMs: () => Promise<number> | number,
  ) {}

  private started = false;

  /** Starts the timer (the first round runs at once). Before this, only `run()` runs rounds. */
  start(): void {
    this.started = true;
    this.wake();
  }

  /** Asks for a round soon; does nothing before `start()` or after `stop()`. */
  wake(): void {
    if (this.stopped || !this.started) return;
    void this.run().catch(() => {});
  }

  /** Runs a round (after the one in progress, if any) and resolves when it ends. */
  run(): Promise<void> {
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.current = (async () => {
      let failed = false;
      do {
        this.again = false;
        try {
          await this.round();
          failed = false;
        } catch (err) {
          failed = true;
          this.logger.warn({ err }, `${this.name} round failed`);
        }
      } while (this.again && !this.stopped);
      this.current = null;
      // After a failure (the database away) wait a second at least, rather than spin.
      await this.arm(failed ? 1000 : 0);
    })();
    return this.current;
  }

  /** Re-arms the timer to `delayMs` from now if that is sooner than it is set for. */
  armWithin(delayMs: number): void {
    if (this.stopped || !this.started) return;
    if (this.timer && this.dueAt <= Date.now() + delayMs) return;
    this.set(delayMs);
  }

  private dueAt = 0;

  private set(delayMs: number) {
    if (this.timer) clearTimeout(this.timer);
    const ms = Math.max(0, Math.min(delayMs, 2_147_000_000));
    this.dueAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, ms);
    this.timer.unref();
  }

  private async arm(atLeastMs: number) {
    if (this.stopped || !this.started) return;
    let delay: number;
    try {
      delay = await this.nextDelayMs();
    } catch (err) {
      this.logger.warn({ err }, `${this.name}: could not compute the next wake-up`);
      delay = 1000;
    }
    if (this.stopped) return;
    delay = Math.max(delay, atLeastMs);
    // A sooner wake-up asked for during the round (armWithin) stands.
    if (this.timer && this.dueAt <= Date.now() + delay) return;
    this.set(delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }
}
