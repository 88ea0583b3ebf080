import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import PostalMime, { type Email } from 'postal-mime';
import pino from 'pino';
import { createHmac } from 'node:crypto';
import { toWire } from '../../server/src/db/ids.js';
import type { Db } from '../../server/src/db/client.js';
import type { Clock } from '../../server/src/lib/clock.js';
import { createEmailInbox } from '../../server/src/email/inboxes.js';
import { connect, login, seedWorkspace, startNode, type Node } from './harness.js';

export const FIXTURES = new URL('../email/fixtures/', import.meta.url);

/** A fixture's text with its {{PLACEHOLDERS}} filled in. */
export function fixture(name: string, vars: Record<string, string> = {}): Buffer {
  let text = readFileSync(new URL(name, FIXTURES), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{{${k}}}`, v);
  return Buffer.from(text, 'utf8');
}

export type EmailInboxFixture = { inboxId: string; inbox: string; address: string; user: string; password: string; mailgunKey: string };

/** An email inbox in `workspaceId` with fresh Basic-auth credentials and Mailgun key. */
export async function seedEmailInbox(db: Db, workspaceId: string, address = `support-${randomUUID().slice(0, 8)}@acme.test`): Promise<EmailInboxFixture> {
  const user = 'hook';
  const password = randomBytes(12).toString('hex');
  const mailgunKey = `key-${randomBytes(16).toString('hex')}`;
  const inboxId = await createEmailInbox(db, {
    workspaceId, name: `Acme Support ${address}`, email: { address, fromName: 'Acme Support' }, basicUser: user, basicPassword: password, mailgunSigningKey: mailgunKey,
  });
  return { inboxId, inbox: toWire('inbox', inboxId), address, user, password, mailgunKey };
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** POSTs raw MIME to the webhook with the inbox's Basic auth (or `auth`). */
export async function postRaw(node: Node, ib: EmailInboxFixture, raw: Buffer | string, auth: string | null = basic(ib.user, ib.password)) {
  const r = await fetch(`${node.url}/webhooks/email/${ib.inbox}`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', ...(auth ? { authorization: auth } : {}) },
    body: typeof raw === 'string' ? raw : new Uint8Array(raw),
  });
  return { status: r.status, body: (await r.json()) as any };
}

/** A Mailgun form for `raw`, signed with `key` at `timestamp` (seconds). */
export function mailgunForm(raw: Buffer, key: string, o: { timestamp?: number; token?: string; signature?: string } = {}): FormData {
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const token = o.token ?? randomBytes(25).toString('hex');
  const form = new FormData();
  form.set('timestamp', timestamp);
  form.set('token', token);
  form.set('signature', o.signature ?? createHmac('sha256', key).update(timestamp + token).digest('hex'));
  form.set('body-mime', raw.toString('utf8'));
  return form;
}

export type Received = { envelope: { from: string; to: string[] }; raw: Buffer; mail: Email };

/** A real SMTP server (smtp-server) on port 0 that keeps what it receives; `reject` makes it refuse the next N mails. */
export async function smtpSink() {
  const received: Received[] = [];
  let rejectNext = 0;
  let rejectCode = 451;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    // Pooled client connections stay open; do not wait for them when the test closes the sink.
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (rejectNext > 0) {
          rejectNext--;
          const err = Object.assign(new Error(rejectCode >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: rejectCode });
          return callback(err);
        }
        const raw = Buffer.concat(chunks);
        const env = session.envelope;
        received.push({
          envelope: { from: (env.mailFrom as SMTPServerAddress | false) ? (env.mailFrom as SMTPServerAddress).address : '', to: env.rcptTo.map((a) => a.address) },
          raw,
          mail: await PostalMime.parse(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Refuse the next `n` mails with SMTP `code` (451: temporary, 550: permanent). */
    reject(n: number, code = 451) {
      rejectNext = n;
      rejectCode = code;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A clock tests move by hand. */
export function manualClock(start = new Date()): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

/** What the outbox worker needs, from a running node, with the test's own clock. */
export function workerCtx(node: Node, clock: Clock = node.deps.clock) {
  return { db: node.deps.db, bus: node.deps.bus, logger: pino({ level: 'silent' }), config: node.deps.config, clock };
}

/** Waits until the async `fn` resolves truthy (polls every 10 ms, fails after `ms`). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A node (Postgres) with a workspace, an email inbox in it and an agent's socket: where email test files start. */
export async function startEmailNode(o: Parameters<typeof startNode>[1] = {}) {
  const node = await startNode('postgres', o);
  const fx = await seedWorkspace(node.deps.db);
  const ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
  const agent = await connect(node.url, '/agent', { token: await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password) });
  return { node, fx, ib, agent };
}
