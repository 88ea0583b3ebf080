import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../server/src/db/client.js';
import { cancelDue, retryDeadDue, scheduleDue } from '../../server/src/scheduler/due.js';
import { seedWorkspace, startNode, until, type Fixture, type Node } from '../support/harness.js';
import { connectNodeDb, manualClock, schedulerOn } from './support.js';

describe('due-work scheduler', () => {
  let node: Node;
  let fx: Fixture;
  const dbs: Db[] = [];
  beforeAll(async () => {
    node = await startNode('postgres', { config: { BACKGROUND_POLL_MS: 500 } });
    fx = await seedWorkspace(node.deps.db, 1);
  });
  afterAll(async () => {
    await node.app.close();
    await Promise.all(dbs.map((d) => d.close().catch(() => {})));
  });
  const nodeDb = async () => {
    const db = await connectNodeDb();
    dbs.push(db);
    return db;
  };
  const rows = (kind: string) =>
    node.deps.db.query<{ key: string; state: string; attempts: number; claimed_by: string; last_error: string | null; due_at: Date }>(
      `select key, state, attempts, claimed_by, last_error, due_at from due_work where kind = $1 order by key`, [kind]);

  it('two nodes, 500 rows due at the same instant: each is done exactly once', async () => {
    const kind = `test.burst.${randomUUID().slice(0, 8)}`;
    const clock = manualClock();
    const due = clock.now();
    const runs = new Map<string, string[]>();
    const nodes = await Promise.all(['a', 'b'].map(async (name) => {
      const s = schedulerOn(await nodeDb(), clock, 30_000, `node-${name}`);
      s.registerKind(kind, async (w) => void runs.set(w.key, [...(runs.get(w.key) ?? []), name]));
      return s;
    }));
    await node.deps.db.transaction(async (tx) => {
      for (let i = 0; i < 500; i++) await scheduleDue(tx, { workspaceId: fx.workspaceId, kind, key: `k${String(i).padStart(3, '0')}`, dueAt: due, payload: { i } });
    });
    await Promise.all(nodes.map((s) => s.runDue()));
    await Promise.all(nodes.map((s) => s.runDue()));
    expect(runs.size).toBe(500);
    expect([...runs.values()].every((by) => by.length === 1)).toBe(true);
    const stored = await rows(kind);
    expect(stored.every((r) => r.state === 'done' && r.attempts === 1)).toBe(true);
    const byNode = stored.reduce((m, r) => m.set(r.claimed_by, (m.get(r.claimed_by) ?? 0) + 1), new Map<string, number>());
    expect([...byNode.values()].reduce((a, b) => a + b)).toBe(500);
    await Promise.all(nodes.map((s) => s.stop()));
  });

  it('a node killed while holding claimed work: the other node does it once the lease ran out', async () => {
    const kind = `test.kill.${randomUUID().slice(0, 8)}`;
    const clock = manualClock();
    const dbA = await nodeDb();
    const a = schedulerOn(dbA, clock, 10_000, 'node-a');
    let claimed!: () => void;
    const isClaimed = new Promise<void>((r) => (claimed = r));
    a.registerKind(kind, () => (claimed(), new Promise<void>(() => {}))); // never finishes
    await scheduleDue(node.deps.db, { workspaceId: fx.workspaceId, kind, key: 'only', dueAt: clock.now() });
    void a.runDue();
    await isClaimed;
    // Node A dies: its connections drop, its claim stays with its lease.
    await dbA.close();
    const b = schedulerOn(await nodeDb(), clock, 10_000, 'node-b');
    const done: string[] = [];
    b.registerKind(kind, async (w) => void done.push(`${w.key}#${w.attempt}`));
    expect(await b.runDue()).toBe(0);
    expect((await rows(kind))[0]).toMatchObject({ state: 'running', claimed_by: 'node-a' });
    clock.advance(10_001);
    expect(await b.runDue()).toBe(1);
    expect(done).toEqual(['only#2']);
    expect((await rows(kind))[0]).toMatchObject({ state: 'done', claimed_by: 'node-b', attempts: 2 });
    await b.stop();
    await a.stop(0);
  });

  it('failed work is retried with backoff, then left dead with its error; it can be sent back', async () => {
    const kind = `test.fail.${randomUUID().slice(0, 8)}`;
    const clock = manualClock();
    const s = schedulerOn(await nodeDb(), clock);
    let fail = true;
    const attempts: number[] = [];
    s.registerKind(kind, async (w) => {
      attempts.push(w.attempt);
      if (fail) throw new Error(`boom ${w.attempt}`);
    }, { maxAttempts: 3, backoff: (n) => n * 60_000 });
    await scheduleDue(node.deps.db, { workspaceId: fx.workspaceId, kind, key: 'x', dueAt: clock.now() });
    await s.runDue();
    expect((await rows(kind))[0]).toMatchObject({ state: 'pending', attempts: 1, last_error: expect.stringContaining('boom 1') });
    await s.runDue();
    expect(attempts).toEqual([1]); // backing off
    clock.advance(60_000);
    await s.runDue();
    clock.advance(120_000);
    await s.runDue();
    expect(attempts).toEqual([1, 2, 3]);
    expect((await rows(kind))[0]).toMatchObject({ state: 'dead', attempts: 3, last_error: expect.stringContaining('boom 3') });
    clock.advance(3_600_000);
    await s.runDue();
    expect(attempts).toEqual([1, 2, 3]);
    fail = false;
    expect(await retryDeadDue(node.deps.db, { kind, at: clock.now() })).toBe(1);
    await s.runDue();
    expect((await rows(kind))[0]).toMatchObject({ state: 'done' });
    await s.stop();
  });

  it('scheduling the same (kind, key) again moves the row; cancelling removes it', async () => {
    const kind = `test.replan.${randomUUID().slice(0, 8)}`;
    const clock = manualClock();
    const s = schedulerOn(await nodeDb(), clock);
    const seen: unknown[] = [];
    s.registerKind(kind, async (w) => void seen.push(w.payload));
    const t0 = clock.now().getTime();
    await scheduleDue(node.deps.db, { workspaceId: fx.workspaceId, kind, key: 'k', dueAt: new Date(t0 + 1000), payload: { v: 1 } });
    await scheduleDue(node.deps.db, { workspaceId: fx.workspaceId, kind, key: 'k', dueAt: new Date(t0 + 5000), payload: { v: 2 } });
    await scheduleDue(node.deps.db, { workspaceId: fx.workspaceId, kind, key: 'gone', dueAt: new Date(t0 + 1000) });
    expect(await cancelDue(node.deps.db, kind, 'gone')).toBe(true);
    expect(await rows(kind)).toHaveLength(1);
    clock.advance(1000);
    expect(await s.runDue()).toBe(0);
    clock.advance(4000);
    expect(await s.runDue()).toBe(1);
    expect(seen).toEqual([{ v: 2 }]);
    await s.stop();
  });

  it('in a running app, work runs within 2 s of its due time, woken by the timer set at scheduling', async () => {
    const kind = `test.timely.${randomUUID().slice(0, 8)}`;
    const lags: number[] = [];
    node.app.scheduler.registerKind(kind, async (w) => void lags.push(Date.now() - w.dueAt.getTime()));
    const now = Date.now();
    // The app polls every 500 ms here; rows due between polls are found by the timer the NOTIFY re-armed.
    for (const ms of [150, 700, 1300]) await scheduleDue(node.deps.db, { workspaceId: fx.workspaceId, kind, key: `k${ms}`, dueAt: new Date(now + ms) });
    await until(() => lags.length === 3, 5000, 'due work to run');
    for (const lag of lags) {
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(2000);
    }
  });
});
