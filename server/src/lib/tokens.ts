import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new opaque bearer token: 32 random bytes, base64url (43 characters). */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** What we store for a token: its sha256, so a database leak reveals no usable token. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Constant-time string equality (hashes first, so lengths leak nothing either): for secrets, MACs and signatures. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
