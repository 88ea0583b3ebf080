import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { Db } from '../../server/src/db/client.js';
import { scheduleDue } from '../../server/src/scheduler/due.js';
import { connectNodeDb, manualClock, schedulerOn } from './support.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/hold-due.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('a scheduler node killed with SIGKILL while holding claimed work', () => {
  let db: Db;
  afterAll(async () => {
    await db?.close();
  });

  it('another node does the work once the lease ran out, once', async () => {
    db = await connectNodeDb();
    const kind = `test.sigkill.${randomUUID().slice(0, 8)}`;
    const workspaceId = randomUUID();
    await scheduleDue(db, { workspaceId, kind, key: 'held', dueAt: new Date(Date.now() - 1000) });
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, DATABASE_URL: inject('databaseUrl'), KIND: kind, LEASE_MS: '5000' },
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (l) => l === 'claimed held' && resolve());
        child.once('exit', (code) => reject(new Error(`child exited (${code}) before claiming`)));
      });
      kill();
      await exited;
    } finally {
      process.off('exit', kill);
    }
    const [row] = await db.query<{ state: string; claimed_by: string; lease_until: Date }>(`select state, claimed_by, lease_until from due_work where kind = $1`, [kind]);
    expect(row).toMatchObject({ state: 'running', claimed_by: expect.stringMatching(/^child-/) });
    // The survivor, on a clock of its own: before the lease ends it leaves the row alone, after it takes it.
    const clock = manualClock(new Date(row!.lease_until.getTime() - 1000));
    const survivor = schedulerOn(db, clock, 30_000, 'survivor');
    const done: number[] = [];
    survivor.registerKind(kind, async (w) => void done.push(w.attempt));
    expect(await survivor.runDue()).toBe(0);
    clock.advance(1001);
    expect(await survivor.runDue()).toBe(1);
    expect(done).toEqual([2]);
    const [after] = await db.query<{ state: string; claimed_by: string; attempts: number }>(`select state, claimed_by, attempts from due_work where kind = $1`, [kind]);
    expect(after).toMatchObject({ state: 'done', claimed_by: 'survivor', attempts: 2 });
    await survivor.stop();
  });
});
