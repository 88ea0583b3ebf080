import { decodeId } from '@support/protocol';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { seedWorkspace, startNode, type Node } from '../support/harness.js';
import { basic, fixture, mailgunForm, postRaw, seedEmailInbox, type EmailInboxFixture } from '../support/email.js';

let node: Node;
let ib: EmailInboxFixture;

beforeAll(async () => {
  node = await startNode('postgres');
  const fx = await seedWorkspace(node.deps.db, 1);
  ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
});
afterAll(() => node.app.close());

/** A new-ticket mail with a unique Message-ID. */
const mail = (tag: string) => fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `${tag}-${randomBytes(6).toString('hex')}@`);
const hook = () => `${node.url}/webhooks/email/${ib.inbox}`;
/** Everything stored for this inbox: messages' email rows and dead letters. */
async function stored(): Promise<number> {
  const [r] = await node.deps.db.rows<{ n: number }>(sql`select (select count(*) from email_messages where inbox_id = ${ib.inboxId}::uuid)
    + (select count(*) from email_dead_letters where inbox_id = ${ib.inboxId}::uuid) as n`);
  return Number(r!.n);
}
async function refused(p: Promise<Response>, status = 401) {
  const before = await stored();
  const r = await p;
  expect(r.status).toBe(status);
  expect(await stored()).toBe(before);
  return r;
}
const accepted = async (p: Promise<Response>) => {
  const r = await p;
  expect(r.status).toBe(200);
  const body = (await r.json()) as any;
  expect(body.data.result).toBe('created');
  return body;
};

describe('raw MIME (message/rfc822, Basic auth)', () => {
  it('valid credentials are accepted; missing or wrong ones are 401 with nothing stored', async () => {
    expect((await postRaw(node, ib, mail('raw'))).body.data.result).toBe('created');
    const send = (auth: string | null) => fetch(hook(), { method: 'POST', headers: { 'content-type': 'message/rfc822', ...(auth ? { authorization: auth } : {}) }, body: mail('raw') });
    await refused(send(null));
    await refused(send(basic(ib.user, 'wrong')));
    await refused(send(basic('other', ib.password)));
    await refused(send('Bearer whatever'));
  });

  it('an unknown inbox is 404, a body over EMAIL_MAX_BYTES is 413', async () => {
    const r = await fetch(`${node.url}/webhooks/email/inb_01hzzzzzzzzzzzzzzzzzzzzzzz`, { method: 'POST', headers: { 'content-type': 'message/rfc822' }, body: 'x' });
    expect(r.status).toBe(404);
    const big = 'X-Pad: ' + 'a'.repeat(node.deps.config.EMAIL_MAX_BYTES) + '\n';
    await refused(fetch(hook(), { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: basic(ib.user, ib.password) }, body: big + mail('big') }), 413);
  });
});

describe('Mailgun (body-mime form, HMAC of timestamp+token)', () => {
  const post = (form: FormData) => fetch(hook(), { method: 'POST', body: form });
  it('valid', async () => {
    await accepted(post(mailgunForm(Buffer.from(mail('mg')), ib.mailgunKey)));
  });
  it('wrong signature, wrong key, missing signature', async () => {
    const bad = mailgunForm(Buffer.from(mail('mg')), ib.mailgunKey);
    bad.set('signature', 'f'.repeat(64));
    await refused(post(bad));
    await refused(post(mailgunForm(Buffer.from(mail('mg')), 'key-not-the-inbox-key')));
    const unsigned = mailgunForm(Buffer.from(mail('mg')), ib.mailgunKey);
    unsigned.delete('signature');
    await refused(post(unsigned));
  });
  it('stale (older than 5 minutes) and from too far in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(post(mailgunForm(Buffer.from(mail('mg')), ib.mailgunKey, { timestamp: now - 6 * 60 })));
    await refused(post(mailgunForm(Buffer.from(mail('mg')), ib.mailgunKey, { timestamp: now + 6 * 60 })));
  });
  it('replayed token', async () => {
    const token = randomBytes(25).toString('hex');
    await accepted(post(mailgunForm(Buffer.from(mail('mg')), ib.mailgunKey, { token })));
    // Same token, fresh signature over it and a different mail: still a replay.
    await refused(post(mailgunForm(Buffer.from(mail('mg')), ib.mailgunKey, { token })));
  });
  it('urlencoded form works too', async () => {
    const f = mailgunForm(Buffer.from(mail('mg')), ib.mailgunKey);
    const body = new URLSearchParams();
    for (const k of ['timestamp', 'token', 'signature', 'body-mime']) body.set(k, String(f.get(k)));
    await accepted(fetch(hook(), { method: 'POST', body }));
  });
});

describe('SendGrid Inbound Parse, send raw (multipart email field, Basic auth)', () => {
  const form = (raw: string) => {
    const f = new FormData();
    f.set('email', raw);
    f.set('envelope', JSON.stringify({ to: [ib.address], from: 'jose@ejemplo.test' }));
    f.set('charsets', '{"to":"UTF-8"}');
    return f;
  };
  it('valid', async () => {
    await accepted(fetch(hook(), { method: 'POST', headers: { authorization: basic(ib.user, ib.password) }, body: form(mail('sg')) }));
  });
  it('wrong or missing credentials', async () => {
    await refused(fetch(hook(), { method: 'POST', headers: { authorization: basic(ib.user, 'nope') }, body: form(mail('sg')) }));
    await refused(fetch(hook(), { method: 'POST', body: form(mail('sg')) }));
  });
  it('replayed delivery is idempotent (same Message-ID, one message)', async () => {
    const raw = mail('sg');
    await accepted(fetch(hook(), { method: 'POST', headers: { authorization: basic(ib.user, ib.password) }, body: form(raw) }));
    const again = await fetch(hook(), { method: 'POST', headers: { authorization: basic(ib.user, ib.password) }, body: form(raw) });
    expect(((await again.json()) as any).data.result).toBe('duplicate');
  });
});

describe('Postmark inbound JSON (Basic auth)', () => {
  const json = (id: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      FromFull: { Email: 'Pat@Example.test', Name: 'Pat Doe' },
      ToFull: [{ Email: ib.address, Name: '' }],
      Subject: 'Postmark hello',
      MessageID: id,
      TextBody: 'Hello from Postmark\n\nOn Mon, Pat wrote:\n> old',
      HtmlBody: '<p>Hello from Postmark</p><img src="x" onerror="alert(1)">',
      Headers: [{ Name: 'Message-ID', Value: `<${id}@pm.test>` }],
      Attachments: [{ Name: 'a.txt', Content: Buffer.from('attached').toString('base64'), ContentType: 'text/plain', ContentLength: 8 }],
      ...extra,
    });
  const post = (body: string, auth: string | null = basic(ib.user, ib.password)) =>
    fetch(hook(), { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body });
  it('valid (parsed fields), and with RawEmail', async () => {
    const b = await accepted(post(json(`pm-${randomBytes(6).toString('hex')}`)));
    const [m] = await node.deps.db.rows<{ body: string; full_html: string; attachments: any[] }>(sql`select m.body, e.full_html, m.attachments
      from messages m join email_messages e on e.message_id = m.id where m.id = ${decodeId('message', b.data.messageId)}::uuid`);
    expect(m!.body).toBe('Hello from Postmark');
    expect(m!.full_html).toContain('Hello from Postmark');
    expect(m!.full_html).not.toMatch(/onerror/);
    expect(m!.attachments.map((a) => a.filename)).toEqual(['a.txt']);
    await accepted(post(json('ignored', { RawEmail: mail('pmraw') })));
  });
  it('replayed delivery is idempotent (same MessageID, one message)', async () => {
    const body = json(`pm-${randomBytes(6).toString('hex')}`);
    const first = await accepted(post(body));
    const again = (await (await post(body)).json()) as any;
    expect(again.data).toMatchObject({ result: 'duplicate', messageId: first.data.messageId });
  });
  it('wrong or missing credentials', async () => {
    await refused(post(json(`pm-${randomBytes(6).toString('hex')}`), basic('hook', 'wrong')));
    await refused(post(json(`pm-${randomBytes(6).toString('hex')}`), null));
  });
  it('bad JSON is 400 with a code', async () => {
    const r = await post('{not json');
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).error.code).toBe('INVALID_JSON');
  });
});
