import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { encodeId, type Message } from '@support/protocol';
import { closeSockets, cmid, connect, login, ok, record, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { redisProxy, type RedisProxy } from '../support/redis-proxy.js';
import { spawnNode, type ChildNode } from '../support/child-node.js';
import { MessageSet } from '../../inbox/src/lib/thread.js';

/**
 * Stored messages must reach the agents even when the bus between nodes fails: a node that
 * stored messages and died before it published them, and Redis gone for a while. Each test
 * checks what the agents' sockets received against the database.
 */
const nodes: Node[] = [];
const proxies: RedisProxy[] = [];
const children: ChildNode[] = [];
afterEach(async () => {
  closeSockets();
  for (const p of proxies) p.restore();
  await Promise.all(children.splice(0).map((c) => c.crash()));
  await Promise.all(nodes.splice(0).map((n) => n.app.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function proxy(): Promise<RedisProxy> {
  const p = await redisProxy(inject('redisUrl'));
  proxies.push(p);
  return p;
}

async function node(prefix: string, config: Parameters<typeof startNode>[1] = {}): Promise<Node> {
  const n = await startNode('postgres', { prefix, ...config });
  nodes.push(n);
  return n;
}

/** Every message an agent socket was sent (`message:new`, and `ticket:new` with its first message), in arrival order. */
function received(agent: Socket): Message[] {
  const got: Message[] = [];
  agent.on('message:new', (e: { message: Message }) => got.push(e.message));
  agent.on('ticket:new', (e: { message: Message | null }) => e.message && got.push(e.message));
  return got;
}

/** The workspace's stored message ids, by conversation, in seq order (wire ids). */
async function stored(db: Node['deps']['db'], fx: Fixture): Promise<Map<string, string[]>> {
  const rows = await db.rows<{ id: string; conversation_id: string }>(sql`select id, conversation_id from messages
    where workspace_id = ${fx.workspaceId}::uuid order by conversation_id, seq`);
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const c = encodeId('conversation', r.conversation_id);
    out.set(c, [...(out.get(c) ?? []), encodeId('message', r.id)]);
  }
  return out;
}

/**
 * An agent client doing what the protocol asks of it (docs/protocol.md section 6), with the
 * inbox's own MessageSet: each message once and in seq order, a message that skips seqs has
 * the skipped ones fetched, and a `sync` hint fetches every conversation after the seq held
 * through (at once here, not spread). `live` is what arrived as events, in arrival order.
 */
function agentClient(s: Socket) {
  const set = new MessageSet();
  const live: Message[] = [];
  const conversations = new Set<string>();
  const pull = async (conversationId: string) => {
    for (;;) {
      const page = await ok(s, 'messages:list', { conversationId, afterSeq: set.heldThrough(conversationId), limit: 500 });
      set.add(page.messages);
      const last = page.messages.at(-1);
      if (last) set.markComplete(conversationId, last.seq);
      if (!page.hasMore || !last) return;
    }
  };
  // A read that fails leaves the view short, which the test sees; one cut short by the end of the test does not matter.
  const fill = (conversationId: string) => void pull(conversationId).catch(() => {});
  const arrived = (m: Message) => {
    live.push(m);
    conversations.add(m.conversationId);
    if (set.addLive(m)) fill(m.conversationId);
  };
  s.on('message:new', (e: { message: Message }) => arrived(e.message));
  s.on('ticket:new', (e: { message: Message | null }) => e.message && arrived(e.message));
  s.on('sync', () => conversations.forEach(fill));
  return {
    live,
    /** What the client shows: message ids by conversation, in seq order. */
    shown: () => shown(set.list()),
  };
}

/** Message ids by conversation as a client shows them: each once, in seq order. */
function shown(messages: Message[]): Map<string, string[]> {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const out = new Map<string, Message[]>();
  for (const m of byId.values()) out.set(m.conversationId, [...(out.get(m.conversationId) ?? []), m]);
  return new Map([...out].map(([c, ms]) => [c, ms.sort((x, y) => x.seq - y.seq).map((m) => m.id)]));
}

describe('stored messages reach the agents whatever happens to the bus', () => {
  it('a node that stored messages and was killed before publishing them: the visitors’ retries reach the agents on the other node', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const redisOfA = await proxy();
    const b = await node(prefix);
    const fx = await seedWorkspace(b.deps.db, 1);
    const a = await spawnNode({ REDIS_URL: redisOfA.url, REDIS_PREFIX: prefix });
    children.push(a);
    const agent = await connect(b.url, '/agent', { token: await login(b.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    const got = received(agent);

    const { s: v1, session: s1 } = await visitor(a.url, fx.inbox);
    const first = await ok(v1, 'message:send', { body: 'hello from node A', clientMessageId: cmid() });
    await until(() => got.some((m) => m.id === first.id), 10_000, 'node A reaches node B');
    const { s: v2, session: s2 } = await visitor(a.url, fx.inbox);

    // Node A loses Redis: it stores and acks two messages (one opens a ticket) but cannot
    // publish them; then it is killed, and what it held dies with it.
    redisOfA.cut();
    const retry1 = { body: 'stored, never announced', clientMessageId: cmid() };
    const retry2 = { body: 'a new ticket, never announced', clientMessageId: cmid() };
    const lost1 = await ok(v1, 'message:send', retry1);
    const lost2 = await ok(v2, 'message:send', retry2);
    await a.crash();
    expect(got.map((m) => m.id)).toEqual([first.id]);

    // The acks never reached the visitors (as far as they know): they reconnect, to node B, and send again.
    const w1 = await visitor(b.url, fx.inbox, s1.token);
    const w2 = await visitor(b.url, fx.inbox, s2.token);
    expect((await ok(w1.s, 'message:send', retry1)).id).toBe(lost1.id);
    expect((await ok(w2.s, 'message:send', retry2)).id).toBe(lost2.id);
    await until(() => got.some((m) => m.id === lost1.id) && got.some((m) => m.id === lost2.id), 5000, 'the retried messages at the agent');

    // The agent was sent every stored message once, in seq order, and the new ticket's row reads as the database says.
    expect(shown(got)).toEqual(await stored(b.deps.db, fx));
    expect(got).toHaveLength(3);
    const page = await ok(agent, 'tickets:list', { view: 'all', limit: 10 });
    expect(page.items.find((t: { id: string }) => t.id === lost2.ticketId)).toMatchObject({ unreadCount: 1, lastSeq: 1 });
  }, 60_000); // a node process boots in it

  it('a Redis outage of several seconds while visitors on node A keep writing: afterwards every agent has every stored message once, in order', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const [redisOfA, redisOfB] = [await proxy(), await proxy()];
    const a = await node(prefix, { config: { REDIS_URL: redisOfA.url } });
    const b = await node(prefix, { config: { REDIS_URL: redisOfB.url } });
    const fx = await seedWorkspace(a.deps.db, 2);
    const onA = await connect(a.url, '/agent', { token: await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    const onB = await connect(b.url, '/agent', { token: await login(b.url, fx.agents[1]!.email, fx.agents[1]!.password) });
    const [atA, atB] = [agentClient(onA), agentClient(onB)];
    const [syncsA, syncsB] = [record(onA, 'sync'), record(onB, 'sync')];
    const visitors: Socket[] = [];
    const tickets: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { s } = await visitor(a.url, fx.inbox);
      visitors.push(s);
      tickets.push((await ok(s, 'message:send', { body: `visitor ${i} opens`, clientMessageId: cmid() })).ticketId);
    }
    await until(() => atA.live.length === 3 && atB.live.length === 3, 5000, 'the first messages on both nodes');

    // Redis goes away for both nodes. Visitors on A keep writing (and typing, which crosses
    // nodes through the Socket.IO adapter), the agent on B replies, until the Redis clients of
    // both nodes have been refused many times: far past ioredis's own retries.
    redisOfA.cut();
    redisOfB.cut();
    const refused = () => redisOfA.refused + redisOfB.refused;
    let rounds = 0;
    while (rounds < 5 || refused() < 80) {
      const seen = refused();
      await Promise.all(visitors.map((v, i) => ok(v, 'message:send', { body: `visitor ${i}, round ${rounds}`, clientMessageId: cmid() })));
      visitors[0]!.emit('typing', { on: rounds % 2 === 0 });
      await ok(onB, 'message:send', { ticketId: tickets[rounds % 3], body: `agent reply ${rounds}`, clientMessageId: cmid() });
      rounds++;
      await until(() => refused() >= seen + 4, 20_000, 'reconnects refused');
    }
    // Redis comes back for B first: its subscription returns (it tells its agents to catch
    // up) and what it held goes out, to nobody, as A is still away. Then for A: A's agents
    // are told to catch up, and what A held goes out, to B's live subscription.
    redisOfB.restore();
    await until(() => syncsB.length === 1, 10_000, 'sync hint on node B');
    redisOfA.restore();
    await until(() => syncsA.length === 1, 10_000, 'sync hint on node A');

    const want = await stored(a.deps.db, fx);
    expect([...want.values()].flat()).toHaveLength(3 + rounds * 4);
    // What each agent shows, after following the hints: every stored message, once, in seq order.
    await expect.poll(() => [atA.shown(), atB.shown()], { timeout: 15_000 }).toEqual([want, want]);
    // And every message A held reached B as an event: each once, in the order A wrote it.
    await until(() => atB.live.length === 3 + rounds * 4, 10_000, 'node A’s held events at node B');
    expect(new Set(atB.live.map((m) => m.id)).size).toBe(atB.live.length);
    for (const conv of want.keys()) {
      const fromA = atB.live.filter((m) => m.conversationId === conv && m.authorType === 'contact').map((m) => m.id);
      const storedFromA = (await ok(onB, 'messages:list', { conversationId: conv, limit: 500 })).messages.filter((m: Message) => m.authorType === 'contact');
      expect(fromA).toEqual(storedFromA.map((m: Message) => m.id));
    }
  });

  it('when a node had to drop events (past REDIS_EVENT_BACKLOG), the other node tells its agents to resync, and storage has it all', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const redisOfA = await proxy();
    const a = await node(prefix, { config: { REDIS_URL: redisOfA.url, REDIS_EVENT_BACKLOG: 3 } });
    const b = await node(prefix);
    const fx = await seedWorkspace(a.deps.db, 1);
    const agent = await connect(b.url, '/agent', { token: await login(b.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    const client = agentClient(agent);
    const syncs = record(agent, 'sync');
    const { s: v } = await visitor(a.url, fx.inbox);
    const first = await ok(v, 'message:send', { body: 'before', clientMessageId: cmid() });
    await until(() => client.live.length === 1, 5000, 'the first message');

    redisOfA.cut();
    for (let i = 0; i < 10; i++) await ok(v, 'message:send', { body: `during ${i}`, clientMessageId: cmid() });
    await until(() => redisOfA.refused >= 4, 10_000, 'reconnects refused');
    redisOfA.restore();
    // Node B's own subscription never dropped: only node A's notice can tell it.
    await until(() => syncs.length === 1, 10_000, 'sync hint');
    expect(syncs[0]).toEqual({ reason: 'events-gap', withinMs: expect.any(Number) });
    // The client followed the hint: storage gave it what was dropped.
    const want = await stored(b.deps.db, fx);
    expect(want.get(first.conversationId)).toHaveLength(11);
    await expect.poll(() => client.shown(), { timeout: 10_000 }).toEqual(want);
    expect(client.live.length).toBeLessThan(11);
  });

  it('a node shuts down gracefully while Redis is unreachable, instead of waiting for it for ever', async () => {
    const redisOfA = await proxy();
    const a = await node(`t${randomBytes(4).toString('hex')}`, { config: { REDIS_URL: redisOfA.url } });
    const fx = await seedWorkspace(a.deps.db, 1);
    const { s: v } = await visitor(a.url, fx.inbox);
    await ok(v, 'message:send', { body: 'before', clientMessageId: cmid() });
    redisOfA.cut();
    // Work for Redis queued meanwhile: an event to publish, a typing emit through the adapter.
    await ok(v, 'message:send', { body: 'during', clientMessageId: cmid() });
    v.emit('typing', { on: true });
    await until(() => redisOfA.refused >= 4, 10_000, 'reconnects refused');
    // It resolves (before the test's timeout): nothing waits for Redis to come back.
    await a.app.close();
    expect(a.app.lifecycle.stopping).toBe(true);
  });
});
