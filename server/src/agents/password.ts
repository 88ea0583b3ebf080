import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's parameters: 19 MiB of memory, two
 * passes, one lane. About 10 ms per hash on one core, 19 MiB while it runs. The stored hash
 * (PHC string, `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) carries its parameters, so
 * raising them later only changes this constant: older hashes still verify and are
 * replaced at the next successful login (`needsRehash`).
 */
// The package's Algorithm is a const enum (types only): Argon2id is 2.
export const ARGON2 = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`;

// Passwords are compared as NFKC, so the same text typed on another keyboard matches.
const normal = (password: string) => password.normalize('NFKC');

/** Hashes a password with argon2id (ARGON2); the result carries its own parameters and salt. */
export function hashPassword(password: string): Promise<string> {
  return hash(normal(password), ARGON2);
}

/**
 * Checks a password against a stored hash: argon2 (any parameters) or the earlier format,
 * `scrypt$N$r$p$salt$key` (base64url). Constant time; false for anything unreadable.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) return verify(stored, normal(password)).catch(() => false);
  if (stored.startsWith('scrypt$')) return verifyScrypt(normal(password), stored);
  return false;
}

/** True when a stored hash is not argon2id with today's parameters: rehash it after a successful login. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX);
}

/** The earlier format (scrypt, N=2^14 r=8 p=1 when written), verified until every account has logged in again. */
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6) return false;
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  // Never more than the format ever wrote: a forged row cannot make us allocate gigabytes.
  if (!(N >= 2 && N <= 2 ** 17 && R >= 1 && R <= 16 && P >= 1 && P <= 4)) return false;
  const expected = Buffer.from(key, 'base64url');
  const derived = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, Buffer.from(salt, 'base64url'), expected.length || 64, { N, r: R, p: P, maxmem: 256 * 1024 * 1024 }, (err, k) => (err ? reject(err) : resolve(k))),
  ).catch(() => null);
  return derived !== null && expected.length > 0 && derived.length === expected.length && timingSafeEqual(derived, expected);
}

/** A hash of a random password, verified against when the email is unknown so timing does not tell. */
export const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));
