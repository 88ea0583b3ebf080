import type { Db } from './client.js';

/** The role the server works as on Postgres (created by migration 0014_app_role). */
export const APP_ROLE = 'support_app';

/** What `checkRowLevelSecurity` found on the application connection. */
export type RlsReport = {
  role: string;
  superuser: boolean;
  bypassRls: boolean;
  /** Tenant tables the role owns or is a member of the owner of (owners pass unforced policies). */
  owned: string[];
  /** Tables with a workspace_id (and workspaces) without row-level security enabled and forced, or without a policy. */
  unprotected: string[];
};

/** Reads, as the connection's current role, whether it is subject to row-level security. */
export async function rlsReport(db: Pick<Db, 'query'>): Promise<RlsReport> {
  const [r] = await db.query<{ role: string; superuser: boolean; bypass: boolean }>(
    `select current_user as role, rolsuper as superuser, rolbypassrls as bypass from pg_roles where rolname = current_user`,
    [],
  );
  const tables = await db.query<{ name: string; owned: boolean; protected: boolean }>(
    `select c.relname as name,
            pg_has_role(current_user, c.relowner, 'USAGE') as owned,
            (c.relrowsecurity and c.relforcerowsecurity
             and exists (select 1 from pg_policies p where p.schemaname = n.nspname and p.tablename = c.relname)) as protected
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p')
        and (c.relname = 'workspaces'
             or exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped))
      order by 1`,
    [],
  );
  return {
    role: r!.role,
    superuser: r!.superuser,
    bypassRls: r!.bypass,
    owned: tables.filter((t) => t.owned).map((t) => t.name),
    unprotected: tables.filter((t) => !t.protected).map((t) => t.name),
  };
}

/**
 * The boot check: throws, naming why, unless the application connection is held by row-level
 * security on every tenant table: its role is no superuser, has no BYPASSRLS, owns (and
 * inherits the owner of) no tenant table, and every tenant table has RLS enabled, forced and
 * a policy. So the wall cannot be switched off by a DATABASE_URL or a migration by accident.
 */
export async function requireRowLevelSecurity(db: Db): Promise<RlsReport> {
  const r = await rlsReport(db);
  const why: string[] = [];
  if (r.superuser) why.push(`role "${r.role}" is a superuser`);
  if (r.bypassRls) why.push(`role "${r.role}" has BYPASSRLS`);
  if (r.owned.length) why.push(`role "${r.role}" owns (or inherits the owner of) ${r.owned.join(', ')}`);
  if (r.unprotected.length) why.push(`row-level security is not enabled, forced and with a policy on ${r.unprotected.join(', ')}`);
  if (why.length)
    throw new Error(
      `refusing to start: the application connection would bypass row-level security (${why.join('; ')}). ` +
        `The server works as the role ${APP_ROLE} (SET ROLE at connect); see docs/operations.md, "Row-level security".`,
    );
  return r;
}
