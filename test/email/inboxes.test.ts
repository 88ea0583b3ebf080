import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
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
});
