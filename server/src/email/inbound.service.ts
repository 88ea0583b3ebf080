import { sql } from 'drizzle-orm';
import { decodeId, LIMITS, type EmailMeta, type IdKind } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { newId, toWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { appendMessage, publishMessageCreated, republishMessage, type AppendResult } from '../messages/messages.service.js';
import { openChatTicket, type OpenedTicket } from '../tickets/tickets.service.js';
import { attachmentRef, blobStoreOf, discardUnstored, insertAttachments, storeFiles } from '../attachments/attachments.service.js';
import type { MachineReport } from './reports.js';
import { deliveryOf, publishDelivery, writeDelivery, type DeliveryChange } from './delivery.js';
import type { EmailInbox } from './inboxes.js';
import type { InboundMail } from './mime.js';
import { verifyReplyToken, tokensIn } from './reply-token.js';
import { claimReplayToken, deadLetter, isUniqueViolation, pgArrayItem, type MailPeek, type ReceiveResult, type ReplayToken } from './intake.js';
import { visibleOf, type Visible } from './visible.js';

export { visibleParts } from './visible.js';

/**
 * Threads inbound mail onto a ticket of the inbox's workspace: first a signed reply token
 * in a recipient (`reply+<token>@…`; a forged or other-workspace token is ignored), then
 * In-Reply-To and the References chain (newest first) against Message-IDs we sent or
 * received in this workspace. Null: a new ticket.
 */
export async function threadTicket(db: Tx, inbox: EmailInbox, mail: Pick<InboundMail, 'recipients' | 'inReplyTo' | 'references'>): Promise<string | null> {
  for (const token of tokensIn(mail.recipients)) {
    const ticketId = verifyReplyToken(inbox.secret, inbox.workspaceId, token);
    if (!ticketId) continue;
    const [t] = await db.rows(sql`select id from tickets where id = ${ticketId}::uuid and workspace_id = ${inbox.workspaceId}::uuid`);
    if (t) return ticketId;
  }
  const ids = [...new Set([mail.inReplyTo, ...[...mail.references].reverse()].filter((v): v is string => Boolean(v)))].slice(0, 60);
  if (!ids.length) return null;
  const [r] = await db.rows<{ ticket_id: string }>(sql`select ticket_id from email_messages
    where workspace_id = ${inbox.workspaceId}::uuid and rfc_message_id = any(${`{${ids.map(pgArrayItem).join(',')}}`}::text[])
    order by array_position(${`{${ids.map(pgArrayItem).join(',')}}`}::text[], rfc_message_id) limit 1`);
  return r?.ticket_id ?? null;
}


/**
 * The author of inbound mail. On a threaded ticket whose requester has this address, the
 * requester. Otherwise the workspace's contact with this address that came from email (a
 * widget visitor's address is typed by the visitor, unverified, so mail never joins such a
 * contact by address alone), else a new contact.
 */
async function authorOf(tx: Tx, ws: string, ticketId: string | null, from: { name: string | null; address: string }, now: Date): Promise<{ id: string; name: string | null }> {
  if (ticketId) {
    const [r] = await tx.rows<{ id: string; name: string | null }>(sql`select ct.id, ct.name from tickets t join contacts ct on ct.id = t.requester_id
      where t.id = ${ticketId}::uuid and lower(ct.email) = ${from.address}`);
    if (r) return r;
  }
  // Two mails from a new sender at once create one contact.
  await tx.rows(sql`select pg_advisory_xact_lock(hashtext(${`contact:${ws}:${from.address}`}))`);
  const [c] = await tx.rows<{ id: string; name: string | null }>(sql`select c.id, c.name from contacts c
    where c.workspace_id = ${ws}::uuid and lower(c.email) = ${from.address}
      and not exists (select 1 from visitor_sessions vs where vs.contact_id = c.id)
    order by c.created_at limit 1`);
  if (c) return c;
  const id = newId();
  await tx.rows(sql`insert into contacts (id, workspace_id, name, email, created_at, updated_at)
    values (${id}::uuid, ${ws}::uuid, ${from.name}, ${from.address}, ${now}::timestamptz, ${now}::timestamptz)`);
  return { id, name: from.name };
}

/** Keeps a mail that cannot be taken in, for this reason (a new dead letter, or the one being reprocessed), and says so. */
export type KeepMail = (reason: string) => Promise<ReceiveResult>;

/** What a dead letter shows of a parsed mail. */
export const peekOf = (mail: Pick<InboundMail, 'from' | 'subject'>): MailPeek => ({ sender: mail.from?.address || null, subject: mail.subject || null });

/**
 * Takes one inbound mail into the inbox's workspace. Idempotent by Message-ID (per
 * workspace). Bounces become an internal system note on the ticket they refer to (and mark
 * our outbound mail failed), never a customer message. Everything else is written like a
 * chat message: one transaction (contact, ticket or append, email row, attachments), events
 * after commit. A mail it refuses (a loop, a report about no mail of ours) goes to
 * `opts.deadLetter` (default: a new dead letter).
 */
export async function receiveMail(
  ctx: ServiceContext,
  inbox: EmailInbox,
  mail: InboundMail,
  raw: Buffer | null,
  opts: { replay?: ReplayToken | null; visible?: Visible | null; deadLetter?: KeepMail } = {},
): Promise<ReceiveResult> {
  const ws = inbox.workspaceId;
  const replay = opts.replay ?? null;
  const refuse: KeepMail = opts.deadLetter ?? ((reason) => deadLetter(ctx, inbox, { raw: raw ?? Buffer.from(mail.text), peek: peekOf(mail) }, reason, replay));
  const kind = mail.kind;
  const known = await findEmail(ctx, ws, mail.messageId);
  if (known) return duplicateOf(ctx, ws, known, replay);
  // Reports first: they often come from no sender (`MAILER-DAEMON <>`), or from our own domain.
  if (kind.report) return receiveReport(ctx, inbox, mail, kind.report, raw, replay, refuse);
  // Our own address as the sender: a forwarding loop, never a customer.
  if (mail.from?.address === inbox.email.address.toLowerCase()) return refuse('mail from the inbox address itself (loop)');

  const keep = mail.attachments.filter((a) => a.content.length <= ctx.config.ATTACHMENT_MAX_BYTES);
  if (keep.length < mail.attachments.length)
    ctx.logger.warn({ inbox: toWire('inbox', inbox.id), dropped: mail.attachments.length - keep.length }, 'inbound attachments over the size limit dropped');
  const blobs = blobStoreOf(ctx.config);
  const files = await storeFiles(blobs, keep, ctx.config.ATTACHMENT_MAX_BYTES);
  const v = opts.visible ?? visibleOf(mail, ctx.config.ATTACHMENT_MAX_BYTES);
  const meta: EmailMeta = {
    direction: 'in',
    messageId: mail.messageId,
    subject: mail.subject,
    from: mail.from!,
    to: mail.to,
    cc: mail.cc,
    stripped: v.stripped,
    hasOriginal: true,
    auto: kind.auto,
    delivery: null,
  };
  const now = ctx.clock.now();
  let outcome: { kind: 'append'; r: Extract<AppendResult, { kind: 'created' }> } | { kind: 'opened'; o: OpenedTicket; contactId: string };
  try {
    outcome = await ctx.db.transaction(async (tx) => {
      await claimReplayToken(tx, replay);
      const ticketId = await threadTicket(tx, inbox, mail);
      const contact = await authorOf(tx, ws, ticketId, mail.from!, now);
      const author = { type: 'contact' as const, id: contact.id, name: contact.name };
      const refs = files.map((f) => attachmentRef(f));
      const store = async (messageId: string, ticketId: string) => {
        await insertEmailRow(tx, { ws, inboxId: inbox.id, messageId, ticketId, mail, fullText: v.fullText, fullHtml: v.fullHtml, raw, now });
        await insertAttachments(tx, { workspaceId: ws, ticketId, messageId, uploader: { type: 'email', id: null }, files, now });
      };
      if (ticketId) {
        const r = await appendMessage(tx, {
          workspaceId: ws, target: { ticketId }, author, body: v.body, html: v.html, visibility: 'public',
          clientMessageId: null, now, allowClosed: false, reopen: !kind.auto, logEvent: ctx.config.EVENT_LOG_WRITES,
        });
        if (r.kind === 'created') {
          const messageId = decodeUuid(r.message.id);
          await store(messageId, ticketId);
          await tx.rows(sql`update messages set email = ${JSON.stringify(meta)}::jsonb, attachments = ${refs.length ? JSON.stringify(refs) : null}::jsonb
            where id = ${messageId}::uuid`);
          Object.assign(r.message, { email: meta, attachments: refs });
          return { kind: 'append' as const, r };
        }
      }
      // A new ticket: everything else is written first, so the workspace's ticket counter
      // (locked by openChatTicket until commit) is held for one statement only. A concurrent
      // delivery of the same Message-ID stops at the email row's unique index.
      const ids = { ticketId: newId(), messageId: newId() };
      await store(ids.messageId, ids.ticketId);
      const o = await openChatTicket(tx, {
        workspaceId: ws, inboxId: inbox.id, contactId: contact.id, author, body: v.body, html: v.html, clientMessageId: null, now,
        channel: 'email', subject: mail.subject || '(no subject)', ids, email: meta, attachments: refs.length ? refs : null, logEvent: ctx.config.EVENT_LOG_WRITES,
      });
      return { kind: 'opened' as const, o, contactId: contact.id };
    });
  } catch (err) {
    // Nothing (or, after a lost COMMIT, everything) was written: bytes without a row go.
    await discardUnstored(ctx.db, blobs, files).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not remove the attachments of a failed inbound mail'));
    if (!isUniqueViolation(err)) throw err;
    // The same Message-ID was taken in by a concurrent delivery: nothing of ours was written.
    const dup = await findEmail(ctx, ws, mail.messageId);
    if (!dup) throw err;
    return duplicateOf(ctx, ws, dup, replay);
  }
  if (outcome.kind === 'append') {
    publishMessageCreated(ctx, ws, outcome.r);
    return { result: 'created', messageId: decodeUuid(outcome.r.message.id), ticketId: decodeUuid(outcome.r.message.ticketId, 'ticket'), newTicket: false };
  }
  const o = outcome.o;
  ctx.bus.publish('ticket.created', {
    workspaceId: toWire('workspace', ws),
    ticket: o.ticket,
    message: o.message,
    conversation: o.conversation,
    contactId: toWire('contact', outcome.contactId),
  });
  return { result: 'created', messageId: decodeUuid(o.message.id), ticketId: decodeUuid(o.ticket.id, 'ticket'), newTicket: true };
}

async function findEmail(ctx: ServiceContext, ws: string, rfcId: string) {
  const [r] = await ctx.db.rows<{ message_id: string; ticket_id: string }>(sql`select message_id, ticket_id from email_messages
    where workspace_id = ${ws}::uuid and rfc_message_id = ${rfcId}`);
  return r ?? null;
}

/**
 * A mail taken in before (the provider retried a delivery, or two raced): its replay token is
 * still used up, so the same request cannot be replayed with another body, and its message is
 * announced again, as the node that stored it may have died before it
 * published (see `republishMessage`).
 */
async function duplicateOf(ctx: ServiceContext, ws: string, known: { message_id: string; ticket_id: string }, replay: ReplayToken | null): Promise<ReceiveResult> {
  await claimReplayToken(ctx.db, replay);
  await republishMessage(ctx, ws, known.message_id);
  return { result: 'duplicate', messageId: known.message_id, ticketId: known.ticket_id };
}

const decodeUuid = (wire: string, kind: IdKind = 'message') => decodeId(kind, wire)!;

export async function insertEmailRow(
  tx: Tx,
  o: { ws: string; inboxId: string; messageId: string; ticketId: string; mail: Pick<InboundMail, 'messageId' | 'inReplyTo' | 'references' | 'subject' | 'from' | 'headers'>; fullText: string; fullHtml: string | null; raw: Buffer | null; now: Date; direction?: 'in' | 'out' },
): Promise<void> {
  const refs = `{${o.mail.references.map(pgArrayItem).join(',')}}`;
  await tx.rows(sql`insert into email_messages (message_id, workspace_id, ticket_id, inbox_id, direction, rfc_message_id, in_reply_to,
      "references", subject, from_address, headers, full_text, full_html, raw, created_at)
    values (${o.messageId}::uuid, ${o.ws}::uuid, ${o.ticketId}::uuid, ${o.inboxId}::uuid, ${o.direction ?? 'in'}, ${o.mail.messageId},
            ${o.mail.inReplyTo}, ${refs}::text[], ${o.mail.subject}, ${o.mail.from?.address ?? ''}, ${JSON.stringify(o.mail.headers)}::jsonb,
            ${o.fullText}, ${o.fullHtml}, ${o.raw}::bytea, ${o.now}::timestamptz)`);
}

/** The internal note a machine report becomes, and the reason a failed delivery gets. */
export function reportNote(report: MachineReport, mail: Pick<InboundMail, 'from' | 'subject'>): { note: string; reason: string | null } {
  const sender = mail.from?.address || 'unknown sender';
  const detail = (report.type === 'bounce' ? report.diagnostic : null) ?? mail.subject;
  const to = report.type === 'bounce' ? report.recipients.map((r) => r.recipient).filter(Boolean).join(', ') : '';
  switch (report.type) {
    case 'bounce':
      if (report.outcome === 'failed') return { note: `Delivery failed (${sender}): ${detail}`, reason: `bounced: ${detail}`.slice(0, 500) };
      if (report.outcome === 'delayed') return { note: `Delivery delayed, the sending server keeps trying (${sender}): ${detail}`, reason: null };
      return { note: `Delivery report (${sender}): delivered${to ? ` to ${to}` : ''}`, reason: null };
    case 'feedback':
      return { note: `Abuse or feedback report (${report.feedbackType}) from ${sender}${report.userAgent ? `, ${report.userAgent}` : ''}`, reason: null };
    case 'receipt':
      return { note: `Read receipt from ${report.recipient ?? sender}: ${report.disposition}`, reason: null };
  }
}

/**
 * A machine report (delivery report, abuse/feedback report, read receipt): an internal
 * system note on the ticket of the original mail (found by the original's Message-ID, the
 * report's own threading headers, or a reply token), never a customer message. Only a
 * failed delivery marks our mail failed; delays, success notices, feedback reports and
 * receipts change no delivery state. A report about no mail of ours is dead-lettered.
 */
async function receiveReport(
  ctx: ServiceContext, inbox: EmailInbox, mail: InboundMail, report: MachineReport, raw: Buffer | null, replay: ReplayToken | null, refuse: KeepMail,
): Promise<ReceiveResult> {
  const ws = inbox.workspaceId;
  const now = ctx.clock.now();
  const { note, reason } = reportNote(report, mail);
  const originals = [...new Set([...mail.kind.originalIds, ...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references])];
  const out = await ctx.db.transaction(async (tx) => {
    const ticketId = await threadTicket(tx, inbox, { recipients: mail.recipients, inReplyTo: null, references: [...originals].reverse() });
    if (!ticketId) return null;
    const r = await appendMessage(tx, {
      workspaceId: ws, target: { ticketId }, author: { type: 'system', id: null, name: null },
      body: note.slice(0, LIMITS.messageBody), visibility: 'internal', clientMessageId: null, now, allowClosed: true, reopen: false, logEvent: ctx.config.EVENT_LOG_WRITES,
    });
    if (r.kind !== 'created') return null;
    await claimReplayToken(tx, replay);
    await insertEmailRow(tx, { ws, inboxId: inbox.id, messageId: decodeUuid(r.message.id), ticketId, mail, fullText: mail.text, fullHtml: null, raw, now });
    const changes: DeliveryChange[] = [];
    if (reason === null) return { r, changes };
    const ours = await tx.rows<{ message_id: string; ticket_id: string; attempts: number | null }>(sql`select e.message_id, e.ticket_id,
        (select max(o.attempts) from email_outbox o where o.message_id = e.message_id) as attempts
      from email_messages e where e.workspace_id = ${ws}::uuid and e.direction = 'out'
        and e.rfc_message_id = any(${`{${originals.map(pgArrayItem).join(',')}}`}::text[])`);
    for (const o of ours) {
      const delivery = deliveryOf({ status: 'failed', attempts: Number(o.attempts ?? 1), reason, now });
      await tx.rows(sql`update email_outbox set status = 'failed', last_error = ${reason} where message_id = ${o.message_id}::uuid`);
      const change = await writeDelivery(tx, { messageId: o.message_id, delivery });
      if (change) changes.push(change);
    }
    return { r, changes };
  });
  if (!out) return refuse(`${UNMATCHED[report.type]}: ${note}`.slice(0, 500));
  publishMessageCreated(ctx, ws, out.r);
  for (const c of out.changes) publishDelivery(ctx, c);
  return { result: report.type === 'bounce' ? 'bounce' : 'report', ticketId: decodeUuid(out.r.message.ticketId, 'ticket') };
}

const UNMATCHED: Record<MachineReport['type'], string> = {
  bounce: 'delivery report for an unknown message',
  feedback: 'feedback report for an unknown message',
  receipt: 'read receipt for an unknown message',
};
