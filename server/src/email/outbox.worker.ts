import { sql } from 'drizzle-orm';
import type { DeliveryStatus } from '@support/protocol';
import type { ServiceContext } from '../lib/context.js';
import { blobStoreOf } from '../attachments/attachments.service.js';
import { deliveryOf, publishDelivery, writeDelivery, type DeliveryChange } from './delivery.js';
import { composeMail, InboxMailers, smtpOf, type InboxSmtp, type Mailer } from './mailer.js';
import type { OutboundPayload } from './outbound.service.js';
import { dropDigest, prepareDigest } from './continuity.js';
import { runPeriodically } from '../lib/periodic.js';
import { privileged, withWorkspace } from '../db/scope.js';

/** Wait before attempt n+1 after n failures: 1 min, 5 min, 30 min, 2 h, 6 h, then 12 h. */
export const BACKOFF_MS = [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000];
/** Mails of one round sent at once. */
const SEND_CONCURRENCY = 5;
/** A claimed row whose node died mid-send is taken again after this long. */
const CLAIM_MS = 5 * 60_000;

type Ctx = Pick<ServiceContext, 'db' | 'bus' | 'clock' | 'logger' | 'config'>;

/**
 * What a failed send means: `failed` for a permanent SMTP answer (5xx) or once `attempts`
 * reached `maxAttempts`, else `queued` again at `next` (BACKOFF_MS). `error` is the message, clipped.
 */
export function sendFailure(err: unknown, attempts: number, maxAttempts: number, now: Date): { status: 'failed' | 'queued'; error: string; next: Date | null } {
  const error = (err as Error).message.slice(0, 500);
  const permanent = Number((err as { responseCode?: number }).responseCode) >= 500;
  if (permanent || attempts >= maxAttempts) return { status: 'failed', error, next: null };
  return { status: 'queued', error, next: new Date(now.getTime() + BACKOFF_MS[Math.min(attempts, BACKOFF_MS.length) - 1]!) };
}
type Claimed = { id: string; workspace_id: string; ticket_id: string; message_id: string; attempts: number; kind: 'reply' | 'digest'; payload: OutboundPayload };
export type OutboxRound = Record<DeliveryStatus, number>;

/**
 * Sends the due outbound mail: claims up to `limit` rows with FOR UPDATE SKIP LOCKED (so
 * every node may run this at once), composes each, sends it through `mailer` and records
 * the outcome (sent; queued again with backoff; failed after EMAIL_MAX_ATTEMPTS). A mail of
 * an inbox with an SMTP server of its own goes through that server (`inboxMailers`; a round
 * without them makes and closes its own), any other through `mailer`. With neither (no
 * SMTP_URL) the composed mail is stored and logged and the message says `not_sent: no SMTP
 * configured`. Publishes `message.delivery` per change, after commit. `workspaceId` limits
 * the round to one workspace (tests).
 */
export async function processOutbox(
  ctx: Ctx,
  mailer: Mailer | null,
  o: { limit?: number; workspaceId?: string; inboxMailers?: InboxMailers } = {},
): Promise<OutboxRound> {
  const inboxMailers = o.inboxMailers ?? new InboxMailers();
  try {
    // crosses workspaces: due outbound mail of every workspace, claimed by whichever node is free
    // (one workspace's when `workspaceId` is given).
    return await (o.workspaceId
      ? withWorkspace(o.workspaceId, () => round(ctx, { global: mailer, inboxes: inboxMailers }, o))
      : privileged('outbox', () => round(ctx, { global: mailer, inboxes: inboxMailers }, o)));
  } finally {
    if (!o.inboxMailers) inboxMailers.close();
  }
}

type Mailers = { global: Mailer | null; inboxes: InboxMailers };

async function round(ctx: Ctx, mailers: Mailers, o: { limit?: number; workspaceId?: string }): Promise<OutboxRound> {
  const now = ctx.clock.now();
  const scope = o.workspaceId ? sql`and workspace_id = ${o.workspaceId}::uuid` : sql``;
  const claimed = await ctx.db.rows<Claimed>(sql`update email_outbox o
    set status = 'sending', attempts = o.attempts + 1, locked_until = ${new Date(now.getTime() + CLAIM_MS)}::timestamptz
    where o.id in (select id from email_outbox
                   where ((status = 'queued' and next_attempt_at <= ${now}::timestamptz)
                      or (status = 'sending' and locked_until <= ${now}::timestamptz)) ${scope}
                   order by next_attempt_at limit ${o.limit ?? 20}::int for update skip locked)
    returning o.id, o.workspace_id, o.ticket_id, o.message_id, o.attempts, o.kind, o.payload`);
  const done: OutboxRound = { queued: 0, sending: 0, sent: 0, failed: 0, not_sent: 0 };
  // A few mails at once: SMTP round trips dominate, and the pooled transport reuses connections.
  let nextRow = 0;
  const lane = async () => {
    for (let i = nextRow++; i < claimed.length; i = nextRow++) done[await claimedRow(ctx, mailers, claimed[i]!, now)]++;
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, claimed.length) }, lane));
  return done;
}

async function claimedRow(ctx: Ctx, mailers: Mailers, row: Claimed, now: Date): Promise<DeliveryStatus> {
  let messageIds = [row.message_id];
  if (row.kind === 'digest') {
    const digest = await prepareDigest(ctx.db, row, now);
    if (!digest) {
      await dropDigest(ctx.db, row.id);
      return 'not_sent';
    }
    row.payload = digest;
    messageIds = digest.messageIds;
  }
  return deliver(ctx, mailers, row, messageIds);
}

/**
 * The mailer of the inbox a mail is sent from (the inbox of its email row: the ticket's email
 * inbox, or the one a chat digest goes out of) when that inbox has an SMTP server of its
 * own, else the global one.
 */
async function mailerOf(ctx: Ctx, mailers: Mailers, row: Claimed, messageId: string): Promise<Mailer | null> {
  const [s] = await ctx.db.rows<{ inbox_id: string; smtp_host: string; smtp_port: number; smtp_user: string | null; smtp_password: string | null; smtp_tls: InboxSmtp['tls'] | null; version: Date }>(sql`
    select s.inbox_id, s.smtp_host, s.smtp_port, s.smtp_user, s.smtp_password, s.smtp_tls, i.updated_at as version
    from email_messages e join email_inbox_secrets s on s.inbox_id = e.inbox_id join inboxes i on i.id = s.inbox_id
    where e.message_id = ${messageId}::uuid and e.workspace_id = ${row.workspace_id}::uuid and s.smtp_host is not null`);
  if (!s) return mailers.global;
  return mailers.inboxes.get(s.inbox_id, new Date(s.version).toISOString(), smtpOf(s));
}

async function deliver(ctx: Ctx, mailers: Mailers, row: Claimed, messageIds: string[]): Promise<DeliveryStatus> {
  const p = row.payload;
  let raw: Buffer | null = null;
  let status: DeliveryStatus;
  let error: string | null = null;
  let nextAttemptAt: Date | null = null;
  try {
    raw = await composeMail(p, await loadFiles(ctx, row.workspace_id, p.attachmentIds));
    const mailer = await mailerOf(ctx, mailers, row, messageIds[messageIds.length - 1]!);
    if (!mailer) {
      status = 'not_sent';
      error = 'no SMTP configured';
      ctx.logger.info({ to: p.to.address, subject: p.subject, messageId: p.messageId, bytes: raw.length }, 'outgoing mail recorded, not sent: no SMTP configured');
    } else {
      await mailer.send({ from: p.from.address, to: [p.to.address] }, raw);
      status = 'sent';
    }
  } catch (err) {
    ({ status, error, next: nextAttemptAt } = sendFailure(err, row.attempts, ctx.config.EMAIL_MAX_ATTEMPTS, ctx.clock.now()));
    ctx.logger.warn({ err: error, to: p.to.address, attempts: row.attempts, status }, 'outgoing mail failed');
  }
  const now = ctx.clock.now();
  const delivery = deliveryOf({ status, attempts: row.attempts, reason: error, nextAttemptAt, now });
  const changes = await ctx.db.transaction(async (tx) => {
    await tx.rows(sql`update email_outbox set status = ${status}, last_error = ${error}, locked_until = null,
        next_attempt_at = coalesce(${nextAttemptAt}::timestamptz, next_attempt_at),
        sent_at = case when ${status} = 'sent' then ${now}::timestamptz else sent_at end
      where id = ${row.id}::uuid`);
    if (raw) await tx.rows(sql`update email_messages set raw = ${raw}::bytea where message_id = ${row.message_id}::uuid`);
    const out: DeliveryChange[] = [];
    for (const messageId of messageIds) {
      const change = await writeDelivery(tx, { messageId, delivery });
      if (change) out.push(change);
    }
    return out;
  });
  for (const c of changes) publishDelivery(ctx, c);
  return status;
}

async function loadFiles(ctx: Ctx, ws: string, ids: string[]) {
  if (!ids.length) return [];
  const rows = await ctx.db.rows<{ filename: string; content_type: string; storage_key: string }>(sql`select filename, content_type, storage_key
    from attachments where workspace_id = ${ws}::uuid and id = any(${`{${ids.join(',')}}`}::uuid[]) order by created_at, id`);
  const store = blobStoreOf(ctx.config);
  return Promise.all(rows.map(async (r) => ({ filename: r.filename, contentType: r.content_type, content: await store.get(r.storage_key) })));
}

/**
 * Runs the outbox every `intervalMs` (jittered) until stopped. Safe on every node at once.
 * Returns the stop function (which also closes the mailer).
 */
export function startEmailWorker(ctx: Ctx, mailer: Mailer | null, intervalMs: number): () => void {
  const inboxMailers = new InboxMailers();
  const stop = runPeriodically('email worker', intervalMs, ctx.logger, async () => {
    await processOutbox(ctx, mailer, { inboxMailers });
  });
  return () => {
    stop();
    mailer?.close();
    inboxMailers.close();
  };
}
