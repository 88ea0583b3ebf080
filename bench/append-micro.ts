/**
 * Micro-benchmark of the message write path alone (no sockets): `npx tsx bench/append-micro.ts`.
 * Appends N messages across C conversations with P concurrent writers, straight through
 * appendMessage (one transaction each) or, with BATCHER=1, through the group-commit
 * AppendBatcher over a pool of 10 (CONC=n batches in flight, default 10); prints messages/s and
 * Postgres CPU per message. EVENT_LOG=on|off|both (default on): whether each append also writes
 * its durable event; with both, rounds alternate off, on three times (N messages each).
 * INTERLEAVE=1: one writer, appends alternating log on and off, latency percentiles of each.
 */
import postgres from 'postgres';
import { randomUUID } from 'node:crypto';
import { connectPostgres } from '../server/src/db/client.js';
import { migrate } from '../server/src/db/migrate.js';
import { appendMessage } from '../server/src/messages/messages.service.js';
import { AppendBatcher } from '../server/src/messages/append-batcher.js';
import { openChatTicket } from '../server/src/tickets/tickets.service.js';
import { createInbox, createWorkspace } from '../server/src/workspaces/workspaces.service.js';
import { newId } from '../server/src/db/ids.js';
import { sql } from 'drizzle-orm';
import { procCpuSeconds } from './lib/stats.js';

const N = Number(process.env.N ?? 20000);
const C = Number(process.env.C ?? 1000);
const P = Number(process.env.P ?? 10);
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
const name = `micro_${Date.now()}`;
await admin.unsafe(`create database ${name}`);
try {
  const db = await connectPostgres(`postgres://postgres@127.0.0.1:5432/${name}`, { max: 10 });
  const batcher = process.env.BATCHER ? new AppendBatcher(db, Number(process.env.CONC ?? 10)) : null;
  await migrate(db);
  const ws = await createWorkspace(db, { name: 'w' });
  const inbox = await createInbox(db, { workspaceId: ws, name: 'i', channel: 'chat' });
  const convs: { conv: string; contact: string }[] = [];
  for (let i = 0; i < C; i++) {
    const contact = newId();
    await db.rows(sql`insert into contacts (id, workspace_id) values (${contact}::uuid, ${ws}::uuid)`);
    const o = await db.transaction((tx) =>
      openChatTicket(tx, { workspaceId: ws, inboxId: inbox, contactId: contact, author: { type: 'contact', id: contact, name: null }, body: 'hi', clientMessageId: randomUUID(), now: new Date() }),
    );
    convs.push({ conv: (await db.rows<{ id: string }>(sql`select id from conversations where ticket_id = (select id from tickets order by created_at desc limit 1)`))[0]!.id, contact });
    void o;
  }
  if (process.env.INTERLEAVE) {
    // One writer, appends alternating log on / off: both modes see the same machine noise, so
    // the difference of their latencies is what the event row adds to the statement.
    const lat: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let i = 0; i < N; i++) {
      const c = convs[i % C]!;
      const logEvent = i % 2 === 0;
      const t = performance.now();
      await appendMessage(db, {
        workspaceId: ws, target: { conversationId: c.conv }, author: { type: 'contact', id: c.contact, name: null },
        body: `message ${i}`, visibility: 'public', clientMessageId: randomUUID(), now: new Date(), allowClosed: false, reopen: true, logEvent,
      });
      lat[logEvent ? 'on' : 'off'].push(performance.now() - t);
    }
    const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!.toFixed(3);
    for (const m of ['off', 'on'] as const) console.log(`event log ${m.padEnd(3)}: ${lat[m].length} single appends interleaved, latency ms p50 ${q(lat[m], 0.5)} p90 ${q(lat[m], 0.9)} p99 ${q(lat[m], 0.99)}`);
  }
  const mode = process.env.EVENT_LOG ?? 'on';
  const rounds = process.env.INTERLEAVE ? [] : mode === 'both' ? [false, true, false, true, false, true] : [mode !== 'off'];
  for (const logEvent of rounds) {
    const pgCpu0 = procCpuSeconds(['postgres'])!.postgres!;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: P }, async () => {
        while (next < N) {
          const i = next++;
          const c = convs[i % C]!;
          const write = batcher ? (i: Parameters<typeof appendMessage>[1]) => batcher.append(i) : (i: Parameters<typeof appendMessage>[1]) => appendMessage(db, i);
          await write({
            workspaceId: ws, target: { conversationId: c.conv }, author: { type: 'contact', id: c.contact, name: null },
            body: `message ${i}`, visibility: 'public', clientMessageId: randomUUID(), now: new Date(), allowClosed: false, reopen: true, logEvent,
          });
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const pgCpu = procCpuSeconds(['postgres'])!.postgres! - pgCpu0;
    const cpu = process.cpuUsage(cpu0);
    console.log(`event log ${logEvent ? 'on ' : 'off'}: ${N} appends, ${C} conversations, ${P} writers${batcher ? ' through the batcher' : ''}: ${(N / secs).toFixed(0)} msg/s, postgres CPU ${((pgCpu / N) * 1000).toFixed(3)} ms/msg, node CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms/msg`);
  }
  await db.close();
} finally {
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
