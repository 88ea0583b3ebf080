import { randomBytes, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { seedWorkspace, startNode, type Mode, type Node } from '../support/harness.js';

const legacyScrypt = (password: string) => {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 64, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
};

/** An account whose hash predates argon2id logs in as before, and its hash is upgraded on that login. */
describe.each(['postgres', 'embedded'] as Mode[])('password hash upgrade (%s)', (mode) => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(mode);
  });
  afterAll(() => node.app.close());

  const attempt = (email: string, password: string) =>
    fetch(`${node.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }).then((r) => r.status);
  const stored = async (id: string) => (await node.deps.db.rows<{ password_hash: string }>(sql`select password_hash from users where id = ${id}::uuid`))[0]!.password_hash;

  it('a scrypt hash verifies, is replaced by argon2id at the next successful login, and the new one verifies', async () => {
    const fx = await seedWorkspace(node.deps.db, 1);
    const { id, email, password } = fx.agents[0]!;
    const old = legacyScrypt(password);
    await node.deps.db.rows(sql`update users set password_hash = ${old} where id = ${id}::uuid`);
    expect(await attempt(email, 'wrong')).toBe(401);
    expect(await stored(id)).toBe(old);
    expect(await attempt(email, password)).toBe(200);
    const upgraded = await stored(id);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await attempt(email, password)).toBe(200);
    expect(await stored(id)).toBe(upgraded);
    expect(await attempt(email, 'wrong')).toBe(401);
  });
});
