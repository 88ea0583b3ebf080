import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { login, seedWorkspace, startNode, visitor, closeSockets, type Fixture, type Node } from '../support/harness.js';
import { postRaw, seedEmailInbox } from '../support/email.js';

const RLO = '\u202E';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** A file name never keeps characters that hide or reorder what it shows, on upload or from mail. */
describe('attachment file names', () => {
  let node: Node;
  let fx: Fixture;
  beforeAll(async () => {
    node = await startNode('postgres');
    fx = await seedWorkspace(node.deps.db, 1);
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  it('an upload named with a right-to-left override and zero-width characters is stored and served without them', async () => {
    const { session } = await visitor(node.url, fx.inbox);
    const up = await fetch(`${node.url}/api/attachments?filename=${encodeURIComponent(`invoice${RLO}fdp.exe\u200B\uFEFF`)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(PNG),
    });
    expect(up.status).toBe(201);
    const ref = await up.json();
    expect(ref.filename).toBe('invoicefdp.exe');
    const token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const got = await fetch(`${node.url}${ref.url}`, { headers: { authorization: `Bearer ${token}` } });
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="invoicefdp.exe"; filename*=UTF-8''invoicefdp.exe`);
  });

  it('an inbound mail attachment named with bidi controls is stored without them', async () => {
    const ib = await seedEmailInbox(node.deps.db, fx.workspaceId);
    const encoded = `=?UTF-8?B?${Buffer.from(`photo${RLO}gpj.exe\u2066`).toString('base64')}?=`;
    const raw = [
      'From: Ann <ann@example.test>',
      `To: ${ib.address}`,
      'Subject: a photo',
      `Message-ID: <${randomUUID()}@example.test>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'see attached',
      '--b1',
      `Content-Type: application/octet-stream; name="${encoded}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${encoded}"`,
      '',
      PNG.toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    const r = await postRaw(node, ib, raw);
    expect(r.body.data.result).toBe('created');
    const rows = await node.deps.db.rows<{ filename: string }>(sql`select filename from attachments where workspace_id = ${fx.workspaceId}::uuid and uploader_type = 'email'`);
    expect(rows.map((x) => x.filename)).toEqual(['photogpj.exe']);
  });
});
