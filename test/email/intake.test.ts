import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { closeSockets } from '../support/harness.js';
import { basic, mailgunForm, postRaw, startEmailNode } from '../support/email.js';

let { node, ib } = {} as Awaited<ReturnType<typeof startEmailNode>>;

// Failures injected by the database itself (a trigger on email_messages), keyed by a tag in
// the subject: a serialization failure on the first attempt only, or an error on every one.
beforeAll(async () => {
  ({ node, ib } = await startEmailNode());
  await node.deps.db.rows(sql.raw(`create sequence if not exists test_intake_once;
    create or replace function test_intake_fail() returns trigger language plpgsql as $$
    begin
      if new.subject like '%[transient-once]%' and nextval('test_intake_once') = 1 then
        raise exception 'injected serialization failure' using errcode = '40001';
      end if;
      if new.subject like '%[always-fails]%' then
        raise exception 'injected failure for this mail' using errcode = 'P0001';
      end if;
      return new;
    end $$;
    drop trigger if exists test_intake_fail on email_messages;
    create trigger test_intake_fail before insert on email_messages for each row execute function test_intake_fail();`));
});
afterAll(async () => {
  await node.deps.db.rows(sql.raw(`drop trigger if exists test_intake_fail on email_messages; drop function if exists test_intake_fail(); drop sequence if exists test_intake_once;`));
  closeSockets();
  await node.app.close();
});

const hook = () => `${node.url}/webhooks/email/${ib.inbox}`;
const uid = () => randomBytes(6).toString('hex');

/** A multipart mail with a NUL in the subject, both names, a header, the text and HTML parts and an attachment's name. */
const nulMail = (id: string) =>
  [
    `From: "Jo\0se" <jose-${id}@ejemplo.test>`,
    `To: "Sup\0port" <${ib.address}>`,
    `Subject: Order\0 ${id}`,
    `Message-ID: <nul-${id}@ejemplo.test>`,
    'X-Mailer: Mail\0er 1.0',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: multipart/alternative; boundary="b2"',
    '',
    '--b2',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Where is\0 my order?',
    '--b2',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Where is\0 my order?&#0;</p>',
    '--b2--',
    '--b1',
    'Content-Type: text/plain; name="in\0voice.txt"',
    'Content-Disposition: attachment; filename="in\0voice.txt"',
    '',
    'attached',
    '--b1--',
    '',
  ].join('\r\n');

async function storedMessage(messageWireId: string) {
  const [m] = await node.deps.db.rows<{ body: string; attachments: { filename: string }[]; subject: string; headers: Record<string, string>; full_html: string; name: string | null }>(sql`
    select m.body, m.attachments, e.subject, e.headers, e.full_html, c.name
    from messages m join email_messages e on e.message_id = m.id join tickets t on t.id = m.ticket_id join contacts c on c.id = t.requester_id
    where m.id = ${decodeId('message', messageWireId)}::uuid`);
  return m!;
}

describe('NUL characters never lose a mail', () => {
  it('raw MIME: NUL in subject, names, a header, text, HTML and a file name is stripped and the mail stored', async () => {
    const id = uid();
    const r = await postRaw(node, ib, Buffer.from(nulMail(id)));
    expect(r.status).toBe(200);
    expect(r.body.data.result).toBe('created');
    const m = await storedMessage(r.body.data.messageId);
    expect(m.subject).toBe(`Order ${id}`);
    expect(m.name).toBe('Jose');
    expect(m.body).toBe('Where is my order?');
    expect(m.full_html).toContain('Where is my order?');
    expect(m.headers['x-mailer']).toBe('Mailer 1.0');
    expect(m.attachments.map((a) => a.filename)).toEqual(['invoice.txt']);
    expect(JSON.stringify(m)).not.toContain('\\u0000');
  });

  it('Postmark JSON: NUL in every field is stripped', async () => {
    const id = uid();
    const body = JSON.stringify({
      FromFull: { Email: `pat-${id}@example.test`, Name: 'Pat\0 Doe' },
      ToFull: [{ Email: ib.address, Name: 'Sup\0port' }],
      Subject: `Postmark\0 ${id}`,
      MessageID: `pm-nul-${id}`,
      TextBody: 'Hello\0 there',
      HtmlBody: '<p>Hello\0 there</p>',
      Headers: [{ Name: 'Message-ID', Value: `<pm-nul-${id}@pm.test>` }, { Name: 'X-Mailer', Value: 'PM\0' }],
      Attachments: [{ Name: 'a\0.txt', Content: Buffer.from('x').toString('base64'), ContentType: 'text/plain' }],
    });
    const r = await fetch(hook(), { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(ib.user, ib.password) }, body });
    expect(r.status).toBe(200);
    const data = ((await r.json()) as any).data;
    expect(data.result).toBe('created');
    const m = await storedMessage(data.messageId);
    expect([m.subject, m.name, m.body, m.headers['x-mailer'], m.attachments[0]!.filename]).toEqual([`Postmark ${id}`, 'Pat Doe', 'Hello there', 'PM', 'a.txt']);
  });

  it('Mailgun: a NUL mail is stored, and its token is used up', async () => {
    const id = uid();
    const token = randomBytes(25).toString('hex');
    const r = await fetch(hook(), { method: 'POST', body: mailgunForm(Buffer.from(nulMail(id)), ib.mailgunKey, { token }) });
    expect(r.status).toBe(200);
    expect(((await r.json()) as any).data.result).toBe('created');
    const again = await fetch(hook(), { method: 'POST', body: mailgunForm(Buffer.from(nulMail(uid())), ib.mailgunKey, { token }) });
    expect(again.status).toBe(401);
  });

  it('HTML-only mail with NUL and out-of-range character references', async () => {
    const id = uid();
    const raw = `From: a-${id}@x.test\r\nTo: ${ib.address}\r\nSubject: refs ${id}\r\nMessage-ID: <refs-${id}@x.test>\r\nContent-Type: text/html\r\n\r\n<p>a&#0;b&#x0;c&#99999999;d&#xD800;e</p>\r\n`;
    const r = await postRaw(node, ib, raw);
    expect(r.body.data.result).toBe('created');
    expect((await storedMessage(r.body.data.messageId)).body).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
  });
});

describe('storage failures', () => {
  const plain = (id: string, tag: string) =>
    Buffer.from(`From: Kim <kim-${id}@x.test>\r\nTo: ${ib.address}\r\nSubject: ${tag} ${id}\r\nMessage-ID: <fail-${id}@x.test>\r\n\r\nHello\r\n`);

  it('Mailgun: a transient failure answers 500 with nothing kept, and the provider retry (same token) goes through', async () => {
    const raw = plain(uid(), '[transient-once]');
    const form = mailgunForm(raw, ib.mailgunKey);
    const first = await fetch(hook(), { method: 'POST', body: form });
    expect(first.status).toBe(500);
    const retry = await fetch(hook(), { method: 'POST', body: form });
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as any).data.result).toBe('created');
  });

  it('any other storage error dead-letters the raw mail with the error (and uses up the Mailgun token)', async () => {
    const raw = plain(uid(), '[always-fails]');
    const form = mailgunForm(raw, ib.mailgunKey);
    const r = await fetch(hook(), { method: 'POST', body: form });
    expect(r.status).toBe(200);
    const data = ((await r.json()) as any).data;
    expect(data).toMatchObject({ result: 'dead_letter', reason: expect.stringContaining('injected failure for this mail') });
    const [dead] = await node.deps.db.rows<{ raw: Buffer; reason: string }>(sql`select raw, reason from email_dead_letters
      where inbox_id = ${ib.inboxId}::uuid and reason like '%injected failure for this mail%' order by received_at desc limit 1`);
    expect(Buffer.from(dead!.raw).equals(raw)).toBe(true);
    expect((await fetch(hook(), { method: 'POST', body: form })).status).toBe(401);
    // Basic-auth formats too.
    const viaRaw = await postRaw(node, ib, plain(uid(), '[always-fails]'));
    expect(viaRaw.body.data.result).toBe('dead_letter');
  });
});
