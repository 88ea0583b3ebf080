import type { SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';
import { scopeSettings } from './scope.js';

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Row = Record<string, unknown>;
/** Static SQL text with $1…$n placeholders and its parameters. */
export type Statement = { text: string; params: unknown[] };

/** A transaction handle: the drizzle query builder plus raw SQL that returns rows. */
export interface Tx {
  orm: Orm;
  rows<T = Row>(query: SQL): Promise<T[]>;
  /** Static SQL text with $1…$n placeholders, sent as a prepared statement: for hot paths. */
  query<T = Row>(text: string, params: unknown[]): Promise<T[]>;
}

/**
 * The database as the domain services see it, whichever engine is underneath
 * (postgres.js against a server, or PGlite embedded).
 */
export interface Db extends Tx {
  kind: 'postgres' | 'pglite';
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * LISTENs on `channel`: `onNotify` gets each notification's payload; `onListen` runs each
   * time the listening connection is (re)established, since notifications sent while it was
   * down are lost. Resolves once listening, with a function that stops.
   */
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

type UnsafeOptions = { prepare?: boolean; simple?: boolean; prelude?: [string, string] };
type RawClient = { unsafe?: (t: string, p: unknown[], o: UnsafeOptions) => Promise<unknown>; query?: (t: string, p: unknown[]) => Promise<unknown> };

/** Runs text + params on a postgres.js client (prepared) or a PGlite client or transaction. */
async function rawQuery<T>(client: RawClient, text: string, params: unknown[]): Promise<T[]> {
  if (client.unsafe) return rowsOf<T>(await client.unsafe(text, params, { prepare: true }));
  return rowsOf<T>(await client.query!(text, params));
}

/** Sets a transaction's scope (db/scope.ts) right after its BEGIN; transaction-local, so it ends with it. */
export const SCOPE_SQL = "select set_config('app.workspace_id', $1, true), set_config('app.privileged', $2, true)";

/**
 * The postgres.js client as drizzle and our raw queries use it outside transactions: each
 * statement carries the current scope's settings (`prelude`, patches/postgres+3.4.9.patch),
 * sent before the statement in the same implicit transaction, so they hold for that statement
 * alone and never stay on the pooled connection. No scope: no prelude, and RLS shows no row.
 */
function scopedClient<C extends object>(client: C): C {
  const unsafe = (client as unknown as Required<RawClient>).unsafe;
  const scoped = (text: string, params: unknown[] = [], o: UnsafeOptions = {}) => {
    const prelude = scopeSettings();
    return unsafe(text, params, prelude ? { ...o, prelude, simple: false } : o);
  };
  return new Proxy(client, { get: (t, k) => (k === 'unsafe' ? scoped : Reflect.get(t, k)) });
}

function txOf(orm: Orm): Tx {
  // drizzle keeps the driver's client (or transaction) on its session.
  const client = (orm as unknown as { session: { client: RawClient } }).session.client;
  return {
    orm,
    rows: async <T>(q: SQL) => rowsOf<T>(await orm.execute(q)),
    query: <T>(text: string, params: unknown[]) => rawQuery<T>(client, text, params),
  };
}

/** What the log says when a pooled connection is found inside a transaction nobody holds. */
export const TRANSACTION_LEAK_LOG = 'postgres connection left inside a transaction: closed it, its transaction rolled back';

/**
 * Throws unless postgres.js carries patches/postgres+3.4.9.patch (an install with
 * --ignore-scripts skips it): unpatched, a transaction can stay open on a pooled connection
 * and acked writes be lost. `options` is the client's parsed options (`sql.options`).
 */
export function requirePatchedDriver(options: object): void {
  if (!Object.hasOwn(options, 'ontransactionleak')) {
    throw new Error('postgres.js is not patched (patches/postgres+3.4.9.patch; did npm install run with --ignore-scripts?): run `npx patch-package`');
  }
}

/**
 * Connects to Postgres with postgres.js. Raw statements are sent as prepared statements.
 * A query sent outside a transaction that ends inside one fails (TRANSACTION_LEAKED), its
 * connection is closed (so Postgres rolls the transaction back), and `logger` hears of it
 * at error level (patches/postgres+3.4.9.patch; docs/operations.md).
 */
export async function connectPostgres(url: string, opts: { max: number; logger?: Logger; role?: string | null; scoped?: boolean }): Promise<Db> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, {
    max: opts.max,
    onnotice: () => {},
    prepare: true,
    connect_timeout: 10,
    // The application role (migration 0012): every pooled connection works as it, under
    // row-level security. Without it (migrations, tests' fixtures, bench --rls off) as the user.
    ...(opts.role ? { connection: { role: opts.role } } : {}),
    ontransactionleak: (leak) =>
      opts.logger?.error(
        { code: 'TRANSACTION_LEAKED', pgConnection: leak.connection, pgPid: leak.pid, txStatus: leak.status, query: leak.query?.slice(0, 200) ?? null, pipelined: leak.pipelined },
        TRANSACTION_LEAK_LOG,
      ),
  });
  requirePatchedDriver(client.options);
  // `scoped: false` (the benchmark's RLS-off run only) sends no scope settings at all.
  const scoped = opts.scoped ?? true;
  const orm = drizzle(scoped ? scopedClient(client) : client, { schema }) as unknown as Orm;
  // drizzle makes timestamps pass through postgres.js untouched; our raw SQL sends and reads
  // Dates, as PGlite does, so timestamp(tz) values are Dates both ways on either engine.
  const codecs = client.options as unknown as { serializers: Record<number, (v: unknown) => unknown>; parsers: Record<number, (v: string) => unknown> };
  for (const oid of [1114, 1184]) {
    codecs.serializers[oid] = (v) => (v instanceof Date ? v.toISOString() : v);
    codecs.parsers[oid] = (v) => new Date(oid === 1114 ? v + 'Z' : v);
  }
  const raw = (scoped ? scopedClient(client) : client) as unknown as RawClient;
  const dialect = (orm as unknown as { dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } } }).dialect;
  return {
    kind: 'postgres',
    orm,
    rows<T>(q: SQL) {
      const { sql, params } = dialect.sqlToQuery(q);
      return rawQuery<T>(raw, sql, params);
    },
    query: <T>(text: string, params: unknown[]) => rawQuery<T>(raw, text, params),
    transaction: (fn) => {
      const settings = scoped ? scopeSettings() : null;
      return orm.transaction(async (tx) => {
        const t = txOf(tx as unknown as Orm);
        if (settings) await t.query(SCOPE_SQL, settings);
        return fn(t);
      });
    },
    async listen(channel, onNotify, onListen) {
      // postgres.js listens on a connection of its own and re-listens after it drops.
      const { unlisten } = await client.listen(channel, onNotify, onListen);
      return unlisten;
    },
    async ping() {
      await client`select 1`;
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

/** Opens an embedded PGlite database in `dataDir` (or in memory when dataDir is null). */
export async function connectPglite(dataDir: string | null): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const orm = drizzle(client, { schema }) as unknown as Orm;
  return {
    kind: 'pglite',
    ...txOf(orm),
    transaction: (fn) => orm.transaction((tx) => fn(txOf(tx as unknown as Orm))),
    async listen(channel, onNotify, onListen) {
      const unlisten = await client.listen(channel, onNotify);
      onListen?.();
      return unlisten;
    },
    async ping() {
      await client.query('select 1');
    },
    async close() {
      await client.close();
    },
  };
}
