import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { closeSockets, cmid, next, ok } from '../support/harness.js';
import { fixture, postRaw, startEmailNode } from '../support/email.js';

let { node, ib, agent } = {} as Awaited<ReturnType<typeof startEmailNode>>;

beforeAll(async () => {
  ({ node, ib, agent } = await startEmailNode());
});
afterAll(async () => {
  closeSockets();
  await node.app.close();
});

let seq = 0;
/** A customer mail (new ticket) with an agent reply on it, the ticket resolved: what machine mail about that reply refers to. */
async function repliedTicket() {
  const first = await postRaw(node, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `machine-${++seq}-${Date.now()}@`));
  const ticket: string = first.body.data.ticketId;
  const ticketId = decodeId('ticket', ticket)!;
  const reply = await ok(agent, 'message:send', { ticketId: ticket, body: 'Here is your tracking number.', clientMessageId: cmid() });
  await ok(agent, 'ticket:setStatus', { ticketId: ticket, status: 'resolved' });
  const [row] = await node.deps.db.rows<{ reply_to: string; number: number }>(sql`select o.payload->>'replyTo' as reply_to, t.number
    from email_outbox o join tickets t on t.id = o.ticket_id where o.message_id = ${decodeId('message', reply.id)}::uuid`);
  return { ticket, ticketId, replyId: reply.id as string, ourId: reply.email.messageId as string, replyTo: row!.reply_to, number: String(row!.number) };
}
type Replied = Awaited<ReturnType<typeof repliedTicket>>;

const machine = (name: string, t: Replied, ourId = t.ourId) =>
  fixture(`machine/${name}`, { BOUNCED_ID: ourId, REPLY_TO: t.replyTo, IN_REPLY_TO: `<${ourId}>`, NUMBER: t.number });

async function state(t: Replied) {
  const [tk] = await node.deps.db.rows<{ status: string }>(sql`select status from tickets where id = ${t.ticketId}::uuid`);
  const [reply] = await node.deps.db.rows<{ email: any }>(sql`select email from messages where id = ${decodeId('message', t.replyId)}::uuid`);
  const msgs = await node.deps.db.rows<{ author_type: string; visibility: string; body: string; email: any }>(sql`select author_type, visibility, body, email
    from messages where ticket_id = ${t.ticketId}::uuid order by seq`);
  return { status: tk!.status, delivery: reply!.email.delivery.status as string, reason: reply!.email.delivery.reason as string | null, msgs };
}

describe('bounces whose original id is attached or copied inline', () => {
  it.each([
    ['bounce-null-sender.eml', 'RESOLVER.ADR.RecipientNotFound'],
    ['bounce-qmail.eml', 'no mailbox here by that name'],
    ['bounce-exim.eml', '550 5.1.1'],
    ['bounce-exchange2003.eml', '#5.1.1'],
  ])('%s: an internal system note, and our reply marked failed', async (file, diagnostic) => {
    const t = await repliedTicket();
    const delivery = next(agent, 'message:delivery', (e) => e.ticketId === t.ticket);
    const r = await postRaw(node, ib, machine(file, t));
    expect(r.body.data).toMatchObject({ result: 'bounce', ticketId: t.ticket });
    expect((await delivery).delivery).toMatchObject({ status: 'failed', reason: expect.stringContaining(diagnostic) });
    const s = await state(t);
    expect(s.msgs.map((m) => [m.author_type, m.visibility])).toEqual([['contact', 'public'], ['agent', 'public'], ['system', 'internal']]);
    expect(s.msgs[2]!.body).toContain(diagnostic);
    expect(s.status).toBe('resolved');
  });
});

describe('machine mail that is no failure', () => {
  it.each([
    ['dsn-delayed.eml', 'Delivery delayed'],
    ['dsn-relayed.eml', 'delivered to bo@legacy.example.test'],
  ])('%s: a note, the reply is not marked failed', async (file, note) => {
    const t = await repliedTicket();
    const before = (await state(t)).delivery;
    const r = await postRaw(node, ib, machine(file, t));
    expect(r.body.data).toMatchObject({ result: 'bounce', ticketId: t.ticket });
    const s = await state(t);
    expect(s.delivery).toBe(before);
    expect(s.delivery).not.toBe('failed');
    expect(s.msgs.at(-1)).toMatchObject({ author_type: 'system', visibility: 'internal', body: expect.stringContaining(note) });
    expect(s.status).toBe('resolved');
  });

  it.each([
    ['arf-abuse.eml', 'Abuse or feedback report (abuse)'],
    ['read-receipt.eml', 'Read receipt from nina@example.test: displayed'],
  ])('%s: a machine report is recorded as a note, never a customer message', async (file, note) => {
    const t = await repliedTicket();
    const r = await postRaw(node, ib, machine(file, t));
    expect(r.body.data).toMatchObject({ result: 'report', ticketId: t.ticket });
    const s = await state(t);
    expect(s.msgs.filter((m) => m.author_type === 'contact')).toHaveLength(1);
    expect(s.msgs.at(-1)).toMatchObject({ author_type: 'system', visibility: 'internal', body: expect.stringContaining(note) });
    expect(s.delivery).not.toBe('failed');
    expect(s.status).toBe('resolved');
  });

  it.each(['out-of-office.eml', 'vacation-x-autorespond.eml'])('%s: stored as automatic, never a failure, never reopens', async (file) => {
    const t = await repliedTicket();
    const r = await postRaw(node, ib, machine(file, t));
    expect(r.body.data).toMatchObject({ result: 'created', ticketId: t.ticket });
    const s = await state(t);
    expect(s.msgs.at(-1)!.email.auto).toBe(true);
    expect(s.delivery).not.toBe('failed');
    expect(s.status).toBe('resolved');
  });

  it('a human Outlook reply carrying only X-Auto-Response-Suppress is a customer message and reopens the ticket', async () => {
    const t = await repliedTicket();
    const r = await postRaw(node, ib, machine('outlook-human.eml', t));
    expect(r.body.data).toMatchObject({ result: 'created', ticketId: t.ticket });
    const s = await state(t);
    expect(s.msgs.at(-1)).toMatchObject({ author_type: 'contact', visibility: 'public' });
    expect(s.msgs.at(-1)!.email.auto).toBe(false);
    expect(s.status).toBe('open');
  });

  it('a report about no mail of ours is dead-lettered with its raw bytes', async () => {
    const t = await repliedTicket();
    const raw = Buffer.from(machine('bounce-qmail.eml', t, `unknown-${Date.now()}@elsewhere.test`).toString().replace('qmail-bounce-1@', `qmail-unknown-${Date.now()}@`));
    const r = await postRaw(node, ib, raw);
    expect(r.body.data).toMatchObject({ result: 'dead_letter', reason: expect.stringContaining('delivery report for an unknown message') });
    const [dead] = await node.deps.db.rows<{ raw: Buffer }>(sql`select raw from email_dead_letters where inbox_id = ${ib.inboxId}::uuid order by received_at desc limit 1`);
    expect(Buffer.from(dead!.raw).equals(raw)).toBe(true);
    expect((await state(t)).msgs).toHaveLength(2);
  });
});
