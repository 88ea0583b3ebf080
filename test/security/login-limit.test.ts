import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace, startNode, type Mode, type Node } from '../support/harness.js';
import { LOGIN_LIMITS } from '../../server/src/agents/agents.routes.js';

const attempt = (url: string, email: string, password: string) =>
  fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }).then((r) => r.status);

/** Tallies the statuses of concurrent login attempts. */
const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});

describe.each(['postgres', 'embedded'] as Mode[])('login limits (%s)', (mode) => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(mode);
  });
  afterAll(() => node.app.close());

  it('40 concurrent guesses, the right one last: at most the limit are checked and the right one is refused', async () => {
    const fx = await seedWorkspace(node.deps.db, 1);
    const { email, password } = fx.agents[0]!;
    const guesses = [...Array.from({ length: 39 }, (_, i) => `wrong-${i}`), password];
    const statuses = await Promise.all(guesses.map((p) => attempt(node.url, email, p)));
    const t = tally(statuses);
    expect(t[401]).toBeLessThanOrEqual(LOGIN_LIMITS.perAccount);
    expect(t[429]).toBeGreaterThanOrEqual(40 - LOGIN_LIMITS.perAccount);
    expect(t[200]).toBeUndefined();
    expect(statuses.at(-1)).toBe(429);
  });

  it('a successful login clears its account and does not use up its address', async () => {
    const fx = await seedWorkspace(node.deps.db, 1);
    const { email, password } = fx.agents[0]!;
    for (let i = 0; i < LOGIN_LIMITS.perAccount - 1; i++) expect(await attempt(node.url, email, `wrong-${i}`)).toBe(401);
    expect(await attempt(node.url, email, password)).toBe(200);
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) expect(await attempt(node.url, email, `again-${i}`)).toBe(401);
    expect(await attempt(node.url, email, password)).toBe(429);
  });
});

describe('login limits across nodes', () => {
  let a: Node;
  let b: Node;
  beforeAll(async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    a = await startNode('postgres', { prefix });
    b = await startNode('postgres', { prefix });
  });
  afterAll(() => Promise.all([a.app.close(), b.app.close()]));

  it('guesses spread over two nodes share one account limit', async () => {
    const fx = await seedWorkspace(a.deps.db, 1);
    const { email, password } = fx.agents[0]!;
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(i % 2 ? a.url : b.url, email, `wrong-${i}`)));
    expect(tally(statuses)[401]).toBeLessThanOrEqual(LOGIN_LIMITS.perAccount);
    expect(await attempt(a.url, email, password)).toBe(429);
    expect(await attempt(b.url, email, password)).toBe(429);
  });
});
