import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { decodeId, type AuditPage, type DeadLetter, type DeadLetterDetail, type DeadLetterPage, type DeadLetterReprocessResult } from '@support/protocol';
import { startNode, twoWorkspaces, type Fixture, type Mode, type Node } from '../support/harness.js';
import { basic, postRaw, seedEmailInbox, type EmailInboxFixture } from '../support/email.js';
import { replyToken } from '../../server/src/email/reply-token.js';
import { createMailParser, type MailParser } from '../../server/src/email/mail-parser.js';
import { newId, toWire } from '../../server/src/db/ids.js';

const uid = () => randomBytes(6).toString('hex');
const mail = (o: { from?: string | null; to: string; subject: string; id?: string; body?: string }) =>
  [
    ...(o.from === null ? [] : [`From: Dana Customer <${o.from ?? `dana-${uid()}@customer.test`}>`]),
    `To: ${o.to}`,
    `Subject: ${o.subject}`,
    `Message-ID: <${o.id ?? uid()}@customer.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? 'Hello, my order has not arrived.',
    '',
  ].join('\r\n');

/** A mail parser on one worker thread that counts the mails it was given (and on which thread it ran). */
function countingParser(): MailParser & { calls: number } {
  const inner = createMailParser(1, pino({ level: 'silent' }));
  const p = {
    calls: 0,
    prepare: (task: Parameters<MailParser['prepare']>[0]) => {
      p.calls++;
      return inner.prepare(task);
    },
    close: () => inner.close(),
  };
  return p;
}

describe.each(['postgres', 'embedded'] as Mode[])('email dead letters (%s)', (mode) => {
  let node: Node;
  let parser: ReturnType<typeof countingParser>;
  let a: Fixture;
  let b: Fixture;
  let ib: EmailInboxFixture;
  let ibB: EmailInboxFixture;
  let ownerA: string;
  let agentA: string;
  let ownerB: string;

  beforeAll(async () => {
    parser = countingParser();
    node = await startNode(mode, { mailParser: parser });
    ({ a, b, ownerA, agentA, ownerB } = await twoWorkspaces(node));
    ib = await seedEmailInbox(node.deps.db, a.workspaceId);
    ibB = await seedEmailInbox(node.deps.db, b.workspaceId);
    // A storage failure injected by the database, as long as a flag row says so: the mail is
    // dead-lettered by the webhook, and taken in by a reprocess once the "bug" is fixed.
    for (const statement of [
      'create table if not exists test_dl_broken (on_ boolean not null)',
      'insert into test_dl_broken values (true)',
      `create or replace function test_dl_fail() returns trigger language plpgsql as $$
      begin
        if new.subject like '%[broken-storage]%' and exists (select 1 from test_dl_broken where on_) then
          raise exception 'injected failure for this mail' using errcode = 'P0001';
        end if;
        return new;
      end $$`,
      'drop trigger if exists test_dl_fail on email_messages',
      'create trigger test_dl_fail before insert on email_messages for each row execute function test_dl_fail()',
    ])
      await node.deps.db.rows(sql.raw(statement));
  });
  afterAll(async () => {
    for (const statement of ['drop trigger if exists test_dl_fail on email_messages', 'drop function if exists test_dl_fail()', 'drop table if exists test_dl_broken'])
      await node.deps.db.rows(sql.raw(statement));
    await node.app.close();
  });

  const req = (token: string | null, method: string, path: string, body?: unknown) =>
    fetch(`${node.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
  const list = async (token: string, query = '') => {
    const r = await req(token, 'GET', `/api/settings/dead-letters${query}`);
    expect(r.status, await r.clone().text()).toBe(200);
    return (await r.json()) as DeadLetterPage;
  };
  const all = async (token: string) => {
    const out: DeadLetter[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const p: DeadLetterPage = await list(token, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      out.push(...p.deadLetters);
      cursor = p.nextCursor;
    }
    return out;
  };
  const reprocess = async (token: string, id: string) => {
    const r = await req(token, 'POST', `/api/settings/dead-letters/${id}/reprocess`);
    expect(r.status, await r.clone().text()).toBe(200);
    return (await r.json()) as DeadLetterReprocessResult;
  };
  const auditOf = async (token: string, objectId: string) =>
    ((await (await req(token, 'GET', `/api/settings/audit?objectId=${objectId}`)).json()) as AuditPage).events;
  /** Posts a mail to the webhook and returns the dead letter it became. */
  const deadLettered = async (raw: string, inbox = ib, token = ownerA) => {
    const r = await postRaw(node, inbox, raw);
    expect(r.body.data.result).toBe('dead_letter');
    return (await list(token, '?limit=1')).deadLetters[0]!;
  };
  /** A dead letter written directly, as an older version (or a parser bug) would have kept it. */
  const kept = async (raw: Buffer | string, o: { reason?: string; inboxId?: string; workspaceId?: string; at?: Date } = {}) => {
    const id = newId();
    await node.deps.db.rows(sql`insert into email_dead_letters (id, workspace_id, inbox_id, reason, raw, received_at)
      values (${id}::uuid, ${o.workspaceId ?? a.workspaceId}::uuid, ${o.inboxId ?? ib.inboxId}::uuid, ${o.reason ?? 'could not be parsed: a parser bug'},
              ${Buffer.from(raw)}::bytea, ${o.at ?? new Date()}::timestamptz)`);
    return toWire('deadLetter', id);
  };

  it('lists the workspace’s dead letters newest first, with reason, sender, subject, inbox and date, a page at a time', async () => {
    const noSender = await deadLettered(mail({ from: null, to: ib.address, subject: 'Who sent this?' }));
    expect(noSender).toMatchObject({ reason: 'no sender address (From)', sender: null, subject: 'Who sent this?', inbox: { id: ib.inbox }, attempts: 0, lastAttemptAt: null });
    const loop = await deadLettered(mail({ from: ib.address, to: ib.address, subject: 'Looping' }));
    expect(loop).toMatchObject({ reason: 'mail from the inbox address itself (loop)', sender: ib.address, subject: 'Looping' });
    const broken = await deadLettered(mail({ from: 'erin@customer.test', to: ib.address, subject: 'Order [broken-storage]' }));
    expect(broken).toMatchObject({ sender: 'erin@customer.test', subject: 'Order [broken-storage]', reason: expect.stringMatching(/^could not be stored: injected failure/) });
    const seen = await all(ownerA);
    expect(seen.slice(0, 3).map((d) => d.id)).toEqual([broken.id, loop.id, noSender.id]);
    expect(new Set(seen.map((d) => d.id)).size).toBe(seen.length);
    expect(seen.every((d, i) => i === 0 || d.receivedAt <= seen[i - 1]!.receivedAt)).toBe(true);
    expect(noSender.size).toBeGreaterThan(50);
    for (const q of ['?limit=0', '?limit=101', '?cursor=bm9wZQ', '?extra=1'])
      expect([q, (await req(ownerA, 'GET', `/api/settings/dead-letters${q}`)).status]).toEqual([q, 400]);
  });

  it('shows one with its raw mail as text, and gives the raw mail as a download', async () => {
    const raw = mail({ from: null, to: ib.address, subject: 'Raw view: <b>not bold</b>', body: 'Bytes: caf\u00e9' });
    const d = await deadLettered(raw);
    const detail = (await (await req(ownerA, 'GET', `/api/settings/dead-letters/${d.id}`)).json()) as DeadLetterDetail;
    expect(detail).toMatchObject({ id: d.id, rawText: raw, truncated: false });
    const dl = await req(ownerA, 'GET', `/api/settings/dead-letters/${d.id}/raw`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('message/rfc822');
    expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="${d.id}.eml"`);
    expect(Buffer.from(await dl.arrayBuffer()).toString('utf8')).toBe(raw);
    // A large one: the text stops at 256 KB and says so; the download has it all.
    const big = await kept(mail({ to: ib.address, subject: 'Big', body: 'x'.repeat(300 * 1024) }));
    const bigDetail = (await (await req(ownerA, 'GET', `/api/settings/dead-letters/${big}`)).json()) as DeadLetterDetail;
    expect(bigDetail.truncated).toBe(true);
    expect(bigDetail.rawText.length).toBe(256 * 1024);
    expect((await (await req(ownerA, 'GET', `/api/settings/dead-letters/${big}/raw`)).arrayBuffer()).byteLength).toBeGreaterThan(300 * 1024);
  });

  it('reprocess, success: the mail goes through the intake path (worker threads) to a ticket; the dead letter is gone; audited', async () => {
    const d = await deadLettered(mail({ from: 'frank@customer.test', to: ib.address, subject: 'Where is it [broken-storage]', id: `fixed-${uid()}` }));
    // Still broken: it stays, with the new reason, one more attempt.
    const calls = parser.calls;
    const again = await reprocess(ownerA, d.id);
    expect(parser.calls).toBe(calls + 1);
    expect(again).toMatchObject({ result: 'dead_letter', reason: expect.stringMatching(/^could not be stored/), deadLetter: { id: d.id, attempts: 1, sender: 'frank@customer.test' } });
    expect(Date.parse((again as { deadLetter: DeadLetter }).deadLetter.lastAttemptAt!)).not.toBeNaN();
    // The "bug" is fixed: taken in.
    await node.deps.db.rows(sql.raw('update test_dl_broken set on_ = false'));
    try {
      const r = await reprocess(ownerA, d.id);
      expect(parser.calls).toBe(calls + 2);
      expect(r).toMatchObject({ result: 'created', newTicket: true, ticketId: expect.stringMatching(/^tkt_/), messageId: expect.stringMatching(/^msg_/) });
      const created = r as Extract<DeadLetterReprocessResult, { result: 'created' }>;
      const [t] = await node.deps.db.rows<{ subject: string; inbox_id: string; workspace_id: string }>(sql`select subject, inbox_id, workspace_id from tickets
        where id = ${decodeId('ticket', created.ticketId)}::uuid`);
      expect(t).toEqual({ subject: 'Where is it [broken-storage]', inbox_id: ib.inboxId, workspace_id: a.workspaceId });
      expect((await req(ownerA, 'GET', `/api/settings/dead-letters/${d.id}`)).status).toBe(404);
      expect((await all(ownerA)).some((x) => x.id === d.id)).toBe(false);
      const events = await auditOf(ownerA, d.id);
      expect(events.map((e) => [e.action, e.diff?.after?.result])).toEqual([
        ['dead_letter.reprocessed', 'created'],
        ['dead_letter.reprocessed', 'dead_letter'],
      ]);
      expect(events[0]).toMatchObject({ actor: { id: a.agents[0]!.wire }, object: { type: 'deadLetter', id: d.id }, diff: { after: { ticketId: created.ticketId } } });
      // Reprocessing what is gone: 404.
      expect((await req(ownerA, 'POST', `/api/settings/dead-letters/${d.id}/reprocess`)).status).toBe(404);
    } finally {
      await node.deps.db.rows(sql.raw('update test_dl_broken set on_ = true'));
    }
  });

  it('reprocess sees the recipients the provider gave beside the mail: a reply address only in SendGrid’s envelope still threads', async () => {
    const first = await postRaw(node, ib, mail({ from: 'ivy@customer.test', to: ib.address, subject: 'Parcel lost' }));
    const ticketId = decodeId('ticket', first.body.data.ticketId as string)!;
    const [{ secret }] = (await node.deps.db.rows<{ secret: string }>(sql`select secret from inboxes where id = ${ib.inboxId}::uuid`)) as [{ secret: string }];
    const replyTo = `reply+${replyToken(secret, a.workspaceId, ticketId)}@acme.test`;
    const form = new FormData();
    form.set('email', mail({ from: 'ivy@customer.test', to: ib.address, subject: 'Re: Parcel lost [broken-storage]' }));
    form.set('envelope', JSON.stringify({ to: [replyTo], from: 'ivy@customer.test' }));
    const r = await fetch(`${node.url}/webhooks/email/${ib.inbox}`, { method: 'POST', headers: { authorization: basic(ib.user, ib.password) }, body: form });
    expect(((await r.json()) as { data: { result: string } }).data.result).toBe('dead_letter');
    const d = (await list(ownerA, '?limit=1')).deadLetters[0]!;
    const [row] = await node.deps.db.rows<{ envelope_recipients: string[] }>(sql`select envelope_recipients from email_dead_letters where id = ${decodeId('deadLetter', d.id)}::uuid`);
    expect(row!.envelope_recipients).toEqual([replyTo]);
    await node.deps.db.rows(sql.raw('update test_dl_broken set on_ = false'));
    try {
      expect(await reprocess(ownerA, d.id)).toMatchObject({ result: 'created', newTicket: false, ticketId: toWire('ticket', ticketId) });
    } finally {
      await node.deps.db.rows(sql.raw('update test_dl_broken set on_ = true'));
    }
  });

  it('reprocess of mail kept by an older version: raw MIME and a Postmark JSON body both become tickets; one already taken in is a duplicate, and goes', async () => {
    const id = `older-${uid()}`;
    const mime = await kept(mail({ from: 'gina@customer.test', to: ib.address, subject: 'Kept by a parser bug', id }));
    const r1 = await reprocess(ownerA, mime);
    expect(r1).toMatchObject({ result: 'created', newTicket: true });
    // The same mail again (the provider retried while the bug was there): already in.
    const twice = await kept(mail({ from: 'gina@customer.test', to: ib.address, subject: 'Kept by a parser bug', id }));
    expect(await reprocess(ownerA, twice)).toMatchObject({ result: 'duplicate', ticketId: (r1 as { ticketId: string }).ticketId });
    expect((await req(ownerA, 'GET', `/api/settings/dead-letters/${twice}`)).status).toBe(404);
    const postmark = await kept(
      JSON.stringify({
        FromFull: { Email: 'hank@customer.test', Name: 'Hank' },
        ToFull: [{ Email: ib.address }],
        Subject: 'Sent through Postmark',
        MessageID: uid(),
        TextBody: 'Postmark JSON, no RawEmail',
      }),
    );
    expect(await reprocess(ownerA, postmark)).toMatchObject({ result: 'created', newTicket: true });
    const [m] = await node.deps.db.rows<{ body: string }>(sql`select m.body from messages m join email_messages e on e.message_id = m.id
      where e.subject = 'Sent through Postmark' and m.workspace_id = ${a.workspaceId}::uuid`);
    expect(m!.body).toBe('Postmark JSON, no RawEmail');
  });

  it('reprocess, failure: still malformed, it stays with the reason and the attempt counted; an inbox since deleted is a reason too', async () => {
    const d = await deadLettered(mail({ from: null, to: ib.address, subject: 'Still no sender' }));
    const r = await reprocess(ownerA, d.id);
    expect(r).toMatchObject({ result: 'dead_letter', reason: 'no sender address (From)', deadLetter: { id: d.id, attempts: 1, subject: 'Still no sender' } });
    expect(await reprocess(ownerA, d.id)).toMatchObject({ deadLetter: { attempts: 2 } });
    const [e] = await auditOf(ownerA, d.id);
    expect(e).toMatchObject({ action: 'dead_letter.reprocessed', diff: { after: { result: 'dead_letter' } } });
    const orphan = await kept(mail({ to: 'gone@acme.test', subject: 'For a deleted inbox' }), { inboxId: newId() });
    const o = await reprocess(ownerA, orphan);
    expect(o).toMatchObject({ result: 'dead_letter', reason: expect.stringContaining('no longer exists'), deadLetter: { inbox: null, attempts: 1 } });
  });

  it('delete one, or several in one go (all or none); each audited', async () => {
    const [x, y, z] = [await kept('x: 1\r\n\r\nx'), await kept('y: 1\r\n\r\ny'), await kept('z: 1\r\n\r\nz')];
    const foreign = await kept('f: 1\r\n\r\nf', { workspaceId: b.workspaceId, inboxId: ibB.inboxId });
    const one = await req(ownerA, 'DELETE', `/api/settings/dead-letters/${x}`);
    expect(one.status).toBe(204);
    expect((await req(ownerA, 'GET', `/api/settings/dead-letters/${x}`)).status).toBe(404);
    // Another workspace's id among them: nothing deleted.
    const mixed = await req(ownerA, 'POST', '/api/settings/dead-letters/delete', { ids: [y, z, foreign] });
    expect(mixed.status).toBe(404);
    expect((await req(ownerA, 'GET', `/api/settings/dead-letters/${y}`)).status).toBe(200);
    expect((await req(ownerB, 'GET', `/api/settings/dead-letters/${foreign}`)).status).toBe(200);
    const many = await req(ownerA, 'POST', '/api/settings/dead-letters/delete', { ids: [y, z, y] });
    expect(await many.json()).toEqual({ deleted: 2 });
    for (const gone of [x, y, z]) {
      const [e] = await auditOf(ownerA, gone);
      expect(e).toMatchObject({ action: 'dead_letter.deleted', actor: { id: a.agents[0]!.wire }, diff: { before: { reason: 'could not be parsed: a parser bug' } } });
    }
    for (const bad of [{ ids: [] }, { ids: ['nope'] }, {}, { ids: Array(201).fill(y) }])
      expect((await req(ownerA, 'POST', '/api/settings/dead-letters/delete', bad)).status).toBe(400);
  });

  it('only the workspace’s own dead letters, and only for settings.inboxes', async () => {
    const theirs = await deadLettered(mail({ from: null, to: ibB.address, subject: 'B’s own' }), ibB, ownerB);
    expect((await all(ownerA)).some((d) => d.id === theirs.id)).toBe(false);
    expect((await all(ownerB)).map((d) => d.id)).toContain(theirs.id);
    for (const [method, path] of [
      ['GET', `/api/settings/dead-letters/${theirs.id}`],
      ['GET', `/api/settings/dead-letters/${theirs.id}/raw`],
      ['POST', `/api/settings/dead-letters/${theirs.id}/reprocess`],
      ['DELETE', `/api/settings/dead-letters/${theirs.id}`],
    ] as const)
      expect([method, path, (await req(ownerA, method, path)).status]).toEqual([method, path, 404]);
    expect((await req(ownerB, 'GET', `/api/settings/dead-letters/${theirs.id}`)).status).toBe(200);
    expect((await req(agentA, 'GET', '/api/settings/dead-letters')).status).toBe(403);
    expect((await req(agentA, 'POST', `/api/settings/dead-letters/${theirs.id}/reprocess`)).status).toBe(403);
    expect((await req(null, 'GET', '/api/settings/dead-letters')).status).toBe(401);
  });
});
