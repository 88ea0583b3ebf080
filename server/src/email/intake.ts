import { sql } from 'drizzle-orm';
import { codeOf } from '../db/errors.js';
import type { Db, Tx } from '../db/client.js';
import { newId, toWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import type { EmailInbox } from './inboxes.js';

/** What the webhook answers for one inbound mail (ids are uuids here; the route puts them on the wire). */
export type ReceiveResult =
  | { result: 'created'; messageId: string; ticketId: string; newTicket: boolean }
  | { result: 'duplicate'; messageId: string; ticketId: string }
  | { result: 'bounce'; ticketId: string | null }
  | { result: 'report'; ticketId: string | null }
  | { result: 'dead_letter'; reason: string };

/**
 * A provider's one-time replay token (Mailgun's `token`), written in the same transaction as
 * whatever the mail became, so a mail whose write fails leaves the token unused and the
 * provider's retry is accepted.
 */
export type ReplayToken = { inboxId: string; token: string; at: Date };

/** Records `t` (no-op for null); a token already recorded is a replay: 401, and the caller's transaction rolls back. */
export async function claimReplayToken(tx: Db | Tx, t: ReplayToken | null | undefined): Promise<void> {
  if (!t) return;
  const fresh = await tx.rows(sql`insert into email_webhook_tokens (inbox_id, token, seen_at)
    values (${t.inboxId}::uuid, ${t.token}, ${t.at}::timestamptz) on conflict do nothing returning token`);
  if (!fresh.length) throw new AppError('UNAUTHENTICATED', 'mailgun signature: replayed token');
}

/** Whether `t` was recorded already (checked before parsing, so a replay costs no parse). */
export async function replayTokenSeen(db: Db, t: ReplayToken): Promise<boolean> {
  const [r] = await db.rows(sql`select 1 from email_webhook_tokens where inbox_id = ${t.inboxId}::uuid and token = ${t.token}`);
  return Boolean(r);
}

/** One element of a Postgres text[] literal: quoted, with `"` and `\\` escaped. */
export const pgArrayItem = (v: string) => `"${v.replace(/["\\]/g, '\\$&')}"`;
/** A Postgres text[] literal of `items` (pass it as a parameter cast to `text[]`). */
export const pgTextArray = (items: string[]) => `{${items.map(pgArrayItem).join(',')}}`;

/** What could be read of a mail kept as a dead letter: its From address and Subject (null when unreadable). */
export type MailPeek = { sender: string | null; subject: string | null };

/** What a dead letter keeps: the raw bytes, what could be read of them, the recipients the provider gave beside them. */
export type KeptMail = { raw: Buffer; peek?: MailPeek | undefined; envelopeRecipients?: string[] | undefined };

/** Text a dead letter's reason, sender or subject may hold: no NUL (Postgres refuses it), at most `max` characters. */
export const storableText = (s: string | null | undefined, max: number): string | null => (s == null ? null : s.replace(/\0/g, '').slice(0, max));

/**
 * Stores mail we cannot take in: its raw bytes, the reason, its sender and subject as far as
 * they could be read, with the replay token in the same transaction. The webhook still
 * answers 200 so the provider does not retry it forever.
 */
export async function deadLetter(ctx: ServiceContext, inbox: EmailInbox, kept: KeptMail, reason: string, replay?: ReplayToken | null): Promise<ReceiveResult> {
  const why = storableText(reason, 1000)!;
  const recipients = pgTextArray((kept.envelopeRecipients ?? []).slice(0, 50).map((r) => storableText(r, 320)!));
  await ctx.db.transaction(async (tx) => {
    await claimReplayToken(tx, replay);
    await tx.rows(sql`insert into email_dead_letters (id, workspace_id, inbox_id, reason, raw, sender, subject, envelope_recipients, received_at)
      values (${newId()}::uuid, ${inbox.workspaceId}::uuid, ${inbox.id}::uuid, ${why}, ${kept.raw}::bytea, ${storableText(kept.peek?.sender, 320)},
              ${storableText(kept.peek?.subject, 500)}, ${recipients}::text[], ${ctx.clock.now()}::timestamptz)`);
  });
  ctx.logger.warn({ inbox: toWire('inbox', inbox.id), reason: why }, 'inbound email dead-lettered');
  return { result: 'dead_letter', reason: why };
}

export { isUniqueViolation } from '../db/errors.js';

/**
 * Errors worth the provider's retry (answered 5xx, nothing kept): a serialization failure or
 * deadlock, a server shutting down or out of connections, a lost connection. Anything else
 * a mail's write throws is about this mail, and it is dead-lettered instead.
 */
export function isTransientStorageError(err: unknown): boolean {
  const code = codeOf(err);
  if (!code) return false;
  return (
    ['40001', '40P01', '55P03', '53300', '57P01', '57P02', '57P03'].includes(code) ||
    code.startsWith('08') ||
    /^(ECONN|EPIPE|ETIMEDOUT|CONNECTION_|CONNECT_TIMEOUT)/.test(code)
  );
}

/** The database's own message for `err` (drizzle's wrapper also carries the query and its parameters: the mail itself). */
export function storageErrorText(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown } } | null;
  const message = e?.cause?.message ?? e?.message ?? String(err);
  const code = codeOf(err);
  return `${String(message)}${code ? ` (${code})` : ''}`;
}
