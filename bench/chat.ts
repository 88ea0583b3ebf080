/**
 * Chat throughput/latency benchmark: `npm run bench:chat [-- flags]`.
 *
 * For each scenario it starts the real server in child process(es) against a fresh Postgres
 * database and a unique Redis prefix, connects N visitor sockets and M agent sockets, warms up
 * (session + first message per visitor), then sends visitor messages at a fixed rate for D
 * seconds and measures emit → first agent `message:new` (the server persists before it
 * publishes, so this is persisted end-to-end delivery). The same load generator then drives
 * a FLOOR: a bare Socket.IO relay with no database and no Redis. Everything runs on
 * 127.0.0.1; children, sockets, the database and Redis keys are cleaned up even on error.
 *
 * Flags:
 *   --visitors N     visitor sockets (default 1000)
 *   --agents M       agent sockets (default 20)
 *   --duration S     measured seconds per scenario (default 10)
 *   --rates a,b      target msg/s (default 2000,5000)
 *   --nodes 1|2|1,2  server nodes; with 2, visitors on node A and agents on node B (via Redis)
 *   --scenarios 1@2000,2@1000   explicit node@rate list (overrides --rates/--nodes)
 *   --warm S         unmeasured seconds at the target rate before measuring (default 3)
 *   --drain S        longest wait for outstanding acks/deliveries after sending (default 30)
 *   --pool N         DB_POOL_MAX per server node (default 10, the server's default)
 *   --rls on|off|both   row-level security in the server runs (default on, as deployed); off
 *                    connects as the schema owner and sends no scope settings; both runs each
 *                    server scenario twice (on, then off) and prints the on/off ratios of p99
 *                    and Postgres CPU per message
 *   --no-floor       skip the floor runs (by default two per rate: the bare Socket.IO relay, and the
 *                    same relay on our transport, i.e. with the server's coalesced socket writes)
 *   --db-floor       also run two floors on our transport that persist each message before acking
 *                    and fanning out, with none of the server's other work (no seq, no ticket, no
 *                    Redis): one INSERT per message (its own transaction), and group commit (one
 *                    multi-row INSERT per batch, as the server batches)
 *   --event-log on|off|both   the durable event log's writes (EVENT_LOG_WRITES; default on); with
 *                    both, every server scenario runs twice, log off then on, to compare them
 * Without --rates/--nodes/--scenarios: 1 node at 2000 and 5000 msg/s, 2 nodes at 1000 msg/s.
 *
 * Diagnostics (environment): BENCH_TIMELINE=<file> writes each measured message's send time
 * (ms after the window opened), delivery and ack latency, one line each, after a `# t0 <epoch
 * ms>` line; BENCH_GC_LOG=<prefix> logs every GC of the load generator (<prefix>.loadgen) and
 * of each server child (<prefix>.<pid>) with epoch timestamps, to line pauses up with the
 * timeline; BENCH_CHILD_NODE_ARGS and BENCH_CHILD_STDOUT are described in lib/child.ts.
 */
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { dropRedisPrefix } from './lib/redis-cleanup.js';
import { connectPostgres } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { toWire } from '../server/src/db/ids.js';
import { createAgent, createInbox, createTeam, createWorkspace } from '../server/src/workspaces/workspaces.service.js';
import { Child, type ChildStats } from './lib/child.js';
import { Rig, type LoadResult } from './lib/load.js';
import { logGcTo } from './lib/gc-log.js';
import { backendCpuSeconds, fmt, machineBusyOver, machineTicks, mapLimit, procCpuSeconds, sleep } from './lib/stats.js';

if (process.env.BENCH_GC_LOG) logGcTo(`${process.env.BENCH_GC_LOG}.loadgen`);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL('./lib/server.ts', import.meta.url));
const FLOOR_SCRIPT = fileURLToPath(new URL('./lib/floor.ts', import.meta.url));
const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = 'redis://127.0.0.1:6379';
const AGENT_PASSWORD = 'bench-password-1234';

// ------------------------------------------------------------------ options

type Scenario = { kind: 'server' | 'floor' | 'floor-ours' | 'floor-db' | 'floor-db-batch'; nodes: 1 | 2; rate: number; eventLog?: boolean; rls?: boolean };

function parseArgs(argv: string[]) {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument: ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags.set(a.slice(2), argv[++i]!);
    else flags.set(a.slice(2), true);
  }
  const known = ['visitors', 'agents', 'duration', 'warm', 'rates', 'nodes', 'scenarios', 'drain', 'pool', 'no-floor', 'db-floor', 'event-log', 'rls', 'help'];
  for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown flag --${k} (known: ${known.map((x) => '--' + x).join(' ')})`);
  if (flags.has('help')) {
    process.stdout.write(
      'usage: npm run bench:chat -- [--visitors N] [--agents M] [--duration S] [--warm S] [--rates a,b] [--nodes 1|2|1,2]\n' +
        '                           [--scenarios 1@2000,2@1000] [--drain S] [--pool N] [--no-floor] [--db-floor] [--event-log on|off|both] [--rls on|off|both]\n',
    );
    process.exit(0);
  }
  const int = (name: string, def: number, min: number, max: number): number => {
    const v = flags.get(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
    return n;
  };
  const list = (name: string, def: number[], min: number, max: number): number[] => {
    const v = flags.get(name);
    if (v === undefined) return def;
    if (v === true) throw new Error(`--${name} needs a value`);
    const ns = v.split(',').map((x) => Number(x.trim()));
    if (!ns.length || ns.some((n) => !Number.isInteger(n) || n < min || n > max)) throw new Error(`--${name}: integers in ${min}..${max}, comma separated`);
    return ns;
  };
  const visitors = int('visitors', 1000, 1, 20_000);
  const agents = int('agents', 20, 1, 200);
  const duration = int('duration', 10, 1, 300);
  const warm = int('warm', 3, 0, 60);
  const drain = int('drain', 30, 1, 300);
  const pool = int('pool', 10, 1, 200);
  const floor = !flags.has('no-floor');
  let servers: Scenario[];
  const sc = flags.get('scenarios');
  if (sc !== undefined) {
    if (sc === true) throw new Error('--scenarios needs a value like 1@2000,2@1000');
    servers = sc.split(',').map((p) => {
      const m = /^\s*([12])@(\d+)\s*$/.exec(p);
      if (!m) throw new Error(`--scenarios: bad item "${p}" (want nodes@rate, nodes 1 or 2)`);
      return { kind: 'server' as const, nodes: Number(m[1]) as 1 | 2, rate: Number(m[2]) };
    });
  } else if (!flags.has('rates') && !flags.has('nodes')) {
    servers = [
      { kind: 'server', nodes: 1, rate: 2000 },
      { kind: 'server', nodes: 1, rate: 5000 },
      { kind: 'server', nodes: 2, rate: 1000 },
    ];
  } else {
    const rates = list('rates', [2000, 5000], 1, 100_000);
    const nodes = list('nodes', [1], 1, 2) as (1 | 2)[];
    servers = nodes.flatMap((n) => rates.map((rate) => ({ kind: 'server' as const, nodes: n, rate })));
  }
  const eventLog = flags.get('event-log') ?? 'on';
  if (eventLog !== 'on' && eventLog !== 'off' && eventLog !== 'both') throw new Error('--event-log must be on, off or both');
  // With both, each server scenario runs with the log off and then on, back to back.
  servers = servers.flatMap((s) => (eventLog === 'both' ? [{ ...s, eventLog: false }, { ...s, eventLog: true }] : [{ ...s, eventLog: eventLog === 'on' }]));
  const rls = flags.get('rls') ?? 'on';
  if (rls !== 'on' && rls !== 'off' && rls !== 'both') throw new Error('--rls must be on, off or both');
  servers = servers.flatMap((s) => (rls === 'both' ? [{ ...s, rls: true }, { ...s, rls: false }] : [{ ...s, rls: rls === 'on' }]));
  for (const s of servers) {
    if (s.rate < 1 || s.rate > 100_000) throw new Error('rates must be in 1..100000');
    if (s.rate * duration > 5_000_000) throw new Error(`rate × duration too large (${s.rate} × ${duration}); at most 5,000,000 messages`);
  }
  const floorRates = floor ? [...new Set(servers.map((s) => s.rate))].sort((a, b) => a - b) : [];
  const dbFloorRates = flags.has('db-floor') ? [...new Set(servers.map((s) => s.rate))].sort((a, b) => a - b) : [];
  const scenarios: Scenario[] = [
    ...servers,
    ...floorRates.map((rate) => ({ kind: 'floor' as const, nodes: 1 as const, rate })),
    ...floorRates.map((rate) => ({ kind: 'floor-ours' as const, nodes: 1 as const, rate })),
    ...dbFloorRates.map((rate) => ({ kind: 'floor-db' as const, nodes: 1 as const, rate })),
    ...dbFloorRates.map((rate) => ({ kind: 'floor-db-batch' as const, nodes: 1 as const, rate })),
  ];
  return { visitors, agents, duration, warm, drain, pool, scenarios };
}

// ------------------------------------------------------------------ results

type NodeFigures = { cpu: number; rssMb: number; elu: number };
type Row = {
  sc: Scenario;
  label: string;
  res: LoadResult | null;
  nodes: NodeFigures[];
  pgCpu: number;
  /** The bench database's backends only, % of one core (other databases on the same server left out). */
  pgDbCpu: number;
  redisCpu: number;
  /** Whole machine, % of one core (200 = both cores of a 2-core box busy). */
  machineCpu: number;
  /** Machine minus server(s), Postgres, Redis and the load generator: anything else running. */
  otherCpu: number;
  error?: string;
};

const labelOf = (sc: Scenario) =>
  sc.kind === 'floor'
    ? 'floor: bare Socket.IO relay'
    : sc.kind === 'floor-ours'
      ? 'floor: relay on our transport'
      : sc.kind === 'floor-db'
        ? 'floor: our transport + one INSERT per message'
        : sc.kind === 'floor-db-batch'
          ? 'floor: our transport + group-commit INSERT'
          : (sc.nodes === 1 ? 'server, 1 node' : 'server, 2 nodes (A→B via Redis)') + (sc.eventLog === false ? ', event log off' : ', event log on') + (sc.rls === false ? ', RLS off' : ', RLS on');

const log = (line: string) => process.stdout.write(line + '\n');

function printDetail(row: Row) {
  const r = row.res;
  if (!r) {
    log(`  FAILED: ${row.error}`);
    return;
  }
  const codes = Object.entries(r.errorCodes)
    .map(([c, n]) => `${c}×${n}`)
    .join(', ');
  log(
    `  sent ${r.sent} in ${fmt(r.sendWindowS, 2)} s (scheduler lag p99 ${fmt(r.schedLag.p99)} ms, max ${fmt(r.schedLag.max)} ms); ` +
      `acked ${r.acked}, error acks ${r.ackErrors}${codes ? ` (${codes})` : ''}, missing acks ${r.missingAcks}`,
  );
  log(
    `  delivered ${r.delivered} (missing ${r.missingDeliveries}, agent receipts short ${r.missingFanout}) over ${fmt(r.deliveryWindowS, 2)} s ` +
      `→ ${fmt(r.achieved, 0)} msg/s; drain ${fmt(r.drainS, 1)} s; warmup errors ${r.warmupErrors}`,
  );
  log(
    `  delivery latency ms: p50 ${fmt(r.lat.p50)}  p95 ${fmt(r.lat.p95)}  p99 ${fmt(r.lat.p99)}  max ${fmt(r.lat.max)}  mean ${fmt(r.lat.mean)}; ` +
      `ack p50 ${fmt(r.ack.p50)}  p99 ${fmt(r.ack.p99)}`,
  );
  log(
    `  server ${row.nodes.map((n, k) => `${row.nodes.length > 1 ? 'AB'[k] + ': ' : ''}CPU ${fmt(n.cpu, 0)}% (event loop ${fmt(n.elu * 100, 0)}% busy), RSS ${fmt(n.rssMb, 0)} MB`).join('; ')}; ` +
      `postgres CPU ${fmt(row.pgCpu, 0)}% (this database's backends ${fmt(row.pgDbCpu, 0)}%), redis CPU ${fmt(row.redisCpu, 0)}%, load generator CPU ${fmt(r.genCpu, 0)}%`,
  );
  log(
    `  machine: ${fmt(row.machineCpu, 0)}% of one core busy (of ${cpus().length * 100}%), of which other processes and the kernel ${fmt(row.otherCpu, 0)}%` +
      (row.otherCpu > 25 ? '  ← something else was using CPU; figures are noisy' : ''),
  );
}

/** CPU time of the bench database's Postgres backends per delivered message over the send window, µs. */
const pgCpuPerMessage = (row: Row) => (row.res ? ((row.pgDbCpu / 100) * 1e6) / row.res.achieved : NaN);

/** For each server scenario run with RLS on and off: p99 and Postgres CPU per message, on ÷ off. */
function rlsRatios(rows: Row[]): string[] {
  const out: string[] = [];
  // --rls both runs each server scenario as a pair, on then off: compare within each pair.
  for (const [i, on] of rows.entries()) {
    const off = rows[i + 1];
    if (on.sc.kind !== 'server' || on.sc.rls === false || !on.res || !off || off.sc.kind !== 'server' || off.sc.rls !== false || !off.res) continue;
    out.push(
      `RLS on ÷ off, ${on.sc.nodes} node(s) @ ${on.sc.rate} msg/s: p99 ${fmt(on.res!.lat.p99)} / ${fmt(off.res!.lat.p99)} ms = ${fmt(on.res!.lat.p99 / off.res!.lat.p99, 2)}; ` +
        `Postgres (this database's backends) CPU per message ${fmt(pgCpuPerMessage(on), 0)} / ${fmt(pgCpuPerMessage(off), 0)} µs = ${fmt(pgCpuPerMessage(on) / pgCpuPerMessage(off), 2)}; ` +
        `server CPU ${fmt(on.nodes.reduce((a, n) => a + n.cpu, 0), 0)} / ${fmt(off.nodes.reduce((a, n) => a + n.cpu, 0), 0)} %`,
    );
  }
  return out;
}

function table(rows: Row[]): string {
  const head = [
    'Scenario',
    'Target msg/s',
    'Achieved msg/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'ack p50 ms',
    'ack p99 ms',
    'Error acks',
    'Undelivered',
    'Server CPU %',
    'Server RSS MB',
    'Postgres CPU %',
    'Postgres backends µs/msg',
    'Loadgen CPU %',
    'Other CPU %',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_h, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const row of rows) {
    const r = row.res;
    if (!r) {
      lines.push(`| ${row.label} | ${row.sc.rate} | failed: ${(row.error ?? '').split('\n')[0]!.replace(/\|/g, '/')} |${' |'.repeat(head.length - 3)}`);
      continue;
    }
    const multi = row.nodes.length > 1;
    const cpu = multi ? row.nodes.map((n, k) => `${'AB'[k]} ${fmt(n.cpu, 0)}`).join(' + ') : fmt(row.nodes[0]?.cpu ?? NaN, 0);
    const rss = multi ? row.nodes.map((n, k) => `${'AB'[k]} ${fmt(n.rssMb, 0)}`).join(' / ') : fmt(row.nodes[0]?.rssMb ?? NaN, 0);
    lines.push(
      `| ${[
        row.label,
        r.target,
        fmt(r.achieved, 0),
        fmt(r.lat.p50),
        fmt(r.lat.p95),
        fmt(r.lat.p99),
        fmt(r.lat.max),
        fmt(r.ack.p50),
        fmt(r.ack.p99),
        r.ackErrors,
        r.missingDeliveries,
        cpu,
        rss,
        row.sc.kind === 'floor' || row.sc.kind === 'floor-ours' ? '–' : fmt(row.pgCpu, 0),
        row.sc.kind === 'floor' || row.sc.kind === 'floor-ours' ? '–' : fmt(pgCpuPerMessage(row), 0),
        fmt(r.genCpu, 0),
        fmt(row.otherCpu, 0),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ main

const opts = (() => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench:chat: ${(err as Error).message}\n`);
    process.exit(2);
  }
})();
const args = process.argv.slice(2);
const command = `npm run bench:chat${args.length ? ' -- ' + args.join(' ') : ''}`;
const stamp = `${Date.now()}_${process.pid}`;
const dbName = `bench_${stamp}`;
const redisPrefix = `bench_${stamp}`;
const dbUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const needDb = opts.scenarios.some((s) => s.kind !== 'floor' && s.kind !== 'floor-ours');

// Everything that must be undone, newest first. Run once, on success, error, signal or watchdog.
const live = { children: new Set<Child>(), rig: null as Rig | null };
/** Set once cleanup starts: nothing new is started after that. */
let aborting = false;
let admin: postgres.Sql | null = null;
let dbCreated = false;
let cleaned: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    aborting = true;
    live.rig?.close();
    Child.killStarting();
    await Promise.all([...live.children].map((c) => c.stop(5_000).catch(() => c.kill())));
    if (dbCreated && admin) {
      await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch((err: Error) => {
        process.stderr.write(`bench:chat: could not drop database ${dbName}: ${err.message}\n`);
      });
    }
    await admin?.end({ timeout: 5 }).catch(() => {});
    if (needDb) {
      // The server only uses pub/sub channels under the prefix, but drop any key it may have left.
      await dropRedisPrefix(REDIS_URL, redisPrefix);
    }
  })();
  return cleaned;
}

for (const ev of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(ev, (err) => {
    process.stderr.write(`bench:chat: ${ev}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    void cleanup().finally(() => process.exit(1));
  });
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    process.stderr.write(`\nbench:chat: ${sig}, cleaning up…\n`);
    void cleanup().finally(() => process.exit(130));
  });
}
// Hard bound on the whole run: setup + measure + drain per scenario, plus slack.
const watchdogMs = opts.scenarios.length * (opts.duration * 1000 + opts.drain * 1000 + 180_000) + 120_000;
const watchdog = setTimeout(() => {
  process.stderr.write(`bench:chat: watchdog: still running after ${Math.round(watchdogMs / 1000)} s, aborting\n`);
  void cleanup().finally(() => process.exit(1));
}, watchdogMs);
watchdog.unref();

async function login(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: AGENT_PASSWORD }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json()) as { token?: string; error?: { message: string } };
  if (!res.ok || !body.token) throw new Error(`login ${email}: HTTP ${res.status} ${body.error?.message ?? ''}`);
  return body.token;
}

async function startChild(name: string, script: string, argv: string[]): Promise<Child> {
  if (aborting) throw new Error('aborted');
  const c = await Child.start(name, script, argv, { cwd: ROOT });
  live.children.add(c);
  if (aborting) {
    void c.kill();
    throw new Error('aborted');
  }
  return c;
}

async function runScenario(sc: Scenario, index: number, seed: { inboxId: string; emails: string[] } | null): Promise<Row> {
  const row: Row = { sc, label: labelOf(sc), res: null, nodes: [], pgCpu: NaN, pgDbCpu: NaN, redisCpu: NaN, machineCpu: NaN, otherCpu: NaN };
  const nodes: Child[] = [];
  try {
    let tokens: string[];
    let inboxId: string;
    if (sc.kind === 'server') {
      const argv = [JSON.stringify({ databaseUrl: dbUrl, redisUrl: REDIS_URL, redisPrefix, poolMax: opts.pool, rate: sc.rate, eventLog: sc.eventLog !== false, rls: sc.rls !== false })];
      // Started one after the other: the second one's migrate() is then a no-op.
      for (let k = 0; k < sc.nodes; k++) nodes.push(await startChild(`server-${'AB'[k]}`, SERVER_SCRIPT, argv));
      const agentBase = `http://127.0.0.1:${nodes[nodes.length - 1]!.port}`;
      tokens = await mapLimit(seed!.emails, 4, (email) => login(agentBase, email));
      inboxId = seed!.inboxId;
    } else {
      const floorOpts =
        sc.kind === 'floor-db' || sc.kind === 'floor-db-batch'
          ? { databaseUrl: dbUrl, poolMax: opts.pool, coalesce: true, batch: sc.kind === 'floor-db-batch' }
          : { coalesce: sc.kind === 'floor-ours' };
      nodes.push(await startChild('floor', FLOOR_SCRIPT, [JSON.stringify(floorOpts)]));
      tokens = Array.from({ length: opts.agents }, (_, k) => `floor-agent-${k}`);
      inboxId = 'inb_floor';
    }
    log(`  started ${nodes.map((n) => `${n.name} (pid ${n.pid}, port ${n.port})`).join(', ')}`);
    const rig = new Rig(
      {
        visitorBase: `http://127.0.0.1:${nodes[0]!.port}`,
        agentBase: `http://127.0.0.1:${nodes[nodes.length - 1]!.port}`,
        agentTokens: tokens,
        inboxId,
      },
      { visitors: opts.visitors, rate: sc.rate, durationS: opts.duration, drainMs: opts.drain * 1000, tag: `s${index}`, log },
    );
    live.rig = rig;
    if (aborting) rig.close();
    try {
      await rig.setup();
      await rig.warmAtRate(opts.warm);
      type Sample = { at: number; nodes: ChildStats[]; procs: Record<string, number> | null; dbCpu: number | null; machine: ReturnType<typeof machineTicks> };
      const sample = async (): Promise<Sample> => {
        const at = performance.now();
        const machine = machineTicks();
        const procs = procCpuSeconds(['postgres', 'redis-server']);
        const dbCpu = backendCpuSeconds(dbName);
        return { at, machine, procs, dbCpu, nodes: await Promise.all(nodes.map((n) => n.stats())) };
      };
      const w: { start?: Sample; end?: Sample } = {};
      log(`  measuring ${sc.rate} msg/s for ${opts.duration} s…`);
      const res = await rig.measure({
        async windowStart() {
          w.start = await sample();
        },
        async windowEnd() {
          w.end = await sample();
        },
      });
      row.res = res;
      const a = w.start!;
      const b = w.end!;
      const wallS = (b.at - a.at) / 1000;
      row.nodes = nodes.map((_, k) => ({
        cpu: ((b.nodes[k]!.cpuUser + b.nodes[k]!.cpuSystem - a.nodes[k]!.cpuUser - a.nodes[k]!.cpuSystem) / 1e6 / wallS) * 100,
        rssMb: b.nodes[k]!.peakRss / 1048576,
        elu: b.nodes[k]!.elu,
      }));
      if (a.procs && b.procs) {
        row.pgCpu = ((b.procs['postgres']! - a.procs['postgres']!) / wallS) * 100;
        row.redisCpu = ((b.procs['redis-server']! - a.procs['redis-server']!) / wallS) * 100;
      }
      if (a.dbCpu !== null && b.dbCpu !== null) row.pgDbCpu = ((b.dbCpu - a.dbCpu) / wallS) * 100;
      if (a.machine && b.machine) {
        // /proc/stat counts in USER_HZ (100/s) ticks summed over cores.
        row.machineCpu = ((b.machine.busy - a.machine.busy) / 100 / wallS) * 100;
        const known = row.nodes.reduce((acc, n) => acc + n.cpu, 0) + (row.pgCpu || 0) + (row.redisCpu || 0) + res.genCpu;
        row.otherCpu = Math.max(0, row.machineCpu - known);
      }
    } finally {
      rig.close();
      live.rig = null;
    }
    await sleep(300); // let disconnect handlers run before the servers stop
  } catch (err) {
    row.error = err instanceof Error ? err.message : String(err);
  } finally {
    await Promise.all(
      nodes.map(async (n) => {
        await n.stop().catch(() => n.kill());
        live.children.delete(n);
      }),
    );
  }
  return row;
}

async function main() {
  const cpu = cpus();
  log(`bench:chat  ${command}`);
  log(
    `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM; node ${process.version}; ` +
      `${opts.visitors} visitors, ${opts.agents} agents, ${opts.duration} s per scenario, DB_POOL_MAX ${opts.pool}`,
  );
  const idle = await machineBusyOver(1000);
  if (idle > 15)
    log(`WARNING: the machine was already ${fmt(idle, 0)}% busy (all cores) before the benchmark started; results will be noisy.`);
  let seed: { inboxId: string; emails: string[] } | null = null;
  if (needDb) {
    admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    const [v] = await admin`show server_version`;
    await admin.unsafe(`create database "${dbName}"`);
    dbCreated = true;
    log(`postgres ${String(v?.server_version)}: database ${dbName}; redis prefix ${redisPrefix}`);
    const db = await connectPostgres(dbUrl, { max: 4 });
    try {
      await migrate(db);
      const workspaceId = await createWorkspace(db, { name: 'Bench' });
      const inbox = await createInbox(db, { workspaceId, name: 'Bench chat', channel: 'chat' });
      const emails = Array.from({ length: opts.agents }, (_, k) => `agent${k}@bench.test`);
      const agentIds = await mapLimit(emails, 4, (email, k) => createAgent(db, { workspaceId, email, name: `Agent ${k}`, password: AGENT_PASSWORD }));
      // Agents see the tickets of the inboxes their teams work (docs/access.md).
      await createTeam(db, { workspaceId, name: 'Bench team', memberIds: agentIds, inboxIds: [inbox] });
      seed = { inboxId: toWire('inbox', inbox), emails };
    } finally {
      await db.close();
    }
  }

  const rows: Row[] = [];
  for (const [i, sc] of opts.scenarios.entries()) {
    if (aborting) break;
    log(`\n[${i + 1}/${opts.scenarios.length}] ${labelOf(sc)} @ ${sc.rate} msg/s`);
    const row = await runScenario(sc, i, seed);
    printDetail(row);
    rows.push(row);
  }

  log('\n' + table(rows));
  const ratios = rlsRatios(rows);
  if (ratios.length) log('\n' + ratios.join('\n'));
  log(
    `\nLatency: visitor emit → first of ${opts.agents} agent sockets receiving message:new (ack: emit → ack). ` +
      `Achieved = delivered / max(duration, last delivery − start). CPU % is of one core over the send window; ` +
      `RSS is the peak during it. Undelivered: messages no agent had received when the drain wait ` +
      `(${opts.drain} s after the last send) ended, i.e. lost or still queued. Other CPU: machine busy time not accounted to the ` +
      `server, Postgres, Redis or the load generator (kernel, anything else running). ` +
      `The floors ack and fan out to the same sockets without database or Redis: the bare relay is Socket.IO as shipped, ` +
      `"our transport" adds the server's coalesced socket writes.`,
  );
  log(`\nCommand: ${command}`);
  return rows.some((r) => !r.res) ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  process.stderr.write(`bench:chat: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  await cleanup();
}
process.exit(code);
