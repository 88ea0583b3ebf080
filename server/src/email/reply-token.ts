import { createHmac } from 'node:crypto';
import { decodeId, encodeId } from '@support/protocol';
import { safeEqual } from '../lib/tokens.js';

/** 26 lowercase base32 characters of the ticket id, then 24 hex characters of HMAC-SHA256. */
const TOKEN_RE = /^([0-9a-hjkmnp-tv-z]{26})([0-9a-f]{24})$/;

const mac = (secret: string, workspaceId: string, ticketId: string) =>
  createHmac('sha256', secret).update(`reply-token:v1:${workspaceId}:${ticketId}`).digest('hex').slice(0, 24);

/**
 * The signed token of a ticket's reply address (`reply+<token>@domain`), fixed length (50),
 * lowercase (local parts may be case-folded), keyed with the email inbox's secret and bound
 * to the workspace.
 */
export function replyToken(secret: string, workspaceId: string, ticketId: string): string {
  return encodeId('ticket', ticketId).slice(4) + mac(secret, workspaceId, ticketId);
}

/** The ticket id of a token signed for this workspace and secret, or null (compared in constant time). */
export function verifyReplyToken(secret: string, workspaceId: string, token: string): string | null {
  const m = TOKEN_RE.exec(token.toLowerCase());
  if (!m) return null;
  const ticketId = decodeId('ticket', `tkt_${m[1]}`);
  if (!ticketId) return null;
  return safeEqual(mac(secret, workspaceId, ticketId), m[2]!) ? ticketId : null;
}

/** Tokens found in `reply+<token>@…` recipients. */
export function tokensIn(recipients: string[]): string[] {
  const out: string[] = [];
  for (const r of recipients) {
    const m = /^[^@+]+\+([0-9a-z]{50})@/i.exec(r);
    if (m) out.push(m[1]!);
  }
  return out;
}
