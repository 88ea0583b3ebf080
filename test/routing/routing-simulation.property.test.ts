import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import type { RoutingDecision } from '@support/protocol';
import { closeSockets, cmid, connect, login, ok, seedWorkspace, startNode, visitor, type Fixture, type Node } from '../support/harness.js';
import { toWire } from '../../server/src/db/ids.js';

/**
 * A deterministic simulation of routing on a real node and database: random sequences of
 * arrivals, resolutions, presence changes and capacity edits, each settled (the event log's
 * consumers and due work run to the end) before the invariants are checked:
 * - nobody is given a ticket while over capacity, away or offline;
 * - no ticket is given out twice;
 * - the queue is never non-empty while an online agent has room;
 * - balanced gives each ticket to the least loaded (the decision says so, against the others).
 */
describe('routing simulation (property)', () => {
  let node: Node;
  let fx: Fixture;
  let owner: Socket;
  const sockets: Socket[] = [];
  const AGENTS = 3;
  const many = { ratePerSecond: 1e6, burst: 1e6 };

  const db = () => node.deps.db;
  /** Events of the log the routing consumer has not finished (a transaction of any database still running can hold them back a moment). */
  const unconsumed = async () =>
    (await db().rows<{ n: number }>(sql`select count(*)::int as n from domain_events e, event_consumers c
      where c.name = 'routing' and (e.xid, e.position) > (c.last_xid, c.last_position)`))[0]!.n;
  const settle = async () => {
    // Routing's own changes are events too: go on until the consumer has seen them all.
    const end = Date.now() + 10_000;
    for (let i = 0; Date.now() < end; i++) {
      await node.app.events.runOnce();
      await node.app.scheduler.runDue();
      if (i >= 1 && (await unconsumed()) === 0) return;
    }
    throw new Error('the routing consumer did not catch up');
  };
  type State = { load: Map<string, number>; cap: Map<string, number>; avail: Map<string, string>; waiting: number };
  async function state(): Promise<State> {
    const rows = await db().rows<{ user_id: string; load: number; cap: number; availability: string }>(sql`
      select m.user_id, m.availability,
        (select count(*)::int from tickets t where t.assignee_id = m.user_id and t.workspace_id = m.workspace_id and t.status = 'open') as load,
        coalesce(ra.chat_capacity, p.chat_capacity) as cap
      from memberships m cross join routing_policies p
      left join routing_agents ra on ra.workspace_id = m.workspace_id and ra.user_id = m.user_id
      where m.workspace_id = ${fx.workspaceId}::uuid and p.workspace_id = m.workspace_id`);
    const [w] = await db().rows<{ n: number }>(sql`select count(*)::int as n from routing_queue where workspace_id = ${fx.workspaceId}::uuid and dequeued_at is null`);
    return {
      load: new Map(rows.map((r) => [r.user_id, Number(r.load)])),
      cap: new Map(rows.map((r) => [r.user_id, Number(r.cap)])),
      avail: new Map(rows.map((r) => [r.user_id, r.availability])),
      waiting: w!.n,
    };
  }

  beforeAll(async () => {
    node = await startNode('postgres', { isolated: true, limits: { widget: many, agent: many }, config: { WIDGET_NEW_SESSIONS_PER_MINUTE: 1e6 } });
    fx = await seedWorkspace(db(), AGENTS + 1);
    owner = await connect(node.url, '/agent', { token: await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    for (const a of fx.agents.slice(1)) sockets.push(await connect(node.url, '/agent', { token: await login(node.url, a.email, a.password) }));
    // The owner is in the team too; away keeps them out of routing.
    await ok(owner, 'presence:set', { status: 'away' });
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  const op = fc.oneof(
    { weight: 5, arbitrary: fc.constant({ kind: 'arrive' as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('resolve' as const), pick: fc.nat(50) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('presence' as const), agent: fc.nat(AGENTS - 1), status: fc.constantFrom('online', 'away', 'offline') }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('capacity' as const), agent: fc.nat(AGENTS - 1), capacity: fc.nat(3) }) },
  );

  it('holds the routing invariants over random arrivals, resolutions, presence and capacity changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('balanced', 'round_robin'), fc.array(op, { minLength: 5, maxLength: 22 }), async (mode, ops) => {
        // A clean slate: no open tickets, everyone online, the policy of this run.
        await db().rows(sql`update tickets set status = 'closed', assignee_id = null where workspace_id = ${fx.workspaceId}::uuid`);
        await db().rows(sql`delete from routing_queue where workspace_id = ${fx.workspaceId}::uuid`);
        await db().rows(sql`delete from routing_agents where workspace_id = ${fx.workspaceId}::uuid`);
        await db().rows(sql`delete from routing_policies where workspace_id = ${fx.workspaceId}::uuid`);
        await db().rows(sql`insert into routing_policies (id, workspace_id, inbox_id, mode, chat_capacity, email_capacity, away_grace_seconds, reopen_window_seconds)
          values (gen_random_uuid(), ${fx.workspaceId}::uuid, ${fx.inboxId}::uuid, ${mode}, 2, 2, 86400, 3600)`);
        for (const s of sockets) await ok(s, 'presence:set', { status: 'online' });
        await settle();
        const since = new Date();
        let before = await state();
        for (const o of ops) {
          if (o.kind === 'arrive') {
            const v = await visitor(node.url, fx.inbox);
            await ok(v.s, 'message:send', { body: 'hi', clientMessageId: cmid() });
            v.s.disconnect();
          } else if (o.kind === 'resolve') {
            const open = await db().rows<{ id: string }>(sql`select id from tickets where workspace_id = ${fx.workspaceId}::uuid and status = 'open' and assignee_id is not null order by id`);
            if (open.length) await ok(owner, 'ticket:setStatus', { ticketId: toWire('ticket', open[o.pick % open.length]!.id), status: 'resolved' });
          } else if (o.kind === 'presence') {
            await ok(sockets[o.agent]!, 'presence:set', { status: o.status });
          } else {
            // What the capacity screen writes: the override and the event that tells routing.
            await db().transaction(async (tx) => {
              await tx.rows(sql`insert into routing_agents (workspace_id, user_id, chat_capacity) values (${fx.workspaceId}::uuid, ${fx.agents[o.agent + 1]!.id}::uuid, ${o.capacity})
                on conflict (workspace_id, user_id) do update set chat_capacity = excluded.chat_capacity`);
              await tx.rows(sql`insert into domain_events (workspace_id, name, payload, occurred_at) values (${fx.workspaceId}::uuid, 'routing.changed', '{"queueIds":null}'::jsonb, now())`);
            });
          }
          await settle();
          const after = await state();
          for (const [user, load] of after.load) {
            if (load <= (before.load.get(user) ?? 0)) continue;
            // They were given work in this step: online, and not beyond their capacity.
            expect(after.avail.get(user), `${o.kind}: work given to someone not online`).toBe('online');
            expect(load, `${o.kind}: over capacity`).toBeLessThanOrEqual(after.cap.get(user)!);
          }
          if (after.waiting > 0)
            for (const [user, avail] of after.avail)
              if (avail === 'online') expect(after.load.get(user)!, `${o.kind}: a ticket waits while an online agent has room`).toBeGreaterThanOrEqual(after.cap.get(user)!);
          before = after;
        }
        const twice = await db().rows(sql`select ticket_id from ticket_activities where workspace_id = ${fx.workspaceId}::uuid and created_at >= ${since}::timestamptz
          and kind = 'assigned' and actor_type = 'system' and new_value <> 'null'::jsonb group by ticket_id having count(*) > 1`);
        expect(twice).toEqual([]);
        if (mode === 'balanced') {
          const decisions = await db().rows<{ d: RoutingDecision }>(sql`select new_value as d from ticket_activities
            where workspace_id = ${fx.workspaceId}::uuid and created_at >= ${since}::timestamptz and kind = 'routed'`);
          for (const { d } of decisions) {
            const chosen = d.candidates.find((c) => c.reason === 'chosen');
            if (!chosen) continue;
            for (const c of d.candidates.filter((x) => x.reason === 'not_next')) expect(chosen.load).toBeLessThanOrEqual(c.load);
          }
        }
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});
