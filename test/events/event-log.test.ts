import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import postgres from 'postgres';
import { decodeId } from '@support/protocol';
import { appendMessage } from '../../server/src/messages/messages.service.js';
import { AppendBatcher } from '../../server/src/messages/append-batcher.js';
import { openChatTicket, setTicketStatus } from '../../server/src/tickets/tickets.service.js';
import { writeEvents } from '../../server/src/events/log.writer.js';
import { logEvents, type LoggedEvent } from '../../server/src/events/log.events.js';
import { LOG_START, readEventsAcrossWorkspaces } from '../../server/src/events/log.reader.js';
import { closeSockets, cmid, ctxOf, ok, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { consumersOn, manualClock } from './support.js';

describe('durable event log', () => {
  let node: Node;
  let fx: Fixture;
  let conv: { id: string; ticket: string; contact: string };
  beforeAll(async () => {
    node = await startNode('postgres');
    fx = await seedWorkspace(node.deps.db, 1);
    const { s, session } = await visitor(node.url, fx.inbox);
    const m = await ok(s, 'message:send', { body: 'hello', clientMessageId: cmid() });
    conv = { id: decodeId('conversation', m.conversationId)!, ticket: decodeId('ticket', m.ticketId)!, contact: decodeId('contact', session.contactId)! };
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  const eventsOf = async (ws: string) =>
    (await node.deps.db.query<{ name: string; payload: any; imported: boolean }>(
      `select name, payload, imported from domain_events where workspace_id = $1::uuid order by xid, position`, [ws]));

  const appendInput = (body: string) => ({
    workspaceId: fx.workspaceId, target: { conversationId: conv.id }, author: { type: 'contact' as const, id: conv.contact, name: null },
    body, visibility: 'public' as const, clientMessageId: randomUUID(), now: new Date(), allowClosed: false, reopen: true,
  });

  it('logs ticket.created, message.created and ticket.updated with the change, with payloads the registry accepts', async () => {
    await setTicketStatus(ctxOf(node), { workspaceId: fx.workspaceId, ticketId: conv.ticket, actor: { type: 'agent', id: fx.agents[0]!.id }, status: 'pending' });
    // A customer message reopens the pending ticket: message.created and the reopen, from the one append statement.
    const r = await appendMessage(node.deps.db, appendInput('are you there?'));
    expect(r.kind).toBe('created');
    const events = await eventsOf(fx.workspaceId);
    expect(events.map((e) => e.name)).toEqual(['ticket.created', 'ticket.updated', 'message.created', 'ticket.updated']);
    for (const e of events) logEvents[e.name as keyof typeof logEvents].parse(e.payload);
    expect(events[0]!.payload).toMatchObject({ ticketId: conv.ticket, requesterId: conv.contact, channel: 'chat', ticket: { status: 'open' } });
    expect(events[1]!.payload).toMatchObject({ ticketId: conv.ticket, activities: [{ kind: 'status_changed', oldValue: 'open', newValue: 'pending' }], ticket: { status: 'pending' } });
    expect(events[2]!.payload).toMatchObject({ ticketId: conv.ticket, conversationId: conv.id, seq: 2, authorType: 'contact', status: 'open' });
    expect(events[3]!.payload).toMatchObject({ activities: [{ kind: 'status_changed', oldValue: 'pending', newValue: 'open' }] });
    expect(events.every((e) => !e.imported)).toBe(true);
  });

  it('a batched append logs one message.created per message, in batch order', async () => {
    const before = (await eventsOf(fx.workspaceId)).length;
    // Appends queued in one turn go out as one batch statement.
    const writes = new AppendBatcher(node.deps.db, 4);
    const rs = await Promise.all(['a', 'b', 'c'].map((b) => writes.append(appendInput(b))));
    expect(rs.map((r) => r.kind)).toEqual(['created', 'created', 'created']);
    const added = (await eventsOf(fx.workspaceId)).slice(before);
    expect(added.map((e) => e.name)).toEqual(['message.created', 'message.created', 'message.created']);
    expect(added.map((e) => e.payload.seq)).toEqual([...added.map((e) => e.payload.seq)].sort((x, y) => x - y));
  });

  it('a change that rolls back leaves no event', async () => {
    const other = await seedWorkspace(node.deps.db, 1);
    const [contact] = await node.deps.db.query<{ id: string }>(
      `insert into contacts (id, workspace_id, created_at, updated_at) values (gen_random_uuid(), $1::uuid, now(), now()) returning id`, [other.workspaceId]);
    await expect(node.deps.db.transaction(async (tx) => {
      const opened = await openChatTicket(tx, { workspaceId: other.workspaceId, inboxId: other.inboxId, contactId: contact!.id, author: { type: 'contact', id: contact!.id, name: null }, body: 'x', clientMessageId: null, now: new Date() });
      await appendMessage(tx, { ...appendInput('y'), workspaceId: other.workspaceId, target: { ticketId: decodeId('ticket', opened.ticket.id)! }, author: { type: 'contact', id: contact!.id, name: null } });
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(await eventsOf(other.workspaceId)).toEqual([]);
    // The same writes committed do log.
    await node.deps.db.transaction(async (tx) => {
      await openChatTicket(tx, { workspaceId: other.workspaceId, inboxId: other.inboxId, contactId: contact!.id, author: { type: 'contact', id: contact!.id, name: null }, body: 'x', clientMessageId: null, now: new Date() });
    });
    expect((await eventsOf(other.workspaceId)).map((e) => e.name)).toEqual(['ticket.created']);
  });

  it('a reader never passes an event whose transaction commits after a later position was written', async () => {
    const pg = postgres(inject('databaseUrl'), { max: 2, onnotice: () => {} });
    try {
      const ws = randomUUID();
      const ev = (n: number) => ({ workspaceId: ws, name: 'contact.updated' as const, payload: { contactId: String(n) }, occurredAt: new Date() });
      // A takes the lower position and stays open; B takes the next one and commits first.
      const a = await pg.reserve();
      await a`begin`;
      await a`insert into domain_events (workspace_id, name, payload, occurred_at) values (${ws}, 'contact.updated', ${pg.json({ contactId: 'A' })}, now())`;
      await node.deps.db.transaction((tx) => writeEvents(tx, [ev(1)]));
      const positions = await pg<{ position: string; payload: any }[]>`select position, payload from domain_events where workspace_id = ${ws} order by position`;
      expect(positions.map((p) => p.payload.contactId)).toEqual(['1']); // A's row is not visible yet
      const all = async () => (await readEventsAcrossWorkspaces(node.deps.db, LOG_START, 100_000)).filter((e) => e.workspaceId === ws);
      // B is committed, but A is still running with a smaller xid: B is held back.
      expect(await all()).toEqual([]);
      await a`commit`;
      a.release();
      // Other test files' transactions (any in the cluster) also hold the barrier for a moment.
      const got = await until(async () => { const r = await all(); return r.length === 2 && r; }, 5000, 'both events');
      expect(got.map((e) => (e.payload as any).contactId)).toEqual(['A', '1']);
    } finally {
      await pg.end();
    }
  });

  it('property: with writers committing in any interleaving, a consumer sees every event once, in log order, serial transactions in commit order', async () => {
    const ws = randomUUID();
    const seen: LoggedEvent[] = [];
    const clock = manualClock();
    const consumers = consumersOn(node.deps.db, clock);
    consumers.registerConsumer({ name: `order-${ws}`, handle: async (events) => void seen.push(...events.filter((e) => e.workspaceId === ws)), batchSize: 7 });
    const pg = postgres(inject('databaseUrl'), { max: 12, onnotice: () => {} });
    try {
      for (let round = 0; round < 5; round++) {
        // Ten transactions each write three events and wait; they commit in a random order,
        // with the consumer running between commits.
        const writers = await Promise.all(Array.from({ length: 10 }, async (_, w) => {
          const c = await pg.reserve();
          await c`begin`;
          for (let k = 0; k < 3; k++)
            await c`insert into domain_events (workspace_id, name, payload, occurred_at) values (${ws}, 'contact.updated', ${pg.json({ contactId: `${round}.${w}.${k}` })}, now())`;
          return c;
        }));
        const order = writers.map((_, i) => i).sort(() => Math.random() - 0.5);
        for (const i of order) {
          await writers[i]!`commit`;
          writers[i]!.release();
          if (Math.random() < 0.5) await consumers.runOnce();
        }
      }
      const caughtUp = (n: number) => until(async () => (await consumers.runOnce(), seen.length >= n), 5000, `${n} events`);
      await caughtUp(150);
      const ids = seen.map((e) => (e.payload as any).contactId as string);
      expect(ids.length).toBe(5 * 10 * 3);
      expect(new Set(ids).size).toBe(ids.length);
      // Log order: (xid, position) ascending, each transaction's events together and in insert order.
      const keys = seen.map((e) => [BigInt(e.xid), e.position] as const);
      for (let i = 1; i < keys.length; i++) expect(keys[i - 1]![0] < keys[i]![0] || (keys[i - 1]![0] === keys[i]![0] && keys[i - 1]![1] < keys[i]![1])).toBe(true);
      for (const id of ids) {
        const [r, w, k] = id.split('.').map(Number);
        if (k! > 0) expect(ids.indexOf(`${r}.${w}.${k! - 1}`)).toBe(ids.indexOf(id) - 1);
      }
      // Transactions that do not overlap come in commit order, even while an older, unrelated
      // transaction holds delivery back (it is then delivered first: it has the smaller xid).
      const long = await pg.reserve();
      await long`begin`;
      await long`insert into domain_events (workspace_id, name, payload, occurred_at) values (${ws}, 'contact.updated', ${pg.json({ contactId: 'long' })}, now())`;
      for (let i = 0; i < 5; i++)
        await pg.begin((tx) => tx`insert into domain_events (workspace_id, name, payload, occurred_at) values (${ws}, 'contact.updated', ${pg.json({ contactId: `seq.${i}` })}, now())`);
      const count = seen.length;
      await consumers.runOnce();
      expect(seen.length).toBe(count);
      await long`commit`;
      long.release();
      await caughtUp(count + 6);
      expect(seen.slice(count).map((e) => (e.payload as any).contactId)).toEqual(['long', 'seq.0', 'seq.1', 'seq.2', 'seq.3', 'seq.4']);
    } finally {
      await consumers.stop();
      await pg.end();
    }
  });

  it('a new consumer with startAt now skips the log so far and gets what comes after', async () => {
    const ws = randomUUID();
    const ev = (c: string) => ({ workspaceId: ws, name: 'contact.updated' as const, payload: { contactId: c }, occurredAt: new Date() });
    await node.deps.db.transaction((tx) => writeEvents(tx, [ev('old')]));
    const seen: string[] = [];
    const consumers = consumersOn(node.deps.db, manualClock());
    consumers.registerConsumer({ name: `late-${ws}`, startAt: 'now', handle: async (events) => void seen.push(...events.filter((e) => e.workspaceId === ws).map((e) => (e.payload as any).contactId)) });
    // The old event must be final before the consumer places itself after it.
    await until(async () => (await readEventsAcrossWorkspaces(node.deps.db, LOG_START, 1_000_000)).some((e) => e.workspaceId === ws), 5000, 'the old event');
    await consumers.runOnce();
    await node.deps.db.transaction((tx) => writeEvents(tx, [ev('new')]));
    await until(async () => (await consumers.runOnce(), seen.length > 0), 5000, 'the new event');
    expect(seen).toEqual(['new']);
    await consumers.stop();
  });

  it('a consumer restarted mid-batch resumes from its last finished batch: nothing lost', async () => {
    const ws = randomUUID();
    const clock = manualClock();
    await node.deps.db.transaction((tx) => writeEvents(tx, Array.from({ length: 25 }, (_, i) => ({ workspaceId: ws, name: 'contact.updated' as const, payload: { contactId: String(i) }, occurredAt: new Date() }))));
    const name = `restart-${ws}`;
    const first: string[] = [];
    let hang!: () => void;
    const hung = new Promise<void>((r) => (hang = r));
    const a = consumersOn(node.deps.db, clock, 10_000);
    let batches = 0;
    let hungAt = '';
    a.registerConsumer({
      name, batchSize: 10,
      handle: (events) => {
        const mine = events.filter((e) => e.workspaceId === ws);
        if (!mine.length) return Promise.resolve();
        first.push(...mine.map((e) => (e.payload as any).contactId));
        // The node dies in its second batch of ours: the handler never returns.
        if (++batches === 2) return (hungAt = (mine[0]!.payload as any).contactId), hang(), new Promise<void>(() => {});
        return Promise.resolve();
      },
    });
    // (Retried while another test's open transaction still holds the fresh events back.)
    await until(() => (void a.runOnce(), hungAt !== ''), 5000, 'the second batch');
    await hung;
    // Another node: the lease is still held, so it waits; once the lease ran out it takes over.
    const second: string[] = [];
    const b = consumersOn(node.deps.db, clock, 10_000);
    b.registerConsumer({ name, batchSize: 10, handle: async (events) => void second.push(...events.filter((e) => e.workspaceId === ws).map((e) => (e.payload as any).contactId)) });
    await b.runOnce();
    expect(second).toEqual([]);
    clock.advance(10_001);
    await b.runOnce();
    // At least once: the batch the dead node was in is handed again; everything arrives.
    expect(new Set([...first, ...second])).toEqual(new Set(Array.from({ length: 25 }, (_, i) => String(i))));
    expect(second[0]).toBe(hungAt);
    expect(second).toEqual(Array.from({ length: 25 - Number(hungAt) }, (_, i) => String(Number(hungAt) + i)));
    await b.stop();
  });

  it('a failing event is retried with backoff, then recorded dead with its error, and the consumer moves on; a dead event can be sent back', async () => {
    const ws = randomUUID();
    const clock = manualClock();
    await node.deps.db.transaction((tx) => writeEvents(tx, ['ok1', 'bad', 'ok2'].map((c) => ({ workspaceId: ws, name: 'contact.updated' as const, payload: { contactId: c }, occurredAt: new Date() }))));
    const name = `dead-${ws}`;
    const handled: string[] = [];
    let broken = true;
    const consumers = consumersOn(node.deps.db, clock);
    consumers.registerConsumer({
      name, maxAttempts: 3, backoffMs: (n) => n * 1000,
      handle: async (events) => {
        for (const e of events) {
          if (e.workspaceId !== ws) continue;
          const id = (e.payload as any).contactId;
          if (id === 'bad' && broken) throw new Error('cannot handle bad');
          // Idempotent, as handlers must be: a batch that failed half-way comes again one by one.
          if (!handled.includes(id)) handled.push(id);
        }
      },
    });
    await until(async () => (await consumers.runOnce(), handled.length > 0), 5000, 'the first event');
    const state = async () => (await node.deps.db.query<any>(`select failing_attempts, retry_at, last_error from event_consumers where name = $1`, [name]))[0];
    expect(handled).toEqual(['ok1']);
    expect(await state()).toMatchObject({ failing_attempts: 1 });
    await consumers.runOnce(); // still in backoff: nothing
    expect((await state()).failing_attempts).toBe(1);
    clock.advance(1000);
    await consumers.runOnce();
    expect((await state()).failing_attempts).toBe(2);
    clock.advance(2000);
    await consumers.runOnce(); // the third attempt fails: dead, and the consumer moves on
    expect(handled).toEqual(['ok1', 'ok2']);
    const dead = await node.deps.db.query<any>(`select d.state, d.attempts, d.last_error, e.payload from event_dead_letters d join domain_events e on e.position = d.position where d.consumer = $1`, [name]);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ state: 'dead', attempts: 3, payload: { contactId: 'bad' } });
    expect(dead[0].last_error).toContain('cannot handle bad');
    expect(await state()).toMatchObject({ failing_attempts: 0, last_error: null });
    // An operator sends it back once the bug is fixed.
    broken = false;
    await node.deps.db.query(`update event_dead_letters set state = 'retry' where consumer = $1`, [name]);
    await consumers.runOnce();
    expect(handled).toEqual(['ok1', 'ok2', 'bad']);
    expect((await node.deps.db.query<any>(`select state from event_dead_letters where consumer = $1`, [name]))[0].state).toBe('resolved');
    await consumers.stop();
  });
});

