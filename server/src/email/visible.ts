import { LIMITS } from '@support/protocol';
import { attachmentUrl } from '../attachments/attachments.service.js';
import type { InboundMail } from './mime.js';
import { withoutNul } from './mime.js';
import { htmlQuoteStart, stripQuotes } from './quotes.js';
import { htmlToText, sanitizeEmailHtml } from './sanitize.js';

export type Visible = { body: string; html: string | null; stripped: boolean; fullText: string; fullHtml: string | null };

/** The new text of the mail (quotes and signature stripped) and the full original, both sanitized. */
export function visibleParts(mail: Pick<InboundMail, 'text' | 'html'>, cidUrl: (cid: string) => string | null): Visible {
  const fullHtml = mail.html ? sanitizeEmailHtml(mail.html, cidUrl) : null;
  const fullText = (mail.text.trim() ? mail.text : mail.html ? htmlToText(mail.html) : '').replace(/\r\n?/g, '\n');
  const s = stripQuotes(fullText);
  let body = s.text.trim() ? s.text : '(no text)';
  let stripped = s.stripped;
  if (body.length > LIMITS.messageBody) {
    body = body.slice(0, LIMITS.messageBody - 1) + '…';
    stripped = true;
  }
  let html: string | null = null;
  if (mail.html) {
    const q = htmlQuoteStart(mail.html);
    if (q > 0) html = sanitizeEmailHtml(mail.html.slice(0, q), cidUrl);
    else if (q < 0 && !s.stripped) html = fullHtml;
    if (html !== null && !htmlToText(html).trim()) html = null;
  }
  return { body, html, stripped, fullText, fullHtml };
}

/**
 * visibleParts of an inbound mail, its `cid:` images pointing at the attachments it will store
 * (ids given at parse time; parts over `attachmentMaxBytes` are not stored, so not linked).
 */
export function visibleOf(mail: Pick<InboundMail, 'text' | 'html' | 'attachments'>, attachmentMaxBytes: number): Visible {
  const byCid = new Map<string, string>();
  for (const a of mail.attachments)
    if (a.contentId && a.content.length <= attachmentMaxBytes && !byCid.has(a.contentId)) byCid.set(a.contentId, attachmentUrl(a.id));
  return withoutNul(visibleParts(mail, (cid) => byCid.get(cid) ?? null));
}
