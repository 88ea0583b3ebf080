import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { closeSockets, cmid, connect, login, next, ok, seedWorkspace, startNode, type Fixture, type Mode, type Node } from '../support/harness.js';
import { fixture, manualClock, postRaw, seedEmailInbox, smtpSink, workerCtx, type EmailInboxFixture } from '../support/email.js';
import { processOutbox, BACKOFF_MS } from '../../server/src/email/outbox.worker.js';
import { smtpMailer } from '../../server/src/email/mailer.js';
import { toWire } from '../../server/src/db/ids.js';

let sink: Awaited<ReturnType<typeof smtpSink>>;
beforeAll(async () => {
  sink = await smtpSink();
});
afterAll(async () => {
  closeSockets();
  await sink.close();
});

let n = 0;
/** A node with an email inbox, an agent socket, and a ticket opened by a customer's mail. */
async function setup(mode: Mode = 'postgres', node?: Node) {
  node ??= await startNode(mode, { config: { EMAIL_MAX_ATTEMPTS: 3 } });
  const fx: Fixture = await seedWorkspace(node.deps.db, 1);
  const ib: EmailInboxFixture = await seedEmailInbox(node.deps.db, fx.workspaceId);
  const agent = await connect(node.url, '/agent', { token: await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password) });
  const customerId = `customer-${++n}-${Date.now()}@ejemplo.test`;
  const r = await postRaw(node, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@ejemplo.test', customerId));
  expect(r.body.data.result).toBe('created');
  const ticket = r.body.data.ticketId;
  const reply = async (body = 'We are on it.\n\nBest,\nAgent 0') => ok(agent, 'message:send', { ticketId: ticket, body, clientMessageId: cmid() });
  return { node, fx, ib, agent, ticket, ticketUuid: decodeId('ticket', r.body.data.ticketId)!, customerId, reply };
}

describe('outbound email over SMTP', () => {
  it('round trip: inbound mail → agent reply over SMTP with threading headers → the customer reply lands on the same ticket', async () => {
    const s = await setup();
    try {
      const before = sink.received.length;
      const m = await s.reply('Your parcel ships today.\nTracking: <1Z999>');
      expect(m.email).toMatchObject({ direction: 'out', to: [{ address: 'jose@ejemplo.test' }], delivery: { status: 'queued', attempts: 0 } });
      const delivered = next(s.agent, 'message:delivery', (e) => e.messageId === m.id);
      const round = await processOutbox(workerCtx(s.node), smtpMailer(sink.url), { workspaceId: s.fx.workspaceId });
      expect(round.sent).toBe(1);
      expect((await delivered).delivery).toMatchObject({ status: 'sent', attempts: 1, reason: null });
      expect(sink.received.length).toBe(before + 1);
      const got = sink.received[sink.received.length - 1]!;
      expect(got.envelope).toEqual({ from: s.ib.address, to: ['jose@ejemplo.test'] });
      const [t] = await s.node.deps.db.rows<{ number: number }>(sql`select number from tickets where id = ${s.ticketUuid}::uuid`);
      expect(got.mail.subject).toBe(`Re: Pregunta sobre el envío [#${t!.number}]`);
      expect(got.mail.from).toMatchObject({ name: 'Acme Support', address: s.ib.address });
      expect(got.mail.replyTo?.[0]).toMatchObject({ address: expect.stringMatching(new RegExp(`^reply\\+[0-9a-z]{50}@${s.ib.address.split('@')[1]}$`)) });
      expect(got.mail.messageId).toBe(`<${m.email.messageId}>`);
      expect(got.mail.inReplyTo).toBe(`<${s.customerId}>`);
      expect(got.mail.references).toContain(`<${s.customerId}>`);
      expect(got.mail.text?.trim()).toBe('Your parcel ships today.\nTracking: <1Z999>');
      expect(got.mail.html).toContain('Tracking: &#60;1Z999&#62;');
      // The message now carries the delivery state for anyone who loads it later.
      const detail = await ok(s.agent, 'ticket:get', { ticketId: s.ticket });
      expect(detail.messages.find((x: any) => x.id === m.id).email.delivery.status).toBe('sent');

      // The customer answers that mail from their client (quoting it): it threads back.
      const answer = [
        `From: Jose Nunez <jose@ejemplo.test>`,
        `To: ${got.mail.replyTo![0]!.address}`,
        `Subject: Re: ${got.mail.subject}`,
        `Message-ID: <answer-${Date.now()}@ejemplo.test>`,
        `In-Reply-To: ${got.mail.messageId}`,
        `References: ${got.mail.references} ${got.mail.messageId}`,
        `Content-Type: text/plain; charset=utf-8`,
        '',
        'Great, thanks!',
        '',
        `On Tue, Mar 5, 2024 at 6:02 PM Acme Support <${s.ib.address}> wrote:`,
        '> Your parcel ships today.',
        '',
      ].join('\r\n');
      const back = await postRaw(s.node, s.ib, answer);
      expect(back.body.data).toMatchObject({ result: 'created', ticketId: s.ticket, newTicket: false });
      const after = await ok(s.agent, 'ticket:get', { ticketId: s.ticket });
      expect(after.messages.map((x: any) => [x.authorType, x.body])).toEqual([
        ['contact', '¿Cuándo llega mi pedido? Gracias, José.'],
        ['agent', 'Your parcel ships today.\nTracking: <1Z999>'],
        ['contact', 'Great, thanks!'],
      ]);
      // The next reply threads on the customer's last mail.
      const m2 = await s.reply('You are welcome.');
      await processOutbox(workerCtx(s.node), smtpMailer(sink.url), { workspaceId: s.fx.workspaceId });
      const got2 = sink.received[sink.received.length - 1]!;
      expect(got2.mail.messageId).toBe(`<${m2.email.messageId}>`);
      expect(got2.mail.inReplyTo).toMatch(/^<answer-/);
      expect(got2.mail.references).toContain(`<${s.customerId}>`);
    } finally {
      await s.node.app.close();
    }
  });

  it('an internal note sends nothing; a retried clientMessageId queues one mail', async () => {
    const s = await setup();
    try {
      await ok(s.agent, 'message:send', { ticketId: s.ticket, body: 'note', clientMessageId: cmid(), visibility: 'internal' });
      const id = cmid();
      const a = await ok(s.agent, 'message:send', { ticketId: s.ticket, body: 'once', clientMessageId: id });
      const b = await ok(s.agent, 'message:send', { ticketId: s.ticket, body: 'once', clientMessageId: id });
      expect(b.id).toBe(a.id);
      const rows = await s.node.deps.db.rows(sql`select 1 from email_outbox where ticket_id = ${s.ticketUuid}::uuid`);
      expect(rows).toHaveLength(1);
    } finally {
      await s.node.app.close();
    }
  });

  it('temporary SMTP failures retry with backoff on the injected clock, then fail for good after EMAIL_MAX_ATTEMPTS', async () => {
    const s = await setup();
    const clock = manualClock(new Date(Date.now() + 5_000));
    const ctx = workerCtx(s.node, clock);
    try {
      const m = await s.reply('retry me');
      sink.reject(1);
      const first = await processOutbox(ctx, smtpMailer(sink.url), { workspaceId: s.fx.workspaceId });
      expect(first.queued).toBe(1);
      let [row] = await s.node.deps.db.rows<{ email: any }>(sql`select email from messages where id = ${decodeId('message', m.id)}::uuid`);
      expect(row!.email.delivery).toMatchObject({ status: 'queued', attempts: 1, reason: expect.stringContaining('try again later') });
      expect(new Date(row!.email.delivery.nextAttemptAt).getTime()).toBe(clock.now().getTime() + BACKOFF_MS[0]!);
      // Not due yet: nothing is claimed.
      expect((await processOutbox(ctx, smtpMailer(sink.url), { workspaceId: s.fx.workspaceId })).queued + (await processOutbox(ctx, smtpMailer(sink.url), { workspaceId: s.fx.workspaceId })).sent).toBe(0);
      clock.advance(BACKOFF_MS[0]! + 1);
      expect((await processOutbox(ctx, smtpMailer(sink.url), { workspaceId: s.fx.workspaceId })).sent).toBe(1);
      [row] = await s.node.deps.db.rows<{ email: any }>(sql`select email from messages where id = ${decodeId('message', m.id)}::uuid`);
      expect(row!.email.delivery).toMatchObject({ status: 'sent', attempts: 2 });

      const m2 = await s.reply('this one never makes it');
      sink.reject(3);
      for (const wait of [0, BACKOFF_MS[0]! + 1, BACKOFF_MS[1]! + 1]) {
        clock.advance(wait);
        await processOutbox(ctx, smtpMailer(sink.url), { workspaceId: s.fx.workspaceId });
      }
      [row] = await s.node.deps.db.rows<{ email: any }>(sql`select email from messages where id = ${decodeId('message', m2.id)}::uuid`);
      expect(row!.email.delivery).toMatchObject({ status: 'failed', attempts: 3 });
      clock.advance(BACKOFF_MS[5]! * 10);
      expect((await processOutbox(ctx, smtpMailer(sink.url), { workspaceId: s.fx.workspaceId })).sent).toBe(0);

      // A permanent refusal (5xx) fails at once, without retries.
      const m3 = await s.reply('to a mailbox that does not exist');
      sink.reject(1, 550);
      clock.advance(1000);
      expect((await processOutbox(ctx, smtpMailer(sink.url), { workspaceId: s.fx.workspaceId })).failed).toBe(1);
      [row] = await s.node.deps.db.rows<{ email: any }>(sql`select email from messages where id = ${decodeId('message', m3.id)}::uuid`);
      expect(row!.email.delivery).toMatchObject({ status: 'failed', attempts: 1, reason: expect.stringContaining('mailbox unavailable'), nextAttemptAt: null });
    } finally {
      sink.reject(0);
      await s.node.app.close();
    }
  });

  it('a restart loses no queued mail, a crashed claim is taken again, and two nodes send each mail once', async () => {
    const s = await setup();
    const a = await s.reply('queued before the restart');
    const b = await s.reply('claimed by a node that then crashed');
    await s.node.deps.db.rows(sql`update email_outbox set status = 'sending', attempts = 1, locked_until = now() - interval '1 second'
      where message_id = ${decodeId('message', b.id)}::uuid`);
    await s.node.app.close();
    const n1 = await startNode('postgres');
    const n2 = await startNode('postgres');
    try {
      const before = sink.received.length;
      const rounds = await Promise.all([processOutbox(workerCtx(n1), smtpMailer(sink.url), { workspaceId: s.fx.workspaceId }), processOutbox(workerCtx(n2), smtpMailer(sink.url), { workspaceId: s.fx.workspaceId })]);
      expect(rounds[0]!.sent + rounds[1]!.sent).toBe(2);
      const ids = sink.received.slice(before).map((r) => r.mail.messageId);
      expect(ids.sort()).toEqual([`<${a.email.messageId}>`, `<${b.email.messageId}>`].sort());
    } finally {
      await n1.app.close();
      await n2.app.close();
    }
  });

  it('embedded default without SMTP: the mail is recorded and shown as not sent: no SMTP configured', async () => {
    const s = await setup('embedded');
    try {
      const m = await s.reply('no smtp here');
      const delivered = next(s.agent, 'message:delivery', (e) => e.messageId === m.id);
      const round = await processOutbox(workerCtx(s.node), null, { workspaceId: s.fx.workspaceId });
      expect(round.not_sent).toBe(1);
      expect((await delivered).delivery).toMatchObject({ status: 'not_sent', reason: 'no SMTP configured' });
      const [row] = await s.node.deps.db.rows<{ raw: Uint8Array }>(sql`select raw from email_messages where message_id = ${decodeId('message', m.id)}::uuid`);
      expect(Buffer.from(row!.raw).toString('utf8')).toContain('no smtp here');
    } finally {
      await s.node.app.close();
    }
  });
});
