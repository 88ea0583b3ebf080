import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId, type AutomationRule, type AutomationRuleTestResult, type AutomationRun } from '@support/protocol';
import { closeSockets, cmid, connect, login, ok, startNode, twoWorkspaces, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { fixture, postRaw, seedEmailInbox } from '../support/email.js';
import { toWire } from '../../server/src/db/ids.js';

/**
 * Automation event rules end to end on Postgres (a database of this file's own: the rules run
 * in the durable log's `automation` consumer): a visitor's message runs a rule that tags,
 * raises the priority and leaves a note; replies on chat and email; loops and cascades end;
 * a failing action is reported while the others run; the test endpoint changes nothing;
 * another workspace's rules never run; the settings routes refuse bad input.
 */
describe('automation rules', () => {
  let node: Node;
  let a: Fixture;
  let b: Fixture;
  let owner: string;
  let agent: string;
  let ownerB: string;

  const db = () => node.deps.db;
  const api = async (method: string, path: string, body?: unknown, token = owner) => {
    const r = await fetch(`${node.url}/api/settings/automation${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? null : ((await r.json()) as any) };
  };
  const rule = (over: Record<string, unknown>) => ({ enabled: true, trigger: 'event', events: ['ticket.created', 'message.customer'], conditions: { all: [] }, ...over });
  const create = async (over: Record<string, unknown>, token = owner): Promise<AutomationRule> => {
    const r = await api('POST', '/rules', rule(over), token);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  /** The automation consumer has handled every event written so far (and the ones its rules wrote). */
  const settled = async () => {
    let stable = 0;
    await until(async () => {
      const [r] = await db().rows<{ done: boolean }>(sql`select coalesce((select last_position from event_consumers where name = 'automation'), 0)
        >= coalesce((select max(position) from domain_events), 0) as done`);
      stable = r!.done ? stable + 1 : 0;
      return stable >= 3;
    }, 10_000, 'the automation consumer to catch up');
  };
  const ticketOf = async (wireId: string) => {
    const [t] = await db().rows<{ id: string; number: number; priority: string; assignee_id: string | null; tags: string[] | null }>(sql`
      select t.id, t.number, t.priority, t.assignee_id,
        (select array_agg(g.name order by g.name) from ticket_tags tt join tags g on g.id = tt.tag_id where tt.ticket_id = t.id) as tags
      from tickets t where t.id = ${decodeId('ticket', wireId)!}::uuid`);
    return { ...t!, tags: t!.tags ?? [] };
  };
  const runsOf = async (ruleId: string, ticketId?: string): Promise<AutomationRun[]> =>
    (await api('GET', `/runs?ruleId=${ruleId}${ticketId ? `&ticketId=${ticketId}` : ''}`)).body;
  /** A visitor of workspace A named `name` writes `body`, opening a chat ticket; its wire id. */
  const chat = async (body: string, name = 'Zoë Ångström', inbox = a.inbox) => {
    const v = await visitor(node.url, inbox);
    await db().rows(sql`update contacts set name = ${name} where id = ${decodeId('contact', v.session.contactId)!}::uuid`);
    const m = await ok(v.s, 'message:send', { body, clientMessageId: cmid() });
    return { ticketId: m.ticketId as string, v };
  };

  beforeAll(async () => {
    node = await startNode('postgres', { isolated: true });
    ({ a, b, ownerA: owner, agentA: agent, ownerB } = await twoWorkspaces(node));
  }, 60_000);
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  it("a customer message with 'refund' is tagged, raised to high and noted with the contact's name; the run is logged and counted", async () => {
    const r = await create({
      name: 'Refunds',
      conditions: { all: [{ field: 'message.body', op: 'contains', value: 'refund' }] },
      actions: [{ type: 'add_tags', tags: ['refund'] }, { type: 'set_priority', priority: 'high' }, { type: 'add_note', body: 'Refund asked by {{contact.name}} on #{{ticket.number}}' }],
    });
    expect(r).toMatchObject({ id: expect.stringMatching(/^aur_/), position: 1, runCount: 0, matchCount: 0, errorCount: 0, lastRunAt: null });
    const { ticketId } = await chat('Hello, I would like a REFUND please');
    await until(async () => (await ticketOf(ticketId)).tags.includes('refund'), 10_000, 'the rule to tag the ticket');
    await settled();
    const t = await ticketOf(ticketId);
    expect(t.priority).toBe('high');
    const notes = await db().rows<{ body: string; author_type: string; author_id: string; visibility: string }>(sql`select body, author_type, author_id, visibility
      from messages where ticket_id = ${t.id}::uuid and visibility = 'internal'`);
    expect(notes).toEqual([{ body: `Refund asked by Zoë Ångström on #${t.number}`, author_type: 'system', author_id: decodeId('automationRule', r.id), visibility: 'internal' }]);
    // The changes are the rule's: system actor with the rule's id; one automation activity names what each action did.
    const acts = await db().rows<{ kind: string; actor_type: string; actor_id: string; new_value: any }>(sql`select kind, actor_type, actor_id, new_value
      from ticket_activities where ticket_id = ${t.id}::uuid and kind in ('tag_added', 'priority_changed', 'automation') order by created_at, id`);
    expect(acts.map((x) => [x.kind, x.actor_type, x.actor_id])).toEqual([
      ['tag_added', 'system', decodeId('automationRule', r.id)],
      ['priority_changed', 'system', decodeId('automationRule', r.id)],
      ['automation', 'system', decodeId('automationRule', r.id)],
    ]);
    expect(acts[2]!.new_value).toMatchObject({ ruleId: r.id, ruleName: 'Refunds', event: 'ticket.created', actions: [
      { type: 'add_tags', ok: true, changed: true, summary: 'Added tag refund' },
      { type: 'set_priority', ok: true, changed: true, summary: 'Priority changed from normal to high' },
      { type: 'add_note', ok: true, changed: true },
    ] });
    const runs = await runsOf(r.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ ruleName: 'Refunds', ticketNumber: t.number, event: 'ticket.created', depth: 0, matched: true, error: null });
    expect(runs[0]!.trace[0]).toMatchObject({ field: 'message.body', op: 'contains', held: true });
    const [listed] = (await api('GET', '/rules')).body as AutomationRule[];
    expect(listed).toMatchObject({ runCount: 1, matchCount: 1, errorCount: 0, lastRunAt: expect.any(String) });

    // A second customer message of the same ticket without the word: evaluated, not matched, not logged.
    await ok((await chat('unrelated')).v.s, 'message:send', { body: 'thanks anyway', clientMessageId: cmid() });
    await settled();
    expect(await runsOf(r.id)).toHaveLength(1);
    const [again] = (await api('GET', '/rules')).body as AutomationRule[];
    expect(again!.runCount).toBeGreaterThan(1);
    expect(again!.matchCount).toBe(1);
    await api('PATCH', `/rules/${r.id}`, { enabled: false });
  });

  it('send_message replies on a chat (as the system) and by email on an email ticket (its mail is queued)', async () => {
    const r = await create({
      name: 'Acknowledge',
      events: ['ticket.created'],
      conditions: { any: [{ field: 'message.body', op: 'matches', value: '^hello bot\\b' }, { field: 'ticket.channel', op: 'is', value: 'email' }] },
      actions: [{ type: 'send_message', body: 'Hi {{contact.first_name | there}}, ticket #{{ticket.number}} is with {{inbox.name}}.' }],
    });
    const { ticketId, v } = await chat('Hello bot, are you there?', 'Ann Lee');
    const t = await ticketOf(ticketId);
    const sent = await until(async () => (await db().rows<{ body: string; author_type: string; visibility: string }>(sql`select body, author_type, visibility
      from messages where ticket_id = ${t.id}::uuid and author_type = 'system'`))[0], 10_000, 'the chat reply');
    expect(sent).toEqual({ body: `Hi Ann, ticket #${t.number} is with Chat.`, author_type: 'system', visibility: 'public' });
    // The visitor sees the reply without the rule's name (rule names are for agents).
    const history = await ok(v.s, 'history', {});
    const reply = (history.messages as { authorType: string; authorName: string | null; body: string }[]).find((m) => m.authorType === 'system');
    expect(reply).toMatchObject({ body: `Hi Ann, ticket #${t.number} is with Chat.`, authorName: null });

    const ib = await seedEmailInbox(db(), a.workspaceId);
    const mail = await postRaw(node, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@ejemplo.test', `auto-${cmid()}@ejemplo.test`));
    expect(mail.body.data.result).toBe('created');
    const emailTicket = decodeId('ticket', mail.body.data.ticketId)!;
    const queued = await until(async () => (await db().rows<{ status: string; body: string }>(sql`select o.status, m.body from email_outbox o
      join messages m on m.id = o.message_id where o.ticket_id = ${emailTicket}::uuid`))[0], 10_000, 'the email reply to be queued');
    expect(queued.status).toBe('queued');
    expect(queued.body).toMatch(/^Hi Jose, ticket #\d+ is with /);
    await api('PATCH', `/rules/${r.id}`, { enabled: false });
  });

  it('a rule that changes the priority on priority changes runs once per change, not in a loop', async () => {
    const r = await create({
      name: 'Priority see-saw',
      events: ['ticket.priority_changed'],
      conditions: { all: [{ field: 'ticket.tags', op: 'includes_any', value: ['seesaw'] }] },
      actions: [{ type: 'set_priority', priority: 'low' }, { type: 'set_priority', priority: 'urgent' }],
    });
    const { ticketId } = await chat('see-saw please');
    await settled();
    const s = await connect(node.url, '/agent', { token: owner });
    await ok(s, 'ticket:addTag', { ticketId, tag: 'seesaw' });
    await ok(s, 'ticket:setPriority', { ticketId, priority: 'high' });
    await until(async () => (await ticketOf(ticketId)).priority === 'urgent', 10_000, 'the rule to act');
    await settled();
    const runs = await runsOf(r.id, ticketId);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.depth).toBe(0);
    expect((await ticketOf(ticketId)).priority).toBe('urgent');
    await api('PATCH', `/rules/${r.id}`, { enabled: false });
  });

  it('a cascade A → B → C → D stops at depth 3: D never runs', async () => {
    const step = (name: string, when: string | null, tag: string) =>
      create({
        name,
        events: when ? ['ticket.tags_changed'] : ['ticket.created'],
        conditions: when ? { all: [{ field: 'ticket.tags', op: 'includes_any', value: [when] }] } : { all: [{ field: 'message.body', op: 'contains', value: 'cascade' }] },
        actions: [{ type: 'add_tags', tags: [tag] }],
      });
    const A = await step('Cascade A', null, 'ca');
    const B = await step('Cascade B', 'ca', 'cb');
    const C = await step('Cascade C', 'cb', 'cc');
    const D = await step('Cascade D', 'cc', 'cd');
    const { ticketId } = await chat('start the cascade');
    await until(async () => (await ticketOf(ticketId)).tags.includes('cc'), 10_000, 'C to act');
    await settled();
    expect((await ticketOf(ticketId)).tags).toEqual(['ca', 'cb', 'cc']);
    expect((await runsOf(A.id, ticketId)).map((x) => x.depth)).toEqual([0]);
    expect((await runsOf(B.id, ticketId)).map((x) => x.depth)).toEqual([1]);
    expect((await runsOf(C.id, ticketId)).map((x) => x.depth)).toEqual([2]);
    expect(await runsOf(D.id, ticketId)).toEqual([]);
    for (const x of [A, B, C, D]) await api('PATCH', `/rules/${x.id}`, { enabled: false });
  });

  it('a failing action (assigning to a deactivated member) is reported and the others still run', async () => {
    const victim = a.agents[1]!;
    const r = await create({
      name: 'Assign then tag',
      events: ['ticket.created'],
      conditions: { all: [{ field: 'message.body', op: 'contains', value: 'assign-fail' }] },
      actions: [{ type: 'set_assignee', assigneeId: victim.wire }, { type: 'add_tags', tags: ['after-fail'] }],
    });
    await db().rows(sql`update memberships set status = 'deactivated' where user_id = ${victim.id}::uuid and workspace_id = ${a.workspaceId}::uuid`);
    try {
      const { ticketId } = await chat('please assign-fail');
      await until(async () => (await ticketOf(ticketId)).tags.includes('after-fail'), 10_000, 'the second action');
      await settled();
      expect((await ticketOf(ticketId)).assignee_id).toBeNull();
      const [run] = await runsOf(r.id, ticketId);
      expect(run!.actions).toEqual([
        { type: 'set_assignee', ok: false, changed: false, code: 'NOT_FOUND', summary: 'Could not assign: agent not found' },
        { type: 'add_tags', ok: true, changed: true, summary: 'Added tag after-fail' },
      ]);
      expect((await api('GET', '/runs?only=errors')).body.map((x: AutomationRun) => x.id)).toContain(run!.id);
      const listed = ((await api('GET', '/rules')).body as AutomationRule[]).find((x) => x.id === r.id)!;
      expect(listed.errorCount).toBe(1);
    } finally {
      await db().rows(sql`update memberships set status = 'active' where user_id = ${victim.id}::uuid and workspace_id = ${a.workspaceId}::uuid`);
      await api('PATCH', `/rules/${r.id}`, { enabled: false });
    }
  });

  it('the test endpoint says what a rule would do on ticket #N and changes nothing', async () => {
    const { ticketId } = await chat('I need a refund for order 42', 'Bo Berg');
    await settled();
    const t = await ticketOf(ticketId);
    const before = await db().rows(sql`select count(*)::int as n from ticket_activities where ticket_id = ${t.id}::uuid`);
    const body = rule({
      name: 'Unsaved',
      conditions: { all: [{ field: 'message.body', op: 'matches', value: 'refund.*\\d+' }] },
      actions: [{ type: 'set_priority', priority: 'urgent' }, { type: 'set_status', status: 'open' }, { type: 'add_note', body: 'For {{contact.name}}' }],
    });
    const res = await api('POST', '/rules/test', { rule: body, ticketNumber: t.number });
    expect(res.status).toBe(200);
    const out = res.body as AutomationRuleTestResult;
    expect(out).toMatchObject({ ticketId, ticketNumber: t.number, event: 'ticket.created', matched: true });
    expect(out.actions).toEqual([
      { type: 'set_priority', ok: true, changed: true, summary: 'Priority would change from normal to urgent' },
      { type: 'set_status', ok: true, changed: false, summary: 'Status is already open' },
      { type: 'add_note', ok: true, changed: true, summary: 'Would add an internal note: “For Bo Berg”' },
    ]);
    expect((await ticketOf(ticketId)).priority).toBe('normal');
    expect(await db().rows(sql`select count(*)::int as n from ticket_activities where ticket_id = ${t.id}::uuid`)).toEqual(before);
    const miss = await api('POST', '/rules/test', { rule: { ...body, conditions: { all: [{ field: 'message.body', op: 'contains', value: 'nothing like it' }] } }, ticketNumber: t.number });
    expect(miss.body).toMatchObject({ matched: false, actions: [] });
    expect((await api('POST', '/rules/test', { rule: body, ticketNumber: 999_999 })).status).toBe(404);
    const bad = await api('POST', '/rules/test', { rule: { ...body, events: [] }, ticketNumber: t.number });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'rule.events', message: 'pick at least one event' }]);
  });

  it("another workspace's rules never run on this workspace's tickets", async () => {
    const rb = await create({ name: 'B only', events: ['ticket.created'], actions: [{ type: 'add_tags', tags: ['b-only'] }] }, ownerB);
    const probe = await create({ name: 'A probe', events: ['ticket.created'], conditions: { all: [{ field: 'message.body', op: 'contains', value: 'probe' }] }, actions: [{ type: 'add_tags', tags: ['probed'] }] });
    const { ticketId } = await chat('probe message');
    await until(async () => (await ticketOf(ticketId)).tags.includes('probed'), 10_000, "A's rule");
    await settled();
    expect((await ticketOf(ticketId)).tags).not.toContain('b-only');
    const listedB = ((await api('GET', '/rules', undefined, ownerB)).body as AutomationRule[]).find((x) => x.id === rb.id)!;
    expect(listedB.runCount).toBe(0);
    // A cannot see or touch B's rule; B's run log has nothing of A's.
    expect((await api('PATCH', `/rules/${rb.id}`, { enabled: false })).status).toBe(404);
    expect((await api('DELETE', `/rules/${rb.id}`)).status).toBe(404);
    expect((await api('GET', '/runs', undefined, ownerB)).body).toEqual([]);
    await api('DELETE', `/rules/${rb.id}`, undefined, ownerB);
    await api('PATCH', `/rules/${probe.id}`, { enabled: false });
  });

  it("contact.updated runs on the contact's open tickets, with its new attributes", async () => {
    const r = await create({
      name: 'Gold plan',
      events: ['contact.updated'],
      conditions: { all: [{ field: 'contact.attributes.plan', op: 'is', value: 'gold' }] },
      actions: [{ type: 'set_priority', priority: 'urgent' }],
    });
    const { ticketId, v } = await chat('plan check');
    await settled();
    expect((await ticketOf(ticketId)).priority).toBe('normal');
    await ok(v.s, 'attributes:set', { attributes: { plan: 'Gold' } });
    await until(async () => (await ticketOf(ticketId)).priority === 'urgent', 10_000, 'the contact rule');
    // The run's row is written after its actions.
    const [run] = await until(async () => { const x = await runsOf(r.id, ticketId); return x.length ? x : null; }, 10_000, 'the run');
    expect(run).toMatchObject({ event: 'contact.updated', matched: true });
    await api('PATCH', `/rules/${r.id}`, { enabled: false });
  });

  it('settings routes: list, order, update with STALE, NAME_TAKEN, delete; 400 / 403 / 404 and bad input', async () => {
    const x = await create({ name: 'Route X', actions: [{ type: 'add_tags', tags: ['x'] }] });
    const y = await create({ name: 'Route Y', actions: [{ type: 'add_tags', tags: ['y'] }] });
    expect(y.position).toBeGreaterThan(x.position);
    // 403: an agent without settings.workflow.
    expect((await api('GET', '/rules', undefined, agent)).status).toBe(403);
    expect((await api('POST', '/rules', rule({ name: 'Nope', actions: [{ type: 'route' }] }), agent)).status).toBe(403);
    // NAME_TAKEN, any case.
    const dup = await api('POST', '/rules', rule({ name: 'route x', actions: [{ type: 'route' }] }));
    expect([dup.status, dup.body.error.code]).toEqual([409, 'NAME_TAKEN']);
    expect((await api('PATCH', `/rules/${y.id}`, { name: 'ROUTE X' })).body.error.code).toBe('NAME_TAKEN');
    // STALE, then a fresh edit; the whole rule is validated with the edit.
    const edited = await api('PATCH', `/rules/${x.id}`, { description: 'first', expectedUpdatedAt: x.updatedAt });
    expect(edited.status).toBe(200);
    const stale = await api('PATCH', `/rules/${x.id}`, { description: 'second', expectedUpdatedAt: x.updatedAt });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'STALE']);
    // A message condition is fine on an event rule; switching the stored rule to time is refused on it.
    expect((await api('PATCH', `/rules/${x.id}`, { conditions: { all: [{ field: 'message.body', op: 'contains', value: 'x' }] } })).status).toBe(200);
    const toTime = await api('PATCH', `/rules/${x.id}`, { trigger: 'time' });
    expect(toTime.status).toBe(400);
    expect(toTime.body.error.details[0].path).toBe('conditions.all.0.field');
    const badChange = await api('PATCH', `/rules/${x.id}`, { events: [] });
    expect(badChange.body.error.details).toEqual([{ path: 'events', message: 'pick at least one event' }]);
    // 400s on create: bad regular expression, unknown placeholder, no actions, wrong types.
    const badRe = await api('POST', '/rules', rule({ name: 'Bad re', conditions: { all: [{ field: 'message.body', op: 'matches', value: '(refund' }] }, actions: [{ type: 'route' }] }));
    expect(badRe.status).toBe(400);
    expect(badRe.body.error.details[0]).toMatchObject({ path: 'conditions.all.0.value', message: expect.stringMatching(/not a valid regular expression/) });
    const badTpl = await api('POST', '/rules', rule({ name: 'Bad tpl', actions: [{ type: 'add_note', body: 'Hi {{contact.nmae}}' }] }));
    expect(badTpl.body.error.details[0]).toMatchObject({ path: 'actions.0.body', message: 'unknown placeholder {{contact.nmae}}' });
    expect((await api('POST', '/rules', rule({ name: 'No actions', actions: [] }))).status).toBe(400);
    expect((await api('POST', '/rules', { ...rule({ name: 'Wrong', actions: [{ type: 'route' }] }), enabled: 'yes' })).status).toBe(400);
    expect((await api('POST', '/rules', rule({ name: 'Unknown event', events: ['ticket.exploded'], actions: [{ type: 'route' }] }))).status).toBe(400);
    // A team of another workspace is not found.
    expect((await api('POST', '/rules', rule({ name: 'Foreign team', actions: [{ type: 'set_team', teamId: b.team }] }))).status).toBe(404);
    // 404s and malformed ids.
    expect((await api('PATCH', `/rules/${toWire('automationRule', '01890a5d-ac96-774b-bcce-b302099a8057')}`, { enabled: false })).status).toBe(404);
    expect((await api('PATCH', '/rules/not-an-id', { enabled: false })).status).toBe(400);
    expect((await api('GET', '/runs?limit=0')).status).toBe(400);
    expect((await api('GET', '/runs?before=yesterday')).status).toBe(400);
    expect((await api('POST', '/rules/test', { rule: {}, ticketNumber: 'one' })).status).toBe(400);
    // The run log pages newest first by `before`.
    const all_runs = (await api('GET', '/runs?limit=200')).body as AutomationRun[];
    expect(all_runs.length).toBeGreaterThan(3);
    const first = (await api('GET', '/runs?limit=2')).body as AutomationRun[];
    expect(first.map((x) => x.id)).toEqual(all_runs.slice(0, 2).map((x) => x.id));
    const older = (await api('GET', `/runs?limit=200&before=${encodeURIComponent(first[1]!.createdAt)}`)).body as AutomationRun[];
    expect(older.every((x) => x.createdAt < first[1]!.createdAt)).toBe(true);
    expect(older.length).toBeGreaterThan(0);
    expect((await api('GET', '/runs?only=matched')).body.every((x: AutomationRun) => x.matched)).toBe(true);
    // Order: every rule once, else 400.
    const all = ((await api('GET', '/rules')).body as AutomationRule[]).map((r) => r.id);
    expect((await api('PUT', '/rules/order', { ids: all.slice(1) })).status).toBe(400);
    const reordered = await api('PUT', '/rules/order', { ids: [...all].reverse() });
    expect((reordered.body as AutomationRule[]).map((r) => r.id)).toEqual([...all].reverse());
    // Delete; audited.
    expect((await api('DELETE', `/rules/${y.id}`)).status).toBe(204);
    expect((await api('DELETE', `/rules/${y.id}`)).status).toBe(404);
    const audits = await db().rows<{ action: string }>(sql`select distinct action from audit_events where workspace_id = ${a.workspaceId}::uuid and action like 'automation_rule.%' order by action`);
    expect(audits.map((r) => r.action)).toEqual(['automation_rule.created', 'automation_rule.deleted', 'automation_rule.reordered', 'automation_rule.updated']);
  });

  it('conditions on time since the last agent reply read it: a customer writing after an answer is tagged, before one not', async () => {
    const r = await create({
      name: 'Answered, then written to',
      events: ['message.customer'],
      conditions: { all: [{ field: 'ticket.since_agent_reply', op: 'is_set' }] },
      actions: [{ type: 'add_tags', tags: ['follow-up'] }],
    });
    const { ticketId, v } = await chat('first question');
    await ok(v.s, 'message:send', { body: 'anyone there?', clientMessageId: cmid() });
    await settled();
    expect((await ticketOf(ticketId)).tags).not.toContain('follow-up');
    const s = await connect(node.url, '/agent', { token: owner });
    await ok(s, 'message:send', { ticketId, body: 'Here to help', clientMessageId: cmid(), visibility: 'public' });
    await ok(v.s, 'message:send', { body: 'thanks, one more thing', clientMessageId: cmid() });
    await settled();
    expect((await ticketOf(ticketId)).tags).toContain('follow-up');
    expect((await api('DELETE', `/rules/${r.id}`)).status).toBe(204);
  });
});
