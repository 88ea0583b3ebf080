import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { AutomationAction, Condition } from '@support/protocol';
import { ctxOf, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { manualClock } from '../support/email.js';
import { seedTickets } from '../support/seed-tickets.js';
import { newId } from '../../server/src/db/ids.js';
import { replanTimeRule } from '../../server/src/automation/time.service.js';
import { setTicketStatus } from '../../server/src/tickets/tickets.service.js';

/**
 * Time rules end to end on one Postgres node of its own with a manual clock: rules written to
 * the table and re-planned through the settings' hook (replanTimeRule), checks planned as due
 * work from the durable log, fired by the scheduler after the clock moves.
 */
describe('time rules', () => {
  // Monday 2 March 2026, 10:00 UTC.
  const clock = manualClock(new Date('2026-03-02T10:00:00Z'));
  let node: Node;
  const MIN = 60_000;
  const DAY = 24 * 60 * MIN;
  const db = () => node.deps.db;

  /**
   * Runs the log's consumers and the due work until neither has anything left: no event past
   * the time-rule consumer's cursor, no due work due by the clock or still running (the node's
   * own scheduler loop may have claimed some).
   */
  async function settle() {
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline) {
      await node.app.events.runOnce();
      const ran = await node.app.scheduler.runDue();
      const [left] = await db().rows<{ events: number; work: number }>(sql`select
        (select count(*)::int from domain_events e join event_consumers c on c.name in ('automation-time', 'snooze')
          where (e.xid, e.position) > (c.last_xid, c.last_position)) as events,
        (select count(*)::int from due_work where state = 'running' or (state = 'pending' and due_at <= ${clock.now()}::timestamptz)) as work`);
      if (!ran && !left!.events && !left!.work) return;
      if (!ran) await new Promise((r) => setImmediate(r));
    }
    throw new Error('never settled');
  }
  const advance = async (ms: number) => {
    clock.advance(ms);
    await settle();
  };

  async function addRule(fx: Fixture, name: string, conditions: Condition, actions: AutomationAction[]): Promise<string> {
    const id = newId();
    await db().rows(sql`insert into automation_rules (id, workspace_id, name, position, enabled, trigger, events, conditions, actions, created_at, updated_at)
      values (${id}::uuid, ${fx.workspaceId}::uuid, ${name}, 1, true, 'time', '{}', ${JSON.stringify(conditions)}::jsonb, ${JSON.stringify(actions)}::jsonb,
        ${clock.now()}::timestamptz, ${clock.now()}::timestamptz)`);
    await replanTimeRule(ctxOf(node), { workspaceId: fx.workspaceId, ruleId: id });
    await settle();
    return id;
  }
  /** One chat ticket of `fx`, pending (or `status`) since now, its customer message now. */
  async function ticket(fx: Fixture, status: 'open' | 'pending' = 'pending'): Promise<string> {
    const { first } = await seedTickets(db(), fx, 1);
    const [t] = await db().rows<{ id: string }>(sql`update tickets set status = ${status}::ticket_status, created_at = ${clock.now()}::timestamptz,
        updated_at = ${clock.now()}::timestamptz where workspace_id = ${fx.workspaceId}::uuid and number = ${first} returning id`);
    await db().rows(sql`update messages set created_at = ${clock.now()}::timestamptz where ticket_id = ${t!.id}::uuid`);
    return t!.id;
  }
  const runsOf = async (ruleId: string) =>
    (await db().rows<{ n: number }>(sql`select count(*)::int as n from automation_runs where rule_id = ${ruleId}::uuid`))[0]!.n;
  const dueOf = async (ruleId: string, ticketId: string) =>
    (await db().rows<{ due_at: Date; state: string }>(sql`select due_at, state from due_work where kind = 'automation.time' and key = ${`${ruleId}:${ticketId}`}`))[0];

  beforeAll(async () => {
    node = await startNode('postgres', { clock, isolated: true, config: { DB_POOL_MAX: 8 } });
  });
  afterAll(async () => {
    await node.app.close();
  });

  const pendingFor = (minutes: number): Condition => ({
    all: [{ field: 'ticket.status', op: 'is', value: 'pending' }, { field: 'ticket.since_status_change', op: 'gte', value: minutes }],
  });

  it('fires once while its conditions hold, and again only after they stopped holding', async () => {
    const fx = await seedWorkspace(db(), 1);
    const t = await ticket(fx);
    const rule = await addRule(fx, 'Nudge', pendingFor(60), [{ type: 'add_note', body: 'Still pending after an hour' }]);
    expect((await dueOf(rule, t))!.due_at).toEqual(new Date(clock.now().getTime() + 60 * MIN));
    await advance(59 * MIN);
    expect(await runsOf(rule)).toBe(0);
    await advance(MIN);
    expect(await runsOf(rule)).toBe(1);
    const [act] = await db().rows<{ new_value: { ruleName: string; event: null; actions: { type: string; ok: boolean }[] } }>(sql`select new_value from ticket_activities
      where ticket_id = ${t}::uuid and kind = 'automation'`);
    expect(act!.new_value).toMatchObject({ ruleName: 'Nudge', event: null, actions: [{ type: 'add_note', ok: true }] });
    await advance(5 * 60 * MIN);
    expect(await runsOf(rule)).toBe(1);
    // Opened and set pending again: the conditions stopped holding, so an hour later it fires again.
    const agent = { type: 'agent' as const, id: fx.agents[0]!.id };
    await setTicketStatus(ctxOf(node), { workspaceId: fx.workspaceId, ticketId: t, actor: agent, status: 'open' });
    await settle();
    await setTicketStatus(ctxOf(node), { workspaceId: fx.workspaceId, ticketId: t, actor: agent, status: 'pending' });
    await settle();
    await advance(59 * MIN);
    expect(await runsOf(rule)).toBe(1);
    await advance(MIN);
    expect(await runsOf(rule)).toBe(2);
    const notes = await db().rows<{ n: number }>(sql`select count(*)::int as n from messages where ticket_id = ${t}::uuid and visibility = 'internal'`);
    expect(notes[0]!.n).toBe(2);
  });

  it('a disabled rule stops: its checks are cancelled and it fires no more', async () => {
    const fx = await seedWorkspace(db(), 1);
    const t = await ticket(fx);
    const rule = await addRule(fx, 'Tag stale', pendingFor(30), [{ type: 'add_tags', tags: ['stale'] }]);
    expect((await dueOf(rule, t))!.state).toBe('pending');
    await db().rows(sql`update automation_rules set enabled = false where id = ${rule}::uuid`);
    await replanTimeRule(ctxOf(node), { workspaceId: fx.workspaceId, ruleId: rule });
    await settle();
    expect(await dueOf(rule, t)).toBeUndefined();
    await advance(60 * MIN);
    expect(await runsOf(rule)).toBe(0);
    const tags = await db().rows(sql`select 1 from ticket_tags where ticket_id = ${t}::uuid`);
    expect(tags).toHaveLength(0);
  });

  it('counts business minutes: 30 business minutes after a message at Friday 16:45 is Monday 09:15', async () => {
    const fx = await seedWorkspace(db(), 1);
    // Friday 6 March 2026, 16:45 UTC (the default calendar: Monday to Friday, 09:00–17:00, UTC).
    clock.advance(new Date('2026-03-06T16:45:00Z').getTime() - clock.now().getTime());
    const t = await ticket(fx, 'open');
    const rule = await addRule(fx, 'No reply in 30 business minutes',
      { all: [{ field: 'ticket.status', op: 'is', value: 'open' }, { field: 'ticket.business_since_customer_message', op: 'gte', value: 30 }] },
      [{ type: 'add_tags', tags: ['waiting'] }]);
    expect((await dueOf(rule, t))!.due_at).toEqual(new Date('2026-03-09T09:15:00Z'));
    await advance(new Date('2026-03-09T09:14:00Z').getTime() - clock.now().getTime());
    expect(await runsOf(rule)).toBe(0);
    await advance(MIN);
    expect(await runsOf(rule)).toBe(1);
    const tags = await db().rows<{ name: string }>(sql`select g.name from ticket_tags tt join tags g on g.id = tt.tag_id where tt.ticket_id = ${t}::uuid`);
    expect(tags.map((r) => r.name)).toEqual(['waiting']);
  });

  const N = Number(process.env.TIME_RULES_TICKETS ?? 10_000);

  it(`${N} tickets pending for 3 days are resolved with a message, each within a minute of its time and exactly once`, async () => {
    const fx = await seedWorkspace(db(), 1);
    const start = clock.now();
    const { first } = await seedTickets(db(), fx, N);
    // Pending since the 100 minutes before `start`, spread evenly: about N/100 fall due each minute.
    await db().rows(sql`update tickets set status = 'pending',
        created_at = ${start}::timestamptz - make_interval(secs => (number - ${first})::double precision * 6000 / ${N}) - interval '1 second',
        updated_at = ${start}::timestamptz
      where workspace_id = ${fx.workspaceId}::uuid`);
    const body = 'We are closing this ticket after three days without news. Write back any time to reopen it.';
    const rule = await addRule(fx, 'Close after 3 days', pendingFor(3 * 24 * 60), [{ type: 'set_status', status: 'resolved' }, { type: 'send_message', body }]);
    const [planned] = await db().rows<{ n: number }>(sql`select count(*)::int as n from due_work where kind = 'automation.time' and key like ${`${rule}:%`} and state = 'pending'`);
    expect(planned!.n).toBe(N);
    // Minute by minute through the 100 minutes they fall due in.
    clock.advance(3 * DAY - 101 * MIN);
    for (let m = 0; m <= 101; m++) await advance(MIN);
    const [runs] = await db().rows<{ n: number; tickets: number; late: number }>(sql`select count(*)::int as n, count(distinct r.ticket_id)::int as tickets,
        count(*) filter (where r.created_at - (t.created_at + interval '3 days') not between interval '0' and interval '1 minute')::int as late
      from automation_runs r join tickets t on t.id = r.ticket_id where r.rule_id = ${rule}::uuid`);
    expect(runs).toEqual({ n: N, tickets: N, late: 0 });
    const [sent] = await db().rows<{ n: number }>(sql`select count(*)::int as n from messages where workspace_id = ${fx.workspaceId}::uuid and body = ${body}`);
    expect(sent!.n).toBe(N);
    const [open] = await db().rows<{ n: number }>(sql`select count(*)::int as n from tickets where workspace_id = ${fx.workspaceId}::uuid and status <> 'resolved'`);
    expect(open!.n).toBe(0);
    const [failed] = await db().rows<{ n: number }>(sql`select count(*)::int as n from automation_runs where rule_id = ${rule}::uuid and failed`);
    expect(failed!.n).toBe(0);
  }, 900_000);
});
