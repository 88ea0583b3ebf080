import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, closeSockets, cmid, holdConversation, connect, login, ok, record, seedWorkspace, startNode, until, visitor, type Mode, type Node } from '../support/harness.js';

const nodes: Node[] = [];
afterEach(async () => {
  closeSockets();
  await Promise.all(nodes.splice(0).map((n) => n.app.close()));
});

/** Two nodes sharing the run's Postgres and one Redis prefix: one cluster. Closed after each test. */
async function startCluster(): Promise<[Node, Node]> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const pair: [Node, Node] = [await startNode('postgres', { prefix }), await startNode('postgres', { prefix })];
  nodes.push(...pair);
  return pair;
}

describe('two nodes on one Postgres and Redis', () => {
  it('a visitor on node A and an agent on node B talk in realtime, each message delivered once', async () => {
    const [a, b] = await startCluster();
    const fx = await seedWorkspace(a.deps.db, 2);
    const token = await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const agentB = await connect(b.url, '/agent', { token });
    const agentA = await connect(a.url, '/agent', { token: await login(b.url, fx.agents[1]!.email, fx.agents[1]!.password) });
    const atB = record(agentB, 'message:new');
    const atA = record(agentA, 'message:new');
    const newAtB = record(agentB, 'ticket:new');
    const { s: v } = await visitor(a.url, fx.inbox);
    const atV = record(v, 'message:new');

    const first = await ok(v, 'message:send', { body: 'hello from node A', clientMessageId: cmid() });
    await until(() => newAtB.find((e) => e.ticket.id === first.ticketId), 5000, 'ticket:new on node B');
    const sent = [first.id];
    for (let i = 0; i < 10; i++) {
      const m = await ok(v, 'message:send', { body: `v${i}`, clientMessageId: cmid() });
      sent.push(m.id);
      const r = await ok(agentB, 'message:send', { ticketId: first.ticketId, body: `a${i}`, clientMessageId: cmid() });
      sent.push(r.id);
    }
    await until(() => atV.length >= 21, 5000, 'all messages at the visitor');
    await until(() => atB.length >= 20 && atA.length >= 20, 5000, 'all messages at both agents');
    await new Promise((r) => setTimeout(r, 200));
    // Exactly once, in seq order, on every client, whichever node it is connected to.
    const seqs = (list: { seq: number }[]) => list.map((m) => m.seq);
    // Arrival order across nodes can differ from commit order (a local delivery may overtake
    // one coming through Redis); clients order by seq, so what they show is each seq once.
    const sorted = (list: { seq: number }[]) => seqs(list).sort((x, y) => x - y);
    expect(sorted(atV)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(sorted(atB.map((e) => e.message))).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(sorted(atA.map((e) => e.message))).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(newAtB).toHaveLength(1);

    // Typing crosses nodes too (through the Socket.IO Redis adapter).
    const typing = record(v, 'typing');
    await ok(agentB, 'typing', { ticketId: first.ticketId, on: true });
    await until(() => typing.length === 1, 5000, 'typing from node B at the visitor on node A');
  });

  it('after its Redis subscription drops and returns, a node tells its clients to catch up by seq', async () => {
    const [a, b] = await startCluster();
    const fx = await seedWorkspace(a.deps.db, 1);
    const agent = await connect(b.url, '/agent', { token: await login(b.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    const { s: v } = await visitor(a.url, fx.inbox);
    const first = await ok(v, 'message:send', { body: 'before the gap', clientMessageId: cmid() });
    const syncs = record(agent, 'sync');
    const missed = record(agent, 'message:new');
    // Node B loses its event subscription; node A keeps writing meanwhile.
    b.deps.redis!.sub.disconnect(false);
    const during = await ok(v, 'message:send', { body: 'during the gap', clientMessageId: cmid() });
    // Reconnect once the drop is complete: connect() refuses while the old connection is still closing.
    await until(() => b.deps.redis!.sub.status === 'end', 5000, 'subscription closed');
    await b.deps.redis!.sub.connect();
    await until(() => syncs.length === 1, 5000, 'sync hint');
    expect(syncs[0]).toEqual({ reason: 'events-gap', withinMs: expect.any(Number) });
    expect(missed.find((e) => e.message.id === during.id)).toBeUndefined();
    // What the hint asks for: fetch after the last seq seen.
    const page = await ok(agent, 'messages:list', { conversationId: first.conversationId, afterSeq: first.seq });
    expect(page.messages.map((m: { id: string }) => m.id)).toEqual([during.id]);
  });

  it('presence and ticket changes made on one node reach agents on the other', async () => {
    const [a, b] = await startCluster();
    const fx = await seedWorkspace(a.deps.db, 2);
    const onA = await connect(a.url, '/agent', { token: await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    const onB = await connect(b.url, '/agent', { token: await login(b.url, fx.agents[1]!.email, fx.agents[1]!.password) });
    const updates = record(onB, 'ticket:updated');
    const presence = record(onB, 'presence');
    const { s: v } = await visitor(a.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'x', clientMessageId: cmid() });
    await ok(onA, 'ticket:setStatus', { ticketId: m.ticketId, status: 'pending' });
    await ok(onA, 'presence:set', { status: 'away' });
    await until(() => updates.find((u) => u.ticket.status === 'pending'), 5000, 'ticket:updated on B');
    await until(() => presence.find((p) => p.userId === fx.agents[0]!.wire && p.status === 'away'), 5000, 'presence on B');
    expect(updates).toHaveLength(1);
  });
});

describe('presence after a crash', () => {
  it('an agent left online by a node that died is set offline by the sweep on a surviving node', async () => {
    const [a, b] = await startCluster();
    const fx = await seedWorkspace(a.deps.db, 2);
    const watcher = await connect(a.url, '/agent', { token: await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    const presence = record(watcher, 'presence');
    const onB = await connect(b.url, '/agent', { token: await login(b.url, fx.agents[1]!.email, fx.agents[1]!.password) });
    await until(() => presence.find((p) => p.userId === fx.agents[1]!.wire && p.status === 'online'), 5000, 'online');
    // Node B dies without running its disconnect handlers: the row still says online.
    onB.io.opts.reconnection = false;
    b.app.lifecycle.stopping = true;
    b.app.io.engine.close();
    await until(() => !onB.connected, 5000, 'connection gone');
    const [row] = await a.deps.db.rows<{ availability: string }>(sql`select availability from memberships where user_id = ${fx.agents[1]!.id}::uuid`);
    expect(row!.availability).toBe('online');
    expect(await a.app.sweepPresence(fx.workspaceId)).toBe(1);
    await until(() => presence.find((p) => p.userId === fx.agents[1]!.wire && p.status === 'offline'), 5000, 'offline event');
    // The watcher is connected, so the sweep leaves it alone.
    expect(await a.app.sweepPresence(fx.workspaceId)).toBe(0);
  });

  it('expired sessions are purged a day after they expire, live ones kept', async () => {
    const a = await startNode('postgres');
    nodes.push(a);
    const fx = await seedWorkspace(a.deps.db, 1);
    const live = await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const stale = await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const { session } = await visitor(a.url, fx.inbox);
    const { hashToken } = await import('../../server/src/lib/tokens.js');
    await a.deps.db.rows(sql`update agent_sessions set expires_at = now() - interval '2 days' where token_hash = ${hashToken(stale)}`);
    await a.deps.db.rows(sql`update visitor_sessions set expires_at = now() - interval '2 days' where token_hash = ${hashToken(session.token)}`);
    const { purgeExpiredSessions } = await import('../../server/src/realtime/maintenance.js');
    expect(await purgeExpiredSessions(a.deps)).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${a.url}/api/auth/me`, { headers: { authorization: `Bearer ${live}` } })).status).toBe(200);
    expect((await fetch(`${a.url}/api/auth/me`, { headers: { authorization: `Bearer ${stale}` } })).status).toBe(401);
  });
});

describe.each<Mode>(['postgres', 'embedded'])('server restart mid-conversation (%s)', (mode) => {
  it('clients reconnect, resume and catch up by seq: nothing lost, nothing twice', async () => {
    const dataDir = mode === 'embedded' ? mkdtempSync(join(tmpdir(), 'sd-restart-')) : undefined;
    try {
      let node = await startNode(mode, { dataDir });
      const fx = await seedWorkspace(node.deps.db, 1);
      const token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
      const { s: v, session } = await visitor(node.url, fx.inbox);
      const agent = await connect(node.url, '/agent', { token });
      const first = await ok(v, 'message:send', { body: 'before restart', clientMessageId: cmid() });
      let lastSeq = first.seq;
      const shown = new Map<number, string>([[first.seq, first.body]]);
      v.on('message:new', (m) => shown.set(m.seq, m.body));

      const port = node.port;
      await node.app.close();
      await until(() => !v.connected, 5000, 'visitor disconnected by the shutdown');
      node = await startNode(mode, { dataDir, port });
      nodes.push(node);
      // socket.io-client reconnects by itself; the client then resumes and asks for what it missed.
      await until(() => v.connected && agent.connected, 10_000, 'reconnect');
      await ok(v, 'session:start', { inboxId: fx.inbox, token: session.token });
      await ok(agent, 'message:send', { ticketId: first.ticketId, body: 'reply after restart', clientMessageId: cmid() });
      const caught = await ok(v, 'history', { afterSeq: lastSeq });
      for (const m of caught.messages) shown.set(m.seq, m.body);
      lastSeq = Math.max(lastSeq, ...caught.messages.map((m: { seq: number }) => m.seq));
      const next = await ok(v, 'message:send', { body: 'after restart', clientMessageId: cmid() });
      await until(() => shown.has(next.seq));
      expect([...shown.entries()].sort((x, y) => x[0] - y[0])).toEqual([
        [1, 'before restart'],
        [2, 'reply after restart'],
        [3, 'after restart'],
      ]);
    } finally {
      // The embedded database must be closed before its folder goes.
      await Promise.all(nodes.splice(0).map((n) => n.app.close()));
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes writes already accepted, refuses new ones, and the message is stored exactly once', async () => {
    const node = await startNode('postgres');
    const fx = await seedWorkspace(node.deps.db, 1);
    const { s: v } = await visitor(node.url, fx.inbox);
    const first = await ok(v, 'message:send', { body: 'first', clientMessageId: cmid() });
    // Hold the conversation row from another connection so the next write is provably in flight.
    const lock = await holdConversation(first.conversationId);
    const inflight = call(v, 'message:send', { body: 'in flight', clientMessageId: cmid() });
    await until(() => node.app.lifecycle.busy > 0, 2000, 'write in flight');
    const closing = node.app.close();
    const refused = await call(v, 'message:send', { body: 'too late', clientMessageId: cmid() });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    await lock.release();
    expect(await inflight).toMatchObject({ ok: true, data: { body: 'in flight', seq: 2 } });
    await closing;
    const check = await startNode('postgres');
    nodes.push(check);
    const rows = await check.deps.db.rows<{ body: string }>(sql`select m.body from messages m join tickets t on t.id = m.ticket_id
      where t.workspace_id = ${fx.workspaceId}::uuid order by m.seq`);
    expect(rows.map((x) => x.body)).toEqual(['first', 'in flight']);
  });
});
