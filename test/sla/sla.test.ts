import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { defaultCalendar, defaultSlaTargets, type SlaPolicyRecord, type TicketSlaEvent } from '@support/protocol';
import { closeSockets, cmid, connect, login, ok, record, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { manualClock } from '../support/email.js';
import { fromWire } from '../../server/src/db/ids.js';

/**
 * SLA end to end on one Postgres node with a manual clock: policies and calendars through the
 * settings routes, clocks started and moved by the event log's `sla` consumer, warnings and
 * breaches fired by the scheduler (run by hand after moving the clock), the ticket's summary
 * live on the agent socket, compliance from `sla_events`.
 */
describe('SLA', () => {
  // Friday 6 March 2026, 10:00 UTC.
  const clock = manualClock(new Date('2026-03-06T10:00:00Z'));
  let node: Node;
  let fx: Fixture;
  let owner: string;
  let agent: Socket;
  let slaEvents: TicketSlaEvent[];
  const H = 3600;
  const M = 60;

  const api = async (method: string, path: string, body?: unknown, token = owner) => {
    const r = await fetch(`${node.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };
  const runDue = () => node.app.scheduler.runDue();
  const policies = async () => (await api('GET', '/settings/sla-policies')).body as SlaPolicyRecord[];
  const detail = (ticketId: string) => ok(agent, 'sla:get', { ticketId });
  const summary = async (ticketId: string) => {
    const { items } = await ok(agent, 'tickets:list', { limit: 100 });
    return items.find((t: { id: string }) => t.id === ticketId).sla;
  };
  /** Waits until the ticket's clocks satisfy `pred` (the consumer runs after commit). */
  type Clk = { metric: string; state: string; dueAt: string | null; policyName: string | null };
  const clocksUntil = (ticketId: string, pred: (c: Clk[]) => boolean, what: string) =>
    until(async () => {
      const d = await detail(ticketId);
      return pred(d.clocks) && (d.clocks as Clk[]);
    }, 5000, what);

  async function openTicket(body = 'Where is my order?') {
    const v = await visitor(node.url, fx.inbox);
    const sent = await ok(v.s, 'message:send', { body, clientMessageId: cmid() });
    return { v, ticketId: sent.ticketId as string };
  }

  beforeAll(async () => {
    node = await startNode('postgres', { clock, isolated: true });
    fx = await seedWorkspace(node.deps.db, 2);
    owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    agent = await connect(node.url, '/agent', { token: owner });
    slaEvents = record<TicketSlaEvent>(agent, 'ticket:sla');
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  it('counts a ticket from first message to resolution: warning, breach the second it is due, late reply, next response, pause, re-plan, resolution', async () => {
    const def = (await policies()).find((p) => p.isDefault)!;
    expect(def).toMatchObject({ name: 'Default', enabled: false, conditions: { all: [] } });
    const targets = { ...defaultSlaTargets(), normal: { first_response: H, next_response: 30 * M, resolution: 24 * H } };
    const on = await api('PATCH', `/settings/sla-policies/${def.id}`, { enabled: true, businessHours: false, warnLeadSeconds: 10 * M, targets, expectedUpdatedAt: def.updatedAt });
    expect(on.status).toBe(200);

    const t0 = clock.now().getTime();
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const { v, ticketId } = await openTicket();
    let clocks = await clocksUntil(ticketId, (c) => c.length === 2, 'the clocks to start');
    expect(clocks.map((c) => [c.metric, c.state, c.dueAt, c.policyName])).toEqual([
      ['first_response', 'running', at(H), 'Default'],
      ['resolution', 'running', at(24 * H), 'Default'],
    ]);
    expect(await summary(ticketId)).toEqual({ metric: 'first_response', dueAt: at(H), warnAt: at(50 * M), breached: false });
    await until(() => slaEvents.some((e) => e.ticketId === ticketId && e.sla?.metric === 'first_response'), 5000, 'ticket:sla');

    // Nothing is due yet; at the warning time the warning fires once.
    clock.advance(49 * M * 1000);
    await runDue();
    expect(slaEvents.filter((e) => e.alert)).toEqual([]);
    clock.advance(M * 1000);
    await runDue();
    await until(() => slaEvents.some((e) => e.alert?.kind === 'warning'), 5000, 'the warning');
    await runDue();
    expect(slaEvents.filter((e) => e.alert?.kind === 'warning')).toEqual([{ ticketId, sla: expect.anything(), alert: { kind: 'warning', metric: 'first_response', dueAt: at(H) } }]);

    // The breach is recorded at the due time, once, however late the scheduler runs.
    clock.advance(10 * M * 1000 + 250);
    await runDue();
    await until(() => slaEvents.some((e) => e.alert?.kind === 'breached'), 5000, 'the breach');
    expect(await summary(ticketId)).toEqual({ metric: 'first_response', dueAt: at(H), warnAt: null, breached: true });
    const [breach] = await node.deps.db.rows<{ at: Date; n: number }>(sql`select min(at) as at, count(*)::int as n from sla_events
      where ticket_id = ${fromWire('ticket', ticketId)}::uuid and kind = 'breached'`);
    expect(breach).toEqual({ at: new Date(at(H)), n: 1 });
    // The warning and the breach are in the durable log too, once each (automation reacts to them).
    const logged = await node.deps.db.rows<{ name: string; metric: string; due: string }>(sql`select name, payload->>'metric' as metric, payload->>'dueAt' as due
      from domain_events where name like 'sla.%' and payload->>'ticketId' = ${fromWire('ticket', ticketId)} order by position`);
    expect(logged).toEqual([{ name: 'sla.warning', metric: 'first_response', due: at(H) }, { name: 'sla.breached', metric: 'first_response', due: at(H) }]);

    // A late reply: fulfilled after the breach; the resolution is what counts down now.
    clock.advance(10 * M * 1000);
    await ok(agent, 'message:send', { ticketId, body: 'Sorry for the wait!', clientMessageId: cmid() });
    clocks = await clocksUntil(ticketId, (c) => c[0]!.state === 'fulfilled_after_breach', 'the late reply');
    expect(await summary(ticketId)).toMatchObject({ metric: 'resolution', dueAt: at(24 * H), breached: false });

    // An internal note answers nobody; the customer writing again waits on a next response.
    await ok(agent, 'message:send', { ticketId, body: 'note to self', clientMessageId: cmid(), visibility: 'internal' });
    clock.advance(5 * M * 1000);
    const next = clock.now().getTime();
    await ok(v.s, 'message:send', { body: 'Any news?', clientMessageId: cmid() });
    clocks = await clocksUntil(ticketId, (c) => c.some((x) => x.metric === 'next_response'), 'the next response clock');
    expect(clocks.find((c) => c.metric === 'next_response')).toMatchObject({ state: 'running', dueAt: new Date(next + 30 * M * 1000).toISOString() });

    // Pending pauses every clock (nothing counts down); open resumes them with the time left.
    clock.advance(10 * M * 1000);
    await ok(agent, 'ticket:setStatus', { ticketId, status: 'pending' });
    await clocksUntil(ticketId, (c) => c.every((x) => x.state !== 'running'), 'the pause');
    expect(await summary(ticketId)).toBeNull();
    clock.advance(2 * H * 1000);
    await ok(agent, 'ticket:setStatus', { ticketId, status: 'open' });
    clocks = await clocksUntil(ticketId, (c) => c.find((x) => x.metric === 'next_response')!.state === 'running', 'the resume');
    expect(clocks.find((c) => c.metric === 'next_response')!.dueAt).toBe(new Date(clock.now().getTime() + 20 * M * 1000).toISOString());

    // Urgent: the targets shrink, keeping the time used (next response: 10 of 60 minutes used).
    await ok(agent, 'ticket:setPriority', { ticketId, priority: 'urgent' });
    clocks = await clocksUntil(ticketId, (c) => c.find((x) => x.metric === 'next_response')!.dueAt !== new Date(clock.now().getTime() + 20 * M * 1000).toISOString(), 'the re-plan');
    expect(clocks.find((c) => c.metric === 'next_response')!.dueAt).toBe(new Date(clock.now().getTime() + 50 * M * 1000).toISOString());

    // Resolved: the resolution is met, the awaited reply no longer is.
    await ok(agent, 'ticket:setStatus', { ticketId, status: 'resolved' });
    clocks = await clocksUntil(ticketId, (c) => c.every((x) => !['running', 'paused'].includes(x.state)), 'the resolution');
    expect(clocks.map((c) => [c.metric, c.state])).toEqual([
      ['first_response', 'fulfilled_after_breach'],
      ['resolution', 'fulfilled'],
      ['next_response', 'cancelled'],
    ]);
    expect(await summary(ticketId)).toBeNull();
    const history = (await detail(ticketId)).events.map((e: { metric: string; kind: string }) => `${e.metric}:${e.kind}`);
    expect(history).toEqual(expect.arrayContaining(['first_response:started', 'first_response:warned', 'first_response:breached', 'first_response:fulfilled', 'next_response:paused', 'next_response:resumed', 'next_response:replanned', 'resolution:fulfilled']));

    // Compliance: of the two targets decided, one met (resolution), one breached (first response).
    const from = new Date(t0 - H * 1000).toISOString();
    const to = new Date(clock.now().getTime() + H * 1000).toISOString();
    const byPolicy = await api('GET', `/sla/compliance?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=policy`);
    expect(byPolicy.body).toEqual([{ key: def.id, name: 'Default', met: 1, breached: 1, share: 0.5, byMetric: { first_response: { met: 0, breached: 1 }, next_response: { met: 0, breached: 0 }, resolution: { met: 1, breached: 0 } } }]);
    const byAgent = await api('GET', `/sla/compliance?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=agent`);
    expect(byAgent.body.map((r: { name: string; met: number; breached: number }) => [r.name, r.met, r.breached])).toEqual([['Unassigned', 1, 1]]);
    expect((await api('GET', `/sla/compliance?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`)).status).toBe(400);
  });

  it('the first matching policy applies; a change of priority moves the ticket under another policy; editing policies re-plans open clocks', async () => {
    const urgent = await api('POST', '/settings/sla-policies', {
      name: 'Urgent customers',
      enabled: true,
      conditions: { all: [{ field: 'ticket.priority', op: 'is', value: 'urgent' }] },
      businessHours: false,
      calendarId: null,
      pauseStatuses: ['pending'],
      warnLeadSeconds: 0,
      reopen: 'restart',
      targets: { ...defaultSlaTargets(), urgent: { first_response: 15 * M, next_response: 15 * M, resolution: 4 * H } },
    });
    expect(urgent.status).toBe(201);
    const { ticketId } = await openTicket('Help');
    await clocksUntil(ticketId, (c) => c.length === 2 && c.every((x) => x.policyName === 'Default'), 'the default policy');
    const start = clock.now().getTime();
    clock.advance(5 * M * 1000);
    await ok(agent, 'ticket:setPriority', { ticketId, priority: 'urgent' });
    const clocks = await clocksUntil(ticketId, (c) => c.every((x) => x.policyName === 'Urgent customers'), 'the urgent policy');
    expect(clocks[0]!.dueAt).toBe(new Date(start + 15 * M * 1000).toISOString());

    // Disabling it re-plans the open clocks under the default policy (through due work, in batches).
    const off = await api('PATCH', `/settings/sla-policies/${urgent.body.id}`, { enabled: false });
    expect(off.status).toBe(200);
    await runDue();
    await clocksUntil(ticketId, (c) => c.every((x) => x.policyName === 'Default'), 'the re-plan after disabling');
  });

  it('counts business hours: Friday 16:30 plus an hour is Monday 09:30, and editing the calendar re-plans', async () => {
    const cal = await api('POST', '/settings/calendars', { name: 'Office', definition: defaultCalendar('UTC') });
    expect(cal.status).toBe(201);
    const def = (await policies()).find((p) => p.isDefault)!;
    const targets = { ...defaultSlaTargets(), normal: { first_response: H, next_response: H, resolution: 8 * H } };
    expect((await api('PATCH', `/settings/sla-policies/${def.id}`, { businessHours: true, calendarId: cal.body.id, targets })).status).toBe(200);
    await runDue();
    clock.advance(new Date('2026-03-13T16:30:00Z').getTime() - clock.now().getTime());
    const { ticketId } = await openTicket('Before the weekend');
    let clocks = await clocksUntil(ticketId, (c) => c.length === 2, 'the clocks');
    expect(clocks[0]).toMatchObject({ metric: 'first_response', dueAt: '2026-03-16T09:30:00.000Z' });
    // Open until 18:00 on Fridays: the open clocks are re-planned in the new hours.
    const definition = { ...defaultCalendar('UTC'), weekly: { ...defaultCalendar('UTC').weekly, fri: [{ start: '09:00', end: '18:00' }] } };
    expect((await api('PATCH', `/settings/calendars/${cal.body.id}`, { definition, expectedUpdatedAt: cal.body.updatedAt })).status).toBe(200);
    await runDue();
    clocks = await clocksUntil(ticketId, (c) => c[0]!.dueAt === '2026-03-13T17:30:00.000Z', 'the calendar re-plan');
    // A calendar a policy counts in cannot be deleted.
    expect(await api('DELETE', `/settings/calendars/${cal.body.id}`)).toMatchObject({ status: 409, body: { error: { code: 'CALENDAR_IN_USE' } } });
  });

  it('refuses bad settings with the field, stale edits, deleting the default, and members without the permission', async () => {
    const def = (await policies()).find((p) => p.isDefault)!;
    const bad = await api('PATCH', `/settings/sla-policies/${def.id}`, { targets: { ...defaultSlaTargets(), normal: { first_response: 30, next_response: null, resolution: null } } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(JSON.stringify(bad.body.error.details)).toContain('first_response');
    const badCondition = await api('POST', '/settings/sla-policies', {
      name: 'Bad', enabled: true, conditions: { all: [{ field: 'message.body', op: 'contains', value: 'x' }] }, businessHours: false, calendarId: null,
      pauseStatuses: [], warnLeadSeconds: 0, reopen: 'restart', targets: defaultSlaTargets(),
    });
    expect(badCondition).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(JSON.stringify(badCondition.body.error.details)).toContain('conditions');
    expect(await api('PATCH', `/settings/sla-policies/${def.id}`, { name: 'Renamed', expectedUpdatedAt: '2020-01-01T00:00:00.000Z' })).toMatchObject({ status: 409, body: { error: { code: 'STALE' } } });
    expect(await api('DELETE', `/settings/sla-policies/${def.id}`)).toMatchObject({ status: 409, body: { error: { code: 'DEFAULT_POLICY' } } });
    const cals = (await api('GET', '/settings/calendars')).body;
    expect(await api('DELETE', `/settings/calendars/${cals.find((c: { isDefault: boolean }) => c.isDefault).id}`)).toMatchObject({ status: 409, body: { error: { code: 'CALENDAR_IN_USE' } } });
    // A calendar whose intervals overlap, or an unknown zone: the field that is wrong.
    const overlap = await api('POST', '/settings/calendars', { name: 'Overlap', definition: { ...defaultCalendar('UTC'), weekly: { mon: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '17:00' }] } } });
    expect(overlap).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(JSON.stringify(overlap.body.error.details)).toContain('mon');
    expect((await api('POST', '/settings/calendars', { name: 'Nowhere', definition: { ...defaultCalendar('UTC'), timeZone: 'Mars/Olympus' } })).status).toBe(400);
    // An order that leaves a policy out (or names the default) is refused, nothing moved.
    expect(await api('PUT', '/settings/sla-policies/order', { ids: [def.id] })).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect((await api('PUT', '/settings/sla-policies/order', { ids: ['not-an-id'] })).status).toBe(400);
    // sla:get: a malformed id is a validation error, another workspace's ticket is not found.
    const badGet = await agent.timeout(5000).emitWithAck('sla:get', { ticketId: 'nope' });
    expect(badGet).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const other = await seedWorkspace(node.deps.db, 1);
    const otherTicket = await (async () => {
      const v = await visitor(node.url, other.inbox);
      return (await ok(v.s, 'message:send', { body: 'elsewhere', clientMessageId: cmid() })).ticketId as string;
    })();
    expect(await agent.timeout(5000).emitWithAck('sla:get', { ticketId: otherTicket })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const member = await login(node.url, fx.agents[1]!.email, fx.agents[1]!.password);
    expect((await api('GET', '/settings/sla-policies', undefined, member)).status).toBe(403);
    expect((await api('GET', '/sla/compliance?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', undefined, member)).status).toBe(403);
  });

  it('reads holidays from an uploaded .ics file without saving anything', async () => {
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:1@test', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20261225', 'SUMMARY:Christmas Day', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const r = await fetch(`${node.url}/api/settings/calendars/holidays/ics`, { method: 'POST', headers: { authorization: `Bearer ${owner}`, 'content-type': 'text/calendar' }, body: ics });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] });
    const junk = await fetch(`${node.url}/api/settings/calendars/holidays/ics`, { method: 'POST', headers: { authorization: `Bearer ${owner}`, 'content-type': 'text/calendar' }, body: 'not a calendar' });
    expect(junk.status).toBe(400);
  });

  it('a widget that follows business hours is away when the team is closed and says when it is back', async () => {
    const config = async () => (await (await fetch(`${node.url}/api/widget/config?inbox=${fx.inbox}`)).json()).hours;
    expect(await config()).toBeNull();
    const set = await api('PATCH', `/settings/inboxes/${fx.inbox}`, { widget: { awayOutsideHours: true } });
    expect(set.status).toBe(200);
    clock.advance(new Date('2026-03-14T12:00:00Z').getTime() - clock.now().getTime());
    expect(await config()).toEqual({ open: false, closesAt: null, backAt: '2026-03-16T09:00:00.000Z' });
    clock.advance(new Date('2026-03-16T10:00:00Z').getTime() - clock.now().getTime());
    expect(await config()).toEqual({ open: true, closesAt: '2026-03-16T17:00:00.000Z', backAt: null });
    const v = await visitor(node.url, fx.inbox);
    expect(v.session.hours).toEqual({ open: true, closesAt: '2026-03-16T17:00:00.000Z', backAt: null });
  });

  it('500 breaches due at the same instant, run by two schedulers at once, are each recorded once', async () => {
    const second = await startNode('postgres', { clock, isolated: true });
    // A workspace of its own: the other tests' policies and re-plans never touch these clocks.
    const own = await seedWorkspace(node.deps.db, 1);
    try {
      const { first, last } = await import('../support/seed-tickets.js').then((m) => m.seedTickets(node.deps.db, own, 500));
      const due = new Date(clock.now().getTime() + 1000);
      await node.deps.db.rows(sql`with c as (
          insert into sla_clocks (id, workspace_id, ticket_id, metric, state, target_seconds, warn_lead_seconds, used_seconds, running_since, due_at)
          select gen_random_uuid(), workspace_id, id, 'resolution', 'running', 60, 0, 0, ${due}::timestamptz - interval '60 seconds', ${due}::timestamptz
          from tickets where workspace_id = ${own.workspaceId}::uuid and number between ${first}::int and ${last}::int
          returning id, workspace_id)
        insert into due_work (id, workspace_id, kind, key, due_at, payload, state, attempts, created_at, updated_at)
        select gen_random_uuid(), workspace_id, 'sla.breach', id::text, ${due}::timestamptz, '{}'::jsonb, 'pending', 0, now(), now() from c`);
      clock.advance(1001);
      await Promise.all([node.app.scheduler.runDue(), second.app.scheduler.runDue()]);
      // Each node's own loop claims beside these runs: wait for every row to be done.
      await until(async () => {
        const [r] = await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from due_work where workspace_id = ${own.workspaceId}::uuid and state <> 'done'`);
        return r!.n === 0;
      }, 10_000, 'every breach done');
      const [n] = await node.deps.db.rows<{ events: number; clocks: number; breached: number }>(sql`select count(*)::int as events, count(distinct e.clock_id)::int as clocks,
          (select count(*)::int from sla_clocks c join tickets t on t.id = c.ticket_id where t.workspace_id = ${own.workspaceId}::uuid and t.number between ${first}::int and ${last}::int and c.state = 'breached') as breached
        from sla_events e join tickets t on t.id = e.ticket_id
        where e.kind = 'breached' and t.workspace_id = ${own.workspaceId}::uuid and t.number between ${first}::int and ${last}::int`);
      expect(n).toEqual({ events: 500, clocks: 500, breached: 500 });
    } finally {
      await second.app.close();
    }
  });
});
