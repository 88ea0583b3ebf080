/**
 * Email benchmark: `npx tsx bench/email.ts [--mails N] [--concurrency C]`.
 *
 * Starts the real server in this process on a fresh Postgres database (no Redis), creates an
 * email inbox, then (1) posts N raw MIME mails (a realistic Gmail reply with quoted text and
 * an HTML part, each a new ticket) to the webhook with C in flight and reports mails/s and
 * per-request latency (parse, thread, strip, sanitize, one transaction, 200); (2) queues one
 * agent reply per ticket and lets the outbox worker send them to a local smtp-server, and
 * reports mails/s. Everything runs on 127.0.0.1 and is dropped at the end.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../server/src/app.js';
import { testConfig } from '../server/src/config.js';
import { connectDeps } from '../server/src/deps.js';
import { permissionsOfRole } from '@support/protocol';
import { fromWire, toWire } from '../server/src/db/ids.js';
import { createAgent, createWorkspace } from '../server/src/workspaces/workspaces.service.js';
import { createEmailInbox } from '../server/src/email/inboxes.js';
import { processOutbox } from '../server/src/email/outbox.worker.js';
import { smtpMailer } from '../server/src/email/mailer.js';
import { sendAgentMessage } from '../server/src/tickets/tickets.read.js';
import { AppendBatcher } from '../server/src/messages/append-batcher.js';
import { fmt, pct, sorted } from './lib/stats.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MAILS = arg('mails', 1000);
const CONCURRENCY = arg('concurrency', 16);
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

const admin = postgres(ADMIN, { max: 1, onnotice: () => {} });
const dbName = `sd_bench_email_${Date.now()}`;
await admin.unsafe(`create database ${dbName}`);
const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false, onData: (s, _x, cb) => s.on('end', () => cb()).resume() });
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
try {
  const config = testConfig({ DATABASE_URL: ADMIN.replace(/\/postgres$/, `/${dbName}`), DB_POOL_MAX: 10 });
  const deps = await connectDeps(config, { logger: pino({ level: 'silent' }) });
  const app = await createApp(deps);
  const port = await app.listen(0, '127.0.0.1');
  const ws = await createWorkspace(deps.db, { name: 'bench' });
  const inboxId = await createEmailInbox(deps.db, { workspaceId: ws, name: 'Support', email: { address: 'support@bench.test' }, basicUser: 'u', basicPassword: 'p' });
  const agentId = await createAgent(deps.db, { workspaceId: ws, email: `bench-${Date.now()}@bench.test`, name: 'Agent', password: 'password123' });
  const template = readFileSync(new URL('../test/email/fixtures/gmail.eml', import.meta.url), 'utf8')
    .replaceAll('{{REPLY_TO}}', 'support@bench.test').replaceAll('{{IN_REPLY_TO}}', '<none@x>').replaceAll('{{REFERENCES}}', '<none@x>').replaceAll('{{NUMBER}}', '1');
  const url = `http://127.0.0.1:${port}/webhooks/email/${toWire('inbox', inboxId)}`;
  const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;

  const lat = new Float64Array(MAILS);
  const tickets: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < MAILS; i = next++) {
        const body = template.replace('gmail-reply@', `bench-${i}@`).replace('jane.customer@', `jane${i}@`);
        const s = performance.now();
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: auth }, body });
        const j = (await r.json()) as { data: { result: string; ticketId: string } };
        if (j.data.result !== 'created') throw new Error(`unexpected ${JSON.stringify(j)}`);
        lat[i] = performance.now() - s;
        tickets.push(fromWire('ticket', j.data.ticketId));
      }
    }),
  );
  const inSec = (performance.now() - t0) / 1000;
  const asc = sorted(lat);
  process.stdout.write(`inbound: ${MAILS} mails, ${CONCURRENCY} in flight: ${fmt(MAILS / inSec)} mails/s; latency p50 ${fmt(pct(asc, 50))} ms, p95 ${fmt(pct(asc, 95))} ms, p99 ${fmt(pct(asc, 99))} ms\n`);

  const ctx = { ...deps, writes: new AppendBatcher(deps.db, config.DB_POOL_MAX) };
  const agent = { userId: agentId, workspaceId: ws, name: 'Agent', email: 'a@b', role: 'agent' as const, roleId: null, permissions: permissionsOfRole('agent'), sessionId: '', expiresAt: '' };
  const q0 = performance.now();
  for (let i = 0; i < tickets.length; i += CONCURRENCY)
    await Promise.all(tickets.slice(i, i + CONCURRENCY).map((t, k) => sendAgentMessage(ctx, { workspaceId: ws, ticketId: t, agent, body: `Reply ${i + k}`, clientMessageId: `b-${i + k}`, visibility: 'public' })));
  const queueSec = (performance.now() - q0) / 1000;
  const mailer = smtpMailer(`smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`);
  const s0 = performance.now();
  let sent = 0;
  for (;;) {
    const round = await processOutbox(ctx, mailer, { limit: 50 });
    if (!round.sent && !round.queued && !round.failed) break;
    sent += round.sent;
  }
  const sendSec = (performance.now() - s0) / 1000;
  mailer.close();
  process.stdout.write(`outbound: ${tickets.length} agent replies queued at ${fmt(tickets.length / queueSec)} replies/s (${CONCURRENCY} in flight); one worker sent ${sent} over SMTP at ${fmt(sent / sendSec)} mails/s\n`);
  await app.close();
} finally {
  await new Promise<void>((r) => smtp.close(() => r()));
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
