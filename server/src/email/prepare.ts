import type { PostmarkInbound } from '@support/protocol';
import { fromPostmark, MalformedMail, parseMime, type InboundMail } from './mime.js';
import { visibleOf, type Visible } from './visible.js';
import type { MailPeek } from './intake.js';

/** One inbound mail to parse: raw MIME, or Postmark's parsed JSON. */
export type PrepareTask = { raw: Uint8Array | null; postmark: PostmarkInbound | null; attachmentMaxBytes: number };

/** A parsed, classified mail with its visible text and sanitized HTML (null for machine reports), or why it is malformed. */
export type Prepared = { ok: true; mail: InboundMail; visible: Visible | null } | { ok: false; malformed: string; peek?: MailPeek | null };

/**
 * The CPU-heavy part of taking in a mail: parse (MIME, charsets), classify, strip quotes and
 * sanitize HTML. Pure (no database, no I/O), so it runs in a worker thread (mail-parser.ts).
 */
export async function prepareInbound(task: PrepareTask): Promise<Prepared> {
  try {
    const mail = task.postmark ? fromPostmark(task.postmark) : await parseMime(Buffer.from(task.raw!.buffer, task.raw!.byteOffset, task.raw!.byteLength));
    return { ok: true, mail, visible: mail.kind.report ? null : visibleOf(mail, task.attachmentMaxBytes) };
  } catch (err) {
    if (err instanceof MalformedMail) return { ok: false, malformed: err.message, peek: err.peek };
    throw err;
  }
}
