import { createHmac } from 'node:crypto';
import { safeEqual } from '../lib/tokens.js';

/** Checks `Authorization: Basic …` against the inbox's credentials; false when none are configured. */
export function basicAuthOk(header: string | undefined, user: string | null, password: string | null): boolean {
  if (!header || !user || !password) return false;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  // Evaluate both halves so timing does not tell which one was wrong.
  const i = decoded.indexOf(':');
  const u = i < 0 ? decoded : decoded.slice(0, i);
  const p = i < 0 ? '' : decoded.slice(i + 1);
  const okUser = safeEqual(u, user);
  const okPass = safeEqual(p, password);
  return okUser && okPass;
}

/** Mailgun's webhook signature: hex HMAC-SHA256 of timestamp + token with the signing key. */
export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey).update(timestamp + token).digest('hex');
}

/** Mailgun replays are refused past this age (and this far in the future, for skewed clocks). */
export const MAILGUN_MAX_AGE_MS = 5 * 60_000;

export type MailgunCheck = { ok: true } | { ok: false; reason: 'unsigned' | 'bad signature' | 'stale' };

/** Signature and freshness of a Mailgun request (the replay check needs storage; see the route). */
export function checkMailgun(o: { signingKey: string | null; timestamp?: string; token?: string; signature?: string; now: Date }): MailgunCheck {
  if (!o.signingKey || !o.timestamp || !o.token || !o.signature) return { ok: false, reason: 'unsigned' };
  if (!/^\d{1,12}$/.test(o.timestamp) || !/^[0-9a-f]{64}$/i.test(o.signature) || o.token.length > 256) return { ok: false, reason: 'bad signature' };
  if (!safeEqual(mailgunSignature(o.signingKey, o.timestamp, o.token), o.signature.toLowerCase())) return { ok: false, reason: 'bad signature' };
  if (Math.abs(o.now.getTime() - Number(o.timestamp) * 1000) > MAILGUN_MAX_AGE_MS) return { ok: false, reason: 'stale' };
  return { ok: true };
}
