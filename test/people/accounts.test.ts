import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { cmid, closeSockets, connect, disconnected, login, ok, seedWorkspace, startNode, until, type Fixture, type Node } from '../support/harness.js';
import { fixture, postRaw, seedEmailInbox, smtpSink, workerCtx } from '../support/email.js';
import { addMember } from '../../server/src/workspaces/workspaces.service.js';
import { processOutbox } from '../../server/src/email/outbox.worker.js';
import { smtpMailer } from '../../server/src/email/mailer.js';
import { RESET_LIMITS } from '../../server/src/people/people.routes.js';

type Sink = Awaited<ReturnType<typeof smtpSink>>;

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('accounts: name, signature, preferences, password, reset by mail, avatar', () => {
  let sink: Sink;
  let node: Node;
  let fx: Fixture;
  let other: Fixture;
  const api = async (token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const raw = body instanceof Buffer;
    const r = await fetch(`${node.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body && !raw ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: raw ? new Uint8Array(body) : JSON.stringify(body) } : {}),
    });
    const type = r.headers.get('content-type') ?? '';
    return { status: r.status, headers: r.headers, body: r.status === 204 ? null : type.includes('json') ? ((await r.json()) as any) : Buffer.from(await r.arrayBuffer()) };
  };
  const loginTo = async (a: { email: string; password: string }, workspaceId: string) => {
    const r = await api(null, 'POST', '/api/auth/login', { email: a.email, password: a.password, workspaceId });
    return r.body.token as string;
  };
  const auditOf = (ws: string, action: string) =>
    node.deps.db.rows<{ actor_id: string; object_id: string; diff: any }>(sql`select actor_id, object_id, diff from audit_events
      where workspace_id = ${ws}::uuid and action = ${action} order by created_at, id`);

  beforeAll(async () => {
    sink = await smtpSink();
    node = await startNode('postgres', { config: { SMTP_URL: sink.url, PUBLIC_URL: 'http://support.test' } });
    fx = await seedWorkspace(node.deps.db, 3);
    other = await seedWorkspace(node.deps.db, 1);
    // Agent 1 is a member of both workspaces: account events go to both logs.
    await addMember(node.deps.db, { workspaceId: other.workspaceId, userId: fx.agents[1]!.id });
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
    await sink.close();
  });

  it('name, signature and notification preferences: saved, stale edits refused, audited in every workspace of the account; /me carries the preferences', async () => {
    const a = fx.agents[1]!;
    const token = await login(node.url, a.email, a.password);
    const acc = await api(token, 'GET', '/api/account');
    expect(acc.body).toMatchObject({ id: a.wire, email: a.email, name: a.name, avatarUrl: null, signature: '', notificationPrefs: { newTicket: true, myTickets: true, sound: true } });
    const saved = await api(token, 'PATCH', '/api/account', {
      name: 'Bea Agent', signature: 'Bea\r\nAcme support  \n', notificationPrefs: { newTicket: false, myTickets: true, sound: false }, expectedUpdatedAt: acc.body.updatedAt,
    });
    expect(saved).toMatchObject({ status: 200, body: { name: 'Bea Agent', signature: 'Bea\nAcme support', notificationPrefs: { newTicket: false, sound: false } } });
    expect(await api(token, 'PATCH', '/api/account', { name: 'Late', expectedUpdatedAt: acc.body.updatedAt })).toMatchObject({ status: 409, body: { error: { code: 'STALE' } } });
    expect(await api(token, 'PATCH', '/api/account', { name: '  ' })).toMatchObject({ status: 400, body: { error: { details: [{ path: 'name' }] } } });
    expect(await api(token, 'PATCH', '/api/account', { notificationPrefs: { newTicket: true } })).toMatchObject({ status: 400 });
    expect((await api(token, 'GET', '/api/auth/me')).body.notificationPrefs).toEqual({ newTicket: false, myTickets: true, sound: false });
    for (const ws of [fx.workspaceId, other.workspaceId]) {
      const [e] = await auditOf(ws, 'account.updated');
      expect(e).toMatchObject({ actor_id: a.id, object_id: a.id, diff: { before: { name: a.name, signature: '' }, after: { name: 'Bea Agent', signature: 'Bea\nAcme support' } } });
      expect(e!.diff.after.notificationPrefs).toEqual({ newTicket: false, sound: false });
    }
  });

  it('the signature is appended to the agent’s public replies on email tickets (the stored message stays as typed)', async () => {
    const a = fx.agents[1]!;
    const ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
    await node.deps.db.rows(sql`insert into team_inboxes (workspace_id, team_id, inbox_id) values (${fx.workspaceId}::uuid, ${fx.teamId}::uuid, ${ib.inboxId}::uuid)`);
    const r = await postRaw(node, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@ejemplo.test', `sig-${Date.now()}@ejemplo.test`));
    const agent = await connect(node.url, '/agent', { token: await loginTo(a, fx.ws) });
    const m = await ok(agent, 'message:send', { ticketId: r.body.data.ticketId, body: 'It ships today.', clientMessageId: cmid() });
    expect(m.body).toBe('It ships today.');
    const before = sink.received.length;
    await processOutbox(workerCtx(node), smtpMailer(sink.url), { workspaceId: fx.workspaceId });
    const got = sink.received.slice(before).find((x) => x.mail.subject?.includes('Pregunta'));
    expect(got!.mail.text?.trim()).toBe('It ships today.\n\n-- \nBea\nAcme support');
    expect(got!.mail.html).toContain('-- <br>Bea<br>Acme support');
  });

  it('change password: the current one is checked; the other sessions (every workspace) end at once, this one stays; audited', async () => {
    const a = fx.agents[1]!;
    const mine = await login(node.url, a.email, a.password);
    const elsewhere = await login(node.url, a.email, a.password);
    const socket = await connect(node.url, '/agent', { token: elsewhere });
    const gone = disconnected(socket);
    expect(await api(mine, 'POST', '/api/account/password', { currentPassword: 'wrong one', newPassword: 'brand new password' })).toMatchObject({
      status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'currentPassword', message: 'This is not your current password' }] } },
    });
    expect(await api(mine, 'POST', '/api/account/password', { currentPassword: a.password, newPassword: 'short' })).toMatchObject({ status: 400, body: { error: { details: [{ path: 'newPassword' }] } } });
    expect(await api(mine, 'POST', '/api/account/password', { currentPassword: a.password, newPassword: 'brand new password' })).toMatchObject({ status: 204 });
    expect(await gone).toBe('io server disconnect');
    expect((await api(elsewhere, 'GET', '/api/auth/me')).status).toBe(401);
    expect((await api(mine, 'GET', '/api/auth/me')).status).toBe(200);
    await expect(login(node.url, a.email, a.password)).rejects.toThrow(/401/);
    a.password = 'brand new password';
    expect(await login(node.url, a.email, a.password)).toBeTruthy();
    const [e] = await auditOf(other.workspaceId, 'account.password_changed');
    expect(e).toMatchObject({ actor_id: a.id, diff: { after: { otherSessionsEnded: expect.any(Number) } } });
    expect(e!.diff.after.otherSessionsEnded).toBeGreaterThanOrEqual(1);
  });

  it('forgot password: the same answer for any address; a known one gets a 1-hour single-use link; the reset ends every session; audited only for a real account', async () => {
    const a = fx.agents[2]!;
    const session = await login(node.url, a.email, a.password);
    const before = sink.received.length;
    const unknown = await api(null, 'POST', '/api/auth/password/forgot', { email: `nobody-${Date.now()}@example.test` });
    const known = await api(null, 'POST', '/api/auth/password/forgot', { email: a.email.toUpperCase() });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(unknown.body).toEqual(known.body);
    const mail = await until(() => sink.received.slice(before).find((m) => m.envelope.to.includes(a.email)), 5000, 'the reset mail');
    expect(mail.mail.subject).toBe('Reset your support inbox password');
    expect(mail.envelope.from).toBe('no-reply@support.test');
    const link = /http:\/\/support\.test\/inbox\/reset\/([A-Za-z0-9_-]{43})/.exec(mail.mail.text ?? '')!;
    const token = link[1]!;
    expect(mail.mail.text).toContain('for 60 minutes');
    // Only the known address got a mail.
    expect(sink.received.slice(before).map((m) => m.envelope.to[0])).toEqual([a.email]);
    const check = await api(null, 'POST', '/api/auth/password/check', { token });
    expect(Date.parse(check.body.expiresAt) - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(await api(null, 'POST', '/api/auth/password/reset', { token, password: 'tiny' })).toMatchObject({ status: 400, body: { error: { details: [{ path: 'password' }] } } });
    expect(await api(null, 'POST', '/api/auth/password/reset', { token, password: 'a reset password' })).toMatchObject({ status: 204 });
    expect((await api(session, 'GET', '/api/auth/me')).status).toBe(401);
    expect(await login(node.url, a.email, 'a reset password')).toBeTruthy();
    expect(await api(null, 'POST', '/api/auth/password/reset', { token, password: 'another password' })).toMatchObject({ status: 410, body: { error: { code: 'LINK_INVALID', details: { reason: 'used' } } } });
    expect(await api(null, 'POST', '/api/auth/password/check', { token: 'x'.repeat(43) })).toMatchObject({ status: 410, body: { error: { details: { reason: 'unknown' } } } });
    expect((await auditOf(fx.workspaceId, 'account.password_reset_requested')).map((e) => e.object_id)).toEqual([a.id]);
    expect((await auditOf(fx.workspaceId, 'account.password_reset')).map((e) => e.diff.after)).toEqual([{ sessionsEnded: 1 }]);
    // A second request replaces the first link; an expired link is refused.
    const b2 = sink.received.length;
    await api(null, 'POST', '/api/auth/password/forgot', { email: a.email });
    const m2 = await until(() => sink.received.slice(b2).find((m) => m.envelope.to.includes(a.email)), 5000, 'the second reset mail');
    const t2 = /\/inbox\/reset\/([A-Za-z0-9_-]{43})/.exec(m2.mail.text ?? '')![1]!;
    await node.deps.db.rows(sql`update password_resets set expires_at = now() - interval '1 second' where used_at is null`);
    expect(await api(null, 'POST', '/api/auth/password/reset', { token: t2, password: 'too late now' })).toMatchObject({ status: 410, body: { error: { details: { reason: 'expired' } } } });
  });

  it('reset requests are rate limited per address asked about, whether or not it exists', async () => {
    const email = `limited-${Date.now()}@example.test`;
    const codes = [];
    for (let i = 0; i <= RESET_LIMITS.perAccount; i++) codes.push((await api(null, 'POST', '/api/auth/password/forgot', { email })).status);
    expect(codes).toEqual([...Array(RESET_LIMITS.perAccount).fill(202), 429]);
  });

  it('avatar: an image of a known type (by its bytes), size-limited; served to members of a shared workspace only, like attachments; removed', async () => {
    const a = fx.agents[0]!;
    const token = await login(node.url, a.email, a.password);
    expect(await api(token, 'PUT', '/api/account/avatar', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), { 'content-type': 'image/svg+xml' })).toMatchObject({ status: 415 });
    expect(await api(token, 'PUT', '/api/account/avatar', PNG, { 'content-type': 'image/jpeg' })).toMatchObject({ status: 415 });
    expect(await api(token, 'PUT', '/api/account/avatar', Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]), { 'content-type': 'image/png' })).toMatchObject({ status: 413 });
    const set = await api(token, 'PUT', '/api/account/avatar', PNG, { 'content-type': 'image/png' });
    expect(set).toMatchObject({ status: 200, body: { avatarUrl: expect.stringMatching(new RegExp(`^/api/avatars/${a.wire}\\?v=[0-9a-f]{32}$`)) } });
    const teammate = await login(node.url, fx.agents[2]!.email, 'a reset password');
    const got = await api(teammate, 'GET', set.body.avatarUrl);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(PNG);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    const members = await api(token, 'GET', '/api/settings/members');
    expect(members.body.find((m: any) => m.userId === a.wire).avatarUrl).toBe(set.body.avatarUrl);
    // Someone of another workspace: not found, as for an id that does not exist.
    const stranger = await login(node.url, other.agents[0]!.email, other.agents[0]!.password);
    expect((await api(stranger, 'GET', set.body.avatarUrl)).status).toBe(404);
    expect((await api(null, 'GET', set.body.avatarUrl)).status).toBe(401);
    const again = await api(token, 'PUT', '/api/account/avatar', PNG, { 'content-type': 'image/png' });
    expect(again.body.avatarUrl).not.toBe(set.body.avatarUrl);
    expect((await node.deps.db.rows(sql`select 1 from user_avatars where user_id = ${a.id}::uuid`)).length).toBe(1);
    expect(await api(token, 'DELETE', '/api/account/avatar')).toMatchObject({ status: 200, body: { avatarUrl: null } });
    expect((await api(teammate, 'GET', again.body.avatarUrl)).status).toBe(404);
    const events = await auditOf(fx.workspaceId, 'account.updated');
    expect(events.filter((e) => e.actor_id === a.id).map((e) => e.diff.after)).toEqual([{ avatar: 'new image' }, { avatar: 'new image' }, { avatar: 'none' }]);
  });
});
