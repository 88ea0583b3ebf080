import { sql } from 'drizzle-orm';
import { pgPolicy, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** Millisecond timestamps: the same precision as JS dates, so cursors compare exactly. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
export const id = () => uuid('id').primaryKey();
export const workspaceRef = () => uuid('workspace_id').notNull();

/**
 * The row-level security condition of a tenant table (docs/access.md): the row's workspace is
 * the transaction's `app.workspace_id`, or the transaction runs a named privileged path
 * (`app.privileged`, set by db/scope.ts `privileged()`). Neither set: no row (fail closed).
 */
export const tenantCondition = (column: AnyPgColumn) =>
  sql`${column} = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null`;

/** The policy every table with a `workspace_id` carries (RLS forced by migration 0012; test/access/rls-catalog.test.ts). */
export const tenantPolicy = (column: AnyPgColumn) =>
  pgPolicy('tenant_isolation', { as: 'permissive', for: 'all', using: tenantCondition(column), withCheck: tenantCondition(column) });
