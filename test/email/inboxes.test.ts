import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { sql } from 'drizzle-orm';
import { basic, fixture } from '../support/email.js';

let node: Node;
let fx: Fixture;
beforeAll(async () => {
  node = await startNode('postgres');
  fx = await seedWorkspace(node.deps.db, 2);
});
afterAll(() => node.app.close());

const create = (token: string | null, body: unknown) =>
  fetch(`${node.url}/api/email/inboxes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('POST /api/email/inboxes', () => {
  it('an owner creates an email inbox; its webhook takes mail with the credentials it got once', async () => {
    const owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const r = await create(owner, { name: 'Billing', address: ' Billing@Acme.TEST ', fromName: 'Acme Billing' });
    expect(r.status).toBe(201);
    const body = await r.json();
    expect(body.inbox).toMatchObject({ name: 'Billing', settings: { email: { address: 'billing@acme.test', fromName: 'Acme Billing' } } });
    expect(body.webhook).toMatchObject({ url: `${node.url}/webhooks/email/${body.inbox.id}`, basicUser: 'webhook', mailgunSigningKey: null });
    expect(body.webhook.basicPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const mail = fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `inboxes-${Date.now()}@`);
    const ok = await fetch(body.webhook.url, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: basic('webhook', body.webhook.basicPassword) }, body: mail });
    expect(((await ok.json()) as any).data.result).toBe('created');
    const denied = await fetch(body.webhook.url, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: basic('webhook', 'guess') }, body: mail });
    expect(denied.status).toBe(401);
  });

  it('agents may not; bad input is 400; no session is 401', async () => {
    const agent = await login(node.url, fx.agents[1]!.email, fx.agents[1]!.password);
    expect((await create(agent, { name: 'X', address: 'x@acme.test' })).status).toBe(403);
    const owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    for (const bad of [{ name: 'X' }, { name: 'X', address: 'nope' }, { name: '', address: 'x@acme.test' }, { name: 'X', address: 'x@acme.test', replyDomain: 'not a domain' }, { name: 'X', address: 'x@acme.test', extra: 1 }])
      expect((await create(owner, bad)).status).toBe(400);
    expect((await create(null, { name: 'X', address: 'x@acme.test' })).status).toBe(401);
  });

  it('a name or address the workspace already has is 409 with a code, also when created at once; another workspace may use them', async () => {
    const owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    expect((await create(owner, { name: 'Sales', address: 'sales@acme.test' })).status).toBe(201);
    const sameName = await create(owner, { name: ' SALES ', address: 'sales2@acme.test' });
    expect([sameName.status, ((await sameName.json()) as any).error]).toEqual([409, { code: 'INBOX_NAME_TAKEN', message: expect.stringContaining('SALES'), details: { field: 'name' } }]);
    const sameAddress = await create(owner, { name: 'Sales 2', address: 'Sales@ACME.test' });
    expect([sameAddress.status, ((await sameAddress.json()) as any).error]).toMatchObject([409, { code: 'INBOX_ADDRESS_TAKEN', details: { field: 'address' } }]);
    // The chat inbox's name is taken too.
    expect(((await (await create(owner, { name: 'chat', address: 'chat@acme.test' })).json()) as any).error.code).toBe('INBOX_NAME_TAKEN');

    // Eight creations of one new inbox at once: one is created, the others refused.
    const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => create(owner, { name: 'Returns', address: `returns${i}@acme.test` })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const byAddress = await Promise.all(Array.from({ length: 8 }, (_, i) => create(owner, { name: `Refunds ${i}`, address: 'refunds@acme.test' })));
    expect(byAddress.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const [n] = await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from inboxes
      where workspace_id = ${fx.workspaceId}::uuid and (lower(name) = 'returns' or settings->'email'->>'address' = 'refunds@acme.test')`);
    expect(n!.n).toBe(2);

    const other = await seedWorkspace(node.deps.db, 1);
    const theirs = await login(node.url, other.agents[0]!.email, other.agents[0]!.password);
    expect((await create(theirs, { name: 'Sales', address: 'sales@acme.test' })).status).toBe(201);
  });
});
