/** Lower-cased header name → unfolded value (the last one wins for repeated headers). */
export type HeaderMap = Record<string, string>;

export type MailKind = {
  /** Machine-sent mail (auto-replies, lists, bulk): stored, but never answered automatically and never reopens a ticket. */
  auto: boolean;
  /** A delivery status notification (bounce): recorded against the ticket, not as a customer message. */
  bounce: boolean;
};

const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;

/**
 * Loop and noise rules (RFC 3834, RFC 2076, Microsoft's X-Auto-Response-Suppress, RFC 3464
 * DSNs): `Auto-Submitted` other than `no`, `Precedence: bulk|list|junk`, any
 * `X-Auto-Response-Suppress`, `X-Loop`, list headers, and bounces (a
 * multipart/report; report-type=delivery-status, an empty Return-Path, or MAILER-DAEMON).
 */
export function classifyMail(h: HeaderMap, fromAddress: string | null): MailKind {
  const auto_submitted = (h['auto-submitted'] ?? '').trim().toLowerCase();
  const precedence = (h['precedence'] ?? '').trim().toLowerCase();
  const contentType = (h['content-type'] ?? '').toLowerCase();
  const returnPath = h['return-path'];
  const bounce =
    (contentType.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(contentType)) ||
    (returnPath !== undefined && /^\s*<\s*>\s*$/.test(returnPath)) ||
    (fromAddress !== null && BOUNCE_SENDER.test(fromAddress));
  const auto =
    bounce ||
    (auto_submitted !== '' && auto_submitted !== 'no') ||
    ['bulk', 'list', 'junk'].includes(precedence) ||
    'x-auto-response-suppress' in h ||
    'x-loop' in h ||
    'list-id' in h ||
    'x-autoreply' in h ||
    'x-autorespond' in h;
  return { auto, bounce };
}
