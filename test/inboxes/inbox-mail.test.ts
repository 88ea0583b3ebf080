import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSockets, cmid, connect, login, ok, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { fixture, postRaw, seedEmailInbox, smtpSink, workerCtx } from '../support/email.js';
import { processOutbox } from '../../server/src/email/outbox.worker.js';
import { smtpMailer } from '../../server/src/email/mailer.js';

type Got = { user: string | null; from: string; to: string[]; raw: string };

/** A real SMTP server (smtp-server) that takes AUTH PLAIN/LOGIN over a plain connection and keeps what it got. */
async function authSink(user: string, pass: string) {
  const got: Got[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    closeTimeout: 100,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) return cb(null, { user: auth.username });
      return cb(new Error('535 wrong credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        got.push({
          user: (session.user as string | undefined) ?? null,
          from: (session.envelope.mailFrom as SMTPServerAddress).address,
          to: session.envelope.rcptTo.map((a) => a.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.server.address() as AddressInfo).port, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let mine: Awaited<ReturnType<typeof authSink>>;
let global: Awaited<ReturnType<typeof smtpSink>>;
let node: Node;
let fx: Fixture;
let owner: string;
beforeAll(async () => {
  mine = await authSink('inbox-user', 'inbox-pass');
  global = await smtpSink();
  node = await startNode('postgres');
  fx = await seedWorkspace(node.deps.db, 1);
  owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
});
afterAll(async () => {
  closeSockets();
  await node.app.close();
  await mine.close();
  await global.close();
});

const api = async (n: Node, token: string, method: string, path: string, body?: unknown) => {
  const r = await fetch(`${n.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : null });
  return { status: r.status, body: (await r.json()) as any };
};
const smtp = (o: Record<string, unknown> = {}) => ({ host: '127.0.0.1', port: mine.port, user: 'inbox-user', password: 'inbox-pass', tls: 'none', ...o });

describe('an email inbox’s own SMTP server', () => {
  it('"Send a test mail" goes to the signed-in member through the inbox’s SMTP, with its credentials, and answers what the server said; audited', async () => {
    const ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
    expect((await api(node, owner, 'PATCH', `/api/settings/inboxes/${ib.inbox}`, { smtp: smtp() })).status).toBe(200);
    const r = await api(node, owner, 'POST', `/api/settings/inboxes/${ib.inbox}/test-mail`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ sent: true, to: fx.agents[0]!.email, via: 'inbox', response: expect.stringMatching(/^250 /), error: null });
    const last = mine.got.at(-1)!;
    expect(last).toMatchObject({ user: 'inbox-user', from: ib.address, to: [fx.agents[0]!.email] });
    expect(last.raw).toContain(`Subject: Test mail from Acme Support ${ib.address}`);
    const [a] = await node.deps.db.rows<{ diff: any }>(sql`select diff from audit_events where object_id = ${ib.inboxId}::uuid and action = 'inbox.test_mail_sent'`);
    expect(a!.diff.after).toMatchObject({ to: fx.agents[0]!.email, via: 'inbox', sent: true });
  });

  it('says why a test mail failed: wrong password, STARTTLS required but not offered, nobody listening', async () => {
    const ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
    const attempt = async (o: Record<string, unknown>) => {
      await api(node, owner, 'PATCH', `/api/settings/inboxes/${ib.inbox}`, { smtp: smtp(o) });
      return (await api(node, owner, 'POST', `/api/settings/inboxes/${ib.inbox}/test-mail`)).body;
    };
    expect(await attempt({ password: 'wrong' })).toMatchObject({ sent: false, via: 'inbox', response: null, error: expect.stringMatching(/535|credentials|Invalid login/i) });
    expect(await attempt({ tls: 'starttls' })).toMatchObject({ sent: false, error: expect.stringMatching(/STARTTLS/i) });
    const closed = await authSink('x', 'y');
    await closed.close();
    expect(await attempt({ port: closed.port })).toMatchObject({ sent: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('without its own server a test mail goes through SMTP_URL, and says so when there is none', async () => {
    const ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
    const none = await api(node, owner, 'POST', `/api/settings/inboxes/${ib.inbox}/test-mail`);
    expect(none.body).toMatchObject({ sent: false, via: 'none', error: expect.stringContaining('no SMTP configured') });
    const withGlobal = await startNode('postgres', { config: { SMTP_URL: global.url } });
    try {
      const f = await seedWorkspace(withGlobal.deps.db, 1);
      const g = await seedEmailInbox(withGlobal.deps.db, f.workspaceId);
      const token = await login(withGlobal.url, f.agents[0]!.email, f.agents[0]!.password);
      expect((await api(withGlobal, token, 'GET', `/api/settings/inboxes/${g.inbox}`)).body.email).toMatchObject({ smtp: null, globalSmtp: true });
      const before = global.received.length;
      const r = await api(withGlobal, token, 'POST', `/api/settings/inboxes/${g.inbox}/test-mail`);
      expect(r.body).toMatchObject({ sent: true, via: 'global' });
      expect(global.received.slice(before).map((m) => m.envelope)).toEqual([{ from: g.address, to: [f.agents[0]!.email] }]);
    } finally {
      await withGlobal.app.close();
    }
  });

  it('the outbound worker sends an inbox’s replies through its SMTP server, other inboxes’ through SMTP_URL', async () => {
    const own = await seedEmailInbox(node.deps.db, fx.workspaceId);
    const plain = await seedEmailInbox(node.deps.db, fx.workspaceId);
    await api(node, owner, 'PATCH', `/api/settings/inboxes/${own.inbox}`, { smtp: smtp() });
    const agent = await connect(node.url, '/agent', { token: owner });
    const replyTo = async (ib: typeof own, tag: string) => {
      const r = await postRaw(node, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@ejemplo.test', `${tag}-${cmid()}@ejemplo.test`));
      return ok(agent, 'message:send', { ticketId: r.body.data.ticketId, body: `Reply ${tag}`, clientMessageId: cmid() });
    };
    await replyTo(own, 'own');
    await replyTo(plain, 'plain');
    const mineBefore = mine.got.length;
    const globalBefore = global.received.length;
    const round = await processOutbox(workerCtx(node), smtpMailer(global.url), { workspaceId: fx.workspaceId });
    expect(round.sent).toBe(2);
    expect(mine.got.slice(mineBefore).map((m) => [m.user, m.from])).toEqual([['inbox-user', own.address]]);
    expect(global.received.slice(globalBefore).map((m) => m.envelope.from)).toEqual([plain.address]);
  });
});
