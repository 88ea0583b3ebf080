import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import type { RoutingDecision, WidgetQueue } from '@support/protocol';
import { closeSockets, cmid, connect, login, ok, record, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { fromWire } from '../../server/src/db/ids.js';

/**
 * Routing end to end on one Postgres node (a database of its own: every node runs the routing
 * consumer on its database, and the live events must reach this node's sockets): new chats given
 * to the least loaded online agent, a queue when nobody has room, drained when a ticket is
 * resolved, the visitor's place told live, manual assignment over capacity confirmed, rules,
 * reopen, away hand-back, explanations in the timeline.
 */
describe('routing', () => {
  let node: Node;
  let fx: Fixture;
  let owner: string;
  const agents: Socket[] = [];

  const db = () => node.deps.db;
  const api = async (method: string, path: string, body?: unknown, token = owner) => {
    const r = await fetch(`${node.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };
  /** An inbox policy written as the settings would, with the event that tells routing. */
  async function setPolicy(fields: Partial<{ mode: string; chat: number; grace: number; reopen: number }> = {}) {
    await db().rows(sql`delete from routing_policies where inbox_id = ${fx.inboxId}::uuid`);
    await db().rows(sql`insert into routing_policies (id, workspace_id, inbox_id, mode, chat_capacity, email_capacity, away_grace_seconds, reopen_window_seconds)
      values (gen_random_uuid(), ${fx.workspaceId}::uuid, ${fx.inboxId}::uuid, ${fields.mode ?? 'balanced'}, ${fields.chat ?? 1}, 10, ${fields.grace ?? 3600}, ${fields.reopen ?? 3600})`);
    await db().rows(sql`insert into domain_events (workspace_id, name, payload, occurred_at)
      values (${fx.workspaceId}::uuid, 'routing.changed', ${JSON.stringify({ queueIds: [fx.inboxId] })}::jsonb, now())`);
    await node.app.events.runOnce();
  }
  const assigneeOf = async (ticketWire: string) => {
    const [r] = await db().rows<{ assignee_id: string | null }>(sql`select assignee_id from tickets where id = ${fromWire('ticket', ticketWire)}::uuid`);
    return r!.assignee_id;
  };
  const decisions = async (ticketWire: string) =>
    (await db().rows<{ new_value: RoutingDecision }>(sql`select new_value from ticket_activities
      where ticket_id = ${fromWire('ticket', ticketWire)}::uuid and kind = 'routed' order by created_at, id`)).map((r) => r.new_value);
  const waiting = async () =>
    (await db().rows<{ n: number }>(sql`select count(*)::int as n from routing_queue where workspace_id = ${fx.workspaceId}::uuid and dequeued_at is null`))[0]!.n;
  async function chat(body = 'hello') {
    const v = await visitor(node.url, fx.inbox);
    const queue = record<WidgetQueue>(v.s, 'queue');
    const sent = await ok(v.s, 'message:send', { body, clientMessageId: cmid() });
    return { v, queue, ticketId: sent.ticketId as string };
  }

  beforeAll(async () => {
    node = await startNode('postgres', { isolated: true });
    fx = await seedWorkspace(node.deps.db, 3);
    owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    // Agents 1 and 2 are online (connected); the owner is offline.
    for (const a of fx.agents.slice(1)) agents.push(await connect(node.url, '/agent', { token: await login(node.url, a.email, a.password) }));
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  it('gives chats to the least loaded online agent, queues the rest, drains on resolve, tells the visitor their place, explains each decision', async () => {
    await setPolicy({ chat: 1 });
    const a = await chat();
    const b = await chat();
    const c = await chat();
    await until(async () => (await assigneeOf(a.ticketId)) && (await assigneeOf(b.ticketId)) && (await waiting()) === 1, 5000, 'two assigned, one waiting');
    const given = [await assigneeOf(a.ticketId), await assigneeOf(b.ticketId)];
    expect(new Set(given)).toEqual(new Set([fx.agents[1]!.id, fx.agents[2]!.id]));
    expect(await assigneeOf(c.ticketId)).toBeNull();

    const [first] = await decisions(a.ticketId);
    expect(first).toMatchObject({ trigger: 'created', outcome: 'assigned', policy: { mode: 'balanced' } });
    const byName = Object.fromEntries(first!.candidates.map((x) => [x.name, x.reason]));
    expect(byName['Agent 0']).toBe('offline');
    const [queued] = await decisions(c.ticketId);
    expect(queued).toMatchObject({ outcome: 'queued', assigneeId: null });
    expect(queued!.candidates.map((x) => x.reason).sort()).toEqual(['at_capacity', 'at_capacity', 'offline']);

    // The third visitor learns their place; the supervisor view counts one waiting.
    await until(() => c.queue.at(-1)?.position === 1, 5000, 'the place in line');
    const q = await api('GET', '/routing/queue');
    expect(q.status).toBe(200);
    expect(q.body.queues).toEqual([expect.objectContaining({ teamId: null, length: 1 })]);
    const again = await visitor(node.url, fx.inbox, c.v.session.token);
    expect(again.session.queue).toMatchObject({ position: 1 });

    // The agent with ticket a resolves it: the waiting chat goes to them within moments.
    const holder = given[0] === fx.agents[1]!.id ? agents[0]! : agents[1]!;
    await ok(holder, 'ticket:setStatus', { ticketId: a.ticketId, status: 'resolved' });
    await until(async () => (await assigneeOf(c.ticketId)) === given[0], 10_000, 'the queue to drain');
    await until(() => c.queue.at(-1)?.position === null, 10_000, 'the visitor told they are no longer waiting');
    expect((await decisions(c.ticketId)).at(-1)).toMatchObject({ trigger: 'drain', outcome: 'assigned' });
  });

  it('asks before a manual assignment over capacity, and assigns when told to', async () => {
    await setPolicy({ chat: 1 });
    const d = await chat();
    await until(async () => (await waiting()) >= 1, 5000, 'the new chat to wait');
    const ownerSocket = await connect(node.url, '/agent', { token: owner });
    const refused = await new Promise<any>((r) => ownerSocket.emit('ticket:assign', { ticketId: d.ticketId, assigneeId: fx.agents[1]!.wire }, r));
    expect(refused).toMatchObject({ ok: false, error: { code: 'OVER_CAPACITY' } });
    expect(refused.error.message).toMatch(/Agent 1 already has 1 of 1 chats/);
    await ok(ownerSocket, 'ticket:assign', { ticketId: d.ticketId, assigneeId: fx.agents[1]!.wire, force: true });
    expect(await assigneeOf(d.ticketId)).toBe(fx.agents[1]!.id);
    // Assigned by hand, it leaves the queue.
    await until(async () => (await waiting()) === 0, 10_000, 'the queue to empty');
    ownerSocket.disconnect();
  });

  it('drains the queue when an admin raises a capacity in the settings', async () => {
    await setPolicy({ chat: 0 });
    const h = await chat();
    await until(async () => (await waiting()) >= 1, 5000, 'the chat to wait');
    const r = await api('PUT', `/settings/routing/capacities/${fx.agents[1]!.wire}`, { chatCapacity: 50, emailCapacity: null });
    expect(r.status).toBe(200);
    await until(async () => (await assigneeOf(h.ticketId)) === fx.agents[1]!.id, 10_000, 'the raised capacity to take the chat');
    await api('PUT', `/settings/routing/capacities/${fx.agents[1]!.wire}`, { chatCapacity: null, emailCapacity: null });
  });

  it('runs the first matching rule on a new ticket: priority, tags, and its agent first', async () => {
    await setPolicy({ chat: 5 });
    await db().rows(sql`insert into routing_rules (id, workspace_id, name, position, conditions, actions) values
      (gen_random_uuid(), ${fx.workspaceId}::uuid, 'Refunds', 1,
       ${JSON.stringify({ all: [{ field: 'message.body', op: 'contains', value: 'refund' }] })}::jsonb,
       ${JSON.stringify({ priority: 'high', addTags: ['refund'], assigneeId: fx.agents[2]!.wire })}::jsonb)`);
    const e = await chat('I want a refund please');
    await until(async () => (await assigneeOf(e.ticketId)) === fx.agents[2]!.id, 5000, 'the rule agent');
    const [t] = await db().rows<{ priority: string; tags: string[] }>(sql`select t.priority,
        array(select g.name from ticket_tags tt join tags g on g.id = tt.tag_id where tt.ticket_id = t.id) as tags
      from tickets t where t.id = ${fromWire('ticket', e.ticketId)}::uuid`);
    expect(t).toEqual({ priority: 'high', tags: ['refund'] });
    expect((await decisions(e.ticketId)).at(-1)).toMatchObject({ rule: { name: 'Refunds' }, outcome: 'assigned' });
    // Without any policy, the rule's agent (online) still gets the ticket.
    await db().rows(sql`delete from routing_policies where workspace_id = ${fx.workspaceId}::uuid`);
    const f = await chat('another refund');
    await until(async () => (await assigneeOf(f.ticketId)) === fx.agents[2]!.id, 5000, 'the rule agent without a policy');
    expect((await decisions(f.ticketId)).at(-1)).toMatchObject({ rule: { name: 'Refunds' }, outcome: 'assigned', policy: null });
    await db().rows(sql`delete from routing_rules where workspace_id = ${fx.workspaceId}::uuid`);
  });

  it('gives a reopened ticket back to its agent within the window, and hands an away agent’s unanswered chats on after the grace', async () => {
    await setPolicy({ chat: 50, grace: 0 });
    const f = await chat('reopen me');
    await until(async () => await assigneeOf(f.ticketId), 5000, 'assigned');
    const mine = (await assigneeOf(f.ticketId))!;
    const sock = agents[fx.agents.findIndex((x) => x.id === mine) - 1]!;
    await ok(sock, 'ticket:setStatus', { ticketId: f.ticketId, status: 'resolved' });
    await ok(sock, 'ticket:setStatus', { ticketId: f.ticketId, status: 'open' });
    await until(async () => (await decisions(f.ticketId)).at(-1)?.outcome === 'kept', 5000, 'kept on reopen');
    expect(await assigneeOf(f.ticketId)).toBe(mine);

    // They go away: with no grace, their unanswered chat goes to the other online agent.
    await ok(sock, 'presence:set', { status: 'away' });
    const other = fx.agents.find((x) => x.id !== mine && x.id !== fx.agents[0]!.id)!.id;
    await until(async () => (await assigneeOf(f.ticketId)) === other, 5000, 'the chat handed on');
    expect((await decisions(f.ticketId)).at(-1)).toMatchObject({ trigger: 'away', outcome: 'assigned' });
    await ok(sock, 'presence:set', { status: 'online' });
  });

  it('outside the policy’s working hours nobody is given tickets; the queue drains when the hours open', async () => {
    // Open one day a week, not today: closed now, open again within the week.
    const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    const other = days[(new Date().getUTCDay() + 2) % 7]!;
    const weekly = Object.fromEntries(days.map((d) => [d, d === other ? [{ start: '09:00', end: '17:00' }] : []]));
    const [cal] = await db().rows<{ id: string }>(sql`insert into calendars (id, workspace_id, name, definition)
      values (gen_random_uuid(), ${fx.workspaceId}::uuid, 'One day', ${JSON.stringify({ timeZone: 'UTC', alwaysOpen: false, weekly, holidays: [], overrides: [] })}::jsonb) returning id`);
    await setPolicy({ chat: 50 });
    await db().rows(sql`update routing_policies set calendar_id = ${cal!.id}::uuid where workspace_id = ${fx.workspaceId}::uuid`);
    const k = await chat();
    await until(async () => (await decisions(k.ticketId)).length > 0, 5000, 'the decision');
    const [d] = await decisions(k.ticketId);
    expect(d).toMatchObject({ outcome: 'queued' });
    expect(new Set(d!.candidates.filter((c) => c.name !== 'Agent 0').map((c) => c.reason))).toEqual(new Set(['outside_hours']));
    const [due] = await db().rows<{ due_at: Date }>(sql`select due_at from due_work where kind = 'routing.drain' and workspace_id = ${fx.workspaceId}::uuid and state = 'pending'`);
    expect(new Date(due!.due_at).getUTCDay()).toBe(days.indexOf(other));
    // The hours open (here: the calendar is made 24/7 and its drain falls due now).
    await db().rows(sql`update calendars set definition = ${JSON.stringify({ timeZone: 'UTC', alwaysOpen: true, weekly: Object.fromEntries(days.map((x) => [x, []])), holidays: [], overrides: [] })}::jsonb, updated_at = now() where id = ${cal!.id}::uuid`);
    await db().rows(sql`update due_work set due_at = now() where kind = 'routing.drain' and workspace_id = ${fx.workspaceId}::uuid`);
    await node.app.scheduler.runDue();
    await until(async () => await assigneeOf(k.ticketId), 10_000, 'the drain when the hours opened');
    expect((await decisions(k.ticketId)).at(-1)).toMatchObject({ trigger: 'drain', outcome: 'assigned' });
    await db().rows(sql`update routing_policies set calendar_id = null where workspace_id = ${fx.workspaceId}::uuid`);
  });

  it('routes on demand and explains it; another workspace sees none of it', async () => {
    await setPolicy({ chat: 50 });
    const g = await chat();
    await until(async () => await assigneeOf(g.ticketId), 5000, 'assigned');
    const r = await api('POST', `/tickets/${g.ticketId}/route`);
    expect(r.status).toBe(200);
    expect(r.body.outcome).toBe('kept');
    const other = await seedWorkspace(db(), 1);
    const stranger = await login(node.url, other.agents[0]!.email, other.agents[0]!.password);
    expect((await api('POST', `/tickets/${g.ticketId}/route`, undefined, stranger)).status).toBe(404);
    // An id that is no ticket id is refused before anything is read.
    for (const bad of ['tkt_nope', fx.inbox]) expect(await api('POST', `/tickets/${bad}/route`)).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect((await api('GET', '/routing/queue', undefined, stranger)).body).toEqual({ queues: [] });
    const agentToken = await login(node.url, fx.agents[1]!.email, fx.agents[1]!.password);
    expect((await api('GET', '/routing/queue', undefined, agentToken)).status).toBe(403);
  });
});
