import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { login, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';

const INBOX_ORIGIN = 'https://inbox.example.com';

/**
 * State-changing REST requests that may carry the session cookie must come from the server's
 * own origin or an allowed one; bearer-token requests (the widget, API clients) are exempt.
 */
describe('CSRF: cookie requests from other sites', () => {
  let node: Node;
  let fx: Fixture;
  const cookieOf = (token: string) => `sd_session=${token}`;
  const me = (token: string) => fetch(`${node.url}/api/auth/me`, { headers: { cookie: cookieOf(token) } }).then((r) => r.status);
  const logout = (headers: Record<string, string>) => fetch(`${node.url}/api/auth/logout`, { method: 'POST', headers });
  const uploads = async () => {
    const [r] = await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from attachments where workspace_id = ${fx.workspaceId}::uuid`);
    return r!.n;
  };

  beforeAll(async () => {
    node = await startNode('postgres', { config: { AGENT_ORIGINS: [INBOX_ORIGIN] } });
    fx = await seedWorkspace(node.deps.db, 1);
  });
  afterAll(() => node.app.close());

  it('a cross-site or sibling-site POST with the cookie is refused with ORIGIN_NOT_ALLOWED and changes nothing', async () => {
    const token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    for (const [site, origin] of [
      ['cross-site', 'https://evil.example'],
      ['same-site', 'https://sibling.example.com'],
    ]) {
      const r = await logout({ cookie: cookieOf(token), 'sec-fetch-site': site!, origin: origin! });
      expect(r.status, site).toBe(403);
      expect((await r.json()).error.code).toBe('ORIGIN_NOT_ALLOWED');
      const up = await fetch(`${node.url}/api/attachments?filename=a.txt`, {
        method: 'POST',
        headers: { cookie: cookieOf(token), 'sec-fetch-site': site!, origin: origin!, 'content-type': 'text/plain' },
        body: 'hello',
      });
      expect(up.status, site).toBe(403);
    }
    // An older browser without Sec-Fetch-Site still sends Origin.
    expect((await logout({ cookie: cookieOf(token), origin: 'https://evil.example' })).status).toBe(403);
    // Logging someone in from another site (login CSRF) is refused too.
    const r = await fetch(`${node.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      body: JSON.stringify({ email: fx.agents[0]!.email, password: fx.agents[0]!.password }),
    });
    expect(r.status).toBe(403);
    expect(await me(token)).toBe(200);
    expect(await uploads()).toBe(0);
  });

  it('same-origin, allowed-origin, bearer and non-browser requests pass', async () => {
    const tokens = await Promise.all([0, 1, 2, 3].map(() => login(node.url, fx.agents[0]!.email, fx.agents[0]!.password)));
    expect((await logout({ cookie: cookieOf(tokens[0]!), 'sec-fetch-site': 'same-origin', origin: node.url })).status).toBe(204);
    expect((await logout({ cookie: cookieOf(tokens[1]!), 'sec-fetch-site': 'cross-site', origin: INBOX_ORIGIN })).status).toBe(204);
    expect((await logout({ cookie: cookieOf(tokens[2]!) })).status).toBe(204);
    expect((await logout({ authorization: `Bearer ${tokens[3]!}`, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).status).toBe(204);
    for (const t of tokens) expect(await me(t)).toBe(401);
    // The widget uploads with its bearer token from any site.
    const v = await fetch(`${node.url}/api/attachments?filename=a.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password)}`, 'sec-fetch-site': 'cross-site', origin: 'https://shop.example', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(v.status).toBe(201);
  });
});
