import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Timers = { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };

/**
 * One interval timer shared by every subscriber: it runs only while someone is subscribed,
 * so a screen with nothing counting down costs no wake-ups. `timers` is injectable for tests.
 */
export class Ticker {
  private readonly subs = new Set<() => void>();
  private handle: unknown = null;

  constructor(
    readonly periodMs = 1000,
    private readonly timers: Timers = { set: (fn, ms) => setInterval(fn, ms), clear: (h) => clearInterval(h as ReturnType<typeof setInterval>) },
  ) {}

  /** Calls `fn` every period until the returned function is called. */
  subscribe(fn: () => void): () => void {
    this.subs.add(fn);
    if (this.handle === null) this.handle = this.timers.set(() => this.tick(), this.periodMs);
    return () => {
      this.subs.delete(fn);
      if (!this.subs.size && this.handle !== null) {
        this.timers.clear(this.handle);
        this.handle = null;
      }
    };
  }

  /** Whether the timer runs. */
  get running(): boolean {
    return this.handle !== null;
  }

  private tick(): void {
    for (const fn of [...this.subs]) fn();
  }
}

/** The inbox's once-a-second ticker (countdowns in list rows and the SLA panel). */
export const secondTicker = new Ticker(1000);

/**
 * A host's clock: `now()` (injectable; `Date.now` by default, which a test can move) and a
 * re-render every second of `ticker` while the host says it `need`s one (a countdown is on
 * screen). Unsubscribes in `hostDisconnected`, subscribes again on reconnect if still needed.
 */
export class ClockController implements ReactiveController {
  readonly now: () => number;
  private readonly ticker: Ticker;
  private wanted = false;
  private stop: (() => void) | null = null;
  private readonly onTick = () => this.host.requestUpdate();

  constructor(
    private readonly host: ReactiveControllerHost,
    o: { now?: () => number; ticker?: Ticker } = {},
  ) {
    this.now = o.now ?? (() => Date.now());
    this.ticker = o.ticker ?? secondTicker;
    host.addController(this);
  }

  /** Ticks the host while `on` (call it after each render with whether a countdown is shown). */
  need(on: boolean): void {
    this.wanted = on;
    if (on && !this.stop) this.stop = this.ticker.subscribe(this.onTick);
    else if (!on && this.stop) {
      this.stop();
      this.stop = null;
    }
  }

  hostConnected(): void {
    if (this.wanted && !this.stop) this.stop = this.ticker.subscribe(this.onTick);
  }

  hostDisconnected(): void {
    this.stop?.();
    this.stop = null;
  }
}
