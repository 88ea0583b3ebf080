import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
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
