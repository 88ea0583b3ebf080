import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { AppendBatcher } from '../../server/src/messages/append-batcher.js';
import type { AppendMessageInput } from '../../server/src/messages/messages.service.js';
import type { Db } from '../../server/src/db/client.js';
import { closeSockets, cmid, ok, seedWorkspace, startNode, visitor, type Fixture, type Node } from '../support/harness.js';

describe('group commit of message writes', () => {
  let node: Node;
  let fx: Fixture;
  let conv: { id: string; contact: string };
  let other: { id: string; contact: string };
  beforeAll(async () => {
    node = await startNode('postgres');
    fx = await seedWorkspace(node.deps.db, 1);
    const open = async () => {
      const { s, session } = await visitor(node.url, fx.inbox);
      const m = await ok(s, 'message:send', { body: 'open', clientMessageId: cmid() });
      return { id: decodeId('conversation', m.conversationId)!, contact: decodeId('contact', session.contactId)! };
    };
    conv = await open();
    other = await open();
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

  it('batches in flight never share a conversation, and each conversation keeps arrival order', async () => {
    const db = node.deps.db;
    const inFlight: Set<string>[] = [];
    let overlaps = 0;
    let batches = 0;
    const watching = Object.assign(Object.create(db) as Db, {
      async query(text: string, params: unknown[]) {
        if (!text.includes('json_to_recordset')) return db.query(text, params);
        batches++;
        const convs = new Set((JSON.parse(params[0] as string) as { conv_id: string }[]).map((a) => a.conv_id));
        if (inFlight.some((f) => [...convs].some((c) => f.has(c)))) overlaps++;
        inFlight.push(convs);
        try {
          return await db.query(text, params);
        } finally {
          inFlight.splice(inFlight.indexOf(convs), 1);
        }
      },
    });
    const batcher = new AppendBatcher(watching, 3, 3);
    const both = (i: number) => (i % 3 === 2 ? { ...input(`y${i}`), target: { conversationId: other.id }, author: { type: 'contact' as const, id: other.contact, name: null } } : input(`x${i}`));
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => batcher.append(both(i))));
    expect(results.every((r) => r.kind === 'created')).toBe(true);
    expect(batches).toBeGreaterThan(1);
    expect(overlaps).toBe(0);
    for (const [id, mark] of [[conv.id, 'x'], [other.id, 'y']] as const) {
      const rows = await db.rows<{ body: string; seq: number }>(sql`select body, seq from messages where conversation_id = ${id}::uuid and body like ${mark + '%'} order by seq`);
      expect(rows.map((r) => Number(r.body.slice(1)))).toEqual(rows.map((r) => Number(r.body.slice(1))).sort((a, b) => a - b));
      expect(rows.length).toBe(mark === 'x' ? 20 : 10);
    }
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

  // The real database, but the answer to the next write is lost after Postgres committed it, as
  // when the connection drops right after COMMIT reaches the server.
  const answerLost = (db: Db): Db => {
    let armed = true;
    const lose = () => {
      if (!armed) return;
      armed = false;
      throw new Error('connection lost after commit');
    };
    return Object.assign(Object.create(db) as Db, {
      async query(text: string, params: unknown[]) {
        const rows = await db.query(text, params);
        if (text.includes('insert into messages')) lose();
        return rows;
      },
    });
  };

  it('a batch whose answer is lost after it committed: each message comes back created (so it is published), stored once', async () => {
    const db = node.deps.db;
    const count = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from messages where conversation_id = ${conv.id}::uuid`))[0]!.n;
    const before = await count();
    const batcher = new AppendBatcher(answerLost(db), 1, 8);
    const dupId = randomUUID();
    await new AppendBatcher(db, 1, 8).append(input('already there', dupId));
    const results = await Promise.all([batcher.append(input('lost 1')), batcher.append(input('lost 2')), batcher.append(input('again', dupId))]);
    expect(results.map((r) => r.kind)).toEqual(['created', 'created', 'duplicate']);
    for (const [i, r] of results.slice(0, 2).entries()) {
      if (r.kind !== 'created') throw new Error('unreachable');
      expect(r.message.body).toBe(`lost ${i + 1}`);
      // The ticket as it is now: its preview is the newer of the two.
      expect(['lost 1', 'lost 2']).toContain(r.ticket.lastMessagePreview);
      expect(r.requesterId).toBe(conv.contact);
    }
    expect(await count()).toBe(before + 3);

    // A write alone (no batch) whose answer is lost: the same.
    const alone = await new AppendBatcher(answerLost(db), 1, 8).append(input('lost alone'));
    expect(alone.kind).toBe('created');
    expect(await count()).toBe(before + 4);
  });

  it('a write that really failed is still refused after the read-back finds nothing', async () => {
    const batcher = new AppendBatcher(answerLost(node.deps.db), 1, 8);
    await expect(batcher.append(input('bad alone \u0000'))).rejects.toThrow();
  });

});
