import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { call, closeSockets, connect, login, ok, seedWorkspace, startNode, type Fixture, type Mode, type Node } from '../support/harness.js';
import { seedTickets } from '../support/inbox.js';
import { toWire } from '../../server/src/db/ids.js';

/** `tickets:list` with `sort: 'sla'`: time to breach, paged exactly across ties and the tickets without SLA. */
describe.each<Mode>(['postgres', 'embedded'])('tickets:list by time to breach (%s)', (mode) => {
  let node: Node;
  let fx: Fixture;
  let token: string;
  beforeAll(async () => {
    node = await startNode(mode);
    fx = await seedWorkspace(node.deps.db, 1);
    token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    await seedTickets(node.deps.db, fx, 41, { words: 'Clock test' });
    // Due times set directly, as the SLA consumer keeps them: five instants shared by many
    // tickets (ties broken by id), one already past and breached, and every fourth without SLA.
    await node.deps.db.rows(sql`with n as (select id, row_number() over (order by number) as i from tickets where workspace_id = ${fx.workspaceId}::uuid)
      update tickets t set sla_due_at = case when n.i % 4 = 0 then null else now() + make_interval(mins => (n.i % 5)::int * 10 - 10) end,
        sla_warn_at = case when n.i % 4 = 0 then null else now() + make_interval(mins => (n.i % 5)::int * 10 - 15) end,
        sla_metric = case when n.i % 4 = 0 then null else 'first_response' end,
        sla_breached = n.i % 5 = 0 and n.i % 4 <> 0
      from n where n.id = t.id`);
  });
  afterEach(() => closeSockets());
  afterAll(() => node.app.close());

  const expected = async (where = sql`true`) =>
    (
      await node.deps.db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${fx.workspaceId}::uuid and ${where}
        order by sla_due_at asc nulls last, id asc`)
    ).map((r) => toWire('ticket', r.id));

  const pageThrough = async (agent: Awaited<ReturnType<typeof connect>>, q: Record<string, unknown>, limit: number) => {
    const seen: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ok(agent, 'tickets:list', { ...q, sort: 'sla', limit, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      expect(++pages).toBeLessThan(100);
    } while (cursor);
    return seen;
  };

  it('pages through every ticket once, soonest due first, ties by id, the ones without SLA last', async () => {
    const agent = await connect(node.url, '/agent', { token });
    const want = await expected();
    expect(want).toHaveLength(41);
    // Page sizes that end pages inside a run of equal due times, on the last ticket with SLA, and inside the tail.
    for (const limit of [1, 4, 7, 10, 31, 50]) {
      const rows = await pageThrough(agent, { status: ['open', 'pending'] }, limit);
      expect(rows.map((t) => t.id), `limit ${limit}`).toEqual(want);
    }
    const rows = await pageThrough(agent, { status: ['open', 'pending'] }, 6);
    const withSla = rows.filter((t) => t.sla);
    expect(withSla).toHaveLength(31);
    expect(rows.slice(0, 31).every((t) => t.sla && t.sla.metric === 'first_response')).toBe(true);
    expect(rows.slice(31).every((t) => t.sla === null)).toBe(true);
    for (let i = 1; i < 31; i++) expect(rows[i].sla.dueAt >= rows[i - 1].sla.dueAt).toBe(true);
    expect(rows.some((t) => t.sla?.breached)).toBe(true);
  });

  it('combines with the status filter and the text search', async () => {
    const agent = await connect(node.url, '/agent', { token });
    expect((await pageThrough(agent, { status: 'open' }, 5)).map((t) => t.id)).toEqual(await expected(sql`status = 'open'`));
    expect((await pageThrough(agent, { status: 'pending', q: 'clock' }, 2)).map((t) => t.id)).toEqual(await expected(sql`status = 'pending'`));
  });

  it('a cursor belongs to its order: one of the other order, or a forged one, is refused', async () => {
    const agent = await connect(node.url, '/agent', { token });
    const bySla = await ok(agent, 'tickets:list', { sort: 'sla', status: 'open', limit: 3 });
    const byUpdate = await ok(agent, 'tickets:list', { status: 'open', limit: 3 });
    expect(bySla.nextCursor).not.toBeNull();
    for (const [sort, cursor] of [
      ['updated', bySla.nextCursor],
      ['sla', byUpdate.nextCursor],
      ['sla', Buffer.from(JSON.stringify(['sla', 'yesterday', bySla.items[0].id])).toString('base64url')],
      ['sla', Buffer.from(JSON.stringify(['sla', null])).toString('base64url')],
    ])
      expect(await call(agent, 'tickets:list', { sort, cursor, status: 'open' }), String(sort)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await call(agent, 'tickets:list', { sort: 'breach' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});
