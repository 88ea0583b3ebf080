import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeSockets, startNode, type Fixture, type Node } from '../support/harness.js';
import { seedTenantRows, tenantTables, workspaceColumn } from '../support/tenant-rows.js';
import { connectPostgres, type Db } from '../../server/src/db/client.js';
import { privileged, withWorkspace } from '../../server/src/db/scope.js';
import { APP_ROLE, requireRowLevelSecurity, rlsReport } from '../../server/src/db/rls.js';

/**
 * Row-level security as the second tenancy wall (docs/access.md): the catalog, every tenant
 * table × select/insert/update/delete as the application role, the pooled connections, and
 * the boot check. Fixtures and expectations use the owner handle (node.deps.db, a superuser);
 * what is tested runs on `app`, a pool working as the application role, as the server does.
 */
describe('row-level security (postgres)', () => {
  let node: Node;
  let owner: Db;
  let app: Db;
  let a: Fixture & { token: string };
  let b: Fixture & { token: string };
  let tables: string[];
  const rollback = new Error('rollback');
  /** Runs `fn` in a transaction that is always rolled back; resolves with what it returned or the error it threw. */
  const tried = async <T>(fn: (tx: Db | Parameters<Parameters<Db['transaction']>[0]>[0]) => Promise<T>): Promise<{ value?: T; error?: { code?: string; message: string } }> => {
    let value: T | undefined;
    try {
      await app.transaction(async (tx) => {
        value = await fn(tx);
        throw rollback;
      });
    } catch (err) {
      if (err !== rollback) return { error: err as { code?: string; message: string } };
    }
    return { value: value as T };
  };
  const ownerCount = async (table: string, workspaceId: string) =>
    (await owner.query<{ n: number }>(`select count(*)::int as n from ${table} where ${workspaceColumn(table)} = $1`, [workspaceId]))[0]!.n;
  /** One of the workspace's rows as jsonb, with a new id where the table has one: what an insert of a foreign row sends. */
  const foreignRow = async (table: string, workspaceId: string) => {
    const [r] = await owner.query<{ row: Record<string, unknown> }>(`select to_jsonb(t) as row from ${table} t where ${workspaceColumn(table)} = $1 limit 1`, [workspaceId]);
    const row = r!.row;
    if ('id' in row && table !== 'workspaces') row.id = randomUUID();
    return row;
  };

  beforeAll(async () => {
    node = await startNode('postgres');
    owner = node.deps.db;
    a = await seedTenantRows(node);
    b = await seedTenantRows(node);
    tables = await tenantTables(owner);
    app = await connectPostgres(inject('databaseUrl'), { max: 5, role: APP_ROLE });
  }, 60_000);
  afterEach(() => closeSockets());
  afterAll(async () => {
    await app?.close();
    await node?.app.close();
  });

  it('the catalog: every table with a workspace_id (and workspaces) has RLS enabled and forced with the tenant policy; the app role cannot bypass it', async () => {
    expect(tables.length).toBeGreaterThanOrEqual(23);
    const rows = await owner.query<{ name: string; enabled: boolean; forced: boolean; policies: { name: string; cmd: string; qual: string; check: string }[] | null }>(
      `select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
              (select json_agg(json_build_object('name', p.policyname, 'cmd', p.cmd, 'qual', p.qual, 'check', p.with_check)) from pg_policies p
                where p.schemaname = current_schema() and p.tablename = c.relname) as policies
         from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relname = any($1::text[])`,
      [tables],
    );
    const missing = rows.filter((r) => {
      const p = r.policies?.find((x) => x.name === 'tenant_isolation');
      const ok = (s: string | undefined) => Boolean(s?.includes(workspaceColumn(r.name)) && s.includes("current_setting('app.workspace_id'"));
      return !r.enabled || !r.forced || !p || p.cmd !== 'ALL' || !ok(p.qual) || !ok(p.check);
    });
    expect(missing.map((r) => r.name)).toEqual([]);
    expect(rows).toHaveLength(tables.length);

    const [role] = await owner.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean; owns: number }>(
      `select rolsuper, rolbypassrls, rolcanlogin, (select count(*)::int from pg_class where relowner = r.oid) as owns from pg_roles r where rolname = $1`,
      [APP_ROLE],
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false, owns: 0 });
    const report = await rlsReport(app);
    expect(report).toEqual({ role: APP_ROLE, superuser: false, bypassRls: false, owned: [], unprotected: [] });
  });

  it('every tenant table has rows of both workspaces (so the matrix below tests something)', async () => {
    const empty: string[] = [];
    for (const t of tables) for (const w of [a, b]) if ((await ownerCount(t, w.workspaceId)) === 0) empty.push(`${t} (${w === a ? 'A' : 'B'})`);
    expect(empty).toEqual([]);
  });

  it('as the app role with workspace A set: no row of B is read, updated, deleted, and none is inserted into B; A reads its own', async () => {
    const leaks: string[] = [];
    for (const t of tables) {
      const col = workspaceColumn(t);
      await withWorkspace(a.workspaceId, async () => {
        // select: exactly A's rows
        const [seen] = await app.query<{ n: number; foreign: number }>(`select count(*)::int as n, count(*) filter (where ${col} <> $1)::int as foreign from ${t}`, [a.workspaceId]);
        if (seen!.foreign !== 0) leaks.push(`${t}: select read ${seen!.foreign} foreign rows`);
        if (seen!.n !== (await ownerCount(t, a.workspaceId))) leaks.push(`${t}: select read ${seen!.n} of A's ${await ownerCount(t, a.workspaceId)} rows`);
        const [byId] = await app.query<{ n: number }>(`select count(*)::int as n from ${t} where ${col} = $1`, [b.workspaceId]);
        if (byId!.n !== 0) leaks.push(`${t}: select by B's id read ${byId!.n}`);
        // update and delete of B's rows: nothing matched
        const upd = await tried((tx) => tx.query(`update ${t} set ${col} = ${col} where ${col} = $1 returning 1`, [b.workspaceId]));
        if (upd.error || upd.value!.length) leaks.push(`${t}: update of B ${upd.error ? `failed: ${upd.error.message}` : `touched ${upd.value!.length}`}`);
        const del = await tried((tx) => tx.query(`delete from ${t} where ${col} = $1 returning 1`, [b.workspaceId]));
        if (del.error || del.value!.length) leaks.push(`${t}: delete of B ${del.error ? `failed: ${del.error.message}` : `touched ${del.value!.length}`}`);
        // insert of a B row, and moving an A row into B: refused by the policy
        const row = await foreignRow(t, b.workspaceId);
        const ins = await tried((tx) => tx.query(`insert into ${t} overriding system value select * from jsonb_populate_record(null::${t}, $1::jsonb)`, [JSON.stringify(row)]));
        if (!ins.error || !/row-level security/.test(ins.error.message)) leaks.push(`${t}: insert into B ${ins.error ? `failed otherwise: ${ins.error.message}` : 'went through'}`);
        if (t !== 'workspaces') {
          const move = await tried((tx) => tx.query(`update ${t} set ${col} = $2 where ${col} = $1 returning 1`, [a.workspaceId, b.workspaceId]));
          // audit_events refuses any update itself (append-only), before the policy would.
          const refused = move.error && (/row-level security/.test(move.error.message) || (t === 'audit_events' && /append-only/.test(move.error.message)));
          if (!refused) leaks.push(`${t}: moving A's rows into B ${move.error ? `failed otherwise: ${move.error.message}` : 'went through'}`);
        }
      });
    }
    expect(leaks).toEqual([]);
    for (const t of tables) expect(await ownerCount(t, b.workspaceId), t).toBeGreaterThan(0);
  });

  it('with no workspace set: nothing is read and nothing is written (fail closed); a privileged path reads every workspace', async () => {
    const leaks: string[] = [];
    for (const t of tables) {
      const col = workspaceColumn(t);
      const [seen] = await app.query<{ n: number }>(`select count(*)::int as n from ${t}`, []);
      if (seen!.n !== 0) leaks.push(`${t}: read ${seen!.n} rows`);
      const upd = await tried((tx) => tx.query(`update ${t} set ${col} = ${col} returning 1`, []));
      if (upd.error || upd.value!.length) leaks.push(`${t}: update ${upd.error ? `failed: ${upd.error.message}` : `touched ${upd.value!.length}`}`);
      const del = await tried((tx) => tx.query(`delete from ${t} returning 1`, []));
      if (del.error || del.value!.length) leaks.push(`${t}: delete ${del.error ? `failed: ${del.error.message}` : `touched ${del.value!.length}`}`);
      const row = JSON.stringify(await foreignRow(t, b.workspaceId));
      const ins = await tried((tx) => tx.query(`insert into ${t} overriding system value select * from jsonb_populate_record(null::${t}, $1::jsonb)`, [row]));
      if (!ins.error || !/row-level security/.test(ins.error.message)) leaks.push(`${t}: insert ${ins.error ? `failed otherwise: ${ins.error.message}` : 'went through'}`);
      // The drizzle builder and transactions are scoped the same way.
      const [inTx] = await app.transaction((tx) => tx.query<{ n: number }>(`select count(*)::int as n from ${t}`, []));
      if (inTx!.n !== 0) leaks.push(`${t}: a transaction read ${inTx!.n} rows`);
      const both = await privileged('rls-test', () => app.query<{ n: number }>(`select count(distinct ${col})::int as n from ${t} where ${col} = any($1::uuid[])`, [[a.workspaceId, b.workspaceId]]));
      if (both[0]!.n !== 2) leaks.push(`${t}: the privileged path saw ${both[0]!.n} of 2 workspaces`);
    }
    expect(leaks).toEqual([]);
  });

  it('the setting is per transaction: a transaction sees its workspace from its first statement, and the connection keeps nothing after it', async () => {
    const one = await connectPostgres(inject('databaseUrl'), { max: 1, role: APP_ROLE });
    try {
      const inA = await withWorkspace(a.workspaceId, () => one.transaction((tx) => tx.query<{ id: string }>('select id from workspaces', [])));
      expect(inA.map((r) => r.id)).toEqual([a.workspaceId]);
      const inB = await withWorkspace(b.workspaceId, () => one.query<{ id: string }>('select id from workspaces', []));
      expect(inB.map((r) => r.id)).toEqual([b.workspaceId]);
      // Same single connection, no scope: the settings ended with their transactions.
      expect(await one.query('select id from workspaces', [])).toEqual([]);
      expect((await one.query<{ w: string | null }>("select current_setting('app.workspace_id', true) as w", []))[0]!.w || null).toBeNull();
      // The drizzle SQL path is scoped the same way.
      const viaOrm = await withWorkspace(b.workspaceId, () => one.rows<{ id: string }>(sql`select id from workspaces`));
      expect(viaOrm.map((r) => r.id)).toEqual([b.workspaceId]);
    } finally {
      await one.close();
    }
  });

  it('200 concurrent requests alternating two workspaces over a pool of 5: no foreign row, and no connection left idle in transaction', async () => {
    const pooled = await startNode('postgres', { config: { DB_POOL_MAX: 5 } });
    try {
      const members = async (token: string) => {
        const r = await fetch(`${pooled.url}/api/settings/members`, { headers: { authorization: `Bearer ${token}` } });
        expect(r.status).toBe(200);
        return ((await r.json()) as { email: string }[]).map((m) => m.email).sort();
      };
      const tokens = await Promise.all([a, b].map(async (w) => (await fetch(`${pooled.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: w.agents[0]!.email, password: w.agents[0]!.password }) }).then((r) => r.json() as Promise<{ token: string }>)).token));
      const expected = [a, b].map((w) => w.agents.map((x) => x.email).sort());
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => members(tokens[i % 2]!)));
      answers.forEach((got, i) => expect(got).toEqual(expected[i % 2]));
      // And straight on the pool: statements and transactions, interleaved.
      const rows = await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const w = i % 2 ? b : a;
          return withWorkspace(w.workspaceId, async () => {
            const got = i % 4 < 2
              ? await pooled.appDb.query<{ workspace_id: string }>('select workspace_id from tickets', [])
              : await pooled.appDb.transaction((tx) => tx.query<{ workspace_id: string }>('select workspace_id from tickets', []));
            return { w: w.workspaceId, got: got.map((r) => r.workspace_id) };
          });
        }),
      );
      for (const r of rows) {
        expect(r.got.length).toBeGreaterThan(0);
        expect(r.got.filter((x) => x !== r.w)).toEqual([]);
      }
      const idle = await owner.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
        [],
      );
      expect(idle[0]!.n).toBe(0);
    } finally {
      await pooled.app.close();
    }
  }, 60_000);

  it('the boot check refuses a connection that bypasses row-level security, naming why', async () => {
    // The test user is a superuser.
    await expect(requireRowLevelSecurity(owner)).rejects.toThrow(/refusing to start: .*"postgres" is a superuser/);
    // A role with BYPASSRLS.
    const bypass = `rls_bypass_${randomUUID().slice(0, 8)}`;
    await owner.query(`create role ${bypass} nologin bypassrls`, []);
    await owner.query(`grant ${bypass} to current_user`, []);
    const db = await connectPostgres(inject('databaseUrl'), { max: 1, role: bypass });
    try {
      await expect(requireRowLevelSecurity(db)).rejects.toThrow(/has BYPASSRLS/);
    } finally {
      await db.close();
      await owner.query(`drop role ${bypass}`, []);
    }
    // A tenant table whose RLS is no longer forced (seen inside a transaction that undoes it).
    await owner
      .transaction(async (tx) => {
        await tx.query('alter table tags no force row level security', []);
        expect((await rlsReport(tx)).unprotected).toEqual(['tags']);
        throw rollback;
      })
      .catch((err) => expect(err).toBe(rollback));
    // The app role passes.
    await expect(requireRowLevelSecurity(app)).resolves.toMatchObject({ role: APP_ROLE });
  });
});
