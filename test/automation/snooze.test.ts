import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { closeSockets, cmid, connect, ctxOf, login, next, ok, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { manualClock } from '../support/email.js';
import { fromWire } from '../../server/src/db/ids.js';
import { snoozeTicket } from '../../server/src/tickets/snooze.service.js';

/**
 * Snooze on one Postgres node of its own with a manual clock: a snoozed ticket is pending until
 * its time, then opens (the scheduler's `ticket.snooze`, run after moving the clock); a
 * customer message opens it early (the `snooze` consumer of the durable log). Agents see each
 * change live.
 */
describe('snooze', () => {
  const clock = manualClock(new Date('2026-03-02T10:00:00Z'));
  let node: Node;
  let fx: Fixture;
  let agent: Socket;
  const HOUR = 3_600_000;
  const db = () => node.deps.db;
  const actor = () => ({ type: 'agent' as const, id: fx.agents[0]!.id });

  async function openTicket() {
    const v = await visitor(node.url, fx.inbox);
    const sent = await ok(v.s, 'message:send', { body: 'Is my order on its way?', clientMessageId: cmid() });
    return { v, ticketId: fromWire('ticket', sent.ticketId as string), wire: sent.ticketId as string };
  }
  const row = async (ticketId: string) =>
    (await db().rows<{ status: string; snoozed_until: Date | null }>(sql`select status, snoozed_until from tickets where id = ${ticketId}::uuid`))[0]!;
  const snoozes = async (ticketId: string) =>
    db().rows<{ actor_type: string; old_value: unknown; new_value: unknown }>(sql`select actor_type, old_value, new_value from ticket_activities
      where ticket_id = ${ticketId}::uuid and kind = 'snoozed' order by created_at, id`);
  const due = async (ticketId: string) =>
    (await db().rows<{ due_at: Date; state: string }>(sql`select due_at, state from due_work where kind = 'ticket.snooze' and key = ${ticketId}`))[0];

  beforeAll(async () => {
    node = await startNode('postgres', { clock, isolated: true });
    fx = await seedWorkspace(node.deps.db, 1);
    agent = await connect(node.url, '/agent', { token: await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password) });
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  it('a snoozed ticket is pending until its time, then opens by itself', async () => {
    const { ticketId, wire } = await openTicket();
    const until = new Date(clock.now().getTime() + 2 * HOUR);
    const live = next<{ ticket: { id: string; status: string }; activities: { kind: string }[] }>(agent, 'ticket:updated', (e) => e.ticket.id === wire);
    const change = await snoozeTicket(ctxOf(node), { workspaceId: fx.workspaceId, ticketId, actor: actor(), until });
    expect(change.ticket.status).toBe('pending');
    expect(change.activities.map((a) => a.kind)).toEqual(['status_changed', 'snoozed']);
    expect((await live).activities.map((a) => a.kind)).toEqual(['status_changed', 'snoozed']);
    expect(await row(ticketId)).toEqual({ status: 'pending', snoozed_until: until });
    expect(await due(ticketId)).toMatchObject({ due_at: until, state: 'pending' });

    clock.advance(2 * HOUR - 60_000);
    await node.app.scheduler.runDue();
    expect((await row(ticketId)).status).toBe('pending');
    const opened = next<{ ticket: { id: string; status: string } }>(agent, 'ticket:updated', (e) => e.ticket.id === wire && e.ticket.status === 'open');
    clock.advance(60_000);
    await node.app.scheduler.runDue();
    await opened;
    expect(await row(ticketId)).toEqual({ status: 'open', snoozed_until: null });
    expect(await snoozes(ticketId)).toEqual([
      { actor_type: 'agent', old_value: null, new_value: { until: until.toISOString() } },
      { actor_type: 'system', old_value: { until: until.toISOString() }, new_value: null },
    ]);
  });

  it('a customer message opens it early and cancels its wake-up', async () => {
    const { v, ticketId } = await openTicket();
    const until = new Date(clock.now().getTime() + 24 * HOUR);
    await snoozeTicket(ctxOf(node), { workspaceId: fx.workspaceId, ticketId, actor: actor(), until });
    await snoozeTicket(ctxOf(node), { workspaceId: fx.workspaceId, ticketId, actor: actor(), until: new Date(until.getTime() + HOUR) });
    expect((await snoozes(ticketId)).map((a) => a.old_value)).toEqual([null, { until: until.toISOString() }]);
    await ok(v.s, 'message:send', { body: 'Any news?', clientMessageId: cmid() });
    await until_(() => row(ticketId).then((r) => r.snoozed_until === null && r.status === 'open'), 'the snooze to end');
    expect(await due(ticketId)).toBeUndefined();
    expect((await snoozes(ticketId)).at(-1)).toMatchObject({ actor_type: 'system', new_value: null });
    // Its time passing later changes nothing.
    clock.advance(26 * HOUR);
    await node.app.scheduler.runDue();
    expect(await snoozes(ticketId)).toHaveLength(3);
  });

  it('resolving a snoozed ticket ends its snooze', async () => {
    const { ticketId, wire } = await openTicket();
    await snoozeTicket(ctxOf(node), { workspaceId: fx.workspaceId, ticketId, actor: actor(), until: new Date(clock.now().getTime() + HOUR) });
    await ok(agent, 'ticket:setStatus', { ticketId: wire, status: 'resolved' });
    await until_(() => row(ticketId).then((r) => r.snoozed_until === null), 'the snooze to end');
    expect(await row(ticketId)).toEqual({ status: 'resolved', snoozed_until: null });
    expect(await due(ticketId)).toBeUndefined();
  });

  it('refuses a time in the past or more than a year away', async () => {
    const { ticketId } = await openTicket();
    for (const until of [new Date(clock.now().getTime() - 1000), new Date(clock.now().getTime() + 367 * 24 * HOUR)])
      await expect(snoozeTicket(ctxOf(node), { workspaceId: fx.workspaceId, ticketId, actor: actor(), until })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await row(ticketId)).status).toBe('open');
  });

  /** Runs the log's consumers until `fn` holds (the consumer reacts after commit). */
  const until_ = (fn: () => Promise<boolean>, what: string) =>
    until(async () => {
      await node.app.events.runOnce();
      return fn();
    }, 10_000, what);
});
