import { postmarkInboundSchema, type PostmarkInbound } from '@support/protocol';
import { toWire } from '../db/ids.js';
import { AppError, parse } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { peekOf, receiveMail, type KeepMail } from './inbound.service.js';
import type { EmailInbox } from './inboxes.js';
import { isTransientStorageError, storageErrorText, type MailPeek, type ReceiveResult, type ReplayToken } from './intake.js';
import type { MailParser } from './mail-parser.js';
import { withoutNul } from './mime.js';
import type { Prepared } from './prepare.js';

/**
 * One inbound mail as it arrived: the raw MIME (or, for Postmark without RawEmail, its JSON
 * body, with `postmark` parsed from it), the recipients the provider gave beside it, and
 * Mailgun's replay token.
 */
export type Inbound = { raw: Buffer; postmark?: PostmarkInbound; extraRecipients: string[]; replay?: ReplayToken };

/** Where a mail that cannot be taken in goes, with what could be read of it: a new dead letter (the webhook) or the one reprocessed. */
export type DeadLetterSink = (reason: string, peek: MailPeek | null) => Promise<ReceiveResult>;

/** A Postmark inbound JSON body (`body`, already parsed as `json`) as an Inbound: its RawEmail when it has one. */
export function postmarkInbound(json: unknown, body: Buffer): Inbound {
  const p = parse(postmarkInboundSchema, json);
  if (p.RawEmail) return { raw: Buffer.from(p.RawEmail, 'utf8'), extraRecipients: p.OriginalRecipient ? [p.OriginalRecipient] : [] };
  return { raw: body, postmark: p, extraRecipients: [] };
}

/**
 * Takes one inbound mail in, as the webhook does and as a dead letter's reprocess does:
 * parse, strip and sanitize on `parser` (worker threads), then `receiveMail`. A mail that
 * cannot be parsed, that `receiveMail` refuses, or whose write fails on something about the
 * mail itself goes to `refuse` with the reason. A parse that timed out (a busy node), a
 * transient storage failure and an AppError (a replayed token) are thrown: nothing is kept.
 */
export async function takeIn(ctx: ServiceContext, parser: MailParser, inbox: EmailInbox, inbound: Inbound, refuse: DeadLetterSink): Promise<ReceiveResult> {
  let prepared: Prepared;
  try {
    prepared = await parser.prepare({ raw: inbound.postmark ? null : inbound.raw, postmark: inbound.postmark ?? null, attachmentMaxBytes: ctx.config.ATTACHMENT_MAX_BYTES });
  } catch (err) {
    // A parser bug would fail the same way on every retry: keep the mail instead. A parse
    // that timed out (a busy node) is worth the provider's retry.
    if ((err as Error)?.name === 'AbortError' || (err as Error)?.name === 'TimeoutError') throw err;
    ctx.logger.error({ err, inbox: toWire('inbox', inbox.id) }, 'inbound email could not be parsed');
    prepared = { ok: false, malformed: `could not be parsed: ${(err as Error)?.message ?? String(err)}` };
  }
  if (!prepared.ok) return refuse(prepared.malformed, prepared.peek ?? null);
  const { mail, visible } = prepared;
  mail.recipients = [...new Set([...mail.recipients, ...withoutNul(inbound.extraRecipients).map((a) => a.toLowerCase())])];
  const keep: KeepMail = (reason) => refuse(reason, peekOf(mail));
  try {
    return await receiveMail(ctx, inbox, mail, inbound.raw, { replay: inbound.replay ?? null, visible, deadLetter: keep });
  } catch (err) {
    if (err instanceof AppError || isTransientStorageError(err)) throw err;
    ctx.logger.error({ err, inbox: toWire('inbox', inbox.id), messageId: mail.messageId }, 'inbound email could not be stored');
    return keep(`could not be stored: ${storageErrorText(err)}`);
  }
}
