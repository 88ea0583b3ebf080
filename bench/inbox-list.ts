/**
 * The inbox list query on a busy workspace: `npx tsx bench/inbox-list.ts`. Seeds 10,000
 * tickets (a third assigned to one agent) in a workspace next to another one of the same
 * size, then times `tickets:list` pages (views, status, text search, a deep cursor) through
 * the service, for an owner (every ticket) and an agent who sees their team's inbox, and prints
 * EXPLAIN ANALYZE of the common ones. Needs Postgres on 127.0.0.1.
 */
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { connectPostgres } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { toWire } from '../server/src/db/ids.js';
import { permissionsOfRole } from '@support/protocol';
import { createAgent, createInbox, createTeam, createWorkspace } from '../server/src/workspaces/workspaces.service.js';
import { listTickets } from '../server/src/tickets/tickets.read.js';
import { ticketListQuery } from '../server/src/tickets/tickets.queries.js';
import { visibleTicketSql } from '../server/src/tickets/visibility.js';
import type { ServiceContext } from '../server/src/lib/context.js';
import { seedTickets } from '../test/support/seed-tickets.js';

const N = 10_000;
const RUNS = 30;
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
const name = `inbox_list_${Date.now()}`;
await admin.unsafe(`create database ${name}`);
try {
  const db = await connectPostgres(`postgres://postgres@127.0.0.1:5432/${name}`, { max: 2 });
  await migrate(db);
  const seed = async () => {
    const workspaceId = await createWorkspace(db, { name: 'w' });
    const inboxId = await createInbox(db, { workspaceId, name: 'Chat', channel: 'chat' });
    const agent = await createAgent(db, { workspaceId, email: `a-${workspaceId}@example.test`, name: 'A', password: 'pw-bench-1234' });
    await createTeam(db, { workspaceId, name: 'Support', memberIds: [agent], inboxIds: [inboxId] });
    const fx = { workspaceId, ws: toWire('workspace', workspaceId), inbox: toWire('inbox', inboxId), inboxId, team: '', teamId: '', agents: [{ id: agent, wire: toWire('user', agent), email: '', password: '', name: 'A' }] };
    await seedTickets(db, fx, N);
    await db.rows(sql`update tickets set assignee_id = ${agent}::uuid where workspace_id = ${workspaceId}::uuid and number % 3 = 0`);
    // SLA countdowns on two open tickets in three (the rest have none), due over the next three days.
    await db.rows(sql`update tickets set sla_due_at = now() + make_interval(mins => (number * 7919) % 4320), sla_metric = 'first_response'
      where workspace_id = ${workspaceId}::uuid and status = 'open' and number % 3 <> 1`);
    return { workspaceId, agent };
  };
  const { workspaceId, agent } = await seed();
  await seed();
  await db.rows(sql`vacuum analyze`);
  const ctx = { db } as unknown as ServiceContext;
  const base = { viewer: { workspaceId, userId: agent, permissions: permissionsOfRole('owner') }, limit: 50 };
  const teamViewer = { workspaceId, userId: agent, permissions: permissionsOfRole('agent') };
  const page1 = await listTickets(ctx, { ...base, view: 'all', status: 'open' });
  let cursor = page1.nextCursor!;
  for (let i = 0; i < 20; i++) cursor = (await listTickets(ctx, { ...base, view: 'all', status: 'open', cursor })).nextCursor!;
  // By time to breach: a cursor in the tickets with SLA, and one in the tail without.
  let slaCursor = (await listTickets(ctx, { ...base, view: 'all', status: 'open', sort: 'sla' })).nextCursor!;
  for (let i = 0; i < 20; i++) slaCursor = (await listTickets(ctx, { ...base, view: 'all', status: 'open', sort: 'sla', cursor: slaCursor })).nextCursor!;
  const tail = await db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${workspaceId}::uuid and status = 'open' and sla_due_at is null order by id offset 100 limit 1`);
  const tailCursor = Buffer.from(JSON.stringify(['sla', null, toWire('ticket', tail[0]!.id)])).toString('base64url');
  // Text searches by selectivity. Contacts are "Customer <i>", subjects "My order has not arrived yet (<i>)".
  const searches: [string, string][] = [
    ['"customer 7777" (1 row)', 'customer 7777'],
    ['"customer 77" (111 rows)', 'customer 77'],
    ['"order" (every row)', 'order'],
    ['"refund" (no row)', 'refund'],
    ['"77" (2 chars, 280 rows)', '77'],
    ['"zq" (2 chars, no row)', 'zq'],
  ];
  const cases: [string, Parameters<typeof listTickets>[1]][] = [
    ['All open, first page', { ...base, view: 'all', status: 'open' }],
    ['Mine, open', { ...base, view: 'mine', status: 'open' }],
    ['Unassigned, open', { ...base, view: 'unassigned', status: 'open' }],
    ['All, any status', { ...base, view: 'all' }],
    ['All open, page 22 (cursor)', { ...base, view: 'all', status: 'open', cursor }],
    ['By time to breach, first page', { ...base, view: 'all', status: 'open', sort: 'sla' }],
    ['By time to breach, page 22', { ...base, view: 'all', status: 'open', sort: 'sla', cursor: slaCursor }],
    ['By time to breach, no-SLA tail', { ...base, view: 'all', status: 'open', sort: 'sla', cursor: tailCursor }],
    ['Mine by time to breach', { ...base, view: 'mine', status: 'open', sort: 'sla' }],
    ...searches.map(([label, q]): [string, Parameters<typeof listTickets>[1]] => [`Search ${label}`, { ...base, view: 'all', q }]),
    ['Search "#4242" (number)', { ...base, view: 'all', q: '#4242' }],
    ['Team sight: all open', { ...base, viewer: teamViewer, view: 'all', status: 'open' }],
    ['Team sight: search "customer 77"', { ...base, viewer: teamViewer, view: 'all', q: 'customer 77' }],
  ];
  console.log(`tickets:list over ${N} tickets (plus ${N} in another workspace), ${RUNS} runs each, service level:`);
  for (const [label, o] of cases) {
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await listTickets(ctx, o);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    console.log(`  ${label.padEnd(32)} median ${ms[RUNS >> 1]!.toFixed(2)} ms  p90 ${ms[Math.floor(RUNS * 0.9)]!.toFixed(2)} ms`);
  }
  // The statement as the service builds it, under EXPLAIN ANALYZE.
  const explain = async (label: string, f: Parameters<typeof ticketListQuery>[0]) => {
    const plan = await db.rows<Record<string, string>>(sql`explain (analyze, buffers) ${ticketListQuery(f)}`);
    console.log(`\nEXPLAIN ANALYZE: ${label}`);
    for (const r of plan) console.log('  ' + Object.values(r)[0]);
  };
  const f = { workspaceId, visible: sql`true`, userId: agent, view: 'all' as const, statuses: ['open'], inboxId: null, cursor: null, limit: 51 };
  await explain('All open, first page', f);
  await explain('Mine, open, page 2 (cursor)', { ...f, view: 'mine', cursor: { updatedAt: new Date(Date.now() - 3_600_000 - 60_000 * 200), id: 'ffffffff-ffff-7fff-bfff-ffffffffffff' } });
  for (const [label, q] of searches) await explain(`Search ${label}`, { ...f, statuses: null, q });
  await explain('Team sight: all open', { ...f, visible: visibleTicketSql(teamViewer) });
  await explain('All open by time to breach, first page', { ...f, sort: 'sla' });
  await explain('All open by time to breach, in the no-SLA tail', { ...f, sort: 'sla', cursor: { dueAt: null, id: tail[0]!.id } });
  await db.close();
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
