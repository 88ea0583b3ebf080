/**
 * Automation throughput and its cost on the chat hot path:
 * `npm run bench:automation [-- --rules 50 --events 20000 --chats 200 --messages 3 --concurrency 8]`.
 * Needs Postgres and Redis on 127.0.0.1.
 *
 * 1. Pure engine: `--events` log entries (message and change events over varied tickets) through
 *    `decide` with `--rules` enabled rules (text, regular expression, tag, priority, change
 *    conditions): events per second on one core, no database.
 * 2. Hot path: the real server in a child process (bench/lib/server.ts) with two workspaces, one
 *    with `--rules` event rules on, one with none. Visitors of both write at once (`--chats`
 *    chats each of `--messages` messages, `--concurrency` at a time per workspace): send → ack
 *    per message, by workspace; the same run, so the machine's state is the same for both.
 * 3. Through the consumer: from the first message of phase 2 until the `automation` consumer
 *    has handled every log entry written (rules' own changes included): log entries per second
 *    end to end (facts read, engine, actions, run log, counters).
 */
import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import type { AutomationEvent, ConditionFacts } from '@support/protocol';
import { connectPostgres } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { toWire } from '../server/src/db/ids.js';
import { createAgent, createInbox, createWorkspace } from '../server/src/workspaces/workspaces.service.js';
import { decide, type EngineRule } from '../server/src/automation/engine.js';
import { Child } from './lib/child.js';
import { dropRedisPrefix } from './lib/redis-cleanup.js';
import { fmt, mapLimit, pct, sleep } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    rules: { type: 'string', default: '50' },
    events: { type: 'string', default: '20000' },
    chats: { type: 'string', default: '200' },
    messages: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
  },
});
const RULES = Number(args.rules);
const EVENTS = Number(args.events);
const CHATS = Number(args.chats);
const MESSAGES = Number(args.messages);
const CONCURRENCY = Number(args.concurrency);
for (const [k, v] of Object.entries({ RULES, EVENTS, CHATS, MESSAGES, CONCURRENCY })) if (!Number.isInteger(v) || v <= 0) throw new Error(`bad ${k}: ${v}`);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL('./lib/server.ts', import.meta.url));
const REDIS_URL = 'redis://127.0.0.1:6379';
const stamp = `${Date.now()}_${process.pid}`;
const dbName = `bench_automation_${stamp}`;
const dbUrl = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const redisPrefix = `bench_automation_${stamp}`;
const command = `npm run bench:automation${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
const log = (line: string) => process.stdout.write(line + '\n');

const WORDS = ['refund', 'invoice', 'password', 'shipping', 'broken', 'cancel', 'upgrade', 'login', 'billing', 'urgent'];

/** `n` rules as an admin would write them: most match rarely; a few act on common words. */
function rulesFor(n: number): Omit<EngineRule, 'id' | 'position'>[] {
  return Array.from({ length: n }, (_, i) => {
    const word = WORDS[i % WORDS.length]!;
    const kind = i % 5;
    const events: AutomationEvent[] = kind === 4 ? ['ticket.priority_changed', 'ticket.tags_changed'] : ['ticket.created', 'message.customer'];
    const conditions =
      kind === 0 ? { all: [{ field: 'message.body', op: 'contains', value: `${word} ${i}` }] }
      : kind === 1 ? { all: [{ field: 'message.body', op: 'matches', value: `\\b${word}\\b.*#\\d{6}` }] }
      : kind === 2 ? { all: [{ field: 'ticket.priority', op: 'gte', value: 'high' }, { field: 'contact.email', op: 'ends_with', value: `@vip${i}.test` }] }
      : kind === 3 ? { any: [{ field: 'ticket.tags', op: 'includes_any', value: [`t${i}`] }, { field: 'ticket.subject', op: 'starts_with', value: `[${word}-${i}]` }] }
      : { all: [{ field: 'ticket.priority', op: 'changed_to', value: 'urgent' }, { field: 'ticket.tags', op: 'includes_none', value: ['done'] }] };
    // One rule in ten acts on a common word, so the consumer really runs actions.
    const acting = i % 10 === 0 ? { all: [{ field: 'message.body', op: 'contains', value: WORDS[(i / 10) % WORDS.length]! }] } : conditions;
    return { name: `Rule ${i}`, events, conditions: acting as EngineRule['conditions'], actions: [{ type: 'add_tags', tags: [`auto-${i}`] }] };
  });
}

function factsOf(k: number): ConditionFacts {
  const word = WORDS[k % WORDS.length]!;
  return {
    ticket: { status: 'open', priority: (['low', 'normal', 'high', 'urgent'] as const)[k % 4]!, channel: 'chat', inboxId: 'inb_x', teamId: null, assigneeId: null, tags: k % 3 ? [`t${k % 60}`] : [], subject: `Question ${k}`, number: k, createdAt: new Date(0) },
    contact: { name: `Visitor ${k}`, email: `v${k}@example.test`, attributes: {} },
    message: { body: `Hello, about my ${word}: order #${100000 + k}. ${'Some more words to read. '.repeat(k % 8)}`, authorType: 'contact', visibility: 'public' },
  };
}

const summary = (values: number[]) => {
  const asc = Float64Array.from(values).sort();
  return { n: asc.length, p50: pct(asc, 50), p99: pct(asc, 99), max: asc.length ? asc[asc.length - 1]! : NaN };
};
const row = (what: string, s: ReturnType<typeof summary>) => `| ${what} | ${s.n} | ${fmt(s.p50, 1)} | ${fmt(s.p99, 1)} | ${fmt(s.max, 1)} |`;

function pureEngine(): number {
  const rules: EngineRule[] = rulesFor(RULES).map((r, i) => ({ ...r, id: `r${i}`, position: i }));
  const facts = Array.from({ length: 1000 }, (_, k) => factsOf(k));
  const events: AutomationEvent[][] = [['message.customer'], ['ticket.created'], ['ticket.priority_changed'], ['message.customer'], ['ticket.tags_changed']];
  let matched = 0;
  for (let k = 0; k < 2000; k++) decide({ events: events[k % 5]!, before: facts[(k + 1) % 1000]!, after: facts[k % 1000]!, rules, cause: null, now: new Date() });
  const t0 = performance.now();
  for (let k = 0; k < EVENTS; k++) {
    const runs = decide({ events: events[k % 5]!, before: facts[(k + 1) % 1000]!, after: facts[k % 1000]!, rules, cause: null, now: new Date() });
    for (const r of runs) if (r.matched) matched++;
  }
  const s = (performance.now() - t0) / 1000;
  log(`\nPhase 1, pure engine: ${EVENTS} events × ${RULES} rules in ${fmt(s, 2)} s → **${fmt(EVENTS / s, 0)} events/s** (${fmt((s * 1e6) / EVENTS, 1)} µs per event; ${matched} rule matches)`);
  return EVENTS / s;
}

type Ack = { ok: boolean; data?: any; error?: { code: string; message: string } };
const emit = (s: Socket, event: string, payload: unknown) => new Promise<Ack>((resolve) => s.emit(event, payload, resolve));

const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
let server: Child | null = null;
const sockets: Socket[] = [];
let exitCode = 0;
try {
  log(`bench:automation  ${command}`);
  log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`);
  pureEngine();

  await admin.unsafe(`create database ${dbName}`);
  const db = await connectPostgres(dbUrl, { max: 4 });
  await migrate(db);
  const made = [];
  for (const name of ['rules on', 'rules off']) {
    const workspaceId = await createWorkspace(db, { name });
    const inboxId = await createInbox(db, { workspaceId, name: 'Chat', channel: 'chat' });
    await createAgent(db, { workspaceId, email: `owner-${name.replace(' ', '-')}@bench.test`, name: 'Owner', password: 'bench-password-1234', role: 'owner' });
    made.push({ name, workspaceId, inbox: toWire('inbox', inboxId) });
  }
  const on = made[0]!;
  for (const [i, r] of rulesFor(RULES).entries())
    await db.rows(sql`insert into automation_rules (id, workspace_id, name, position, enabled, trigger, events, conditions, actions)
      values (gen_random_uuid(), ${on.workspaceId}::uuid, ${r.name}, ${i + 1}, true, 'event', ${`{${r.events.join(',')}}`}::text[],
              ${JSON.stringify(r.conditions)}::jsonb, ${JSON.stringify(r.actions)}::jsonb)`);

  server = await Child.start('server', SERVER_SCRIPT, [JSON.stringify({ databaseUrl: dbUrl, redisUrl: REDIS_URL, redisPrefix, poolMax: 10, rate: 1000, logLevel: process.env.BENCH_LOG_LEVEL ?? 'silent' })], { cwd: ROOT });
  const base = `http://127.0.0.1:${server.port}`;
  log(`\npostgres database ${dbName}, server pid ${server.pid} on port ${server.port}; ${RULES} enabled event rules in one workspace, none in the other`);
  // The consumer starts at the log's end on its first round: let it take its place first.
  await sleep(1500);
  const dbq = postgres(dbUrl, { max: 2, onnotice: () => {} });
  const [{ p0 }] = (await dbq<{ p0: string }[]>`select coalesce(max(position), 0)::text as p0 from domain_events`) as unknown as [{ p0: string }];

  const acks: Record<string, number[]> = { 'rules on': [], 'rules off': [] };
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(made.map((w) => mapLimit(Array.from({ length: CHATS }, (_, k) => k), CONCURRENCY, async (k) => {
    const s = io(`${base}/widget`, { transports: ['websocket'], forceNew: true });
    sockets.push(s);
    const session = await emit(s, 'session:start', { inboxId: w.inbox });
    if (!session.ok) throw new Error(`session:start: ${session.error?.message}`);
    for (let m = 0; m < MESSAGES; m++) {
      const word = WORDS[(k + m) % WORDS.length]!;
      const sent = performance.now();
      const a = await emit(s, 'message:send', { body: `Hi, about my ${word}: order #${100000 + k}, message ${m}`, clientMessageId: crypto.randomUUID() });
      if (!a.ok) errors++;
      else acks[w.name]!.push(performance.now() - sent);
    }
    s.close();
  })));
  const sentS = (performance.now() - t0) / 1000;
  log(`\nPhase 2, hot path: ${CHATS} chats × ${MESSAGES} messages per workspace in ${fmt(sentS, 1)} s (${CONCURRENCY} visitors at a time per workspace); error acks ${errors}`);
  log('\n| visitor message → ack, ms | n | p50 | p99 | max |\n| --- | ---: | ---: | ---: | ---: |');
  const sOn = summary(acks['rules on']!);
  const sOff = summary(acks['rules off']!);
  log(row(`${RULES} rules on`, sOn));
  log(row('no rules', sOff));

  // Phase 3: until the automation consumer has handled everything written (its rules' changes too).
  let caught = 0;
  let end = 0;
  for (;;) {
    const [r] = await dbq<{ done: boolean }[]>`select coalesce((select last_position from event_consumers where name = 'automation'), 0)
      >= (select max(position) from domain_events) as done`;
    if (r!.done) {
      if (++caught === 3) break;
    } else {
      caught = 0;
      end = performance.now();
    }
    if (performance.now() - t0 > 300_000) throw new Error('the automation consumer did not catch up in 5 minutes');
    await sleep(20);
  }
  const doneS = ((end || performance.now()) - t0) / 1000;
  const [{ n, runs, matched }] = (await dbq<{ n: number; runs: number; matched: number }[]>`select
      (select count(*)::int from domain_events where position > ${p0}::int8 and workspace_id = ${on.workspaceId}::uuid) as n,
      (select coalesce(sum(run_count), 0)::int from automation_rules) as runs,
      (select count(*)::int from automation_runs) as matched`) as unknown as [{ n: number; runs: number; matched: number }];
  log(`\nPhase 3, through the consumer: ${n} log entries of the rules workspace (messages, tickets, the rules' own changes) handled within ${fmt(doneS, 1)} s of the first message → **${fmt(n / doneS, 0)} entries/s end to end** (${runs} rule evaluations, ${matched} runs that acted). Bounded by the arrival rate when the consumer keeps up.`);
  log(`\nHot path cost of ${RULES} rules: p50 ${fmt(sOn.p50 - sOff.p50, 1)} ms, p99 ${fmt(sOn.p99 - sOff.p99, 1)} ms (rules run in the consumer, after the ack).`);
  log(`Command: ${command}`);
  await dbq.end();
  await db.close();
} catch (err) {
  exitCode = 1;
  process.stderr.write(`bench:automation: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  for (const s of sockets) s.close();
  await server?.stop().catch(() => server?.kill());
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  await dropRedisPrefix(REDIS_URL, redisPrefix);
}
process.exit(exitCode);
