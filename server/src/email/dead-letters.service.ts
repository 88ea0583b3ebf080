import { sql } from 'drizzle-orm';
import { DEAD_LETTER_PREVIEW_BYTES, postmarkInboundSchema, type DeadLetter, type DeadLetterDetail, type DeadLetterPage } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { toWire } from '../db/ids.js';
import { notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { decodeCursor, encodeCursor } from '../lib/cursor.js';
import { iso } from '../lib/dto.js';
import { recordAudit, type AuditActor, type AuditRequest } from '../audit/audit.service.js';
import { loadEmailInbox } from './inboxes.js';
import { storableText, type MailPeek, type ReceiveResult } from './intake.js';
import type { MailParser } from './mail-parser.js';
import { postmarkInbound, takeIn, type Inbound } from './take-in.js';

/**
 * Email dead letters of a workspace (mail an email inbox could not take in): list, read,
 * reprocess through the normal intake path, delete. Every function takes the workspace and
 * filters on it: another workspace's dead letter is NOT_FOUND.
 */

type Row = {
  id: string;
  inbox_id: string;
  inbox_name: string | null;
  reason: string;
  sender: string | null;
  subject: string | null;
  size: number;
  attempts: number;
  last_attempt_at: Date | string | null;
  received_at: Date | string;
};

const COLUMNS = sql`d.id, d.inbox_id, i.name as inbox_name, d.reason, d.sender, d.subject, octet_length(d.raw) as size, d.attempts,
  d.last_attempt_at, d.received_at`;
const FROM = sql`email_dead_letters d left join inboxes i on i.id = d.inbox_id and i.workspace_id = d.workspace_id`;

const dto = (r: Row): DeadLetter => ({
  id: toWire('deadLetter', r.id),
  inbox: r.inbox_name === null ? null : { id: toWire('inbox', r.inbox_id), name: r.inbox_name },
  reason: r.reason,
  sender: r.sender,
  subject: r.subject,
  size: Number(r.size),
  receivedAt: iso(r.received_at),
  attempts: Number(r.attempts),
  lastAttemptAt: r.last_attempt_at === null ? null : iso(r.last_attempt_at),
});

async function findRow(db: Pick<Tx, 'rows'>, workspaceId: string, id: string): Promise<Row> {
  const [r] = await db.rows<Row>(sql`select ${COLUMNS} from ${FROM} where d.id = ${id}::uuid and d.workspace_id = ${workspaceId}::uuid`);
  if (!r) throw notFound('dead letter');
  return r;
}

/** The workspace's dead letters, newest first, `limit` a page; the cursor is where the last page stopped. */
export async function listDeadLetters(ctx: Pick<ServiceContext, 'db'>, o: { workspaceId: string; cursor?: string | undefined; limit: number }): Promise<DeadLetterPage> {
  const after = o.cursor ? decodeCursor(o.cursor) : null;
  const below = after ? sql`and (d.received_at, d.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
  const rows = await ctx.db.rows<Row>(sql`select ${COLUMNS} from ${FROM} where d.workspace_id = ${o.workspaceId}::uuid ${below}
    order by d.received_at desc, d.id desc limit ${o.limit + 1}`);
  const more = rows.length > o.limit;
  const shown = more ? rows.slice(0, o.limit) : rows;
  const last = shown.at(-1);
  return { deadLetters: shown.map(dto), nextCursor: more && last ? encodeCursor({ at: new Date(last.received_at), id: last.id }) : null };
}

/** The raw bytes of a dead letter of the workspace (NOT_FOUND otherwise). */
export async function deadLetterRaw(ctx: Pick<ServiceContext, 'db'>, o: { workspaceId: string; id: string }): Promise<Buffer> {
  const [r] = await ctx.db.rows<{ raw: Buffer | Uint8Array }>(sql`select raw from email_dead_letters where id = ${o.id}::uuid and workspace_id = ${o.workspaceId}::uuid`);
  if (!r) throw notFound('dead letter');
  return Buffer.from(r.raw);
}

/** A dead letter with the first DEAD_LETTER_PREVIEW_BYTES of its raw mail as text (UTF-8, invalid bytes replaced). */
export async function getDeadLetter(ctx: Pick<ServiceContext, 'db'>, o: { workspaceId: string; id: string }): Promise<DeadLetterDetail> {
  const r = await findRow(ctx.db, o.workspaceId, o.id);
  const [head] = await ctx.db.rows<{ head: Buffer | Uint8Array }>(sql`select substring(raw from 1 for ${DEAD_LETTER_PREVIEW_BYTES}::int) as head
    from email_dead_letters where id = ${o.id}::uuid and workspace_id = ${o.workspaceId}::uuid`);
  const bytes = Buffer.from(head?.head ?? new Uint8Array());
  return { ...dto(r), rawText: new TextDecoder('utf-8', { fatal: false }).decode(bytes), truncated: Number(r.size) > bytes.length };
}

/**
 * The stored bytes as the webhook received them: raw MIME, or a Postmark JSON body (Postmark
 * without RawEmail is kept as its JSON), recognised by its shape.
 */
export function inboundOf(raw: Buffer, envelopeRecipients: string[]): Inbound {
  if (raw[0] === 0x7b /* { */) {
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      json = undefined;
    }
    if (json !== undefined && postmarkInboundSchema.safeParse(json).success) {
      const p = postmarkInbound(json, raw);
      return { ...p, extraRecipients: [...p.extraRecipients, ...envelopeRecipients] };
    }
  }
  return { raw, extraRecipients: envelopeRecipients };
}

/** What the audit log keeps of a dead letter. */
const summary = (r: Pick<Row, 'sender' | 'subject' | 'reason'>) => ({ sender: r.sender, subject: r.subject, reason: r.reason });

/**
 * Takes a dead letter in again through the normal intake path (`takeIn`: parsed on the
 * worker threads, then `receiveMail`), as if the webhook had just received it. Taken in (a
 * new message, one already there, a report on its ticket): the dead letter is deleted. Refused
 * again: it stays, with the new reason, one more attempt and its time. Either way the attempt
 * is audited (`dead_letter.reprocessed`, the outcome in the diff). A transient storage failure
 * is thrown (503-like: the dead letter is unchanged, try again).
 */
export async function reprocessDeadLetter(
  ctx: ServiceContext,
  parser: MailParser,
  o: { workspaceId: string; id: string; actor: AuditActor; request?: AuditRequest },
): Promise<{ result: ReceiveResult; deadLetter: DeadLetter | null }> {
  const [row] = await ctx.db.rows<{ inbox_id: string; raw: Buffer | Uint8Array; envelope_recipients: string[]; reason: string; sender: string | null; subject: string | null }>(sql`
    select inbox_id, raw, envelope_recipients, reason, sender, subject from email_dead_letters where id = ${o.id}::uuid and workspace_id = ${o.workspaceId}::uuid`);
  if (!row) throw notFound('dead letter');
  const audit = (tx: Tx, result: ReceiveResult, at: Date) =>
    recordAudit(tx, {
      workspaceId: o.workspaceId, actor: o.actor, action: 'dead_letter.reprocessed', object: { type: 'deadLetter', id: o.id },
      before: { reason: row.reason }, after: outcome(result), request: o.request, at,
    });
  let kept: DeadLetter | null = null;
  const refuse = async (reason: string, peek: MailPeek | null): Promise<ReceiveResult> => {
    const why = storableText(reason, 1000)!;
    const result: ReceiveResult = { result: 'dead_letter', reason: why };
    const at = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      const [left] = await tx.rows(sql`update email_dead_letters set reason = ${why}, sender = coalesce(${storableText(peek?.sender, 320)}, sender),
          subject = coalesce(${storableText(peek?.subject, 500)}, subject), attempts = attempts + 1, last_attempt_at = ${at}::timestamptz
        where id = ${o.id}::uuid and workspace_id = ${o.workspaceId}::uuid returning id`);
      // Taken in by a concurrent reprocess meanwhile: nothing left to keep.
      if (!left) throw notFound('dead letter');
      await audit(tx, result, at);
      kept = dto(await findRow(tx, o.workspaceId, o.id));
    });
    return result;
  };
  // crosses workspaces: loadEmailInbox reads an inbox by its id alone (the webhook's loader); it
  // must still be an email inbox of this workspace, checked just below.
  const inbox = await loadEmailInbox(ctx.db, row.inbox_id);
  if (!inbox || inbox.workspaceId !== o.workspaceId) {
    const result = await refuse('the inbox that received it no longer exists (or is no longer an email inbox)', null);
    return { result, deadLetter: kept };
  }
  const result = await takeIn(ctx, parser, inbox, inboundOf(Buffer.from(row.raw), row.envelope_recipients ?? []), refuse);
  if (result.result === 'dead_letter') return { result, deadLetter: kept };
  const at = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [gone] = await tx.rows(sql`delete from email_dead_letters where id = ${o.id}::uuid and workspace_id = ${o.workspaceId}::uuid returning id`);
    // A concurrent reprocess that took it in first has deleted and audited it.
    if (gone) await audit(tx, result, at);
  });
  return { result, deadLetter: null };
}

/** What a reprocess did, for the audit log (wire ids). */
function outcome(r: ReceiveResult): Record<string, unknown> {
  switch (r.result) {
    case 'created':
    case 'duplicate':
      return { result: r.result, ticketId: toWire('ticket', r.ticketId), messageId: toWire('message', r.messageId) };
    case 'bounce':
    case 'report':
      return { result: r.result, ticketId: r.ticketId && toWire('ticket', r.ticketId) };
    case 'dead_letter':
      return { result: r.result, reason: r.reason };
  }
}

/**
 * Deletes dead letters of the workspace, all or none, in one transaction: an id that is not
 * one of its dead letters is NOT_FOUND and nothing is deleted. Each deletion is audited
 * (`dead_letter.deleted`, with its sender, subject and reason). Returns how many went.
 */
export async function deleteDeadLetters(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
  o: { workspaceId: string; ids: string[]; actor: AuditActor; request?: AuditRequest },
): Promise<number> {
  const ids = [...new Set(o.ids)];
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.rows<Pick<Row, 'id' | 'reason' | 'sender' | 'subject'>>(sql`delete from email_dead_letters
      where id = any(${`{${ids.join(',')}}`}::uuid[]) and workspace_id = ${o.workspaceId}::uuid
      returning id, reason, sender, subject`);
    if (rows.length !== ids.length) throw notFound('dead letter');
    const at = ctx.clock.now();
    for (const r of rows)
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: o.actor, action: 'dead_letter.deleted', object: { type: 'deadLetter', id: r.id }, before: summary(r), request: o.request, at });
    return rows.length;
  });
}
