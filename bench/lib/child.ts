/**
 * Parent <-> child plumbing for the benchmark's server processes.
 *
 * A child is started with `fork` (tsx as an --import loader), reports `{ type: 'ready', port }`
 * over IPC, answers `{ type: 'stats' }` with its own CPU time, RSS and event-loop utilisation,
 * and exits on `{ type: 'stop' }` or when the parent goes away.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export type ChildStats = {
  /** Cumulative process CPU time, microseconds. */
  cpuUser: number;
  cpuSystem: number;
  rss: number;
  /** Highest RSS seen (sampled every 100 ms) since the previous stats request. */
  peakRss: number;
  /** Event-loop utilisation (0..1) since the previous stats request. */
  elu: number;
};

type ToChild = { type: 'stats'; id: number } | { type: 'stop' };
type FromChild = { type: 'ready'; port: number } | { type: 'stats'; id: number; stats: ChildStats } | { type: 'fatal'; error: string };

// ---------------------------------------------------------------- child side

/**
 * Called by a child once it listens: reports the port, answers stats requests, and runs
 * `stop` (then exits) on request, on SIGTERM/SIGINT or when the IPC channel closes.
 */
export function serveChild(port: number, stop: () => Promise<void>): void {
  const send = (m: FromChild) => {
    if (process.connected) process.send?.(m);
  };
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  }, 100);
  sampler.unref();
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  let stopping = false;
  const shutdown = (code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(sampler);
    const hard = setTimeout(() => process.exit(code || 3), 15_000);
    hard.unref();
    stop().then(
      () => process.exit(code),
      () => process.exit(code || 1),
    );
  };
  process.on('message', (m: ToChild) => {
    if (m.type === 'stats') {
      const cpu = process.cpuUsage();
      const rss = process.memoryUsage.rss();
      const eluNow = performance.eventLoopUtilization();
      const elu = performance.eventLoopUtilization(eluNow, lastElu).utilization;
      lastElu = eluNow;
      const stats: ChildStats = { cpuUser: cpu.user, cpuSystem: cpu.system, rss, peakRss: Math.max(peak, rss), elu };
      peak = rss;
      send({ type: 'stats', id: m.id, stats });
    } else if (m.type === 'stop') shutdown(0);
  });
  process.on('disconnect', () => shutdown(0));
  if (!process.connected) shutdown(0); // the parent went away while we were starting
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(0));
  send({ type: 'ready', port });
}

/** Reports a startup failure to the parent and exits. */
export function failChild(err: unknown): never {
  const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  if (process.connected) process.send?.({ type: 'fatal', error } satisfies FromChild);
  process.stderr.write(`${error}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------- parent side

export class Child {
  /** Forked but not yet ready: killed by killStarting() when the parent aborts. */
  private static starting = new Set<ChildProcess>();

  static killStarting(): void {
    for (const p of Child.starting) p.kill('SIGKILL');
    Child.starting.clear();
  }

  readonly port: number;
  private nextId = 1;
  private waiting = new Map<number, (s: ChildStats) => void>();
  private exited: Promise<number | null>;
  private stderrTail: string[] = [];

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
    port: number,
    exited: Promise<number | null>,
    tail: string[],
  ) {
    this.port = port;
    this.exited = exited;
    this.stderrTail = tail;
    proc.on('message', (m: FromChild) => {
      if (m.type === 'stats') {
        this.waiting.get(m.id)?.(m.stats);
        this.waiting.delete(m.id);
      }
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /**
   * Forks `script` (a .ts file, run through tsx) with `args`, and waits for it to report its
   * port. Stderr is echoed with a prefix; stdout is discarded (the server is silent anyway).
   * `env` adds to the parent's environment.
   */
  static async start(name: string, script: string, args: string[], o: { cwd: string; readyTimeoutMs?: number; env?: Record<string, string> }): Promise<Child> {
    const proc = fork(script, args, {
      cwd: o.cwd,
      // BENCH_CHILD_NODE_ARGS adds node flags to the children, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      // --max-semi-space-size as `npm start` and the README's deploy command run the server.
      execArgv: ['--import', 'tsx', '--max-semi-space-size=64', ...(process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean)],
      // BENCH_CHILD_STDOUT=1 shows the children's stdout (e.g. with --trace-gc); their logs go there too.
      stdio: ['ignore', process.env.BENCH_CHILD_STDOUT ? 'inherit' : 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ...o.env, NODE_ENV: 'production' },
    });
    Child.starting.add(proc);
    const tail: string[] = [];
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 50) tail.shift();
        process.stderr.write(`[${name}] ${line}\n`);
      }
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    void exited.then(() => Child.starting.delete(proc));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${name}: not ready after ${o.readyTimeoutMs ?? 60_000} ms`));
      }, o.readyTimeoutMs ?? 60_000);
      const onMsg = (m: FromChild) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          proc.off('message', onMsg);
          resolve(m.port);
        } else if (m.type === 'fatal') {
          clearTimeout(timer);
          reject(new Error(`${name} failed to start:\n${m.error}`));
        }
      };
      proc.on('message', onMsg);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${code} before it was ready${tail.length ? ':\n' + tail.join('\n') : ''}`));
      });
    });
    Child.starting.delete(proc);
    return new Child(name, proc, port, exited, tail);
  }

  /** Asks the child for its stats (5 s timeout). */
  stats(): Promise<ChildStats> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: no stats answer within 5 s`));
      }, 5_000);
      this.waiting.set(id, (s) => {
        clearTimeout(timer);
        resolve(s);
      });
      if (!this.proc.connected) {
        clearTimeout(timer);
        reject(new Error(`${this.name} is gone`));
        return;
      }
      this.proc.send({ type: 'stats', id } satisfies ToChild);
    });
  }

  /** Graceful stop, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    try {
      if (this.proc.connected) this.proc.send({ type: 'stop' } satisfies ToChild);
      else this.proc.kill('SIGTERM');
    } catch {
      this.proc.kill('SIGTERM');
    }
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([this.exited, timer])) === 'timeout') {
      process.stderr.write(`[${this.name}] did not stop within ${graceMs} ms; killing\n`);
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Immediate kill (SIGKILL), for the error path; resolves once the process is gone. */
  kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    return this.exited.then(() => undefined);
  }
}
