import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeSockets, cmid, connect, login, ok, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { toWire } from '../../server/src/db/ids.js';

/**
 * Two nodes on one Postgres (a database of this file's own) and Redis: a burst of 500 new chats
 * through both, routed by balanced with a capacity of 20 for 10 online agents; then both nodes
 * routing the waiting tickets at once after the capacity is raised; then an agent resolving
 * tickets drains the queue oldest first. Nobody is ever over capacity, no ticket is given twice.
 */
describe('routing across two nodes', () => {
  let a: Node;
  let b: Node;
  let fx: Fixture;
  let owner: string;
  const AGENTS = 10;
  const CHATS = 500;
  const many = { ratePerSecond: 1e6, burst: 1e6 };
  const config = { WIDGET_NEW_SESSIONS_PER_MINUTE: 1e6, WIDGET_SOCKETS_PER_ADDRESS: 1e6 };

  const db = () => a.deps.db;
  const loads = async () =>
    (await db().rows<{ assignee_id: string; n: number }>(sql`select assignee_id, count(*)::int as n from tickets
      where workspace_id = ${fx.workspaceId}::uuid and status = 'open' and assignee_id is not null group by assignee_id`)).map((r) => r.n);
  const waitingOldestFirst = async () =>
    (await db().rows<{ id: string }>(sql`select q.ticket_id as id from routing_queue q join tickets t on t.id = q.ticket_id
      where q.workspace_id = ${fx.workspaceId}::uuid and q.dequeued_at is null order by t.created_at, t.id`)).map((r) => r.id);
  const givenTwice = async () =>
    (await db().rows<{ ticket_id: string }>(sql`select ticket_id from ticket_activities
      where workspace_id = ${fx.workspaceId}::uuid and kind = 'assigned' and actor_type = 'system' and new_value <> 'null'::jsonb
      group by ticket_id having count(*) > 1`)).length;
  const setCapacity = async (chat: number) => {
    await db().rows(sql`update routing_policies set chat_capacity = ${chat} where workspace_id = ${fx.workspaceId}::uuid`);
    await db().rows(sql`insert into domain_events (workspace_id, name, payload, occurred_at)
      values (${fx.workspaceId}::uuid, 'routing.changed', ${JSON.stringify({ queueIds: null })}::jsonb, now())`);
  };

  beforeAll(async () => {
    a = await startNode('postgres', { isolated: true, prefix: 'rtc', config, limits: { widget: many, agent: many } });
    b = await startNode('postgres', { prefix: 'rtc', config: { ...config, DATABASE_URL: a.deps.config.DATABASE_URL }, limits: { widget: many, agent: many } });
    fx = await seedWorkspace(db(), AGENTS + 1);
    owner = await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password);
    await db().rows(sql`insert into routing_policies (id, workspace_id, inbox_id, mode, chat_capacity, email_capacity, away_grace_seconds, reopen_window_seconds)
      values (gen_random_uuid(), ${fx.workspaceId}::uuid, ${fx.inboxId}::uuid, 'balanced', 20, 10, 3600, 3600)`);
    // Agents 1..10 online, half on each node; the owner stays offline.
    for (const [i, ag] of fx.agents.slice(1).entries()) await connect((i % 2 ? b : a).url, '/agent', { token: await login(a.url, ag.email, ag.password) });
  }, 60_000);
  afterAll(async () => {
    closeSockets();
    await Promise.all([a.app.close(), b.app.close()]);
  });

  it('a burst of 500 chats: 200 given out evenly, 300 waiting; both nodes routing at once stay within capacity; a resolved ticket takes the oldest waiting', async () => {
    const sent: string[] = [];
    for (let wave = 0; wave < CHATS; wave += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const v = await visitor((i % 2 ? b : a).url, fx.inbox);
          const m = await ok(v.s, 'message:send', { body: `burst ${wave + i}`, clientMessageId: cmid() });
          sent.push(m.ticketId);
          v.s.disconnect();
        }),
      );
    }
    expect(sent).toHaveLength(CHATS);
    await until(async () => (await waitingOldestFirst()).length === CHATS - AGENTS * 20, 60_000, 'the burst to be routed');
    expect((await loads()).sort()).toEqual(Array(AGENTS).fill(20));
    expect(await givenTwice()).toBe(0);

    // Room for 5 more each; both nodes route the 50 oldest waiting at the same moment, each of them twice.
    const waiting = await waitingOldestFirst();
    await db().rows(sql`update routing_policies set chat_capacity = 25 where workspace_id = ${fx.workspaceId}::uuid`);
    const route = (n: Node, id: string) => fetch(`${n.url}/api/tickets/${toWire('ticket', id)}/route`, { method: 'POST', headers: { authorization: `Bearer ${owner}` } }).then((r) => r.status);
    const statuses = await Promise.all(waiting.slice(0, 50).flatMap((id) => [route(a, id), route(b, id)]));
    expect(new Set(statuses)).toEqual(new Set([200]));
    await until(async () => (await waitingOldestFirst()).length === CHATS - AGENTS * 25, 10_000, 'fifty more given out');
    expect((await loads()).sort()).toEqual(Array(AGENTS).fill(25));
    expect(await givenTwice()).toBe(0);
    // Those given out were the oldest waiting.
    const left = await waitingOldestFirst();
    expect(left).toEqual(waiting.slice(50));

    // An agent resolves three tickets, one after another: the three oldest waiting follow.
    await setCapacity(25);
    const agent1 = await connect(a.url, '/agent', { token: await login(a.url, fx.agents[1]!.email, fx.agents[1]!.password) });
    const mine = (await db().rows<{ id: string }>(sql`select id from tickets where assignee_id = ${fx.agents[1]!.id}::uuid and status = 'open' order by created_at limit 3`)).map((r) => r.id);
    for (const id of mine) {
      const before = await waitingOldestFirst();
      await ok(agent1, 'ticket:setStatus', { ticketId: toWire('ticket', id), status: 'resolved' });
      await until(async () => (await waitingOldestFirst())[0] === before[1], 10_000, 'the oldest waiting to be given out');
      const [t] = await db().rows<{ assignee_id: string }>(sql`select assignee_id from tickets where id = ${before[0]!}::uuid`);
      expect(t!.assignee_id).toBe(fx.agents[1]!.id);
    }
    expect(await givenTwice()).toBe(0);
    expect(Math.max(...(await loads()))).toBeLessThanOrEqual(25);
  }, 120_000);
});
