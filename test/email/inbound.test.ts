import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { toWire } from '../../server/src/db/ids.js';
import { closeSockets, cmid, connect, login, next, ok, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { FIXTURES, fixture, postRaw, seedEmailInbox, type EmailInboxFixture } from '../support/email.js';

type Expected = { client: string; thread: 'token' | 'headers' | 'new'; body: string; stripped: boolean; html: boolean };
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as Record<string, Expected>;
const cases = Object.entries(expected).filter(([k]) => k.endsWith('.eml'));

let node: Node;
let fx: Fixture;
let ib: EmailInboxFixture;
let agent: Awaited<ReturnType<typeof connect>>;

beforeAll(async () => {
  node = await startNode('postgres');
  fx = await seedWorkspace(node.deps.db);
  ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
  agent = await connect(node.url, '/agent', { token: await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password) });
});
afterAll(async () => {
  closeSockets();
  await node.app.close();
});

let seq = 0;
/** A first customer mail (new ticket), then an agent reply on it; returns what a client replying to that mail would use. */
async function ticketWithAgentReply() {
  const first = await postRaw(node, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `first-${++seq}-${Date.now()}@`));
  expect(first.status).toBe(200);
  expect(first.body.data.result).toBe('created');
  const ticketId = decodeId('ticket', first.body.data.ticketId)!;
  const ticket = toWire('ticket', ticketId);
  const reply = await ok(agent, 'message:send', { ticketId: ticket, body: 'Hi, here is your tracking number.', clientMessageId: cmid() });
  expect(reply.email).toMatchObject({ direction: 'out', delivery: { status: 'queued' } });
  const [row] = await node.deps.db.rows<{ reply_to: string; number: number }>(sql`select o.payload->>'replyTo' as reply_to, t.number
    from email_outbox o join tickets t on t.id = o.ticket_id where o.message_id = ${decodeId('message', reply.id)}::uuid`);
  return { ticket, ticketId, ourId: reply.email.messageId as string, replyTo: row!.reply_to, number: String(row!.number) };
}

describe('inbound fixtures: stripped text and threading per client', () => {
  it.each(cases)('%s', async (file, want) => {
    const t = await ticketWithAgentReply();
    const threaded = want.thread !== 'new';
    const vars =
      want.thread === 'token'
        ? { REPLY_TO: t.replyTo, IN_REPLY_TO: '<unknown-1@nowhere.test>', REFERENCES: '<unknown-0@nowhere.test> <unknown-1@nowhere.test>', NUMBER: t.number }
        : { REPLY_TO: ib.address, IN_REPLY_TO: `<${t.ourId}>`, REFERENCES: `<older@nowhere.test> <${t.ourId}>`, NUMBER: t.number };
    const raw = fixture(file, vars);
    const seen = threaded ? next(agent, 'message:new', (e) => e.message.ticketId === t.ticket) : next(agent, 'ticket:new', (e) => e.ticket.channel === 'email' && e.message.body === want.body);
    const r = await postRaw(node, ib, raw);
    expect(r.status).toBe(200);
    expect(r.body.data.result).toBe('created');
    expect(r.body.data.ticketId === t.ticket).toBe(threaded);
    const ev = await seen;
    const message = ev.message;
    expect(message.body).toBe(want.body);
    expect(message.email.stripped).toBe(want.stripped);
    expect(message.email.direction).toBe('in');
    expect(Boolean(message.html)).toBe(want.html);
    if (message.html) expect(message.html).not.toMatch(/wrote:|From:<\/b>|gmail_quote|<script/i);
    // The full original keeps the quoted text and is there for agents.
    const token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const orig = await fetch(`${node.url}/api/email/messages/${message.id}/original`, { headers: { authorization: `Bearer ${token}` } });
    expect(orig.status).toBe(200);
    const o = await orig.json();
    expect(o.text.length).toBeGreaterThanOrEqual(want.body.length);
    if (want.stripped) expect(o.text.length).toBeGreaterThan(want.body.length);
    expect(o.hasRaw).toBe(true);
    const rawRes = await fetch(`${node.url}/api/email/messages/${message.id}/raw`, { headers: { authorization: `Bearer ${token}` } });
    expect(rawRes.headers.get('content-type')).toBe('message/rfc822');
    expect(Buffer.from(await rawRes.arrayBuffer()).equals(raw)).toBe(true);
  });
});

describe('inbound rules', () => {
  it('the same Message-ID delivered twice (also at once) gives one message', async () => {
    const raw = fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `dup-${Date.now()}@`);
    const [a, b] = await Promise.all([postRaw(node, ib, Buffer.from(raw)), postRaw(node, ib, Buffer.from(raw))]);
    const again = await postRaw(node, ib, Buffer.from(raw));
    expect([a.status, b.status, again.status]).toEqual([200, 200, 200]);
    const results = [a.body.data.result, b.body.data.result].sort();
    expect(results).toEqual(['created', 'duplicate']);
    expect(again.body.data.result).toBe('duplicate');
    expect(new Set([a.body.data.messageId, b.body.data.messageId, again.body.data.messageId]).size).toBe(1);
    const rows = await node.deps.db.rows(sql`select 1 from messages where ticket_id = ${decodeId('ticket', a.body.data.ticketId)}::uuid`);
    expect(rows).toHaveLength(1);
  });

  it('malformed mail goes to the dead-letter table with its reason, and the server keeps working', async () => {
    const raw = fixture('malformed.eml');
    const r = await postRaw(node, ib, raw);
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ result: 'dead_letter', reason: 'no header section' });
    const noFrom = await postRaw(node, ib, Buffer.from('Subject: hi\nMessage-ID: <nofrom@x.test>\n\nbody\n'));
    expect(noFrom.body.data).toMatchObject({ result: 'dead_letter', reason: 'no sender address (From)' });
    const dead = await node.deps.db.rows<{ reason: string }>(sql`select reason from email_dead_letters where inbox_id = ${ib.inboxId}::uuid order by received_at`);
    expect(dead.map((d) => d.reason)).toEqual(expect.arrayContaining(['no header section', 'no sender address (From)']));
    const fine = await postRaw(node, ib, Buffer.from(fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `after-dead-${Date.now()}@`)));
    expect(fine.body.data.result).toBe('created');
  });

  it('mail whose sender is the inbox address itself is dead-lettered (loop)', async () => {
    const raw = fixture('new-ticket-latin1.eml').toString().replace('From: Jose Nunez <jose@ejemplo.test>', `From: Acme <${ib.address}>`).replace('latin1-new-1@', `loop-${Date.now()}@`);
    const r = await postRaw(node, ib, raw);
    expect(r.body.data).toMatchObject({ result: 'dead_letter', reason: 'mail from the inbox address itself (loop)' });
  });

  it('an auto-reply is stored, flagged auto, and does not reopen a resolved ticket', async () => {
    const t = await ticketWithAgentReply();
    await ok(agent, 'ticket:setStatus', { ticketId: t.ticket, status: 'resolved' });
    const r = await postRaw(node, ib, fixture('auto-reply.eml', { REPLY_TO: t.replyTo, IN_REPLY_TO: `<${t.ourId}>`, NUMBER: t.number }));
    expect(r.body.data).toMatchObject({ result: 'created', ticketId: t.ticket });
    const [m] = await node.deps.db.rows<{ email: any }>(sql`select email from messages where id = ${decodeId('message', r.body.data.messageId)}::uuid`);
    expect(m!.email.auto).toBe(true);
    const [tk] = await node.deps.db.rows<{ status: string }>(sql`select status from tickets where id = ${t.ticketId}::uuid`);
    expect(tk!.status).toBe('resolved');
  });

  it('a bounce of our reply becomes an internal system note and marks the reply failed, never a customer message', async () => {
    const t = await ticketWithAgentReply();
    const delivery = next(agent, 'message:delivery', (e) => e.ticketId === t.ticket);
    const note = next(agent, 'message:new', (e) => e.message.ticketId === t.ticket);
    const r = await postRaw(node, ib, fixture('bounce.eml', { BOUNCED_ID: t.ourId }));
    expect(r.body.data).toMatchObject({ result: 'bounce', ticketId: t.ticket });
    const n = (await note).message;
    expect(n).toMatchObject({ authorType: 'system', visibility: 'internal' });
    expect(n.body).toContain('550 5.1.1');
    expect((await delivery).delivery).toMatchObject({ status: 'failed', reason: expect.stringContaining('bounced: smtp; 550') });
    const customer = await node.deps.db.rows(sql`select 1 from messages where ticket_id = ${t.ticketId}::uuid and author_type = 'contact'`);
    expect(customer).toHaveLength(1);
  });

  it('a forged token, or a token of another workspace, never attaches mail to that ticket', async () => {
    const t = await ticketWithAgentReply();
    const forged = t.replyTo.replace(/\+([0-9a-z]{26})([0-9a-f]{24})@/, (_m, id: string, mac: string) => `+${id}${mac.startsWith('0') ? '1' : '0'}${mac.slice(1)}@`);
    expect(forged).not.toBe(t.replyTo);
    const a = await postRaw(node, ib, fixture('gmail.eml', { REPLY_TO: forged, IN_REPLY_TO: '<unknown@x.test>', REFERENCES: '<unknown@x.test>', NUMBER: t.number }).toString().replace('gmail-reply@', `forged-${Date.now()}@`));
    expect(a.body.data.result).toBe('created');
    expect(a.body.data.ticketId).not.toBe(t.ticket);
    // Another workspace's inbox receiving the genuine token (and the real Message-ID) opens a ticket of its own.
    const other = await seedWorkspace(node.deps.db, 1);
    const ib2 = await seedEmailInbox(node.deps.db, other.workspaceId);
    const b = await postRaw(node, ib2, fixture('gmail.eml', { REPLY_TO: t.replyTo, IN_REPLY_TO: `<${t.ourId}>`, REFERENCES: `<${t.ourId}>`, NUMBER: t.number }).toString().replace('gmail-reply@', `cross-${Date.now()}@`));
    expect(b.body.data.result).toBe('created');
    expect(b.body.data.newTicket).toBe(true);
    const [tk] = await node.deps.db.rows<{ workspace_id: string }>(sql`select workspace_id from tickets where id = ${decodeId('ticket', b.body.data.ticketId)}::uuid`);
    expect(tk!.workspace_id).toBe(other.workspaceId);
  });

  it('HTML is sanitized, remote images are not loaded, inline images and attachments are served safely', async () => {
    const raw = fixture('new-ticket-html-inline.eml').toString().replace('new-html-inline-1@', `html-${Date.now()}@`);
    const created = next(agent, 'ticket:new', (e) => e.ticket.subject === 'Problème de facture €');
    const r = await postRaw(node, ib, Buffer.from(raw));
    expect(r.body.data.result).toBe('created');
    const { ticket, message } = await created;
    expect(ticket.requester).toMatchObject({ name: 'Élodée Dupont', email: 'elodie@exemple.test' });
    expect(message.html).not.toMatch(/<script|onclick|javascript:|\ssrc="https:\/\/tracker/i);
    expect(message.html).toContain('data-remote-src="https://tracker.example.test/pixel.gif"');
    expect(message.attachments.map((a: any) => [a.filename, a.inline])).toEqual([
      ['logo.png', true],
      ['facture-2024.pdf', false],
      ['evil.html', false],
    ]);
    const logo = message.attachments[0];
    expect(message.html).toContain(`src="${logo.url}"`);
    const token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const img = await fetch(`${node.url}${logo.url}`, { headers: { authorization: `Bearer ${token}` } });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('x-content-type-options')).toBe('nosniff');
    const evil = await fetch(`${node.url}${message.attachments[2].url}`, { headers: { authorization: `Bearer ${token}` } });
    expect(evil.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(evil.headers.get('content-type')).toBe('application/octet-stream');
    expect(await evil.text()).toContain('<script>');
    const anonymous = await fetch(`${node.url}${logo.url}`);
    expect(anonymous.status).toBe(401);
    const other = await seedWorkspace(node.deps.db, 1);
    const otherToken = await login(node.url, other.agents[0]!.email, other.agents[0]!.password);
    expect((await fetch(`${node.url}${logo.url}`, { headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(404);
    expect((await fetch(`${node.url}/api/email/messages/${message.id}/original`, { headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(404);
  });
});
