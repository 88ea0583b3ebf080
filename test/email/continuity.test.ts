import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { call, closeSockets, cmid, connect, login, next, ok, seedWorkspace, startNode, visitor, type Fixture, type Node } from '../support/harness.js';
import { eventually, manualClock, postRaw, seedEmailInbox, smtpSink, workerCtx, type EmailInboxFixture } from '../support/email.js';
import { processOutbox } from '../../server/src/email/outbox.worker.js';
import { smtpMailer } from '../../server/src/email/mailer.js';

const GRACE = 120_000;
let node: Node;
let sink: Awaited<ReturnType<typeof smtpSink>>;
let fx: Fixture;
let ib: EmailInboxFixture;

beforeAll(async () => {
  sink = await smtpSink();
  node = await startNode('postgres', { config: { EMAIL_CONTINUITY_GRACE_MS: GRACE } });
  fx = await seedWorkspace(node.deps.db);
  ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
});
afterAll(async () => {
  closeSockets();
  await node.app.close();
  await sink.close();
});

/** A chat visitor who left an email address, with a ticket, and an agent socket. */
async function chat(email: string) {
  const v = await visitor(node.url, fx.inbox);
  const first = await ok(v.s, 'message:send', { body: 'Is anyone there?', clientMessageId: cmid() });
  expect(await ok(v.s, 'identify', { name: 'Vic Visitor', email: ` ${email.toUpperCase()} ` })).toMatchObject({ verified: false, name: 'Vic Visitor', email });
  const agent = await connect(node.url, '/agent', { token: await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password) });
  const digests = () => node.deps.db.rows<{ status: string; next_attempt_at: Date }>(sql`select status, next_attempt_at from email_outbox
    where ticket_id = ${decodeId('ticket', first.ticketId)}::uuid and kind = 'digest'`);
  return { v, first, agent, digests };
}

describe('chat continuity over email', () => {
  it('unread agent replies are emailed once after the grace period, batched; the email answer lands in the chat and the widget shows it', async () => {
    const c = await chat('vic@example.test');
    const clock = manualClock(new Date(Date.now() + 1000));
    const ctx = workerCtx(node, clock);
    await ok(c.agent, 'message:send', { ticketId: c.first.ticketId, body: 'Hi! Let me check.', clientMessageId: cmid() });
    await ok(c.agent, 'message:send', { ticketId: c.first.ticketId, body: 'note for us', clientMessageId: cmid(), visibility: 'internal' });
    await ok(c.agent, 'message:send', { ticketId: c.first.ticketId, body: 'Your order ships tomorrow.', clientMessageId: cmid() });
    await eventually(async () => (await c.digests()).length === 1, 'digest row');
    expect(await c.digests()).toHaveLength(1);
    c.v.s.disconnect();

    expect((await processOutbox(ctx, smtpMailer(sink.url), { workspaceId: fx.workspaceId })).sent).toBe(0);
    clock.advance(GRACE + 1000);
    const before = sink.received.length;
    expect((await processOutbox(ctx, smtpMailer(sink.url), { workspaceId: fx.workspaceId })).sent).toBe(1);
    const got = sink.received[before]!;
    expect(got.envelope.to).toEqual(['vic@example.test']);
    expect(got.mail.from?.address).toBe(ib.address);
    expect(got.mail.text).toContain('Hi! Let me check.');
    expect(got.mail.text).toContain('Your order ships tomorrow.');
    expect(got.mail.text).not.toContain('note for us');
    expect(sink.received.length).toBe(before + 1);

    // The visitor comes back to the widget before the answer arrives: it shows live and in history.
    const back = await visitor(node.url, fx.inbox, c.v.session.token);
    expect(back.session.conversation.id).toBe(c.first.conversationId);
    const live = next(back.s, 'message:new');
    const answer = [
      'From: Vic Visitor <vic@example.test>',
      `To: ${got.mail.replyTo![0]!.address}`,
      'Cc: Someone Else <someone.else@example.test>',
      `Subject: Re: ${got.mail.subject}`,
      `Message-ID: <vic-answer-${Date.now()}@example.test>`,
      `In-Reply-To: ${got.mail.messageId}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Thanks, tomorrow is fine.',
      '',
      'On Tue, 5 Mar 2024 at 18:02, Acme Support wrote:',
      '> Your order ships tomorrow.',
      '',
    ].join('\r\n');
    const r = await postRaw(node, ib, answer);
    expect(r.body.data).toMatchObject({ result: 'created', ticketId: c.first.ticketId, newTicket: false });
    expect(await live).toMatchObject({ body: 'Thanks, tomorrow is fine.', email: null });

    const history = await ok(back.s, 'history', { afterSeq: 0 });
    expect(history.messages.map((m: any) => [m.authorType, m.body])).toEqual([
      ['contact', 'Is anyone there?'],
      ['agent', 'Hi! Let me check.'],
      ['agent', 'Your order ships tomorrow.'],
      ['contact', 'Thanks, tomorrow is fine.'],
    ]);
    // Visitors never get email internals (delivery state and its SMTP text, cc addresses); agents do.
    expect(history.messages.map((m: any) => m.email)).toEqual([null, null, null, null]);
    expect(JSON.stringify(history)).not.toContain('someone.else@example.test');
    const agentView = await ok(c.agent, 'messages:list', { conversationId: c.first.conversationId, afterSeq: 0 });
    const byBody = (b: string) => agentView.messages.find((m: any) => m.body === b);
    expect(byBody('Hi! Let me check.').email.delivery.status).toBe('sent');
    expect(byBody('Thanks, tomorrow is fine.').email).toMatchObject({ direction: 'in', stripped: true, cc: [{ address: 'someone.else@example.test' }] });
  });

  it('replies the visitor read in the chat within the grace period are not emailed', async () => {
    const c = await chat('reader@example.test');
    const clock = manualClock(new Date(Date.now() + 1000));
    const m = await ok(c.agent, 'message:send', { ticketId: c.first.ticketId, body: 'Seen live', clientMessageId: cmid() });
    await eventually(async () => (await c.digests()).length === 1, 'digest row');
    await ok(c.v.s, 'read', { seq: m.seq });
    clock.advance(GRACE + 1000);
    const before = sink.received.length;
    const round = await processOutbox(workerCtx(node, clock), smtpMailer(sink.url), { workspaceId: fx.workspaceId });
    expect(round).toMatchObject({ sent: 0, not_sent: 1 });
    expect(sink.received.length).toBe(before);
    expect((await c.digests()).map((d) => d.status)).toEqual(['not_sent']);
  });

  it('an unverified identify (the away form) validates the address it leaves', async () => {
    const v = await visitor(node.url, fx.inbox);
    for (const bad of [{ email: 'not an email' }, { name: '' }, { email: 'a@b.test', extra: 1 }])
      expect(await call(v.s, 'identify', bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(v.s, 'identify', { name: 'Only Name' })).toMatchObject({ ok: true, data: { verified: false, name: 'Only Name', email: null } });
  });

  it('mail from an address a visitor typed does not join that visitor: it opens a ticket of a contact of its own', async () => {
    const c = await chat('claimed@example.test');
    const r = await postRaw(node, ib, [
      'From: Real Owner <claimed@example.test>',
      `To: ${ib.address}`,
      'Subject: my own question',
      `Message-ID: <owner-${Date.now()}@example.test>`,
      '',
      'Hello',
      '',
    ].join('\r\n'));
    expect(r.body.data).toMatchObject({ result: 'created', newTicket: true });
    const [t] = await node.deps.db.rows<{ requester_id: string }>(sql`select requester_id from tickets where id = ${decodeId('ticket', r.body.data.ticketId)}::uuid`);
    expect(t!.requester_id).not.toBe(decodeId('contact', c.v.session.contactId));
  });

  it('a visitor without an email address gets no digest', async () => {
    const v = await visitor(node.url, fx.inbox);
    const first = await ok(v.s, 'message:send', { body: 'anonymous', clientMessageId: cmid() });
    const agent = await connect(node.url, '/agent', { token: await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    await ok(agent, 'message:send', { ticketId: first.ticketId, body: 'hello', clientMessageId: cmid() });
    // The scheduling statement runs after the ack; a later reply on an emailed ticket would show its row by now.
    const marker = await chat('marker@example.test');
    await ok(marker.agent, 'message:send', { ticketId: marker.first.ticketId, body: 'x', clientMessageId: cmid() });
    await eventually(async () => (await marker.digests()).length === 1, 'marker digest');
    const rows = await node.deps.db.rows(sql`select 1 from email_outbox where ticket_id = ${decodeId('ticket', first.ticketId)}::uuid`);
    expect(rows).toHaveLength(0);
  });
});
