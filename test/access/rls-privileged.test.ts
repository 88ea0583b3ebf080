import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeSockets, connect, ctxOf, disconnected, login, ok, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { fixture, postRaw, seedEmailInbox } from '../support/email.js';
import { addMember } from '../../server/src/workspaces/workspaces.service.js';
import { seedIfEmpty } from '../../server/src/workspaces/seed.js';
import { processOutbox } from '../../server/src/email/outbox.worker.js';
import { processSystemMail } from '../../server/src/email/system-mail.js';
import { hashToken, newToken } from '../../server/src/lib/tokens.js';
import { fromWire } from '../../server/src/db/ids.js';

const SERVER = fileURLToPath(new URL('../../server/src', import.meta.url));
const ACCESS_DOC = fileURLToPath(new URL('../../docs/access.md', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every `privileged('<name>', …)` call in the server: file, line, name, and whether a `// crosses workspaces:` comment is right above it. */
function privilegedCalls() {
  const calls: { file: string; line: number; name: string; explained: boolean }[] = [];
  for (const file of sources(SERVER)) {
    if (file.endsWith('db/scope.ts')) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((l, i) => {
      for (const m of l.matchAll(/privileged\('([^']+)'/g)) {
        const above = lines.slice(Math.max(0, i - 4), i + 1).join('\n');
        calls.push({ file: file.slice(SERVER.length + 1), line: i + 1, name: m[1]!, explained: /\/\/ crosses workspaces/.test(above) });
      }
    });
  }
  return calls;
}

/**
 * The named privileged paths of row-level security (docs/access.md): each call says why it
 * crosses workspaces, each name is documented, and each works for the server's own role (the
 * app's pool, `node.appDb`, under RLS) — where, without it, it would see no row.
 */
describe('privileged paths', () => {
  let node: Node;
  let a: Fixture;
  let b: Fixture;
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${node.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const appCtx = () => ({ ...ctxOf(node), db: node.appDb });
  /** A session of the owner of `w` in `w` (A's owner is a member of B too, and login picks the last used). */
  const loginTo = async (w: Fixture) =>
    ((await (await post('/api/auth/login', { email: w.agents[0]!.email, password: w.agents[0]!.password, workspaceId: w.ws })).json()) as { token: string }).token;

  beforeAll(async () => {
    node = await startNode('postgres');
    a = await seedWorkspace(node.deps.db, 2);
    b = await seedWorkspace(node.deps.db, 1);
    // A's owner is also an agent of B: an account in two workspaces.
    await addMember(node.deps.db, { workspaceId: b.workspaceId, userId: a.agents[0]!.id, role: 'agent' });
  });
  afterEach(() => closeSockets());
  afterAll(() => node.app.close());

  it('every call says why it crosses workspaces, and every name is in docs/access.md', () => {
    const calls = privilegedCalls();
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => !c.explained).map((c) => `${c.file}:${c.line}`)).toEqual([]);
    const doc = readFileSync(ACCESS_DOC, 'utf8');
    expect([...new Set(calls.map((c) => c.name))].filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });

  it('login, session, account, switch-workspace, create-workspace', async () => {
    const owner = a.agents[0]!;
    // login: the address names the account before any workspace is known; a failure is audited.
    const bad = await post('/api/auth/login', { email: owner.email, password: 'wrong-password' });
    expect(bad.status).toBe(401);
    const token = await login(node.url, owner.email, owner.password);
    // session: the token alone names the session; account: me lists both workspaces.
    const me = (await (await fetch(`${node.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { workspace: { id: string }; workspaces: { id: string }[] };
    expect(me.workspace.id).toBe(a.ws);
    expect(me.workspaces.map((w) => w.id).sort()).toEqual([a.ws, b.ws].sort());
    // switch-workspace
    const sw = await post('/api/auth/switch', { workspaceId: b.ws }, token);
    expect(sw.status).toBe(200);
    const inB = ((await sw.json()) as { token: string }).token;
    const members = await fetch(`${node.url}/api/settings/members`, { headers: { authorization: `Bearer ${inB}` } });
    expect(members.status).toBe(403); // an agent in B: the session is B's, and its role there
    // account: a name change is audited in both workspaces of the account.
    const patched = await fetch(`${node.url}/api/account`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name: 'Renamed' }) });
    expect(patched.status).toBe(200);
    const audited = await node.deps.db.rows<{ workspace_id: string }>(sql`select distinct workspace_id from audit_events where action = 'account.updated' and object_id = ${owner.id}::uuid`);
    expect(audited.map((r) => r.workspace_id).sort()).toEqual([a.workspaceId, b.workspaceId].sort());
    const failed = await node.deps.db.rows(sql`select 1 from audit_events where action like '%fail%' and workspace_id = ${a.workspaceId}::uuid`);
    expect(failed.length).toBeGreaterThan(0);
    // create-workspace
    const created = await post('/api/workspaces', { name: 'Third' }, token);
    expect(created.status).toBe(201);
    // logout ends the session through the token (session).
    const out = await post('/api/auth/logout', {}, inB);
    expect(out.status).toBe(204);
    expect((await fetch(`${node.url}/api/auth/me`, { headers: { authorization: `Bearer ${inB}` } })).status).toBe(401);
  });

  it('widget-inbox and visitor-session: the widget config, a new session and a resumed one', async () => {
    const cfg = await fetch(`${node.url}/api/widget/config?inbox=${a.inbox}`);
    expect(cfg.status).toBe(200);
    const first = await visitor(node.url, a.inbox);
    await ok(first.s, 'message:send', { body: 'hi', clientMessageId: crypto.randomUUID() });
    const again = await visitor(node.url, a.inbox, first.session.token);
    expect(again.session.contactId).toBe(first.session.contactId);
    const history = await ok(again.s, 'history', {});
    expect(history.messages.map((m: { body: string }) => m.body)).toContain('hi');
  });

  it('email-inbox: the webhook finds its inbox, and the mail is written in its workspace; outbox: a reply is processed', async () => {
    const ib = await seedEmailInbox(node.deps.db, a.workspaceId);
    const r = await postRaw(node, ib, fixture('gmail.eml').toString().replaceAll(/Message-ID: <[^>]+>/gi, `Message-ID: <${crypto.randomUUID()}@mail.test>`));
    expect(r.status).toBe(200);
    expect(r.body.data.result).toBe('created');
    const token = await loginTo(a);
    const agent = await connect(node.url, '/agent', { token });
    await ok(agent, 'message:send', { ticketId: r.body.data.ticketId, body: 'a reply', clientMessageId: crypto.randomUUID() });
    // outbox: the worker's round claims due mail of every workspace (no mailer: not sent).
    // (Other test files share the database: their due mail may be in the round too.)
    const round = await processOutbox(appCtx(), null);
    expect(round.not_sent).toBeGreaterThanOrEqual(1);
    const [row] = await node.deps.db.rows<{ status: string }>(sql`select status from email_outbox where ticket_id = ${fromWire('ticket', r.body.data.ticketId)}::uuid`);
    expect(row?.status).toBe('not_sent');
  });

  it('invitation and system-mail: invite, preview, accept; password-reset: forgot, check, reset', async () => {
    const ownerToken = await loginTo(a);
    const email = `new-${crypto.randomUUID()}@example.test`;
    const res = await post('/api/settings/invitations', { email, role: 'agent' }, ownerToken);
    expect(res.status).toBe(201);
    const inv = (await res.json()) as { link: string | null };
    const token = inv.link!.split('/').pop()!;
    expect((await post('/api/auth/invitation/preview', { token })).status).toBe(200);
    const accepted = await post('/api/auth/invitation/accept', { token, name: 'New Person', password: 'a-long-password-1' });
    expect(accepted.status).toBe(200);
    // password-reset: forgot finds the account by its address (its reset row and the audit in
    // its workspace show it did); then a link of our own (the mailed one leaves no copy) is checked and used.
    expect((await post('/api/auth/password/forgot', { email })).status).toBe(202);
    const [user] = await node.deps.db.rows<{ id: string }>(sql`select id from users where lower(email) = lower(${email})`);
    await until(async () => (await node.deps.db.rows(sql`select 1 from password_resets where user_id = ${user!.id}::uuid`)).length > 0, 5000, 'the reset row');
    await until(async () => (await node.deps.db.rows(sql`select 1 from audit_events where action = 'account.password_reset_requested' and workspace_id = ${a.workspaceId}::uuid and object_id = ${user!.id}::uuid`)).length > 0, 5000, 'its audit');
    const link = newToken();
    await node.deps.db.rows(sql`insert into password_resets (id, user_id, token_hash, expires_at, created_at)
      values (gen_random_uuid(), ${user!.id}::uuid, ${hashToken(link)}, now() + interval '1 hour', now())`);
    expect((await post('/api/auth/password/check', { token: link })).status).toBe(200);
    expect((await post('/api/auth/password/reset', { token: link, password: 'another-long-password-2' })).status).toBe(204);
    // system-mail: the worker's round claims every workspace's due mail (the invitation's is read through it).
    await node.deps.db.rows(sql`update system_mail set status = 'queued', next_attempt_at = now() - interval '1 minute', link_token = coalesce(link_token, 'x')
      where invitation_id is not null and to_address = ${email}`);
    const round = await processSystemMail(appCtx(), null);
    expect(Object.values(round).reduce((n, v) => n + (v ?? 0), 0)).toBeGreaterThan(0);
  });

  it('maintenance, revocation, seed', async () => {
    // maintenance: an agent marked online with no socket is swept offline, across workspaces.
    await node.deps.db.rows(sql`update memberships set availability = 'online' where workspace_id = ${b.workspaceId}::uuid`);
    expect(await node.app.sweepPresence()).toBeGreaterThan(0);
    // revocation: a session deleted by hand closes its socket (the node re-reads the socket's access).
    const token = await login(node.url, b.agents[0]!.email, b.agents[0]!.password);
    const s = await connect(node.url, '/agent', { token });
    const gone = disconnected(s);
    await node.deps.db.rows(sql`delete from agent_sessions where user_id = ${b.agents[0]!.id}::uuid`);
    expect(await gone).not.toBe('still connected');
    // seed: through its path the app role sees that workspaces exist (without it, none, and it would seed again).
    expect(await seedIfEmpty(node.appDb, { email: 'admin@example.test' })).toBeNull();
  });
});
