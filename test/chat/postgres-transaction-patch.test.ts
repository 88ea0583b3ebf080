import postgres from 'postgres';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectPostgres, requirePatchedDriver, TRANSACTION_LEAK_LOG } from '../../server/src/db/client.js';
import { until } from '../support/harness.js';

// patches/postgres+3.4.9.patch also fixes how postgres.js reserves a connection for sql.begin()
// (upstream issues #823, #1189): BEGIN was written, but the hook that reserves the connection
// was skipped when BEGIN filled the connection's pipeline, so the transaction stayed open on a
// connection the pool went on using. These tests drive that moment exactly, on real Postgres.

const url = inject('databaseUrl');
/** Our own connection, outside the pools under test: sees only what was committed. */
const observer = postgres(url, { max: 1, onnotice: () => {} });

beforeAll(async () => {
  await observer.unsafe('create table if not exists pg_patch_probe (id text primary key)');
});
afterAll(() => observer.end({ timeout: 5 }));

const committed = async (ids: string[]) =>
  (await observer.unsafe<{ id: string }[]>('select id from pg_patch_probe where id = any($1) order by id', [ids])).map((r) => r.id);

const idleInTransaction = async (app: string) =>
  (await observer.unsafe('select pid from pg_stat_activity where application_name = $1 and state like $2', [app, 'idle in transaction%'])).length;

/**
 * Holds advisory locks from the observer's connection: a pool query that waits on one keeps
 * its connection busy, provably, until `release(key)`.
 */
async function locks(...keys: number[]) {
  await observer.unsafe(`select ${keys.map((k) => `pg_advisory_lock(${k})`).join(', ')}`);
  return { release: (key: number) => observer.unsafe('select pg_advisory_unlock($1)', [key]) };
}

/** A pool of `max` connections, all connected and idle, named `app` in pg_stat_activity. */
async function pool(app: string, o: { max: number; max_pipeline: number; ontransactionleak?: (l: Leak) => void }) {
  const options = { ...o, onnotice: () => {}, connection: { application_name: app } };
  const sql = postgres(url, options);
  await Promise.all(Array.from({ length: o.max }, () => sql`select 1`));
  return sql;
}

describe('sql.begin() reserves its connection whatever the pipeline state', () => {
  it('a BEGIN that fills a pipeline still gets its connection; a write queued behind it is committed', async () => {
    const sql = await pool('pg-patch-pipeline', { max: 2, max_pipeline: 1 });
    const held = await locks(91001, 91002);
    try {
      // (postgres.js sends a query when it is awaited, or on execute(): here, in this order.)
      // Both connections wait on a lock: each has one query in flight, so both are `busy`.
      const busy = [sql`select pg_advisory_xact_lock_shared(91001)`.execute(), sql`select pg_advisory_xact_lock_shared(91002)`.execute()];
      // BEGIN is pipelined behind the first one and fills that connection's pipeline (max_pipeline 1);
      // the plain insert fills the second's; the last insert waits in the pool's queue.
      const tx = sql.begin((t) => t`insert into pg_patch_probe values ('pipeline-tx')`);
      const plain = sql`insert into pg_patch_probe values ('pipeline-plain')`.execute();
      const queued = sql`insert into pg_patch_probe values ('pipeline-queued')`.execute();
      const settled = Promise.allSettled([tx, queued]);
      // The first connection runs BEGIN, then takes the queued insert (inside the transaction,
      // when the transaction did not reserve it); the second stays held until that is settled.
      await held.release(91001);
      const [txResult, queuedResult] = await settled;
      await held.release(91002);
      await Promise.all([...busy, plain]);

      const acked = [
        ...(txResult.status === 'fulfilled' ? ['pipeline-tx'] : []),
        ...(queuedResult.status === 'fulfilled' ? ['pipeline-queued'] : []),
        'pipeline-plain',
      ].sort();
      // Whatever the driver acked is committed: visible from another connection...
      expect(await committed(acked)).toEqual(acked);
      expect(await idleInTransaction('pg-patch-pipeline')).toBe(0);
      // ...and none of it failed: the transaction reserved its connection.
      expect(txResult).toEqual({ status: 'fulfilled', value: expect.anything() });
      expect(queuedResult.status).toBe('fulfilled');
    } finally {
      await sql.end({ timeout: 5 });
    }
    // Still there once the pool's connections are gone (an open transaction would be rolled back).
    expect(await committed(['pipeline-plain', 'pipeline-queued', 'pipeline-tx'])).toEqual(['pipeline-plain', 'pipeline-queued', 'pipeline-tx']);
  });

  it('with max_pipeline 0 every sql.begin() reserves its connection', async () => {
    const sql = await pool('pg-patch-nopipeline', { max: 2, max_pipeline: 0 });
    try {
      const ids = Array.from({ length: 6 }, (_, i) => `nopipeline-${i}`);
      // Transactions racing plain inserts on two connections.
      await Promise.all(ids.map((id, i) => (i % 2 ? sql`insert into pg_patch_probe values (${id})` : sql.begin((t) => t`insert into pg_patch_probe values (${id})`))));
      expect(await committed(ids)).toEqual(ids);
      expect(await idleInTransaction('pg-patch-nopipeline')).toBe(0);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});

type Leak = { connection: number; pid: number | null; status: 'T' | 'E'; query: string | null; pipelined: number };

/** Waits until no backend of `app` is left inside a transaction (the server ends one once its client has gone). */
const noneIdleInTransaction = (app: string) => until(async () => (await idleInTransaction(app)) === 0, 5000, `no backend of ${app} idle in transaction`);

describe('a pooled connection left inside a transaction is never reused as is', () => {
  /** A pool of two that records what its transaction-leak hook hears. */
  async function watched(app: string, max_pipeline = 100) {
    const leaks: Leak[] = [];
    const sql = await pool(app, { max: 2, max_pipeline, ontransactionleak: (l) => leaks.push(l) });
    return { sql, leaks };
  }

  it('contains the 3.4.9 fault: a BEGIN that did not reserve its connection leaves nothing open, a write queued behind it commits', async () => {
    const app = 'pg-patch-guard-skipped';
    const { sql, leaks } = await watched(app, 1);
    const held = await locks(91004);
    try {
      // BEGIN with a hook that does not reserve: what 3.4.9 did when BEGIN filled a pipeline.
      const skipped = sql.unsafe('begin', [], { onexecute: () => {} } as { prepare?: boolean }).execute();
      // The other connection is held (its pipeline full), so the next insert waits in the pool's
      // queue for the first connection to come back: unguarded, it ran inside that transaction.
      const busy = sql`select pg_advisory_xact_lock_shared(91004)`.execute();
      const plain = sql`insert into pg_patch_probe values ('skipped-plain')`.execute();
      const queued = sql`insert into pg_patch_probe values ('skipped-queued')`.execute();
      await expect(skipped).rejects.toMatchObject({ code: 'UNSAFE_TRANSACTION' });
      await queued;
      expect(leaks).toMatchObject([{ status: 'T', query: 'begin', pipelined: 0 }]);
      await held.release(91004);
      await Promise.all([busy, plain]);
      expect(await committed(['skipped-plain', 'skipped-queued'])).toEqual(['skipped-plain', 'skipped-queued']);
      await noneIdleInTransaction(app);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('a query that opens a transaction outside sql.begin fails, is rolled back and reported, with what was pipelined behind it', async () => {
    const app = 'pg-patch-guard';
    const { sql, leaks } = await watched(app);
    const held = await locks(91003);
    try {
      // A plain query that leaves its connection inside a transaction (START TRANSACTION passes
      // the driver's own BEGIN check); the second connection is held busy, so the next insert is
      // pipelined behind the first on the same connection and runs inside that transaction.
      const leaking = sql.unsafe("start transaction; insert into pg_patch_probe values ('guard-leaked')").execute();
      const busy = sql`select pg_advisory_xact_lock_shared(91003)`.execute();
      const behind = sql`insert into pg_patch_probe values ('guard-behind')`.execute();
      await expect(leaking).rejects.toMatchObject({ code: 'TRANSACTION_LEAKED' });
      await expect(behind).rejects.toMatchObject({ code: 'TRANSACTION_LEAKED' });
      await held.release(91003);
      await busy;

      expect(leaks).toEqual([{ connection: expect.any(Number), pid: expect.any(Number), status: 'T', query: expect.stringContaining('start transaction'), pipelined: 1 }]);
      await noneIdleInTransaction(app);
      expect(await committed(['guard-behind', 'guard-leaked'])).toEqual([]);

      // The pool goes on, on a fresh connection: plain writes and transactions commit.
      await Promise.all([
        sql`insert into pg_patch_probe values ('guard-after-1')`,
        sql.begin((t) => t`insert into pg_patch_probe values ('guard-after-2')`),
        sql`insert into pg_patch_probe values ('guard-after-3')`,
      ]);
      expect(await committed(['guard-after-1', 'guard-after-2', 'guard-after-3'])).toEqual(['guard-after-1', 'guard-after-2', 'guard-after-3']);
      expect(leaks).toHaveLength(1);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('a connection left inside a failed transaction is closed too, the error kept as the cause', async () => {
    const app = 'pg-patch-guard-failed';
    const { sql, leaks } = await watched(app);
    try {
      const failed = sql.unsafe('start transaction; select 1 / 0');
      await expect(failed).rejects.toMatchObject({ code: 'TRANSACTION_LEAKED', cause: expect.objectContaining({ message: expect.stringMatching(/division by zero/) }) });
      expect(leaks).toMatchObject([{ status: 'E' }]);
      await noneIdleInTransaction(app);
      // Nothing after it fails with "current transaction is aborted".
      expect(await Promise.all([1, 2, 3, 4].map((n) => sql`select ${n}::int as n`))).toEqual([1, 2, 3, 4].map((n) => [{ n }]));
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});

describe('the app', () => {
  it('refuses a postgres.js without the patch', () => {
    const patched = postgres(url, { max: 1 });
    expect(() => requirePatchedDriver(patched.options)).not.toThrow();
    const { ontransactionleak: _dropped, ...unpatched } = patched.options;
    expect(() => requirePatchedDriver(unpatched)).toThrow(/not patched.*npx patch-package/);
  });

  it('logs a connection left inside a transaction, and the statement fails', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const db = await connectPostgres(url, { max: 2, logger });
    try {
      await expect(db.query('start transaction', [])).rejects.toMatchObject({ code: 'TRANSACTION_LEAKED' });
      expect(lines).toEqual([
        expect.objectContaining({ level: 50, msg: TRANSACTION_LEAK_LOG, code: 'TRANSACTION_LEAKED', txStatus: 'T', query: 'start transaction', pgPid: expect.any(Number) }),
      ]);
      expect(await db.query('select 1 as one', [])).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
});
