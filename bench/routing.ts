/**
 * Routing at scale: `npm run bench:routing [-- --seconds 60 --per-minute 5000 --agents 200 --queue 400 --resolve-rate 20]`.
 * Needs Postgres and Redis on 127.0.0.1. The real server runs in a child process
 * (bench/lib/server.ts: Postgres + Redis, as deployed) against a database of its own, with one
 * workspace, one chat inbox, `--agents` agents in one team working it (built-in agent role: each
 * sees every ticket of the inbox), all logged in and connected on `/agent` (so online), an owner
 * outside the team connected as a watcher, and a balanced routing policy on the inbox.
 *
 * 1. Arrivals: visitors open chats (`session:start` + `message:send`) at `--per-minute` for
 *    `--seconds`, capacity 1,000 (nobody waits). Per ticket: send → ack (the ticket is created),
 *    send → the watcher's `ticket:new` (the FLOOR: the chat round trip without routing), and
 *    send → the assignee's own socket receiving the `ticket:updated` whose activities hold
 *    `assigned` to them; the issue's figure is ack → that event.
 * 2. Drain: capacity 1, every agent given one chat and `--queue` more waiting; then agents
 *    resolve their chat (`ticket:setStatus` resolved on their own socket), one at a time at
 *    `--resolve-rate` a second, round the team: from the resolve's ack to that agent's socket
 *    receiving the `ticket:updated` (assigned to them) of the next waiting ticket. Floor: the
 *    resolve's own `ticket:updated` (status_changed) on the same socket.
 *
 * Visitors come from a pool of widget sockets (a new `session:start`, so a new contact, per
 * chat, on a socket whose last chat is done). Agents use a raw engine.io client
 * (bench/lib/raw-agent.ts) that parses only the frames about its own agent. The server's log is
 * silent; BENCH_LOG_LEVEL=warn BENCH_CHILD_STDOUT=1 shows its warnings (consumer failures).
 */
import { parseArgs } from 'node:util';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { dropRedisPrefix } from './lib/redis-cleanup.js';
import { sql } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { connectPostgres, type Db } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { toWire } from '../server/src/db/ids.js';
import { createAgent, createInbox, createTeam, createWorkspace } from '../server/src/workspaces/workspaces.service.js';
import { Child } from './lib/child.js';
import { RawAgent, isEvent, parseEvent } from './lib/raw-agent.js';
import { backendCpuSeconds, fmt, mapLimit, pct, procCpuSeconds, sleep } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'per-minute': { type: 'string', default: '5000' },
    agents: { type: 'string', default: '200' },
    queue: { type: 'string', default: '400' },
    'resolve-rate': { type: 'string', default: '20' },
    pool: { type: 'string', default: '10' },
  },
});
const SECONDS = Number(args.seconds);
const PER_MINUTE = Number(args['per-minute']);
const AGENTS = Number(args.agents);
const QUEUE = Number(args.queue);
const RESOLVE_RATE = Number(args['resolve-rate']);
const POOL = Number(args.pool);
for (const [k, v] of Object.entries({ SECONDS, PER_MINUTE, AGENTS, QUEUE, RESOLVE_RATE, POOL })) if (!Number.isFinite(v) || v <= 0) throw new Error(`bad ${k}: ${v}`);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL('./lib/server.ts', import.meta.url));
const REDIS_URL = 'redis://127.0.0.1:6379';
const PASSWORD = 'bench-password-1234';
const stamp = `${Date.now()}_${process.pid}`;
const dbName = `bench_routing_${stamp}`;
const dbUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const redisPrefix = `bench_routing_${stamp}`;
const command = `npm run bench:routing${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
const log = (line: string) => process.stdout.write(line + '\n');

const TICKET_UPDATED = Buffer.from('"ticket:updated"');
const TICKET_NEW = Buffer.from('"ticket:new"');
type Activity = { kind: string; newValue: unknown };
type TicketEvent = { ticket: { id: string; assigneeId: string | null; status: string }; activities: Activity[] };

/** Percentiles of a list of milliseconds. */
function summary(values: number[]): { n: number; p50: number; p99: number; max: number } {
  const asc = Float64Array.from(values).sort();
  return { n: asc.length, p50: pct(asc, 50), p99: pct(asc, 99), max: asc.length ? asc[asc.length - 1]! : NaN };
}
const row = (what: string, s: ReturnType<typeof summary>) => `| ${what} | ${s.n} | ${fmt(s.p50, 0)} | ${fmt(s.p99, 0)} | ${fmt(s.max, 0)} |`;

/** One agent: their raw socket, what they hold and what they wait for. */
type AgentState = {
  wire: string;
  email: string;
  socket: RawAgent | null;
  /** `"newValue":"usr_…"`: the byte pattern of an assignment to them. */
  mark: Buffer;
  /** The open ticket they hold (phase 2). */
  current: string | null;
  /** A resolve in flight (phase 2): the ticket, its emit and ack times, its own ticket:updated. */
  resolving: { ticketId: string; mark: Buffer; sentAt: number; ackAt: number | null; seenAt: number | null } | null;
};

/** Arrival records of phase 1 and 2 chats, by ticket id. */
type Arrival = { sentAt: number; ackAt: number; newAt: number | null; assignedAt: number | null; assignee: string | null };

const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
let server: Child | null = null;
const sockets: { close(): void }[] = [];
let exitCode = 0;
await admin.unsafe(`create database ${dbName}`);
try {
  const idle = loadavg()[0]!;
  log(`bench:routing  ${command}`);
  log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}; load average ${fmt(idle, 1)} at start`);
  const db = await connectPostgres(dbUrl, { max: 4 });
  await migrate(db);
  const workspaceId = await createWorkspace(db, { name: 'bench' });
  const inboxId = await createInbox(db, { workspaceId, name: 'Chat', channel: 'chat' });
  const inbox = toWire('inbox', inboxId);
  const ownerEmail = 'owner@bench.test';
  await createAgent(db, { workspaceId, email: ownerEmail, name: 'Owner', password: PASSWORD, role: 'owner' });
  const agents: AgentState[] = await mapLimit(Array.from({ length: AGENTS }, (_, k) => k), 4, async (k) => {
    const email = `agent${k}@bench.test`;
    const id = await createAgent(db, { workspaceId, email, name: `Agent ${k}`, password: PASSWORD });
    const wire = toWire('user', id);
    return { wire, email, socket: null, mark: Buffer.from(`"newValue":"${wire}"`), current: null, resolving: null, id } as AgentState & { id: string };
  });
  await createTeam(db, { workspaceId, name: 'Support', memberIds: agents.map((a) => (a as AgentState & { id: string }).id), inboxIds: [inboxId] });
  await db.rows(sql`insert into routing_policies (id, workspace_id, inbox_id, mode, chat_capacity, email_capacity, away_grace_seconds, reopen_window_seconds)
    values (gen_random_uuid(), ${workspaceId}::uuid, ${inboxId}::uuid, 'balanced', 1000, 10, 3600, 3600)`);

  server = await Child.start('server', SERVER_SCRIPT, [JSON.stringify({ databaseUrl: dbUrl, redisUrl: REDIS_URL, redisPrefix, poolMax: POOL, rate: 1000, logLevel: process.env.BENCH_LOG_LEVEL ?? 'silent' })], { cwd: ROOT });
  const base = `http://127.0.0.1:${server.port}`;
  log(`postgres database ${dbName}, server pid ${server.pid} on port ${server.port} (DB_POOL_MAX ${POOL}, Redis prefix ${redisPrefix})`);

  const login = async (email: string) => {
    const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    if (!r.ok) throw new Error(`login ${email}: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { token: string }).token;
  };

  // Everything measured is keyed by ticket id.
  const arrivals = new Map<string, Arrival>();
  /** Assignments seen before their ticket's ack (ticket id → at, assignee). */
  const early = new Map<string, { at: number; assignee: string }>();
  const earlyNew = new Map<string, number>();
  let phase2: ((a: AgentState, ticketId: string, at: number) => void) | null = null;

  const onAgentFrame = (a: AgentState) => (frame: Buffer, at: number) => {
    if (!isEvent(frame, TICKET_UPDATED)) return;
    const r = a.resolving;
    const mine = frame.includes(a.mark);
    const resolved = r !== null && r.seenAt === null && frame.includes(r.mark);
    if (!mine && !resolved) return;
    const [, p] = parseEvent<TicketEvent>(frame);
    if (resolved && p.ticket.id === r.ticketId && p.activities.some((x) => x.kind === 'status_changed')) r.seenAt = at;
    if (!mine || !p.activities.some((x) => x.kind === 'assigned' && x.newValue === a.wire)) return;
    if (phase2) return phase2(a, p.ticket.id, at);
    const rec = arrivals.get(p.ticket.id);
    if (!rec) early.set(p.ticket.id, { at, assignee: a.wire });
    else if (rec.assignedAt === null) {
      rec.assignedAt = at;
      rec.assignee = a.wire;
    }
  };

  // The watcher: the owner (every ticket), outside the routing team.
  const watcher = await RawAgent.connect(base, await login(ownerEmail), (frame, at) => {
    if (!isEvent(frame, TICKET_NEW)) return;
    const [, p] = parseEvent<{ ticket: { id: string } }>(frame);
    const rec = arrivals.get(p.ticket.id);
    if (!rec) earlyNew.set(p.ticket.id, at);
    else rec.newAt ??= at;
  });
  sockets.push({ close: () => watcher.disconnect() });
  // Agents log in and connect over a few seconds (ten at a time).
  let t = performance.now();
  await mapLimit(agents, 10, async (a) => {
    const socket = await RawAgent.connect(base, await login(a.email), onAgentFrame(a));
    a.socket = socket;
    sockets.push({ close: () => socket.disconnect() });
  });
  const online = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from memberships where workspace_id = ${workspaceId}::uuid and availability = 'online'`))[0]!.n;
  for (let i = 0; i < 300 && (await online()) < AGENTS + 1; i++) await sleep(100);
  log(`${AGENTS} agents and the watcher logged in, connected and online in ${fmt((performance.now() - t) / 1000, 1)} s`);

  // Visitors: a pool of widget sockets, each arrival a new session (a new contact) on a free one.
  const free: Socket[] = [];
  let opened = 0;
  const visitorSocket = async (): Promise<Socket> => {
    const s = free.pop();
    if (s) return s;
    opened++;
    const n = io(`${base}/widget`, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push({ close: () => n.disconnect() });
    await new Promise<void>((res, rej) => (n.once('connect', () => res()), n.once('connect_error', rej)));
    return n;
  };
  let errors = 0;
  const errorCodes = new Map<string, number>();
  const fail = (code: string) => (errors++, errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1));
  let seq = 0;
  const arrive = async (): Promise<void> => {
    const s = await visitorSocket();
    try {
      const started = (await s.timeout(30_000).emitWithAck('session:start', { inboxId: inbox })) as { ok: boolean; error?: { code: string } };
      if (!started.ok) return void fail(started.error!.code);
      const sentAt = performance.now();
      const ack = (await s.timeout(30_000).emitWithAck('message:send', { body: `hello ${seq++}`, clientMessageId: crypto.randomUUID() })) as { ok: boolean; data?: { ticketId: string }; error?: { code: string } };
      const ackAt = performance.now();
      if (!ack.ok) return void fail(ack.error!.code);
      const id = ack.data!.ticketId;
      const e = early.get(id);
      early.delete(id);
      const n = earlyNew.get(id) ?? null;
      earlyNew.delete(id);
      arrivals.set(id, { sentAt, ackAt, newAt: n, assignedAt: e?.at ?? null, assignee: e?.assignee ?? null });
    } catch (err) {
      fail((err as Error).message);
    } finally {
      free.push(s);
    }
  };
  /** `count` arrivals at `perSecond`, each on its own schedule (late ones go at once); the schedule's worst lag and its length (ms). */
  const arriveAt = async (count: number, perSecond: number): Promise<{ lag: number; sendMs: number }> => {
    const start = performance.now();
    const inflight: Promise<void>[] = [];
    let lag = 0;
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      lag = Math.max(lag, performance.now() - due);
      inflight.push(arrive());
    }
    const sendMs = performance.now() - start;
    await Promise.all(inflight);
    return { lag, sendMs };
  };
  const cpuNow = async () => ({ at: performance.now(), server: await server!.stats(), pg: backendCpuSeconds(dbName), redis: procCpuSeconds(['redis-server'])?.['redis-server'] ?? NaN, gen: process.cpuUsage() });
  const cpuLine = (a: Awaited<ReturnType<typeof cpuNow>>, b: Awaited<ReturnType<typeof cpuNow>>) => {
    const s = (b.at - a.at) / 1000;
    const pc = (x: number) => fmt((x / s) * 100, 0);
    return `CPU (% of one core): server ${pc((b.server.cpuUser + b.server.cpuSystem - a.server.cpuUser - a.server.cpuSystem) / 1e6)} (event loop ${fmt(b.server.elu * 100, 0)}% busy), ` +
      `this database's Postgres backends ${pc((b.pg ?? NaN) - (a.pg ?? NaN))}, redis ${pc(b.redis - a.redis)}, load generator ${pc((b.gen.user + b.gen.system - a.gen.user - a.gen.system) / 1e6)}; load average ${fmt(loadavg()[0]!, 1)}`;
  };
  const until = async (what: string, ms: number, fn: () => Promise<boolean> | boolean) => {
    const end = performance.now() + ms;
    while (!(await fn())) {
      if (performance.now() > end) return void log(`  (gave up waiting for ${what} after ${ms / 1000} s)`);
      await sleep(100);
    }
  };

  // ------------------------------------------------------------ 1. arrivals
  const total = Math.round((PER_MINUTE / 60) * SECONDS);
  log(`\n1. Arrivals: ${total} chats at ${PER_MINUTE}/min (${fmt(PER_MINUTE / 60, 1)}/s) for ${SECONDS} s, capacity 1000 each`);
  const c0 = await cpuNow();
  t = performance.now();
  const { lag: lag1, sendMs } = await arriveAt(total, PER_MINUTE / 60);
  const sendS = (performance.now() - t) / 1000;
  const c1 = await cpuNow();
  await until('every assignment', 600_000, () => [...arrivals.values()].every((r) => r.assignedAt !== null && r.newAt !== null));
  const recs = [...arrivals.values()];
  const assigned = recs.filter((r) => r.assignedAt !== null);
  // Routing's pace: assignments over the time from the first send to the last assignment.
  const lastAssigned = Math.max(...assigned.map((r) => r.assignedAt!));
  const routedPerS = assigned.length / ((lastAssigned - Math.min(...recs.map((r) => r.sentAt))) / 1000);
  const [queued1] = await db.rows<{ n: number }>(sql`select count(*)::int as n from routing_queue where workspace_id = ${workspaceId}::uuid and dequeued_at is null`);
  const loads1 = await db.rows<{ n: number }>(sql`select count(*)::int as n from tickets where workspace_id = ${workspaceId}::uuid and status = 'open' and assignee_id is not null group by assignee_id`);
  const p1 = {
    ack: summary(recs.map((r) => r.ackAt - r.sentAt)),
    floor: summary(recs.filter((r) => r.newAt !== null).map((r) => r.newAt! - r.sentAt)),
    sendAssigned: summary(assigned.map((r) => r.assignedAt! - r.sentAt)),
    ackAssigned: summary(assigned.map((r) => r.assignedAt! - r.ackAt)),
    newAssigned: summary(assigned.filter((r) => r.newAt !== null).map((r) => r.assignedAt! - r.newAt!)),
  };
  log(`  sent ${total} over ${fmt(sendMs / 1000, 1)} s (schedule lag max ${fmt(lag1, 0)} ms), the last ack ${fmt(sendS, 1)} s after the first send, over ${opened} visitor sockets; created ${recs.length}, error acks ${errors}${errorCodes.size ? ` (${[...errorCodes].map(([c, n]) => `${c}×${n}`).join(', ')})` : ''}`);
  log(`  assigned ${assigned.length} of ${recs.length} (seen on the assignee's socket), the last ${fmt((lastAssigned - t) / 1000 - sendS, 1)} s after the last send: ${fmt(routedPerS, 1)} assignments/s over the run; waiting in the queue ${queued1!.n}; load per agent ${Math.min(...loads1.map((r) => r.n))}..${Math.max(...loads1.map((r) => r.n))} over ${loads1.length} agents`);
  log(`  ${cpuLine(c0, c1)}`);
  log('\n| Phase 1, ms | n | p50 | p99 | max |\n| --- | ---: | ---: | ---: | ---: |');
  log(row('send → ack (ticket created)', p1.ack));
  log(row('floor: send → `ticket:new` (watcher)', p1.floor));
  log(row('send → assignee\'s `ticket:updated` (assigned)', p1.sendAssigned));
  log(row('**ticket created (ack) → assignee\'s `ticket:updated`**', p1.ackAssigned));
  log(row('`ticket:new` → assignee\'s `ticket:updated`', p1.newAssigned));

  // ------------------------------------------------------------ 2. drain
  log(`\n2. Drain: capacity 1, ${AGENTS} chats given out and ${QUEUE} waiting; resolves at ${RESOLVE_RATE}/s round the team`);
  await db.rows(sql`update tickets set status = 'resolved' where workspace_id = ${workspaceId}::uuid and status in ('open', 'pending')`);
  await db.rows(sql`update routing_policies set chat_capacity = 1 where workspace_id = ${workspaceId}::uuid`);
  arrivals.clear();
  errors = 0;
  errorCodes.clear();
  const waitingNow = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from routing_queue where workspace_id = ${workspaceId}::uuid and dequeued_at is null`))[0]!.n;
  const holding = () => db.rows<{ id: string; assignee_id: string }>(sql`select id, assignee_id from tickets where workspace_id = ${workspaceId}::uuid and status = 'open' and assignee_id is not null`);
  t = performance.now();
  await arriveAt(AGENTS + QUEUE, Math.min(PER_MINUTE / 60, 100));
  await until('the chats to be placed', 120_000, async () => (await waitingNow()) >= QUEUE && (await holding()).length >= AGENTS);
  const held = await holding();
  log(`  ${AGENTS + QUEUE} chats sent at ${fmt(Math.min(PER_MINUTE / 60, 100), 0)}/s (error acks ${errors}): ${held.length} given out, ${await waitingNow()} waiting, in ${fmt((performance.now() - t) / 1000, 1)} s`);
  const byWire = new Map(agents.map((a) => [(a as AgentState & { id: string }).id, a]));
  for (const h of held) byWire.get(h.assignee_id)!.current = toWire('ticket', h.id);

  type Drain = { sentAt: number; ackAt: number; resolving: NonNullable<AgentState['resolving']>; assignedAt: number | null; ticket: string | null };
  const drains: Drain[] = [];
  const open = new Map<AgentState, Drain>();
  phase2 = (a, ticketId, at) => {
    const d = open.get(a);
    if (!d || ticketId === a.resolving?.ticketId) return;
    d.assignedAt = at;
    d.ticket = ticketId;
    a.current = ticketId;
    open.delete(a);
  };
  let skipped = 0;
  const c2 = await cpuNow();
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let j = 0, k = 0; j < QUEUE; j++) {
    const due = start + (j * 1000) / RESOLVE_RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    // The next agent round the team that holds a chat (one still waiting for theirs is passed).
    let a: AgentState | undefined;
    for (let n = 0; n < AGENTS && !a; n++, k++) {
      const c = agents[k % AGENTS]!;
      if (c.current && !open.has(c)) a = c;
    }
    if (!a) {
      skipped++; // every agent still waits for their next chat: this resolve's slot goes unused
      continue;
    }
    const ticketId = a.current!;
    a.current = null;
    const sentAt = performance.now();
    a.resolving = { ticketId, mark: Buffer.from(`"id":"${ticketId}"`), sentAt, ackAt: null, seenAt: null };
    const d: Drain = { sentAt, ackAt: NaN, resolving: a.resolving, assignedAt: null, ticket: null };
    open.set(a, d);
    drains.push(d);
    inflight.push(
      a.socket!.emit<{ ok: boolean; error?: { code: string } }>('ticket:setStatus', { ticketId, status: 'resolved' }).then((ack) => {
        d.ackAt = performance.now();
        if (!ack.ok) fail(ack.error!.code);
      }),
    );
  }
  await Promise.all(inflight);
  const resolveS = (performance.now() - start) / 1000;
  const c3 = await cpuNow();
  await until('every next assignment', 60_000, () => drains.every((d) => d.assignedAt !== null && d.resolving.seenAt !== null));
  const given = drains.filter((d) => d.assignedAt !== null);
  const over = await db.rows<{ n: number }>(sql`select count(*)::int as n from tickets where workspace_id = ${workspaceId}::uuid and status = 'open' and assignee_id is not null group by assignee_id having count(*) > 1`);
  const twice = await db.rows<{ n: number }>(sql`select count(*)::int as n from (select ticket_id from ticket_activities where workspace_id = ${workspaceId}::uuid
    and kind = 'assigned' and actor_type = 'system' and new_value <> 'null'::jsonb group by ticket_id having count(*) > 1) d`);
  const p2 = {
    ack: summary(drains.map((d) => d.ackAt - d.sentAt)),
    floor: summary(drains.filter((d) => d.resolving.seenAt !== null).map((d) => d.resolving.seenAt! - d.sentAt)),
    sendAssigned: summary(given.map((d) => d.assignedAt! - d.sentAt)),
    ackAssigned: summary(given.map((d) => d.assignedAt! - d.ackAt)),
  };
  const within2 = given.filter((d) => d.assignedAt! - d.ackAt <= 2000).length;
  log(`  ${drains.length} resolves in ${fmt(resolveS, 1)} s (slots left unused because every agent still waited for their next chat: ${skipped}); error acks ${errors}`);
  log(`  next chat given to the resolving agent after ${given.length} of ${drains.length}; still waiting ${await waitingNow()}; agents over capacity ${over.length}; tickets given twice ${twice[0]!.n}`);
  log(`  ${cpuLine(c2, c3)}`);
  log('\n| Phase 2, ms | n | p50 | p99 | max |\n| --- | ---: | ---: | ---: | ---: |');
  log(row('resolve send → ack', p2.ack));
  log(row('floor: resolve send → own `ticket:updated` (resolved)', p2.floor));
  log(row('resolve send → next chat\'s `ticket:updated` (assigned)', p2.sendAssigned));
  log(row('**capacity freed (resolve ack) → next chat\'s `ticket:updated`**', p2.ackAssigned));
  log(`\nTarget "queue drains within 2 s of capacity appearing": ${within2} of ${drains.length} within 2 s of the resolve's ack (p99 ${fmt(p2.ackAssigned.p99, 0)} ms) → ${within2 === drains.length ? 'met' : 'NOT met'}.`);
  log(`Command: ${command}`);
  await db.close();
} catch (err) {
  exitCode = 1;
  process.stderr.write(`bench:routing: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  for (const s of sockets) s.close();
  await server?.stop().catch(() => server?.kill());
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  await dropRedisPrefix(REDIS_URL, redisPrefix);
}
process.exit(exitCode);
