/**
 * Time rules at scale: `npm run bench:automation:time [-- --tickets 100000 --due 3000 --seconds 30 --lead 240]`.
 * Needs Postgres on 127.0.0.1. In a database of its own, one server node (createApp, the real
 * clock, no Redis):
 *
 * 1. Plan: `--tickets` pending tickets, then a rule "pending 3 days → resolve with a message"
 *    is switched on (replanTimeRule): the time until every ticket has its next check planned
 *    (due work `automation.time`), and per ticket.
 * 2. Lag: `--due` of them fall due evenly over `--seconds` seconds, starting `--lead` seconds
 *    after the seeding (the rest are due days later and stay planned): how long after its due
 *    time each ticket's rule fires (p50, p99, max), and that each fires once (runs, messages).
 */
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { connectPostgres } from '../server/src/db/client.js';
import { withWorkspace } from '../server/src/db/scope.js';
import { testConfig } from '../server/src/config.js';
import { connectDeps } from '../server/src/deps.js';
import { createApp } from '../server/src/app.js';
import { newId, toWire } from '../server/src/db/ids.js';
import { createInbox, createWorkspace } from '../server/src/workspaces/workspaces.service.js';
import { replanTimeRule } from '../server/src/automation/time.service.js';
import type { ServiceContext } from '../server/src/lib/context.js';
import { seedTickets } from '../test/support/seed-tickets.js';
import { pct } from './lib/stats.js';

const { values: args } = parseArgs({
  options: { tickets: { type: 'string', default: '100000' }, due: { type: 'string', default: '3000' }, seconds: { type: 'string', default: '30' }, lead: { type: 'string', default: '240' } },
});
const N = Number(args.tickets);
const DUE = Math.min(N, Number(args.due));
const SECONDS = Number(args.seconds);
const LEAD = Number(args.lead);
const THREE_DAYS = 3 * 86_400_000;

const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
const name = `bench_auto_time_${Date.now()}`;
await admin.unsafe(`create database ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
try {
  const config = testConfig({ DATABASE_URL: url, DB_POOL_MAX: 10, BACKGROUND_POLL_MS: 250 });
  const deps = await connectDeps(config, {});
  const app = await createApp(deps);
  // Fixtures and figures through an owner connection (the app works under row-level security).
  const db = await connectPostgres(url, { max: 4 });
  const ctx = { ...deps, writes: undefined as never } as ServiceContext;
  const workspaceId = await createWorkspace(db, { name: 'bench' });
  const inboxId = await createInbox(db, { workspaceId, name: 'Chat', channel: 'chat' });
  const fx = { workspaceId, ws: toWire('workspace', workspaceId), inbox: toWire('inbox', inboxId), inboxId, team: '', teamId: '', agents: [] };

  let t = performance.now();
  const { first } = await seedTickets(db, fx, N);
  const start = Date.now() + LEAD * 1000;
  // Tickets first..first+DUE-1 fall due over SECONDS from `start`; the others a day or more later.
  await db.rows(sql`update tickets set status = 'pending', updated_at = now(), created_at = case
      when number < ${first + DUE}::int then ${new Date(start - THREE_DAYS)}::timestamptz + (number - ${first}::int) * ${(SECONDS * 1000) / DUE}::float8 * interval '1 millisecond'
      else now() - interval '2 days' + (number - ${first}::int) * interval '1 second' end
    where workspace_id = ${workspaceId}::uuid`);
  await db.rows(sql`vacuum analyze tickets`);
  console.log(`seeded ${N} pending tickets in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // 1. Plan every ticket for a new rule.
  const ruleId = newId();
  const body = 'We are closing this ticket after three days without news. Write back any time to reopen it.';
  const conditions = { all: [{ field: 'ticket.status', op: 'is', value: 'pending' }, { field: 'ticket.since_status_change', op: 'gte', value: 3 * 24 * 60 }] };
  const actions = [{ type: 'set_status', status: 'resolved' }, { type: 'send_message', body }];
  await db.rows(sql`insert into automation_rules (id, workspace_id, name, position, enabled, trigger, events, conditions, actions)
    values (${ruleId}::uuid, ${workspaceId}::uuid, 'Close after 3 days', 1, true, 'time', '{}', ${JSON.stringify(conditions)}::jsonb, ${JSON.stringify(actions)}::jsonb)`);
  t = performance.now();
  await withWorkspace(workspaceId, () => replanTimeRule(ctx, { workspaceId, ruleId }));
  for (;;) {
    const [r] = await db.rows<{ n: number; busy: number }>(sql`select
      (select count(*)::int from due_work where kind = 'automation.time') as n,
      (select count(*)::int from due_work where kind = 'automation.time.replan' and state in ('pending', 'running')) as busy`);
    if (!r!.busy && r!.n >= N) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const planMs = performance.now() - t;
  console.log(`planned ${N} tickets for a new rule in ${(planMs / 1000).toFixed(1)} s (${((planMs * 1000) / N).toFixed(0)} µs per ticket)`);
  if (Date.now() > start) console.log(`(planning ended ${((Date.now() - start) / 1000).toFixed(1)} s after the first due time: raise --lead)`);

  // 2. Fire lag of the DUE tickets.
  const deadline = start + SECONDS * 1000 + 120_000;
  let fired = 0;
  while (Date.now() < deadline) {
    const [r] = await db.rows<{ n: number }>(sql`select count(*)::int as n from automation_runs where rule_id = ${ruleId}::uuid`);
    fired = r!.n;
    if (fired >= DUE) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // Let the last ones finish their actions.
  await new Promise((r) => setTimeout(r, 2000));
  await app.close();
  const lags = (
    await db.rows<{ lag: number }>(sql`select extract(epoch from (r.created_at - (t.created_at + interval '3 days'))) * 1000 as lag
      from automation_runs r join tickets t on t.id = r.ticket_id where r.rule_id = ${ruleId}::uuid`)
  ).map((r) => Number(r.lag)).sort((a, b) => a - b);
  const p = (q: number) => (lags.length ? pct(Float64Array.from(lags), q).toFixed(0) : '–');
  const [once] = await db.rows<{ tickets: number; runs: number; messages: number; resolved: number }>(sql`select
    (select count(distinct ticket_id)::int from automation_runs where rule_id = ${ruleId}::uuid) as tickets,
    (select count(*)::int from automation_runs where rule_id = ${ruleId}::uuid) as runs,
    (select count(*)::int from messages where workspace_id = ${workspaceId}::uuid and body = ${body}) as messages,
    (select count(*)::int from tickets where workspace_id = ${workspaceId}::uuid and status = 'resolved') as resolved`);
  console.log(
    `fire lag, ${DUE} tickets due over ${SECONDS} s among ${N} planned: ${fired}/${DUE} fired, p50 ${p(50)} ms, p99 ${p(99)} ms, max ${lags.length ? lags.at(-1)!.toFixed(0) : '–'} ms; ` +
      `runs ${once!.runs} on ${once!.tickets} tickets, ${once!.messages} messages, ${once!.resolved} resolved`,
  );
  await db.close();
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
