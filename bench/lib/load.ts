import { writeFileSync } from 'node:fs';
/**
 * The load generator: N visitor sockets on `/widget`, M agent sockets on `/agent`, a warmup
 * (session + first message per visitor), then visitor messages at a steady rate, timed from
 * the visitor's emit to the first agent socket that receives the `message:new`.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { Ack, WidgetClientToServer, WidgetServerToClient } from '@support/protocol';
import { mapLimit, pct, sleep, sorted } from './stats.js';
import { RawAgent, type AgentFrame } from './raw-client.js';

type VisitorSocket = Socket<WidgetServerToClient, WidgetClientToServer>;

export type LoadTarget = {
  /** Base URL of the node the visitors use. */
  visitorBase: string;
  /** Base URL of the node the agents use (the same node, or another one sharing Redis). */
  agentBase: string;
  /** One token per agent socket (`auth.token`). */
  agentTokens: string[];
  inboxId: string;
};

export type LoadOptions = {
  visitors: number;
  rate: number;
  durationS: number;
  /** Longest wait for outstanding acks and deliveries after the last send. */
  drainMs: number;
  /** Unique per scenario; prefixes clientMessageIds. */
  tag: string;
  log: (line: string) => void;
};

export type LoadHooks = {
  /** Awaited right before the first measured send (sample server stats here). */
  windowStart(): Promise<void>;
  /** Awaited right after the last scheduled send. */
  windowEnd(): Promise<void>;
};

export type LoadResult = {
  target: number;
  sent: number;
  sendWindowS: number;
  acked: number;
  ackErrors: number;
  errorCodes: Record<string, number>;
  missingAcks: number;
  delivered: number;
  missingDeliveries: number;
  /** Agent receipts short of (delivered × agents): some agent socket missed a message. */
  missingFanout: number;
  achieved: number;
  deliveryWindowS: number;
  lat: { p50: number; p95: number; p99: number; max: number; mean: number };
  ack: { p50: number; p99: number };
  /** How late the scheduler emitted messages relative to their due time (ms). */
  schedLag: { p99: number; max: number };
  /** Load generator's own CPU over the send window, % of one core. */
  genCpu: number;
  warmupErrors: number;
  drainS: number;
};

const PREFIX = 'bench ';

function connect<S extends Socket>(url: string, auth?: Record<string, unknown>): Promise<S> {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      transports: ['websocket'],
      forceNew: true, // one WebSocket per socket: no multiplexing of visitors over one connection
      reconnection: false,
      timeout: 15_000,
      ...(auth ? { auth } : {}),
    }) as unknown as S;
    const fail = (err: Error) => {
      s.disconnect();
      reject(new Error(`connect ${url}: ${err.message}`));
    };
    s.once('connect_error', fail);
    s.once('connect', () => {
      s.off('connect_error', fail);
      resolve(s);
    });
  });
}

function withAck<T>(s: Socket, event: string, payload: unknown, timeoutMs: number): Promise<Ack<T>> {
  return new Promise((resolve) => {
    s.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: Ack<T>) => {
      resolve(err ? { ok: false, error: { code: 'INTERNAL', message: `ack timeout (${event})` } } : res);
    });
  });
}

/** Live sockets of one scenario; `close()` disconnects them all. */
export class Rig {
  visitors: VisitorSocket[] = [];
  agents: RawAgent[] = [];
  // Per-message records, indexed by message number; sized when the measurement starts.
  private total = 0;
  private sendAt = new Float64Array(0);
  private ackAt = new Float64Array(0);
  private ackOk = new Uint8Array(0);
  private firstAt = new Float64Array(0);
  private receipts = new Uint16Array(0);
  private acked = 0;
  private ackErrors = 0;
  private errorCodes: Record<string, number> = {};
  private delivered = 0;
  private receiptsTotal = 0;
  /** Warmup events (ticket:new or a non-bench message:new) seen by agent 0. */
  private warmSeen = 0;
  /** Set by close(): every loop stops and setup/measure reject. */
  private closed = false;

  private checkOpen() {
    if (this.closed) throw new Error('aborted');
  }

  constructor(
    private readonly target: LoadTarget,
    private readonly o: LoadOptions,
  ) {}

  async setup(): Promise<void> {
    const { target, o } = this;
    const t0 = performance.now();
    // Sockets join the rig as soon as they connect, so close() reaches them even if setup fails.
    await mapLimit(target.agentTokens, 10, async (token, k) => {
      // Agents are raw engine.io clients that scan frames instead of parsing them (raw-client.ts).
      const s = await RawAgent.connect(target.agentBase, token, this.agentListener(k === 0));
      if (this.closed) return void s.disconnect();
      this.agents.push(s);
    });
    this.checkOpen();
    o.log(`  ${this.agents.length} agents connected to ${target.agentBase} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

    const t1 = performance.now();
    await mapLimit(
      Array.from({ length: o.visitors }, (_, k) => k),
      100,
      async () => {
        const s = await connect<VisitorSocket>(`${target.visitorBase}/widget`);
        if (this.closed) s.disconnect();
        else this.visitors.push(s);
      },
    );
    this.checkOpen();
    o.log(`  ${this.visitors.length} visitors connected to ${target.visitorBase} (${((performance.now() - t1) / 1000).toFixed(1)} s)`);

    const t2 = performance.now();
    await mapLimit(this.visitors, 50, async (s, k) => {
      const r = await withAck(s, 'session:start', { inboxId: target.inboxId }, 30_000);
      if (!r.ok) throw new Error(`visitor ${k}: session:start failed: ${r.error.code} ${r.error.message}`);
    });
    this.checkOpen();
    o.log(`  ${this.visitors.length} sessions started (${((performance.now() - t2) / 1000).toFixed(1)} s)`);

    // Warmup: every visitor's first message opens its ticket. Not measured.
    const t3 = performance.now();
    let warmupErrors = 0;
    await mapLimit(this.visitors, 50, async (s, k) => {
      const r = await withAck(s, 'message:send', { body: `hello from visitor ${k}`, clientMessageId: `${o.tag}-w${k}` }, 30_000);
      if (!r.ok) warmupErrors++;
    });
    // Wait until agent 0 has seen every ticket open (bounded), so the backlog is gone.
    const deadline = performance.now() + 15_000;
    while (!this.closed && this.warmSeen < o.visitors - warmupErrors && performance.now() < deadline) await sleep(50);
    this.checkOpen();
    this.warmupErrors = warmupErrors;
    o.log(
      `  warmup: ${o.visitors - warmupErrors} first messages (${warmupErrors} errors), agent 0 saw ${this.warmSeen} (${((performance.now() - t3) / 1000).toFixed(1)} s)`,
    );
    await sleep(500);
  }

  private warmupErrors = 0;

  /** What one agent does with each frame: first receipt time per benchmark message, receipts. */
  private agentListener(first: boolean): (f: AgentFrame) => void {
    return (f) => {
      if (f.kind !== 'bench') {
        if (first) this.warmSeen++;
        return;
      }
      const i = f.index;
      if (!(i >= 0 && i < this.total)) return;
      if (this.firstAt[i] === 0) {
        this.firstAt[i] = performance.now();
        this.delivered++;
      }
      if (this.receipts[i]! < 65535) this.receipts[i]!++;
      this.receiptsTotal++;
    };
  }

  /** Calls `send(0…total-1)` on the fixed schedule of `rate` a second from `t0`. */
  private schedule(total: number, send: (i: number) => void, t0: number): Promise<void> {
    const interval = 1000 / this.o.rate;
    let sent = 0;
    return new Promise<void>((resolve, reject) => {
      const tick = () => {
        if (this.closed) return reject(new Error('aborted'));
        const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
        // Catch up on everything due, but yield every 500 sends so receipts get processed.
        let n = 0;
        while (sent < due && n < 500) {
          send(sent++);
          n++;
        }
        if (sent >= total) return resolve();
        if (sent < due) setImmediate(tick);
        else setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
      };
      tick();
    });
  }

  /**
   * Sends at the target rate for `seconds`, unmeasured, then waits for those acks: the
   * server's message path is then warm (its statement prepared on every pooled connection,
   * its code compiled, its buffers grown), as a node is after its first seconds of traffic.
   */
  async warmAtRate(seconds: number): Promise<void> {
    const total = Math.round(this.o.rate * seconds);
    if (!total) return;
    const N = this.visitors.length;
    let acked = 0;
    const t0 = performance.now();
    await this.schedule(
      total,
      (i) => this.visitors[i % N]!.emit('message:send', { body: `warm ${i}`, clientMessageId: `${this.o.tag}-r${i}` }, () => acked++),
      t0,
    );
    const deadline = performance.now() + 30_000;
    while (!this.closed && acked < total && performance.now() < deadline) await sleep(20);
    this.checkOpen();
    this.o.log(`  warm at ${this.o.rate} msg/s: ${acked}/${total} acked after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await sleep(500);
  }

  /** Sends `rate × duration` messages round-robin over the visitors on a fixed schedule. */
  async measure(hooks: LoadHooks): Promise<LoadResult> {
    const { o } = this;
    const total = Math.round(o.rate * o.durationS);
    this.total = total;
    this.sendAt = new Float64Array(total);
    this.ackAt = new Float64Array(total);
    this.ackOk = new Uint8Array(total);
    this.firstAt = new Float64Array(total);
    this.receipts = new Uint16Array(total);
    const N = this.visitors.length;
    const M = this.agents.length;
    const interval = 1000 / o.rate;

    const send = (i: number) => {
      const now = performance.now();
      this.sendAt[i] = now;
      this.visitors[i % N]!.emit('message:send', { body: `${PREFIX}${i} ${now.toFixed(3)}`, clientMessageId: `${o.tag}-${i}` }, (res) => {
        this.ackAt[i] = performance.now();
        this.acked++;
        if (res && res.ok) this.ackOk[i] = 1;
        else {
          this.ackErrors++;
          const code = res && !res.ok ? res.error.code : 'NO_ACK_BODY';
          this.errorCodes[code] = (this.errorCodes[code] ?? 0) + 1;
        }
      });
    };

    await hooks.windowStart();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await this.schedule(total, send, t0);
    const t1 = performance.now();
    const cpu1 = process.cpuUsage(cpu0);
    await hooks.windowEnd();

    // Drain: wait for every ack and every delivery to every agent, or until nothing moved
    // for 5 s, or drainMs.
    const drainStart = performance.now();
    let lastProgress = drainStart;
    let lastCount = -1;
    for (;;) {
      const now = performance.now();
      const progress = this.acked + this.receiptsTotal;
      if (this.acked === total && this.receiptsTotal >= (total - this.ackErrors) * M && this.delivered >= total - this.ackErrors) break;
      if (progress !== lastCount) {
        lastCount = progress;
        lastProgress = now;
      }
      if (now - lastProgress > 5_000 || now - drainStart > o.drainMs) break;
      this.checkOpen();
      await sleep(20);
    }
    const drainS = (performance.now() - drainStart) / 1000;

    const lat = new Float64Array(this.delivered);
    const ackLat = new Float64Array(total);
    const lag = new Float64Array(total);
    let k = 0;
    let a = 0;
    let lastDelivery = t0;
    let fanoutShort = 0;
    let sum = 0;
    for (let i = 0; i < total; i++) {
      lag[i] = this.sendAt[i]! - (t0 + i * interval);
      if (this.ackOk[i]) ackLat[a++] = this.ackAt[i]! - this.sendAt[i]!;
      const f = this.firstAt[i]!;
      if (f > 0) {
        const d = f - this.sendAt[i]!;
        lat[k++] = d;
        sum += d;
        if (f > lastDelivery) lastDelivery = f;
        fanoutShort += Math.max(0, M - this.receipts[i]!);
      }
    }
    if (process.env.BENCH_TIMELINE) {
      const lines = [`# t0 ${(performance.timeOrigin + t0).toFixed(1)} (send ms after t0, delivery ms, ack ms)`];
      for (let i = 0; i < total; i++) {
        const f = this.firstAt[i]!;
        const ack = this.ackAt[i]!;
        lines.push(`${(this.sendAt[i]! - t0).toFixed(2)} ${f > 0 ? (f - this.sendAt[i]!).toFixed(2) : '-'} ${ack > 0 ? (ack - this.sendAt[i]!).toFixed(2) : '-'}`);
      }
      writeFileSync(process.env.BENCH_TIMELINE, lines.join('\n') + '\n');
    }
    const latS = sorted(lat.subarray(0, k));
    const ackS = sorted(ackLat.subarray(0, a));
    const lagS = sorted(lag);
    const sendWindowS = (t1 - t0) / 1000;
    const deliveryWindowS = Math.max(o.durationS, (lastDelivery - t0) / 1000);
    return {
      target: o.rate,
      sent: total,
      sendWindowS,
      acked: this.acked,
      ackErrors: this.ackErrors,
      errorCodes: { ...this.errorCodes },
      missingAcks: total - this.acked,
      delivered: this.delivered,
      missingDeliveries: Math.max(0, total - this.ackErrors - this.delivered),
      missingFanout: fanoutShort,
      achieved: this.delivered / deliveryWindowS,
      deliveryWindowS,
      lat: { p50: pct(latS, 50), p95: pct(latS, 95), p99: pct(latS, 99), max: pct(latS, 100), mean: k ? sum / k : NaN },
      ack: { p50: pct(ackS, 50), p99: pct(ackS, 99) },
      schedLag: { p99: pct(lagS, 99), max: pct(lagS, 100) },
      genCpu: ((cpu1.user + cpu1.system) / 1000 / (t1 - t0)) * 100,
      warmupErrors: this.warmupErrors,
      drainS,
    };
  }

  close(): void {
    this.closed = true;
    for (const s of this.visitors) {
      s.removeAllListeners();
      s.disconnect();
    }
    for (const a of this.agents) a.disconnect();
    this.visitors = [];
    this.agents = [];
  }
}
