import { sql } from 'drizzle-orm';
import { emailInboxSettingsSchema, type EmailAddress, type EmailDelivery, type EmailMeta, type Message } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { newId } from '../db/ids.js';
import { deliveryOf } from './delivery.js';
import { insertEmailRow } from './inbound.service.js';
import { defaultEmailInboxId, replyDomainOf } from './inboxes.js';
import { replyToken } from './reply-token.js';

/** What the outbox stores to compose a mail again on any node, after any restart. */
export type OutboundPayload = {
  from: EmailAddress;
  to: EmailAddress;
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  /** Message-ID / In-Reply-To / References, without brackets. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  attachmentIds: string[];
};

/** Text made safe inside HTML text and attribute values. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The HTML part of a plain-text reply: escaped, paragraphs and line breaks kept. */
export function textToHtml(text: string): string {
  const paras = text.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html><body>${paras.join('\n')}</body></html>`;
}

/** `Re: <subject> [#<number>]`, without piling up Re:/Fwd: prefixes or ticket tags. */
export function replySubject(subject: string, number: number): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^(re|fwd?|aw|sv|antw)\s*:\s*/i, '').replace(/\s*\[#\d+\]\s*$/, '');
    if (next === s) break;
    s = next;
  }
  return `Re: ${s || '(no subject)'} [#${number}]`;
}

type Outbound = { inboxId: string; payload: OutboundPayload; to: EmailAddress | null };

/**
 * Addresses, subject and threading headers of an email we send on a ticket: From the email
 * inbox (the ticket's, or for a chat ticket the workspace's first email inbox), To the
 * requester, Reply-To the signed reply address, In-Reply-To/References the ticket's newest
 * email. Null when there is no email inbox to send from.
 */
export async function outboundFor(
  tx: Tx,
  o: { workspaceId: string; ticketId: string; messageUuid: string; text: string; attachmentIds: string[] },
): Promise<Outbound | null> {
  const [t] = await tx.rows<{ number: number; subject: string; inbox_id: string; channel: string; email: string | null; name: string | null }>(sql`
    select t.number, t.subject, t.inbox_id, i.channel, ct.email, ct.name from tickets t
    join inboxes i on i.id = t.inbox_id join contacts ct on ct.id = t.requester_id
    where t.id = ${o.ticketId}::uuid and t.workspace_id = ${o.workspaceId}::uuid`);
  if (!t) return null;
  const inboxId = t.channel === 'email' ? t.inbox_id : await defaultEmailInboxId(tx, o.workspaceId);
  if (!inboxId) return null;
  const [inbox] = await tx.rows<{ name: string; settings: Record<string, unknown>; secret: string }>(sql`select name, settings, secret from inboxes where id = ${inboxId}::uuid`);
  const settings = emailInboxSettingsSchema.safeParse(inbox?.settings.email);
  if (!inbox || !settings.success) return null;
  const s = settings.data;
  const [prev] = await tx.rows<{ rfc_message_id: string; references: string[] }>(sql`select rfc_message_id, "references" from email_messages
    where ticket_id = ${o.ticketId}::uuid and workspace_id = ${o.workspaceId}::uuid order by created_at desc limit 1`);
  const to = t.email ? { name: t.name, address: t.email } : null;
  return {
    inboxId,
    to,
    payload: {
      from: { name: s.fromName ?? inbox.name, address: s.address },
      to: to ?? { name: null, address: '' },
      replyTo: `reply+${replyToken(inbox.secret, o.workspaceId, o.ticketId)}@${replyDomainOf(s)}`,
      subject: replySubject(t.subject, Number(t.number)),
      text: o.text,
      html: textToHtml(o.text),
      messageId: `${o.messageUuid}@${s.address.split('@')[1]}`,
      inReplyTo: prev?.rfc_message_id ?? null,
      references: prev ? [...(prev.references ?? []), prev.rfc_message_id].slice(-20) : [],
      attachmentIds: o.attachmentIds,
    },
  };
}

/** Records an email we send (our Message-ID, for threading the answer) on its message, in the caller's transaction. */
export async function recordOutbound(tx: Tx, o: { workspaceId: string; ticketId: string; messageUuid: string; out: Outbound; now: Date }): Promise<void> {
  const p = o.out.payload;
  await insertEmailRow(tx, {
    ws: o.workspaceId, inboxId: o.out.inboxId, messageId: o.messageUuid, ticketId: o.ticketId, direction: 'out', raw: null, now: o.now,
    mail: { messageId: p.messageId, inReplyTo: p.inReplyTo, references: p.references, subject: p.subject, from: p.from, headers: { from: p.from.address, to: p.to.address, subject: p.subject } },
    fullText: p.text, fullHtml: null,
  });
}

/** The `email` metadata of a message we send, with its delivery state. */
export const outboundMeta = (out: Outbound, delivery: EmailDelivery): EmailMeta => ({
  direction: 'out', messageId: out.payload.messageId, subject: out.payload.subject, from: out.payload.from, to: out.to ? [out.to] : [], cc: [],
  stripped: false, hasOriginal: true, auto: false, delivery,
});

/**
 * A reply's text with the agent's signature under the usual `-- ` separator (RFC 3676: mail
 * clients recognise and may fold it); the text alone without a signature.
 */
export function withSignature(text: string, signature: string | null | undefined): string {
  const sig = signature?.trim();
  return sig ? `${text.trimEnd()}\n\n-- \n${sig}` : text;
}

/**
 * Queues the email of an agent's public reply, in the caller's transaction (the one that
 * wrote the message), so a crash cannot lose it: the email row, the outbox row, and
 * `message.email` with delivery `queued`. The mail carries the message and the author's
 * `signature` (the stored message does not). A requester without an email address gets
 * `not_sent`. Returns the metadata written, or null when there is no email inbox.
 */
export async function queueReplyEmail(
  tx: Tx,
  o: { workspaceId: string; ticketId: string; message: Message; messageUuid: string; attachmentIds: string[]; signature?: string | null; now: Date },
): Promise<EmailMeta | null> {
  const text = withSignature(o.message.body, o.signature);
  const out = await outboundFor(tx, { workspaceId: o.workspaceId, ticketId: o.ticketId, messageUuid: o.messageUuid, text, attachmentIds: o.attachmentIds });
  if (!out) return null;
  await recordOutbound(tx, { workspaceId: o.workspaceId, ticketId: o.ticketId, messageUuid: o.messageUuid, out, now: o.now });
  const delivery = out.to
    ? deliveryOf({ status: 'queued', attempts: 0, now: o.now })
    : deliveryOf({ status: 'not_sent', attempts: 0, reason: 'the requester has no email address', now: o.now });
  if (out.to)
    await tx.rows(sql`insert into email_outbox (id, workspace_id, ticket_id, message_id, status, next_attempt_at, payload, created_at)
      values (${newId()}::uuid, ${o.workspaceId}::uuid, ${o.ticketId}::uuid, ${o.messageUuid}::uuid, 'queued', ${o.now}::timestamptz,
              ${JSON.stringify(out.payload)}::jsonb, ${o.now}::timestamptz)`);
  const meta = outboundMeta(out, delivery);
  await tx.rows(sql`update messages set email = ${JSON.stringify(meta)}::jsonb where id = ${o.messageUuid}::uuid`);
  return meta;
}
