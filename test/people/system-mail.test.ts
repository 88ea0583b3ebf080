import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { ctxOf, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { manualClock, smtpSink, workerCtx } from '../support/email.js';
import { inviteMember } from '../../server/src/people/invitations.service.js';
import { processSystemMail } from '../../server/src/email/system-mail.js';
import { smtpMailer } from '../../server/src/email/mailer.js';
import { BACKOFF_MS } from '../../server/src/email/outbox.worker.js';

type Sink = Awaited<ReturnType<typeof smtpSink>>;

/**
 * The system-mail outbox: a queued invitation survives a restart and is sent by the next
 * node; a temporary SMTP failure is retried with backoff (the token kept until then); a mail
 * whose link expired or was used meanwhile is cancelled, not sent; every final state clears the token.
 */
describe('system mail outbox', () => {
  let sink: Sink;
  let node: Node;
  let fx: Fixture;
  const rows = (email: string) =>
    node.deps.db.rows<{ status: string; attempts: number; link_token: string | null; last_error: string | null }>(sql`select status, attempts, link_token, last_error
      from system_mail where to_address = ${email} order by created_at, id`);
  const invite = (n: Node, email: string) =>
    inviteMember(ctxOf(n), { workspaceId: fx.workspaceId, actor: { type: 'agent', id: fx.agents[0]!.id }, email, role: 'agent', roleId: null, teamIds: [], linkBase: 'https://support.test/inbox/accept/', smtp: true });

  /** The mail of an invitation (other test files' mail is theirs to send). */
  const mine = async (issued: ReturnType<typeof invite>) => ({ invitationId: decodeId('invitation', (await issued).invitation.id)! });

  beforeAll(async () => {
    sink = await smtpSink();
    node = await startNode('postgres', { config: { SMTP_URL: sink.url, EMAIL_MAX_ATTEMPTS: 3 } });
    fx = await seedWorkspace(node.deps.db, 1);
  });
  afterAll(async () => {
    await node.app.close();
    await sink.close();
  });

  it('a mail queued on a node that stops is sent by the next one, and its token is gone once sent', async () => {
    const first = await startNode('postgres');
    const email = `restart-${fx.workspaceId}@example.test`;
    // Queued in the transaction of the invitation; the node stops before any worker ran.
    const { invitation } = await invite(first, email);
    const only = { invitationId: decodeId('invitation', invitation.id)! };
    await first.app.close();
    expect(await rows(email)).toMatchObject([{ status: 'queued', attempts: 0, link_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) }]);
    const token = (await rows(email))[0]!.link_token!;
    const before = sink.received.length;
    const round = await processSystemMail(workerCtx(node), smtpMailer(sink.url), { only });
    expect(round).toEqual({ sent: 1 });
    const mail = sink.received.slice(before).find((m) => m.envelope.to.includes(email))!;
    expect(mail.mail.text).toContain(`https://support.test/inbox/accept/${token}`);
    expect(mail.mail.html).toContain(`<a href="https://support.test/inbox/accept/${token}">Accept the invitation</a>`);
    expect(mail.envelope.from).toBe('no-reply@localhost');
    expect(await rows(email)).toMatchObject([{ status: 'sent', attempts: 1, link_token: null }]);
  });

  it('a temporary failure is retried after the backoff with its token; a permanent one fails and clears it', async () => {
    const email = `retry-${fx.workspaceId}@example.test`;
    const only = await mine(invite(node, email));
    const clock = manualClock(new Date(Date.now() + 1000));
    const ctx = workerCtx(node, clock);
    sink.reject(1, 451);
    await processSystemMail(ctx, smtpMailer(sink.url), { only });
    expect(await rows(email)).toMatchObject([{ status: 'queued', attempts: 1, link_token: expect.any(String), last_error: expect.stringContaining('try again later') }]);
    // Not due yet; then due after the first backoff.
    expect(await processSystemMail(ctx, smtpMailer(sink.url), { only })).toEqual({});
    clock.advance(BACKOFF_MS[0]! + 1000);
    await processSystemMail(ctx, smtpMailer(sink.url), { only });
    expect(await rows(email)).toMatchObject([{ status: 'sent', attempts: 2, link_token: null }]);

    const hard = `hard-${fx.workspaceId}@example.test`;
    const hardOnly = await mine(invite(node, hard));
    sink.reject(1, 550);
    await processSystemMail(workerCtx(node), smtpMailer(sink.url), { only: hardOnly });
    expect(await rows(hard)).toMatchObject([{ status: 'failed', attempts: 1, link_token: null }]);
  });

  it('a mail whose invitation expired before it was due is cancelled, not sent; without a mailer it is not sent; both clear the token', async () => {
    const clock = manualClock(new Date(Date.now() + 8 * 86_400_000));
    const late = `late-${fx.workspaceId}@example.test`;
    const lateOnly = await mine(invite(node, late));
    const before = sink.received.length;
    await processSystemMail(workerCtx(node, clock), smtpMailer(sink.url), { only: lateOnly });
    expect(await rows(late)).toMatchObject([{ status: 'cancelled', link_token: null, last_error: 'the link can no longer be used' }]);
    expect(sink.received.slice(before).some((m) => m.envelope.to.includes(late))).toBe(false);

    const quiet = `nosmtp-${fx.workspaceId}@example.test`;
    await processSystemMail(workerCtx(node), null, { only: await mine(invite(node, quiet)) });
    expect(await rows(quiet)).toMatchObject([{ status: 'not_sent', link_token: null, last_error: 'no SMTP configured' }]);
  });
});
