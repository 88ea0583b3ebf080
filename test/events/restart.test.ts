import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { decodeId } from '@support/protocol';
import { appendMessage } from '../../server/src/messages/messages.service.js';
import type { LoggedEvent } from '../../server/src/events/log.events.js';
import { scheduleDue } from '../../server/src/scheduler/due.js';
import { closeSockets, cmid, ok, seedWorkspace, startNode, until, visitor, type Node } from '../support/harness.js';

describe('the log is the source, not the bus', () => {
  const nodes: Node[] = [];
  afterAll(async () => {
    closeSockets();
    await Promise.all(nodes.map((n) => n.app.close().catch(() => {})));
  });

  it('a node that dies between commit and publish loses no event: a restarted node consumes it from the log', async () => {
    const first = await startNode('postgres');
    nodes.push(first);
    const fx = await seedWorkspace(first.deps.db, 1);
    const { s, session } = await visitor(first.url, fx.inbox);
    const m = await ok(s, 'message:send', { body: 'first', clientMessageId: cmid() });
    const published: string[] = [];
    first.deps.bus.subscribe((e) => void published.push(e.name));
    // The write commits, and the node dies before its publish: the append statement alone,
    // with no publish after it, and the node gone.
    const r = await appendMessage(first.deps.db, {
      workspaceId: fx.workspaceId, target: { conversationId: decodeId('conversation', m.conversationId)! },
      author: { type: 'contact', id: decodeId('contact', session.contactId)!, name: null }, body: 'lost on the bus',
      visibility: 'public', clientMessageId: randomUUID(), now: new Date(), allowClosed: false, reopen: true,
    });
    expect(r.kind).toBe('created');
    closeSockets();
    await first.app.close();
    expect(published).toEqual([]);
    // The restarted node's consumer starts from its stored cursor (here: a new consumer, from the start).
    const second = await startNode('postgres');
    nodes.push(second);
    const seen: LoggedEvent[] = [];
    second.app.events.registerConsumer({ name: `restart-${randomUUID()}`, handle: async (events) => void seen.push(...events.filter((e) => e.workspaceId === fx.workspaceId)) });
    const got = await until(() => seen.find((e) => e.name === 'message.created' && (e.payload as { seq: number }).seq === 2), 10_000, 'the unpublished message in the log');
    expect(got.payload).toMatchObject({ conversationId: decodeId('conversation', m.conversationId), authorType: 'contact' });
  });

  it('embedded (PGlite): the app runs consumers (woken through the bus) and the scheduler (woken by NOTIFY)', async () => {
    const node = await startNode('embedded');
    nodes.push(node);
    const fx = await seedWorkspace(node.deps.db, 1);
    const seen: string[] = [];
    node.app.events.registerConsumer({ name: 'embedded-test', handle: async (events) => void seen.push(...events.map((e) => e.name)) });
    const { s } = await visitor(node.url, fx.inbox);
    await ok(s, 'message:send', { body: 'one', clientMessageId: cmid() });
    await ok(s, 'message:send', { body: 'two', clientMessageId: cmid() });
    await until(() => seen.length === 2, 5000, 'two events');
    expect(seen).toEqual(['ticket.created', 'message.created']);
    const done: string[] = [];
    node.app.scheduler.registerKind('test.embedded', async (w) => void done.push(w.key));
    await scheduleDue(node.deps.db, { workspaceId: fx.workspaceId, kind: 'test.embedded', key: 'soon', dueAt: new Date(Date.now() + 200) });
    await until(() => done.length === 1, 5000, 'due work on PGlite');
    expect(done).toEqual(['soon']);
  });
});
