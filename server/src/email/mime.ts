import { createHash, randomUUID } from 'node:crypto';
import PostalMime, { type Address, type Email } from 'postal-mime';
import type { EmailAddress, PostmarkInbound } from '@support/protocol';
import { classifyMail, type HeaderMap, type MailKind } from './classify.js';
import type { MailPeek } from './intake.js';

/** A part of inbound mail to store as an attachment, with the id it will be stored under. */
export type InboundPart = { id: string; filename: string; contentType: string; content: Buffer; contentId: string | null; inline: boolean };

/** Inbound mail, normalized from raw MIME or a provider's parsed JSON. */
export type InboundMail = {
  /** Message-ID without angle brackets; generated from the content hash when absent. */
  messageId: string;
  inReplyTo: string | null;
  /** The References chain, oldest first, without angle brackets. */
  references: string[];
  subject: string;
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  /** Every address the mail was delivered to (To, Cc, Delivered-To, X-Original-To, envelope). */
  recipients: string[];
  headers: HeaderMap;
  text: string;
  html: string | null;
  attachments: InboundPart[];
  /** Customer mail, automatic mail or a machine report (with the original's Message-IDs). */
  kind: MailKind;
};

/** Mail we cannot take in; `peek` is what could be read of it anyway (for the dead letter). */
export class MalformedMail extends Error {
  constructor(
    message: string,
    readonly peek: MailPeek | null = null,
  ) {
    super(message);
  }
}

/**
 * `value` with every U+0000 removed from its strings, deeply (bytes are left alone). Postgres
 * text and jsonb cannot hold NUL, and a sender can put one anywhere: subject, names, headers,
 * bodies, file names.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\0') ? value.replace(/\0/g, '') : value) as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withoutNul(v);
    return out as T;
  }
  return value;
}

const KEPT_HEADERS = [
  'from', 'to', 'cc', 'reply-to', 'date', 'subject', 'message-id', 'in-reply-to', 'references', 'content-type',
  'auto-submitted', 'precedence', 'x-auto-response-suppress', 'x-loop', 'list-id', 'return-path', 'delivered-to',
  'x-original-to', 'x-autoreply', 'x-autorespond', 'x-mailer', 'user-agent',
];

/** Ids in a Message-ID / In-Reply-To / References value, without brackets. */
export function messageIds(value: string | undefined | null): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  if (bracketed.length) return bracketed;
  return value.split(/[\s,]+/).filter((v) => v.includes('@'));
}

const mailbox = (a: Address | undefined): EmailAddress[] => {
  if (!a) return [];
  if (a.group) return a.group.filter((m) => m.address).map((m) => ({ name: m.name || null, address: m.address.toLowerCase() }));
  return a.address ? [{ name: a.name || null, address: a.address.toLowerCase() }] : [];
};
const mailboxes = (list: Address[] | undefined) => (list ?? []).flatMap(mailbox);

const toBuffer = (c: ArrayBuffer | Uint8Array | string) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c as ArrayBuffer));

/**
 * Parses raw RFC 822 mail with postal-mime (charsets, quoted-printable and base64,
 * multipart/alternative, related and mixed, encoded words, attachments and inline
 * images). Throws MalformedMail when it is not mail we can take: unparsable, or no sender.
 */
export async function parseMime(raw: Buffer): Promise<InboundMail> {
  if (!raw.length) throw new MalformedMail('empty message');
  const head = raw.subarray(0, 16_384).toString('latin1');
  if (!/^[!-9;-~]+:/m.test(head.split(/\r?\n\r?\n/)[0] ?? '')) throw new MalformedMail('no header section');
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { maxNestingDepth: 50, maxHeadersSize: 1024 * 1024, attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    throw new MalformedMail(`unparsable MIME: ${(err as Error).message}`);
  }
  const all: HeaderMap = {};
  for (const h of email.headers) all[h.key] = h.value.slice(0, 4000);
  const headers: HeaderMap = {};
  for (const k of KEPT_HEADERS) if (k in all) headers[k] = all[k]!;
  const from = mailbox(email.from)[0] ?? null;
  const to = mailboxes(email.to);
  const cc = mailboxes(email.cc);
  const recipients = new Set([...to, ...cc].map((a) => a.address));
  for (const h of email.headers)
    if (h.key === 'delivered-to' || h.key === 'x-original-to' || h.key === 'envelope-to')
      for (const m of h.value.matchAll(/[^\s<>,;"]+@[^\s<>,;"]+/g)) recipients.add(m[0].toLowerCase());
  const messageId = messageIds(email.messageId)[0] ?? `${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@generated.invalid`;
  const parts = email.attachments.map((a) => ({ mimeType: (a.mimeType || 'application/octet-stream').toLowerCase(), content: toBuffer(a.content), a }));
  const kind = classifyMail({
    headers: all,
    from: from ?? (email.from && 'name' in email.from && email.from.name ? { name: email.from.name, address: '' } : null),
    subject: (email.subject ?? '').trim(),
    text: email.text ?? '',
    html: email.html ?? null,
    parts,
    body: () => bodyOf(raw),
    messageId,
  });
  // A report may come from `MAILER-DAEMON <>` or no sender at all; anything else needs one.
  if (!from && !kind.report) throw new MalformedMail('no sender address (From)', { sender: null, subject: withoutNul(email.subject ?? '').trim() || null });
  const attachments: InboundPart[] = [];
  for (const { a, mimeType, content } of parts) {
    // Report parts are read above; an attached original message stays an attachment.
    if (REPORT_PARTS.includes(mimeType)) continue;
    attachments.push({
      id: randomUUID(),
      filename: (a.filename ?? '').trim() || `attachment-${attachments.length + 1}`,
      contentType: a.mimeType || 'application/octet-stream',
      content,
      contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null,
      inline: a.disposition === 'inline' || Boolean(a.related),
    });
  }
  return withoutNul({
    messageId,
    inReplyTo: messageIds(email.inReplyTo)[0] ?? null,
    references: messageIds(email.references).slice(-50),
    subject: (email.subject ?? '').trim(),
    from,
    to,
    cc,
    recipients: [...recipients],
    headers,
    text: email.text ?? '',
    html: email.html ?? null,
    attachments,
    kind,
  });
}

const REPORT_PARTS = ['message/delivery-status', 'message/global-delivery-status', 'text/rfc822-headers', 'message/global-headers', 'message/feedback-report', 'message/disposition-notification', 'message/global-disposition-notification'];

/** The raw body after the header section (up to 2 MB), where an MTA may have copied the original mail. */
function bodyOf(raw: Buffer): string {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const start = lf < 0 ? (crlf < 0 ? raw.length : crlf + 4) : crlf >= 0 && crlf < lf ? crlf + 4 : lf + 2;
  return raw.toString('latin1', start, Math.min(raw.length, start + 2 * 1024 * 1024));
}

const pmAddress = (a: { Email: string; Name?: string | undefined }): EmailAddress => ({ name: a.Name || null, address: a.Email.toLowerCase() });

/** Postmark's inbound JSON without RawEmail, normalized to the same shape. */
export function fromPostmark(input: PostmarkInbound): InboundMail {
  const p = withoutNul(input);
  const all: HeaderMap = {};
  for (const h of p.Headers ?? []) all[h.Name.toLowerCase()] = h.Value.slice(0, 4000);
  const headers: HeaderMap = {};
  for (const k of KEPT_HEADERS) if (k in all) headers[k] = all[k]!;
  const from = p.FromFull?.Email ? pmAddress(p.FromFull) : null;
  const to = (p.ToFull ?? []).map(pmAddress);
  const cc = (p.CcFull ?? []).map(pmAddress);
  const recipients = new Set([...to, ...cc].map((a) => a.address));
  if (p.OriginalRecipient) recipients.add(p.OriginalRecipient.toLowerCase());
  const messageId = messageIds(headers['message-id'])[0] ?? (p.MessageID ? `${p.MessageID}@postmark.invalid` : null);
  if (!messageId) throw new MalformedMail('no Message-ID', { sender: p.FromFull?.Email ?? null, subject: p.Subject?.trim() || null });
  const files = (p.Attachments ?? []).map((a) => ({
    id: randomUUID(),
    filename: a.Name || 'attachment',
    contentType: (a.ContentType || 'application/octet-stream').toLowerCase(),
    content: Buffer.from(a.Content, 'base64'),
    contentId: a.ContentID ? a.ContentID.replace(/^<|>$/g, '').replace(/^cid:/, '') : null,
    inline: Boolean(a.ContentID),
  }));
  const subject = (p.Subject ?? '').trim();
  const kind = classifyMail({
    headers: { ...all, ...(p.From ? { from: p.From } : {}) },
    from: from ?? (p.FromFull?.Name ? { name: p.FromFull.Name, address: '' } : null),
    subject,
    text: p.TextBody ?? '',
    html: p.HtmlBody ?? null,
    parts: files.map((f) => ({ mimeType: f.contentType, content: f.content })),
    messageId,
  });
  if (!from && !kind.report) throw new MalformedMail('no sender address (From)', { sender: null, subject: subject || null });
  return {
    messageId,
    inReplyTo: messageIds(headers['in-reply-to'])[0] ?? null,
    references: messageIds(headers['references']).slice(-50),
    subject,
    from,
    to,
    cc,
    recipients: [...recipients],
    headers: { ...headers, from: p.From ?? from?.address ?? '', subject: p.Subject ?? '' },
    text: p.TextBody ?? '',
    html: p.HtmlBody ?? null,
    attachments: files.filter((f) => !REPORT_PARTS.includes(f.contentType)),
    kind,
  };
}
