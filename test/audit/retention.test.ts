import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startNode, until, type Mode, type Node } from '../support/harness.js';
import { purgeAuditEvents, recordAudit } from '../../server/src/audit/audit.service.js';
import { createWorkspace } from '../../server/src/workspaces/workspaces.service.js';
import type { Db } from '../../server/src/db/client.js';

const eventsOf = (db: Db, workspaceId: string) =>
  db.rows<{ diff: { after: { age: number } }; actor_name: string }>(sql`select diff, actor_name from audit_events
    where workspace_id = ${workspaceId}::uuid order by created_at, id`);

describe.each(['postgres', 'embedded'] as Mode[])('audit log: append-only, and the retention path (%s)', (mode) => {
  let node: Node;
  let db: Db;
  beforeAll(async () => {
    node = await startNode(mode);
    db = node.deps.db;
  });
  afterAll(() => node.app.close());

  /** Far ahead of the real clock, so no node's own retention round (real time) ever reaches these rows. */
  const NOW = new Date('2100-06-01T00:00:00.000Z');
  const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
  const clock = { now: () => NOW };
  const seed = async (retention: number | null, ages: number[]) => {
    const ws = await createWorkspace(db, { name: `retention-${randomUUID()}` });
    await db.rows(sql`update workspaces set audit_retention_days = ${retention}::int where id = ${ws}::uuid`);
    for (const age of ages) await recordAudit(db, { workspaceId: ws, actor: { type: 'system' }, action: 'workspace.updated', object: { type: 'workspace', id: ws }, after: { age }, at: daysAgo(age) });
    return ws;
  };
  const ages = async (ws: string) => (await eventsOf(db, ws)).map((e) => e.diff.after.age as number);

  it('refuses UPDATE, DELETE and TRUNCATE to the application, whatever it filters on', async () => {
    const ws = await seed(30, [400, 1]);
    for (const stmt of [
      sql`update audit_events set actor_name = 'someone else' where workspace_id = ${ws}::uuid`,
      sql`update audit_events set diff = null`,
      sql`delete from audit_events where workspace_id = ${ws}::uuid`,
      sql`delete from audit_events where created_at < ${NOW}::timestamptz`,
      sql`truncate audit_events`,
    ])
      await expect(db.rows(stmt)).rejects.toThrow();
    expect(await ages(ws)).toEqual([400, 1]);
    const [e] = await eventsOf(db, ws);
    expect(e!.actor_name).toBe('system');
  });

  it('the purge’s permission does not outlive its call: a DELETE after it in the same transaction is refused', async () => {
    const ws = await seed(30, [400, 300, 1]);
    await expect(
      db.transaction(async (tx) => {
        await tx.rows(sql`select audit_retention_purge(${ws}::uuid, ${NOW}::timestamptz, 1)`);
        await tx.rows(sql`delete from audit_events where workspace_id = ${ws}::uuid`);
      }),
    ).rejects.toThrow();
    expect(await ages(ws)).toEqual([400, 300, 1]);
  });

  it('the retention job deletes only events older than each workspace’s retention, by its clock, in bounded batches', async () => {
    const a = await seed(30, [400, 90, 45, 31, 30.5, 29, 1]);
    const keepForever = await seed(null, [4000, 400]);
    const byDefault = await createWorkspace(db, { name: `default-${randomUUID()}` });
    for (const age of [366, 364]) await recordAudit(db, { workspaceId: byDefault, actor: { type: 'system' }, action: 'workspace.updated', object: { type: 'workspace', id: byDefault }, after: { age }, at: daysAgo(age) });

    // 2 per statement, 2 statements per workspace: a's five old events take two rounds.
    const first = await purgeAuditEvents({ db, clock }, { batch: 2, maxBatches: 2 });
    expect(first).toBeGreaterThanOrEqual(5);
    expect(await ages(a)).toEqual([30.5, 29, 1]);
    await purgeAuditEvents({ db, clock }, { batch: 2, maxBatches: 2 });
    expect(await ages(a)).toEqual([29, 1]);
    expect(await ages(keepForever)).toEqual([4000, 400]);
    expect(await ages(byDefault)).toEqual([364]);
  });

  it('a workspace deleted whole takes its log with it', async () => {
    const ws = await seed(null, [10, 1]);
    await db.rows(sql`delete from workspaces where id = ${ws}::uuid`);
    expect(await eventsOf(db, ws)).toHaveLength(0);
  });
});

describe('audit retention runs on its own schedule', () => {
  let node: Node;
  afterAll(() => node.app.close());

  it('a node deletes events past their retention every AUDIT_RETENTION_INTERVAL_MS', async () => {
    node = await startNode('embedded', { config: { AUDIT_RETENTION_INTERVAL_MS: 1000 } });
    const db = node.deps.db;
    const ws = await createWorkspace(db, { name: 'scheduled' });
    await db.rows(sql`update workspaces set audit_retention_days = 1 where id = ${ws}::uuid`);
    for (const at of [new Date('2001-01-01T00:00:00Z'), new Date()])
      await recordAudit(db, { workspaceId: ws, actor: { type: 'system' }, action: 'workspace.updated', object: { type: 'workspace', id: ws }, at });
    await until(async () => (await eventsOf(db, ws)).length === 1, 10_000, 'the old event to be purged');
  });
});
