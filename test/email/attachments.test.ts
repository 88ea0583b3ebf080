import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, closeSockets, cmid, connect, login, next, ok, seedWorkspace, startNode, visitor, type Fixture, type Node } from '../support/harness.js';
import { fixture, manualClock, postRaw, seedEmailInbox, smtpSink, workerCtx } from '../support/email.js';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { blobStoreOf, purgeUnsentUploads, UNSENT_UPLOAD_TTL_MS } from '../../server/src/attachments/attachments.service.js';
import { receiveMail } from '../../server/src/email/inbound.service.js';
import { parseMime } from '../../server/src/email/mime.js';
import { loadEmailInbox } from '../../server/src/email/inboxes.js';
import type { Db } from '../../server/src/db/client.js';
import type { ServiceContext } from '../../server/src/lib/context.js';
import { processOutbox } from '../../server/src/email/outbox.worker.js';
import { smtpMailer } from '../../server/src/email/mailer.js';
import { toWire } from '../../server/src/db/ids.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let node: Node;
let fx: Fixture;
let agentToken: string;
beforeAll(async () => {
  node = await startNode('postgres', { config: { ATTACHMENT_MAX_BYTES: 64 * 1024 } });
  fx = await seedWorkspace(node.deps.db);
  agentToken = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
});
afterAll(async () => {
  closeSockets();
  await node.app.close();
});

const upload = (token: string | null, filename: string, type: string, body: Buffer | string) =>
  fetch(`${node.url}/api/attachments?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
const get = (url: string, token: string | null) => fetch(`${node.url}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('attachments', () => {
  it('a visitor sends an image; agents and that visitor can read it, nobody else can', async () => {
    const v = await visitor(node.url, fx.inbox);
    const up = await upload(v.session.token, 'screen shot.png', 'image/png', PNG);
    expect(up.status).toBe(201);
    const ref = await up.json();
    expect(ref).toMatchObject({ filename: 'screen shot.png', contentType: 'image/png', size: PNG.length, inline: false, url: `/api/attachments/${ref.id}` });
    const agent = await connect(node.url, '/agent', { token: agentToken });
    const seen = next(agent, 'ticket:new');
    const m = await ok(v.s, 'message:send', { body: 'see screenshot', clientMessageId: cmid(), attachmentIds: [ref.id] });
    expect(m.attachments).toEqual([ref]);
    expect((await seen).message.attachments).toEqual([ref]);

    const asAgent = await get(ref.url, agentToken);
    expect(asAgent.status).toBe(200);
    expect(asAgent.headers.get('content-type')).toBe('image/png');
    expect(asAgent.headers.get('x-content-type-options')).toBe('nosniff');
    expect(asAgent.headers.get('content-disposition')).toMatch(/^inline; filename="screen shot.png"/);
    expect(Buffer.from(await asAgent.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await get(ref.url, v.session.token)).status).toBe(200);

    const stranger = await visitor(node.url, fx.inbox);
    expect((await get(ref.url, stranger.session.token)).status).toBe(404);
    expect((await get(ref.url, null)).status).toBe(401);
    const other = await seedWorkspace(node.deps.db, 1);
    expect((await get(ref.url, await login(node.url, other.agents[0]!.email, other.agents[0]!.password))).status).toBe(404);
    expect((await get('/api/attachments/att_01hzzzzzzzzzzzzzzzzzzzzzzz', agentToken)).status).toBe(404);

    // An upload cannot be attached twice, nor by someone else; the send is refused whole.
    const again = await call(v.s, 'message:send', { body: 'again', clientMessageId: cmid(), attachmentIds: [ref.id] });
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const rows = await node.deps.db.rows(sql`select 1 from messages where body = 'again'`);
    expect(rows).toHaveLength(0);
  });

  it('agent files on a public reply reach the visitor; on an internal note they do not', async () => {
    const v = await visitor(node.url, fx.inbox);
    const first = await ok(v.s, 'message:send', { body: 'hello', clientMessageId: cmid() });
    const agent = await connect(node.url, '/agent', { token: agentToken });
    const pub = await (await upload(agentToken, 'guide.pdf', 'application/pdf', '%PDF-1.4 guide')).json();
    const note = await (await upload(agentToken, 'internal.txt', 'text/plain', 'secret')).json();
    const toVisitor = next(v.s, 'message:new', (m) => m.body === 'here is the guide');
    await ok(agent, 'message:send', { ticketId: first.ticketId, body: 'here is the guide', clientMessageId: cmid(), attachmentIds: [pub.id] });
    await ok(agent, 'message:send', { ticketId: first.ticketId, body: 'note', clientMessageId: cmid(), visibility: 'internal', attachmentIds: [note.id] });
    expect((await toVisitor).attachments).toEqual([pub]);
    const pdf = await get(pub.url, v.session.token);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename="guide.pdf"/);
    expect(pdf.headers.get('content-type')).toBe('application/octet-stream');
    expect((await get(note.url, v.session.token)).status).toBe(404);
    expect((await get(note.url, agentToken)).status).toBe(200);
  });

  it('the widget may call the routes from any origin with its token, never with cookies', async () => {
    const pre = await fetch(`${node.url}/api/attachments/att_01hzzzzzzzzzzzzzzzzzzzzzzz`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.test', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const up = await upload(agentToken, 'x.txt', 'text/plain', 'x');
    expect(up.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('uploads never sent are deleted after a day, files on messages stay', async () => {
    const stale = await (await upload(agentToken, 'forgotten.txt', 'text/plain', 'never sent')).json();
    const v = await visitor(node.url, fx.inbox);
    const kept = await (await upload(v.session.token, 'kept.txt', 'text/plain', 'sent')).json();
    await ok(v.s, 'message:send', { body: 'with file', clientMessageId: cmid(), attachmentIds: [kept.id] });
    const clock = manualClock(new Date(Date.now() + UNSENT_UPLOAD_TTL_MS + 60_000));
    expect(await purgeUnsentUploads({ ...workerCtx(node), clock }, { workspaceId: fx.workspaceId })).toBeGreaterThanOrEqual(1);
    expect((await get(stale.url, agentToken)).status).toBe(404);
    expect(await (await get(kept.url, agentToken)).text()).toBe('sent');
  });

  it('uploads over ATTACHMENT_MAX_BYTES are 413, empty ones and missing names 400, anonymous 401', async () => {
    expect((await upload(agentToken, 'big.bin', 'application/octet-stream', Buffer.alloc(65 * 1024))).status).toBe(413);
    expect((await upload(agentToken, 'empty.txt', 'text/plain', '')).status).toBe(400);
    expect((await upload(agentToken, '', 'text/plain', 'x')).status).toBe(400);
    expect((await upload(null, 'a.txt', 'text/plain', 'x')).status).toBe(401);
    const weird = await (await upload(agentToken, '../../etc/passwd', 'application/json', '{"a":1}')).json();
    expect(weird.filename).toBe('passwd');
  });

  it('an email reply carries its attachments over SMTP', async () => {
    const sink = await smtpSink();
    try {
      const ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
      const r = await postRaw(node, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `att-${Date.now()}@`));
      const agent = await connect(node.url, '/agent', { token: agentToken });
      const file = await (await upload(agentToken, 'label.png', 'image/png', PNG)).json();
      await ok(agent, 'message:send', { ticketId: r.body.data.ticketId, body: 'label attached', clientMessageId: cmid(), attachmentIds: [file.id] });
      const mailer = smtpMailer(sink.url);
      expect((await processOutbox(workerCtx(node), mailer, { workspaceId: fx.workspaceId })).sent).toBe(1);
      mailer.close();
      const mail = sink.received[0]!.mail;
      expect(mail.attachments.map((a) => [a.filename, a.mimeType])).toEqual([['label.png', 'image/png']]);
      expect(Buffer.from(mail.attachments[0]!.content as ArrayBuffer).equals(PNG)).toBe(true);
    } finally {
      await sink.close();
    }
  });
  it('an inbound mail whose write fails leaves no attachment bytes behind; one whose commit answer was lost keeps them', async () => {
    const db = node.deps.db;
    const ib = await seedEmailInbox(db, fx.workspaceId);
    const inbox = (await loadEmailInbox(db, ib.inboxId))!;
    // A store of its own, so other test files writing attachments at the same time do not count.
    const config = { ...node.deps.config, ATTACHMENTS_DIR: mkdtempSync(join(tmpdir(), 'inbound-blobs-')) };
    const blobs = () => readdirSync(config.ATTACHMENTS_DIR, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    const mail = async () => {
      const raw = Buffer.from(fixture('new-ticket-html-inline.eml').toString('utf8').replace('<new-html-inline-1@exemple.test>', `<${randomUUID()}@exemple.test>`));
      return { raw, mail: await parseMime(raw) };
    };
    const failing = (transaction: Db['transaction']): ServiceContext => ({ ...workerCtx(node), config, db: Object.assign(Object.create(db) as Db, { transaction }), writes: undefined as never });

    // Rolled back (any error inside the transaction): the stored bytes are deleted again.
    const before = blobs();
    expect(before).toBe(0);
    const a = await mail();
    expect(a.mail.attachments.length).toBe(3);
    const rolledBack = failing((fn) => db.transaction(async (tx) => {
      await fn(tx);
      throw new Error('injected failure before commit');
    }));
    await expect(receiveMail(rolledBack, inbox, a.mail, a.raw)).rejects.toThrow('injected failure before commit');
    expect(blobs()).toBe(before);

    // Committed, but the answer was lost: the rows exist, so their bytes stay readable.
    const b = await mail();
    const lost = failing(async (fn) => {
      await db.transaction(fn);
      throw new Error('connection lost after commit');
    });
    await expect(receiveMail(lost, inbox, b.mail, b.raw)).rejects.toThrow('connection lost after commit');
    expect(blobs()).toBe(before + 3);
    const keys = await db.rows<{ storage_key: string }>(sql`select a.storage_key from attachments a join email_messages e on e.message_id = a.message_id
      where e.rfc_message_id = ${b.mail.messageId}`);
    expect(keys.length).toBe(3);
    for (const k of keys) expect((await blobStoreOf(config).get(k.storage_key)).length).toBeGreaterThan(0);
  });
});
