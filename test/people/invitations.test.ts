import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { ctxOf, login, seedWorkspace, startNode, until, type Fixture, type Node } from '../support/harness.js';
import { smtpSink } from '../support/email.js';
import { createAgent } from '../../server/src/workspaces/workspaces.service.js';
import { createRole } from '../../server/src/agents/roles.service.js';
import { hashToken } from '../../server/src/lib/tokens.js';

type Sink = Awaited<ReturnType<typeof smtpSink>>;
const PUBLIC = 'http://support.test';

/** An API caller: `token` null calls without a session. */
const caller = (node: Node) => async (token: string | null, method: string, path: string, body?: unknown) => {
  const r = await fetch(`${node.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, cookie: r.headers.get('set-cookie'), body: r.status === 204 ? null : ((await r.json()) as any) };
};

/** The link of the newest mail to `to` (waits for it). */
async function linkMailedTo(sink: Sink, to: string, after = 0): Promise<{ link: string; token: string; subject: string; text: string }> {
  const got = await until(() => sink.received.slice(after).reverse().find((m) => m.envelope.to.includes(to)), 5000, `a mail to ${to}`);
  const link = /http\S+\/inbox\/(?:accept|reset)\/[A-Za-z0-9_-]{43}/.exec(got.mail.text ?? '')![0];
  return { link, token: link.slice(-43), subject: got.mail.subject ?? '', text: got.mail.text ?? '' };
}

describe('invitations (SMTP configured)', () => {
  let sink: Sink;
  let node: Node;
  let fx: Fixture;
  let owner: string;
  let api: ReturnType<typeof caller>;

  beforeAll(async () => {
    sink = await smtpSink();
    node = await startNode('postgres', { config: { SMTP_URL: sink.url, PUBLIC_URL: PUBLIC, EMAIL_MAX_ATTEMPTS: 3 } });
    fx = await seedWorkspace(node.deps.db, 2);
    owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    api = caller(node);
  });
  afterAll(async () => {
    await node.app.close();
    await sink.close();
  });

  it('an owner invites with a role and a team; the mail carries a single-use link (only its hash is stored); accepting creates the account, joins the team and signs in', async () => {
    const email = `new-${fx.workspaceId}@example.test`;
    const r = await api(owner, 'POST', '/api/settings/invitations', { email: email.toUpperCase(), role: 'agent', teamIds: [fx.team] });
    expect(r).toMatchObject({ status: 201, body: { link: null, invitation: { email, role: 'agent', teamIds: [fx.team], expired: false, invitedBy: { id: fx.agents[0]!.wire, name: 'Agent 0' } } } });
    expect(Date.parse(r.body.invitation.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const mail = await linkMailedTo(sink, email);
    expect(mail.link.startsWith(`${PUBLIC}/inbox/accept/`)).toBe(true);
    expect(mail.subject).toMatch(/^Join ws-.* on the support inbox$/);
    expect(mail.text).toContain('Agent 0 invited you');
    // The token is nowhere in the database once the mail went: the invitation keeps its hash.
    const [inv] = await node.deps.db.rows<{ token_hash: string }>(sql`select token_hash from invitations where email = ${email}`);
    expect(inv!.token_hash).toBe(hashToken(mail.token));
    await until(async () => (await node.deps.db.rows<{ status: string; link_token: string | null }>(sql`select status, link_token from system_mail where to_address = ${email}`))[0]?.status === 'sent');
    const [row] = await node.deps.db.rows<{ link_token: string | null }>(sql`select link_token from system_mail where to_address = ${email}`);
    expect(row!.link_token).toBeNull();
    const listed = await api(owner, 'GET', '/api/settings/invitations');
    expect(listed.body.find((i: any) => i.email === email).mail).toMatchObject({ status: 'sent', error: null });

    const preview = await api(null, 'POST', '/api/auth/invitation/preview', { token: mail.token });
    expect(preview).toMatchObject({ status: 200, body: { workspace: { name: expect.stringMatching(/^ws-/) }, email, role: 'agent', roleName: 'Agent', invitedBy: 'Agent 0', hasAccount: false } });
    // A new account needs a name and a password of at least 8 characters: field errors.
    expect(await api(null, 'POST', '/api/auth/invitation/accept', { token: mail.token, password: 'long enough' })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'name' }] } } });
    expect(await api(null, 'POST', '/api/auth/invitation/accept', { token: mail.token, name: 'Nia', password: 'short' })).toMatchObject({ status: 400, body: { error: { details: [{ path: 'password', message: 'Use at least 8 characters' }] } } });
    const accepted = await api(null, 'POST', '/api/auth/invitation/accept', { token: mail.token, name: ' Nia New ', password: 'a good password' });
    expect(accepted).toMatchObject({ status: 200, body: { agent: { name: 'Nia New', email, role: 'agent' }, workspace: { id: fx.ws } } });
    expect(accepted.cookie).toMatch(/^sd_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
    const me = await api(accepted.body.token, 'GET', '/api/auth/me');
    expect(me.body.agent.id).toBe(accepted.body.agent.id);
    const members = await api(owner, 'GET', '/api/settings/members');
    expect(members.body.find((m: any) => m.email === email)).toMatchObject({ role: 'agent', status: 'active', teamIds: [fx.team] });
    expect(await login(node.url, email, 'a good password')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Single use.
    expect(await api(null, 'POST', '/api/auth/invitation/accept', { token: mail.token, name: 'Again', password: 'a good password' })).toMatchObject({ status: 410, body: { error: { code: 'LINK_INVALID', details: { reason: 'used' } } } });
    expect(await api(null, 'POST', '/api/auth/invitation/preview', { token: mail.token })).toMatchObject({ status: 410, body: { error: { details: { reason: 'used' } } } });
    expect((await api(owner, 'GET', '/api/settings/invitations')).body.find((i: any) => i.email === email)).toBeUndefined();
    // Audited: the invitation by the owner, the joining by the new member.
    const events = await node.deps.db.rows<{ action: string; actor_id: string; diff: any }>(sql`select action, actor_id, diff from audit_events
      where workspace_id = ${fx.workspaceId}::uuid and action in ('member.invited', 'member.joined') order by created_at, id`);
    expect(events.map((e) => [e.action, e.actor_id])).toEqual([['member.invited', fx.agents[0]!.id], ['member.joined', decodeId('user', accepted.body.agent.id)]]);
    expect(events[0]!.diff.after).toEqual({ email, role: 'agent', roleId: null, teamIds: [fx.team] });
    expect(events[1]!.diff.after).toMatchObject({ email, role: 'agent', teamIds: [fx.team], newAccount: true });
  });

  it('an address that is a member already, or has a pending invitation, is a field error on email; only an owner invites an owner', async () => {
    expect(await api(owner, 'POST', '/api/settings/invitations', { email: fx.agents[1]!.email, role: 'agent' })).toMatchObject({
      status: 409, body: { error: { code: 'ALREADY_MEMBER', message: `${fx.agents[1]!.email} is a member of this workspace already`, details: { field: 'email' } } },
    });
    const email = `twice-${fx.workspaceId}@example.test`;
    expect((await api(owner, 'POST', '/api/settings/invitations', { email, role: 'agent' })).status).toBe(201);
    expect(await api(owner, 'POST', '/api/settings/invitations', { email, role: 'admin' })).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_INVITED', details: { field: 'email' } } } });
    expect(await api(owner, 'POST', '/api/settings/invitations', { email: 'not an address', role: 'agent' })).toMatchObject({ status: 400, body: { error: { details: [{ path: 'email' }] } } });
    const adminEmail = `admin-${fx.workspaceId}@example.test`;
    await createAgent(node.deps.db, { workspaceId: fx.workspaceId, email: adminEmail, name: 'Ada Admin', password: 'pw-admin-1', role: 'admin' });
    const admin = await login(node.url, adminEmail, 'pw-admin-1');
    expect(await api(admin, 'POST', '/api/settings/invitations', { email: `boss-${fx.workspaceId}@example.test`, role: 'owner' })).toMatchObject({ status: 403, body: { error: { message: 'only an owner can invite an owner' } } });
    expect((await api(admin, 'POST', '/api/settings/invitations', { email: `boss-${fx.workspaceId}@example.test`, role: 'supervisor' })).status).toBe(201);
  });

  it('re-send: a new link, the old one stops working, its waiting mail is cancelled; revoke: the link says revoked', async () => {
    const email = `resend-${fx.workspaceId}@example.test`;
    // Earlier tests' mails are out first, so that the refusal below is this one's.
    await until(async () => !(await node.deps.db.rows(sql`select 1 from system_mail s join invitations i on i.id = s.invitation_id
      where i.workspace_id = ${fx.workspaceId}::uuid and s.status in ('queued', 'sending')`)).length);
    sink.reject(1, 451);
    const first = await api(owner, 'POST', '/api/settings/invitations', { email, role: 'agent' });
    // The first attempt is refused for now: the mail waits for its retry, token and all.
    await until(async () => (await node.deps.db.rows<{ status: string; attempts: number }>(sql`select status, attempts from system_mail
      where to_address = ${email} and status = 'queued' and attempts = 1`)).length);
    const [waiting] = await node.deps.db.rows<{ status: string; link_token: string | null }>(sql`select status, link_token from system_mail where to_address = ${email}`);
    expect(waiting).toMatchObject({ status: 'queued', link_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const oldToken = waiting!.link_token!;
    const before = sink.received.length;
    const resent = await api(owner, 'POST', `/api/settings/invitations/${first.body.invitation.id}/resend`);
    expect(resent).toMatchObject({ status: 200, body: { link: null, invitation: { id: first.body.invitation.id } } });
    const mail = await linkMailedTo(sink, email, before);
    expect(mail.token).not.toBe(oldToken);
    // The row says sent once the worker recorded it (just after the SMTP server took the mail).
    await until(async () => (await node.deps.db.rows(sql`select 1 from system_mail where to_address = ${email} and status = 'sent'`)).length);
    const mails = await node.deps.db.rows<{ status: string; link_token: string | null }>(sql`select status, link_token from system_mail where to_address = ${email} order by created_at, id`);
    expect(mails.map((m) => m.status)).toEqual(['cancelled', 'sent']);
    expect(mails.every((m) => m.link_token === null)).toBe(true);
    expect(await api(null, 'POST', '/api/auth/invitation/preview', { token: oldToken })).toMatchObject({ status: 410, body: { error: { details: { reason: 'unknown' } } } });
    expect((await api(null, 'POST', '/api/auth/invitation/preview', { token: mail.token })).status).toBe(200);

    expect(await api(owner, 'DELETE', `/api/settings/invitations/${first.body.invitation.id}`)).toMatchObject({ status: 204 });
    expect(await api(null, 'POST', '/api/auth/invitation/preview', { token: mail.token })).toMatchObject({ status: 410, body: { error: { details: { reason: 'revoked' } } } });
    expect(await api(owner, 'DELETE', `/api/settings/invitations/${first.body.invitation.id}`)).toMatchObject({ status: 404 });
    const actions = await node.deps.db.rows<{ action: string }>(sql`select action from audit_events where object_id = ${decodeId('invitation', first.body.invitation.id)}::uuid order by created_at, id`);
    expect(actions.map((a) => a.action)).toEqual(['member.invited', 'invitation.resent', 'invitation.revoked']);
  });

  it('an expired link is refused and listed as expired; inviting the address again replaces it', async () => {
    const email = `late-${fx.workspaceId}@example.test`;
    const before = sink.received.length;
    const r = await api(owner, 'POST', '/api/settings/invitations', { email, role: 'agent' });
    const mail = await linkMailedTo(sink, email, before);
    await node.deps.db.rows(sql`update invitations set expires_at = now() - interval '1 minute' where id = ${decodeId('invitation', r.body.invitation.id)}::uuid`);
    expect(await api(null, 'POST', '/api/auth/invitation/preview', { token: mail.token })).toMatchObject({ status: 410, body: { error: { details: { reason: 'expired' } } } });
    expect(await api(null, 'POST', '/api/auth/invitation/accept', { token: mail.token, name: 'Late', password: 'a good password' })).toMatchObject({ status: 410 });
    expect((await api(owner, 'GET', '/api/settings/invitations')).body.find((i: any) => i.email === email)).toMatchObject({ expired: true });
    const again = await api(owner, 'POST', '/api/settings/invitations', { email, role: 'agent' });
    expect(again.status).toBe(201);
    expect(again.body.invitation.id).not.toBe(r.body.invitation.id);
  });

  it('an address with an account (of another workspace) accepts with its password and gets the membership; a custom role with a pending invitation cannot be deleted', async () => {
    const other = await seedWorkspace(node.deps.db, 1);
    const someone = other.agents[0]!;
    const role = await createRole(ctxOf(node), { workspaceId: fx.workspaceId, name: `Readers ${fx.workspaceId}`, permissions: ['tickets.read.mine'] });
    const before = sink.received.length;
    const r = await api(owner, 'POST', '/api/settings/invitations', { email: someone.email, role: 'custom', roleId: role.id });
    expect(r.status).toBe(201);
    expect(await api(owner, 'DELETE', `/api/settings/roles/${role.id}`)).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', details: { invitationCount: 1 } } } });
    const mail = await linkMailedTo(sink, someone.email, before);
    expect(await api(null, 'POST', '/api/auth/invitation/preview', { token: mail.token })).toMatchObject({ body: { hasAccount: true, role: 'custom', roleName: role.name } });
    expect(await api(null, 'POST', '/api/auth/invitation/accept', { token: mail.token, password: 'not it at all' })).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS', details: { field: 'password' } } } });
    const ok = await api(null, 'POST', '/api/auth/invitation/accept', { token: mail.token, password: someone.password });
    expect(ok).toMatchObject({ status: 200, body: { agent: { id: someone.wire, role: 'custom', roleId: role.id }, workspace: { id: fx.ws }, permissions: ['tickets.read.mine'] } });
    expect(ok.body.workspaces.map((w: any) => w.id).sort()).toEqual([fx.ws, other.ws].sort());
    // Still the same account: name and password unchanged, both workspaces.
    expect(await login(node.url, someone.email, someone.password)).toBeTruthy();
  });
});

describe('invitations without SMTP', () => {
  let node: Node;
  let fx: Fixture;
  let owner: string;
  let api: ReturnType<typeof caller>;
  beforeAll(async () => {
    node = await startNode('embedded');
    fx = await seedWorkspace(node.deps.db, 1);
    owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    api = caller(node);
  });
  afterAll(() => node.app.close());

  it('the admin is given the link (at the address they use), the mail is recorded as not sent and no token is kept', async () => {
    const email = `nosmtp-${fx.workspaceId}@example.test`;
    const r = await api(owner, 'POST', '/api/settings/invitations', { email, role: 'agent' });
    expect(r).toMatchObject({ status: 201, body: { link: expect.stringMatching(new RegExp(`^${node.url}/inbox/accept/[A-Za-z0-9_-]{43}$`)), invitation: { mail: { status: 'not_sent', error: 'no SMTP configured' } } } });
    const [row] = await node.deps.db.rows<{ status: string; link_token: string | null }>(sql`select status, link_token from system_mail where to_address = ${email}`);
    expect(row).toEqual({ status: 'not_sent', link_token: null });
    const token = r.body.link.slice(-43);
    expect((await api(null, 'POST', '/api/auth/invitation/preview', { token })).status).toBe(200);
    const re = await api(owner, 'POST', `/api/settings/invitations/${r.body.invitation.id}/resend`);
    expect(re.body.link).not.toBe(r.body.link);
    expect(await api(null, 'POST', '/api/auth/invitation/preview', { token })).toMatchObject({ status: 410 });
  });
});
