import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './password.js';

/** A hash in the format the server wrote before argon2id (scrypt N=2^14, r=8, p=1), built here independently. */
const legacyScrypt = (password: string) => {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 64, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
};

describe('password hashing', () => {
  it('hashes with argon2id at the production parameters by default (19 MiB, 2 passes, 1 lane), fresh salt each time', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(needsRehash(a)).toBe(false);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
  });

  it('verifies the earlier scrypt format and marks it (and weaker argon2) for rehashing', async () => {
    const old = legacyScrypt('correct horse');
    expect(await verifyPassword('correct horse', old)).toBe(true);
    expect(await verifyPassword('correct horsE', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash('$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA')).toBe(true);
  });

  it('is false, never an error, for anything unreadable or oversized', async () => {
    for (const stored of ['plain-text', '', 'scrypt$16384$8$1$', 'scrypt$1073741824$8$1$c2FsdA$a2V5', '$argon2id$v=19$m=19456,t=2,p=1$bad', '$argon2id$garbage'])
      expect(await verifyPassword('x', stored), stored).toBe(false);
  });
});
