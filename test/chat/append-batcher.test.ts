import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { AppendBatcher } from '../../server/src/messages/append-batcher.js';
import type { AppendMessageInput } from '../../server/src/messages/messages.service.js';
import { closeSockets, cmid, ok, seedWorkspace, startNode, visitor, type Fixture, type Node } from '../support/harness.js';

describe('group commit of message writes', () => {
  let node: Node;
  let fx: Fixture;
  let conv: { id: string; contact: string };
  beforeAll(async () => {
    node = await startNode('postgres');
    fx = await seedWorkspace(node.deps.db, 1);
    const { s, session } = await visitor(node.url, fx.inbox);
    const m = await ok(s, 'message:send', { body: 'open', clientMessageId: cmid() });
    conv = { id: decodeId('conversation', m.conversationId)!, contact: decodeId('contact', session.contactId)! };
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  const input = (body: string, clientMessageId = randomUUID()): AppendMessageInput => ({
    workspaceId: fx.workspaceId,
    target: { conversationId: conv.id },
    author: { type: 'contact', id: conv.contact, name: null },
    body,
    visibility: 'public',
    clientMessageId,
    now: new Date(),
    allowClosed: false,
    reopen: true,
  });

  it('many concurrent appends: each stored once, each caller gets its own message, seqs contiguous', async () => {
    const batcher = new AppendBatcher(node.deps.db, 2, 8);
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const results = await Promise.all([...ids, ...ids.slice(0, 10)].map((id, i) => batcher.append(input(`b${i % 40}`, id))));
    for (const [i, r] of results.entries()) {
      expect(r.kind === 'created' || r.kind === 'duplicate').toBe(true);
      if (r.kind !== 'no_target') expect(r.message.clientMessageId).toBe([...ids, ...ids.slice(0, 10)][i]);
    }
    const rows = await node.deps.db.rows<{ seq: number }>(sql`select seq from messages where conversation_id = ${conv.id}::uuid order by seq`);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
  });

  it('one failing write does not fail or duplicate the others in its batch', async () => {
    const batcher = new AppendBatcher(node.deps.db, 1, 8);
    const before = (await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from messages where conversation_id = ${conv.id}::uuid`))[0]!.n;
    // Postgres refuses NUL in text: the whole transaction fails, then each write runs alone.
    const settled = await Promise.allSettled([batcher.append(input('good 1')), batcher.append(input('bad \u0000')), batcher.append(input('good 2'))]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const bodies = await node.deps.db.rows<{ body: string }>(sql`select body from messages where conversation_id = ${conv.id}::uuid order by seq desc limit 2`);
    expect(bodies.map((b) => b.body).sort()).toEqual(['good 1', 'good 2']);
    const after = (await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from messages where conversation_id = ${conv.id}::uuid`))[0]!.n;
    expect(after).toBe(before + 2);
  });
});
