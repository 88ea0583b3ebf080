import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { SmtpTls } from '@support/protocol';
import type { OutboundPayload } from './outbound.service.js';

/** Sends one composed mail. */
export interface Mailer {
  send(envelope: { from: string; to: string[] }, raw: Buffer): Promise<void>;
  close(): void;
}

/**
 * A pooled nodemailer SMTP transport for SMTP_URL (smtp:// with STARTTLS when offered,
 * smtps:// for TLS): up to `connections` connections are kept open and reused.
 */
export function smtpMailer(url: string, connections = 5): Mailer {
  const u = new URL(url);
  if (!u.searchParams.has('pool')) u.searchParams.set('pool', 'true');
  if (!u.searchParams.has('maxConnections')) u.searchParams.set('maxConnections', String(connections));
  const transport = nodemailer.createTransport(u.toString());
  return {
    async send(envelope, raw) {
      await transport.sendMail({ envelope, raw });
    },
    close: () => transport.close(),
  };
}

/** An inbox's own SMTP server (email_inbox_secrets.smtp_*). */
export type InboxSmtp = { host: string; port: number; user: string | null; password: string | null; tls: SmtpTls };

/** The InboxSmtp of a row with `smtp_*` columns (email_inbox_secrets); the host must be set. */
export const smtpOf = (r: { smtp_host: string | null; smtp_port: number | null; smtp_user: string | null; smtp_password: string | null; smtp_tls: string | null }): InboxSmtp => ({
  host: r.smtp_host!,
  port: Number(r.smtp_port),
  user: r.smtp_user,
  password: r.smtp_password,
  tls: (r.smtp_tls as SmtpTls | null) ?? 'starttls',
});

/** Connection waits (ms): a test mail answers within them; the worker's mail is retried later. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * nodemailer options for an inbox's SMTP server: `tls` from the start (`tls`), STARTTLS
 * required (`starttls`), or no encryption at all (`none`); AUTH when a user is set.
 */
export function inboxSmtpOptions(s: InboxSmtp, pool: boolean): SMTPTransport.Options | SMTPPool.Options {
  const base = {
    host: s.host,
    port: s.port,
    secure: s.tls === 'tls',
    requireTLS: s.tls === 'starttls',
    ignoreTLS: s.tls === 'none',
    ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    ...TIMEOUTS,
  };
  return pool ? { ...base, pool: true, maxConnections: 2 } : base;
}

/** A pooled mailer for an inbox's own SMTP server. */
export function inboxMailer(s: InboxSmtp): Mailer {
  const transport = nodemailer.createTransport(inboxSmtpOptions(s, true));
  return {
    async send(envelope, raw) {
      await transport.sendMail({ envelope, raw });
    },
    close: () => transport.close(),
  };
}

/**
 * Sends one mail on a connection of its own (not pooled) and answers the SMTP server's last
 * reply ("250 2.0.0 Ok: queued as …"); throws what the server or the connection said. To an
 * inbox's SMTP server, or to SMTP_URL.
 */
export async function sendOnce(via: InboxSmtp | string, mail: { from: { name: string; address: string }; to: string; subject: string; text: string }): Promise<string> {
  let transport;
  if (typeof via === 'string') {
    // SMTP_URL's own query may set the waits; nodemailer reads options from the URL.
    const u = new URL(via);
    for (const [k, v] of Object.entries(TIMEOUTS)) if (!u.searchParams.has(k)) u.searchParams.set(k, String(v));
    transport = nodemailer.createTransport(u.toString());
  } else transport = nodemailer.createTransport(inboxSmtpOptions(via, false) as SMTPTransport.Options);
  try {
    const info = await transport.sendMail(mail);
    return String(info.response ?? '');
  } finally {
    transport.close();
  }
}

/**
 * The mailers of inboxes with an SMTP server of their own, one pooled transport per inbox,
 * made on first use and made again when the inbox's SMTP settings change (`version`: their
 * `updated_at`). `close` closes them all.
 */
export class InboxMailers {
  private readonly byInbox = new Map<string, { version: string; mailer: Mailer }>();

  get(inboxId: string, version: string, smtp: InboxSmtp): Mailer {
    const known = this.byInbox.get(inboxId);
    if (known?.version === version) return known.mailer;
    known?.mailer.close();
    const mailer = inboxMailer(smtp);
    this.byInbox.set(inboxId, { version, mailer });
    return mailer;
  }

  close(): void {
    for (const { mailer } of this.byInbox.values()) mailer.close();
    this.byInbox.clear();
  }
}

const bracket = (id: string) => `<${id}>`;

/** Builds the RFC 822 source of an outbound mail (text and HTML parts, attachments, threading headers). */
export async function composeMail(p: OutboundPayload, files: { filename: string; contentType: string; content: Buffer }[]): Promise<Buffer> {
  const composer = new MailComposer({
    from: { name: p.from.name ?? '', address: p.from.address },
    to: { name: p.to.name ?? '', address: p.to.address },
    replyTo: p.replyTo,
    subject: p.subject,
    text: p.text,
    html: p.html,
    messageId: bracket(p.messageId),
    ...(p.inReplyTo ? { inReplyTo: bracket(p.inReplyTo) } : {}),
    ...(p.references.length ? { references: p.references.map(bracket) } : {}),
    attachments: files.map((f) => ({ filename: f.filename, contentType: f.contentType, content: f.content })),
  });
  return new Promise((resolve, reject) => composer.compile().build((err, msg) => (err ? reject(err) : resolve(msg))));
}
