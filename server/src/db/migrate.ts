import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { fileURLToPath } from 'node:url';
import type { Db } from './client.js';
import { privileged } from './scope.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));
const MIGRATION_LOCK = 0x5e_0001;

/**
 * Applies every migration in migrations/ that this database has not seen, in one
 * transaction under an advisory lock, so several nodes booting at once apply each once.
 * Returns the number applied.
 */
export async function migrate(db: Db, migrationsFolder = MIGRATIONS_DIR): Promise<number> {
  const files = readMigrationFiles({ migrationsFolder });
  // crosses workspaces: a migration may move any workspace's rows (the owner is under forced RLS too).
  return privileged('migrate', () => db.transaction(async (tx) => {
    await tx.rows(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.rows(sql`create table if not exists schema_migrations (
      hash text primary key, created_at bigint not null, applied_at timestamptz not null default now())`);
    const done = new Set((await tx.rows<{ hash: string }>(sql`select hash from schema_migrations`)).map((r) => r.hash));
    let applied = 0;
    for (const m of files) {
      if (done.has(m.hash)) continue;
      for (const stmt of m.sql) if (stmt.trim()) await tx.rows(sql.raw(stmt));
      await tx.rows(sql`insert into schema_migrations (hash, created_at) values (${m.hash}, ${m.folderMillis})`);
      applied++;
    }
    return applied;
  }));
}
