import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { login, seedWorkspace, startNode, until, type Fixture, type Mode, type Node } from '../support/harness.js';
import { revokeAgentSessions } from '../../server/src/agents/agents.service.js';
import { deactivateMember, reactivateMember } from '../../server/src/agents/members.service.js';
import { recordAudit, userActor } from '../../server/src/audit/audit.service.js';
import { createWorkspace } from '../../server/src/workspaces/workspaces.service.js';
import type { ServiceContext } from '../../server/src/lib/context.js';
import type { Db } from '../../server/src/db/client.js';

type Row = {
  id: string; workspace_id: string; actor_type: string; actor_id: string | null; actor_name: string; action: string; object_type: string;
  object_id: string | null; diff: any; ip: string | null; user_agent: string | null; request_id: string | null; created_at: Date;
};
const eventsOf = (db: Db, workspaceId: string, action?: string) =>
  db.rows<Row>(sql`select * from audit_events where workspace_id = ${workspaceId}::uuid ${action ? sql`and action = ${action}` : sql``}
    order by created_at, id`);
const ctxOf = (n: Node): ServiceContext => ({ ...n.deps, writes: undefined as never });
const post = (url: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe.each(['postgres', 'embedded'] as Mode[])('audit log: what is recorded (%s)', (mode) => {
  let node: Node;
  let fx: Fixture;
  let db: Db;
  beforeAll(async () => {
    node = await startNode(mode);
    db = node.deps.db;
    fx = await seedWorkspace(db, 3);
  });
  afterAll(() => node.app.close());

  it('a sign-in and a sign-out: actor, workspace, client address, user agent and the request id answered in X-Request-Id', async () => {
    const { id, email, password, name } = fx.agents[1]!;
    const r = await post(node.url, '/api/auth/login', { email, password }, { 'user-agent': 'AuditTest/1.0' });
    expect(r.status).toBe(200);
    const { token } = (await r.json()) as { token: string };
    const out = await post(node.url, '/api/auth/logout', {}, { authorization: `Bearer ${token}`, 'user-agent': 'AuditTest/2.0' });
    expect(out.status).toBe(204);
    const [signIn, signOut] = (await eventsOf(db, fx.workspaceId)).filter((e) => e.actor_id === id);
    expect(signIn).toMatchObject({ action: 'auth.login', actor_type: 'user', actor_name: name, object_type: 'workspace', object_id: fx.workspaceId, diff: null,
      ip: expect.stringMatching(/127\.0\.0\.1$/), user_agent: 'AuditTest/1.0', request_id: r.headers.get('x-request-id') });
    expect(signOut).toMatchObject({ action: 'auth.logout', actor_name: name, object_id: fx.workspaceId, user_agent: 'AuditTest/2.0', request_id: out.headers.get('x-request-id') });
    expect(signIn!.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a failed sign-in is recorded in the account’s workspace with the address typed; an unknown address nowhere, and both answer alike', async () => {
    const known = fx.agents[2]!.email;
    const unknown = `nobody-${randomUUID()}@example.test`;
    const absent = await post(node.url, '/api/auth/login', { email: unknown, password: 'wrong password' });
    const wrong = await post(node.url, '/api/auth/login', { email: known.toUpperCase(), password: 'wrong password' });
    expect([wrong.status, absent.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual(await absent.json());
    const names = (r: Response) => {
      const all: string[] = [];
      r.headers.forEach((_, k) => all.push(k));
      return all.sort();
    };
    expect(names(wrong)).toEqual(names(absent));
    // Written once the answer is out (so its timing tells nothing): wait for it.
    const failed = await until(async () => (await eventsOf(db, fx.workspaceId, 'auth.login_failed')).find((e) => e.actor_name === known));
    expect(failed).toMatchObject({ actor_type: 'user', actor_id: null, object_type: 'workspace', object_id: fx.workspaceId, ip: expect.stringMatching(/127\.0\.0\.1$/) });
    expect(JSON.stringify(failed)).not.toContain('wrong password');
    // The unknown address was tried first, so anything written for it would be there by now: nothing names it.
    expect(await db.rows(sql`select 1 from audit_events where actor_name = ${unknown}`)).toHaveLength(0);
  });

  it('an email inbox created: its settings in the diff, its webhook secrets redacted', async () => {
    const owner = fx.agents[0]!;
    const token = await login(node.url, owner.email, owner.password);
    const r = await post(node.url, '/api/email/inboxes', { name: 'Billing', address: 'billing@acme.test', mailgunSigningKey: 'mg-signing-key-123' }, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(201);
    const body = (await r.json()) as { inbox: { id: string }; webhook: { basicPassword: string } };
    const [e] = await eventsOf(db, fx.workspaceId, 'inbox.created');
    expect(e).toMatchObject({ actor_type: 'user', actor_id: owner.id, actor_name: owner.name, object_type: 'inbox', request_id: r.headers.get('x-request-id') });
    expect(e!.diff).toEqual({
      after: { name: 'Billing', channel: 'email', address: 'billing@acme.test', basicUser: 'webhook', basicPassword: '[redacted]', mailgunSigningKey: '[redacted]' },
    });
    expect(JSON.stringify(e)).not.toContain(body.webhook.basicPassword);
    expect(JSON.stringify(e)).not.toContain('mg-signing-key-123');
  });

  it('an inbox that could not be created leaves no event', async () => {
    const owner = fx.agents[0]!;
    const token = await login(node.url, owner.email, owner.password);
    const before = (await eventsOf(db, fx.workspaceId, 'inbox.created')).length;
    const r = await post(node.url, '/api/email/inboxes', { name: 'chat', address: 'other@acme.test' }, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(409);
    expect(await eventsOf(db, fx.workspaceId, 'inbox.created')).toHaveLength(before);
  });

  it('deactivation, reactivation and session revocation, by whom and with the status diff', async () => {
    const ctx = ctxOf(node);
    const admin = userActor({ userId: fx.agents[0]!.id, name: fx.agents[0]!.name });
    const target = fx.agents[1]!;
    await login(node.url, target.email, target.password);
    await login(node.url, target.email, target.password);
    expect(await revokeAgentSessions(ctx, { workspaceId: fx.workspaceId, userId: target.id, actor: admin })).toBe(2);
    expect(await revokeAgentSessions(ctx, { workspaceId: fx.workspaceId, userId: target.id, actor: admin })).toBe(0);
    expect(await deactivateMember(ctx, { workspaceId: fx.workspaceId, userId: target.id, actor: { type: 'agent', id: admin.id! } })).toBe(true);
    expect(await reactivateMember(ctx, { workspaceId: fx.workspaceId, userId: target.id, actor: { type: 'system', id: null } })).toBe(true);
    const events = (await eventsOf(db, fx.workspaceId)).filter((e) => e.action.startsWith('member.'));
    expect(events.map((e) => [e.action, e.actor_type, e.actor_name, e.object_type, e.object_id, e.diff])).toEqual([
      ['member.sessions_revoked', 'user', fx.agents[0]!.name, 'user', target.id, { after: { sessionsEnded: 2 } }],
      ['member.deactivated', 'user', fx.agents[0]!.name, 'user', target.id, { before: { status: 'active' }, after: { status: 'deactivated' } }],
      ['member.reactivated', 'system', 'system', 'user', target.id, { before: { status: 'deactivated' }, after: { status: 'active' } }],
    ]);
  });

  it('the event is in the transaction of the change: when it cannot be written, the agent stays active', async () => {
    const ctx = ctxOf(node);
    const target = fx.agents[2]!;
    // A write of the transaction fails (the actor's id is not a uuid): the deactivation goes with it.
    await expect(deactivateMember(ctx, { workspaceId: fx.workspaceId, userId: target.id, actor: { type: 'agent', id: 'not-a-uuid' } })).rejects.toThrow();
    const [u] = await db.rows<{ status: string }>(sql`select status from memberships where user_id = ${target.id}::uuid and workspace_id = ${fx.workspaceId}::uuid`);
    expect(u!.status).toBe('active');
  });

  it('a user’s name is kept as it was when they acted', async () => {
    const owner = fx.agents[0]!;
    const ws = await createWorkspace(db, { name: 'names' });
    await recordAudit(db, { workspaceId: ws, actor: { type: 'user', id: owner.id }, action: 'workspace.updated', object: { type: 'workspace', id: ws } });
    await db.rows(sql`update users set name = 'Renamed' where id = ${owner.id}::uuid`);
    await recordAudit(db, { workspaceId: ws, actor: { type: 'user', id: owner.id }, action: 'workspace.updated', object: { type: 'workspace', id: ws } });
    await db.rows(sql`update users set name = ${owner.name} where id = ${owner.id}::uuid`);
    expect((await eventsOf(db, ws)).map((e) => e.actor_name)).toEqual([owner.name, 'Renamed']);
  });
});

describe('audit request: the client address and request id as Express resolves them', () => {
  let trusting: Node;
  let direct: Node;
  let fx: Fixture;
  beforeAll(async () => {
    trusting = await startNode('postgres', { config: { TRUST_PROXY: ['loopback'] } });
    direct = await startNode('postgres');
    fx = await seedWorkspace(trusting.deps.db, 1);
  });
  afterAll(() => Promise.all([trusting.app.close(), direct.app.close()]));

  const signIn = (n: Node) =>
    post(n.url, '/api/auth/login', { email: fx.agents[0]!.email, password: fx.agents[0]!.password }, { 'x-forwarded-for': '203.0.113.7', 'x-request-id': `edge-${randomUUID()}` });
  const lastSignIn = async () => (await eventsOf(trusting.deps.db, fx.workspaceId, 'auth.login')).at(-1)!;

  it('behind a trusted proxy: the forwarded address and the proxy’s X-Request-Id', async () => {
    const r = await signIn(trusting);
    expect(r.headers.get('x-request-id')).toMatch(/^edge-/);
    expect(await lastSignIn()).toMatchObject({ ip: '203.0.113.7', request_id: r.headers.get('x-request-id') });
  });

  it('from an untrusted peer: its own address and a request id of ours, whatever the headers say', async () => {
    const r = await signIn(direct);
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await lastSignIn()).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1$/), request_id: r.headers.get('x-request-id') });
  });
});
