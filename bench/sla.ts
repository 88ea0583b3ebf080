/**
 * SLA at scale: `npm run bench:sla [-- --tickets 100000 --rate 1000 --seconds 5]`. Needs
 * Postgres on 127.0.0.1. In a database of its own:
 *
 * 1. Re-plan: `--tickets` open tickets with a running resolution clock (business hours, the
 *    workspace's default calendar), then the calendar's hours change and the `sla.replan` work
 *    runs to the end: the time to re-plan every clock, and per ticket.
 * 2. Breach lag: `--rate` clocks a second fall due for `--seconds` seconds, against a running
 *    scheduler on the real clock: how long after its due time each breach is recorded (p50,
 *    p99, max), and that each is recorded once.
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { defaultCalendar } from '@support/protocol';
import { connectPostgres } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { toWire } from '../server/src/db/ids.js';
import { createInbox, createWorkspace } from '../server/src/workspaces/workspaces.service.js';
import { systemClock } from '../server/src/lib/clock.js';
import { createLocalBus } from '../server/src/events/bus.js';
import { Scheduler } from '../server/src/scheduler/scheduler.js';
import { EventConsumers } from '../server/src/events/consumers.js';
import { registerSla } from '../server/src/sla/sla.wiring.js';
import { ensureDefaultCalendar, updateCalendar } from '../server/src/calendars/calendars.service.js';
import { ensureDefaultPolicy } from '../server/src/sla/policies.service.js';
import { queueReplan } from '../server/src/sla/due.js';
import type { ServiceContext } from '../server/src/lib/context.js';
import { seedTickets } from '../test/support/seed-tickets.js';
import { pct } from './lib/stats.js';

const { values: args } = parseArgs({ options: { tickets: { type: 'string', default: '100000' }, rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '5' } } });
const N = Number(args.tickets);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);

const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
const name = `bench_sla_${Date.now()}`;
await admin.unsafe(`create database ${name}`);
const logger = pino({ level: 'warn' });
try {
  const db = await connectPostgres(`postgres://postgres@127.0.0.1:5432/${name}`, { max: 8 });
  await migrate(db);
  const bus = createLocalBus(logger);
  const ctx = { db, bus, clock: systemClock, logger, config: {} } as unknown as ServiceContext;
  const workspaceId = await createWorkspace(db, { name: 'bench' });
  const inboxId = await createInbox(db, { workspaceId, name: 'Chat', channel: 'chat' });
  const fx = { workspaceId, ws: toWire('workspace', workspaceId), inbox: toWire('inbox', inboxId), inboxId, team: '', teamId: '', agents: [] };
  const now = new Date();
  const calendarId = await ensureDefaultCalendar(db, workspaceId, now);
  await ensureDefaultPolicy(db, workspaceId, now);
  await db.rows(sql`update sla_policies set enabled = true where workspace_id = ${workspaceId}::uuid`);
  const [policy] = await db.rows<{ id: string }>(sql`select id from sla_policies where workspace_id = ${workspaceId}::uuid`);

  // 1. Re-plan after a calendar change.
  let t = performance.now();
  const { first, last } = await seedTickets(db, fx, N);
  await db.rows(sql`insert into sla_clocks (id, workspace_id, ticket_id, policy_id, metric, state, target_seconds, warn_lead_seconds, used_seconds, running_since, due_at, created_at)
    select gen_random_uuid(), workspace_id, id, ${policy!.id}::uuid, 'resolution', 'running', 5 * 86400, 3600, 0, now(), now() + interval '7 days', now()
    from tickets where workspace_id = ${workspaceId}::uuid and number between ${first}::int and ${last}::int and status = 'open'`);
  await db.rows(sql`vacuum analyze`);
  const [open] = await db.rows<{ n: number }>(sql`select count(*)::int as n from sla_clocks where state = 'running'`);
  console.log(`seeded ${N} tickets, ${open!.n} running clocks in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const scheduler = new Scheduler({ db, logger, clock: systemClock, nodeId: 'bench', pollMs: 250, leaseMs: 60_000 });
  const consumers = new EventConsumers({ db, logger, clock: systemClock, nodeId: 'bench', pollMs: 250, leaseMs: 60_000, bus });
  registerSla(ctx, consumers, scheduler);
  const definition = { ...defaultCalendar('UTC'), weekly: { ...defaultCalendar('UTC').weekly, fri: [{ start: '09:00', end: '18:00' }] } };
  t = performance.now();
  await updateCalendar(ctx, { workspaceId, calendarId, definition }, (tx) => queueReplan(tx, { workspaceId, now: new Date() }));
  let runs = 0;
  for (;;) {
    const ran = await scheduler.runDue();
    if (!ran) break;
    runs += ran;
  }
  const replanMs = performance.now() - t;
  const [moved] = await db.rows<{ n: number }>(sql`select count(*)::int as n from sla_events where kind = 'replanned'`);
  console.log(`re-plan after a calendar change: ${moved!.n} clocks in ${(replanMs / 1000).toFixed(2)} s (${((replanMs * 1000) / Math.max(1, moved!.n)).toFixed(0)} µs per clock, ${runs} batches)`);

  // 2. Breach lag at RATE breaches a second.
  await scheduler.start();
  const total = RATE * SECONDS;
  const start = Date.now() + 2000;
  await db.rows(sql`with c as (
      insert into sla_clocks (id, workspace_id, ticket_id, policy_id, metric, state, target_seconds, warn_lead_seconds, used_seconds, running_since, due_at, created_at)
      select gen_random_uuid(), t.workspace_id, t.id, ${policy!.id}::uuid, 'first_response', 'running', 60, 0, 0,
        ${new Date(start)}::timestamptz - interval '60 seconds', ${new Date(start)}::timestamptz + (g.i * ${1000 / RATE}::float8) * interval '1 millisecond', now()
      from generate_series(0, ${total - 1}::int) g(i)
      join lateral (select id, workspace_id from tickets where workspace_id = ${workspaceId}::uuid and number = ${first}::int + (g.i % ${N}::int)) t on true
      returning id, workspace_id, due_at)
    insert into due_work (id, workspace_id, kind, key, due_at, payload, state, attempts, created_at, updated_at)
    select gen_random_uuid(), workspace_id, 'sla.breach', id::text, due_at, '{}'::jsonb, 'pending', 0, now(), now() from c`);
  await db.rows(sql`select pg_notify('due_work', ${String(start)})`);
  const deadline = start + SECONDS * 1000 + 60_000;
  let done = 0;
  while (Date.now() < deadline) {
    const [r] = await db.rows<{ n: number }>(sql`select count(*)::int as n from sla_events where kind = 'breached' and metric = 'first_response'`);
    done = r!.n;
    if (done >= total) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await scheduler.stop();
  const lags = (
    await db.rows<{ lag: number }>(sql`select extract(epoch from (e.created_at - c.due_at)) * 1000 as lag from sla_events e join sla_clocks c on c.id = e.clock_id
      where e.kind = 'breached' and e.metric = 'first_response'`)
  ).map((r) => Number(r.lag)).sort((a, b) => a - b);
  const percentile = (v: number[], p: number) => (v.length ? pct(Float64Array.from(v), p) : NaN);
  const [dup] = await db.rows<{ n: number }>(sql`select count(*)::int as n from (select clock_id from sla_events where kind = 'breached' group by 1 having count(*) > 1) d`);
  console.log(
    `breach lag at ${RATE}/s for ${SECONDS} s: ${done}/${total} recorded, p50 ${percentile(lags, 50).toFixed(0)} ms, p99 ${percentile(lags, 99).toFixed(0)} ms, max ${lags.at(-1)?.toFixed(0)} ms; recorded twice: ${dup!.n}`,
  );
  await db.close();
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
