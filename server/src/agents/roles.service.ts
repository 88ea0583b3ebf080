import { sql } from 'drizzle-orm';
import { BUILTIN_ROLE_PERMISSIONS, BUILTIN_ROLES, PERMISSIONS, type CustomRole, type Permission, type RolesList } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { newId, toWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { assertFresh, changedBy, uniqueName, type ChangedBy } from './teams.service.js';
import { recordAudit } from '../audit/audit.service.js';

/**
 * Custom roles: a named permission list per workspace (names unique case-insensitively: 409
 * NAME_TAKEN). A change of a role's permissions reaches its members' live sockets at once
 * (the roles trigger notifies every node). A role some member holds cannot be deleted.
 */

type RoleRow = { id: string; name: string; permissions: string[]; member_count: number; created_at: Date; updated_at: Date };

/** Catalogue keys only, each once, in catalogue order (what is stored). */
const normal = (perms: readonly string[]): Permission[] => PERMISSIONS.filter((p) => perms.includes(p));

const roleDto = (r: RoleRow): CustomRole => ({
  id: toWire('role', r.id),
  name: r.name,
  permissions: normal(r.permissions),
  memberCount: Number(r.member_count),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const roleSql = (ws: string) => sql`select r.id, r.name, r.permissions, r.created_at, r.updated_at,
    (select count(*) from memberships m where m.role_id = r.id)::int as member_count
  from roles r where r.workspace_id = ${ws}::uuid`;

/** The built-in roles with their permissions, and the workspace's custom roles by name. */
export async function listRoles(ctx: ServiceContext, o: { workspaceId: string }): Promise<RolesList> {
  const rows = await ctx.db.rows<RoleRow>(sql`${roleSql(o.workspaceId)} order by lower(r.name), r.id`);
  return {
    builtin: BUILTIN_ROLES.map((role) => ({ role, permissions: [...BUILTIN_ROLE_PERMISSIONS[role]] })),
    custom: rows.map(roleDto),
  };
}

async function getRole(tx: Tx, o: { workspaceId: string; roleId: string }): Promise<CustomRole> {
  const [r] = await tx.rows<RoleRow>(sql`${roleSql(o.workspaceId)} and r.id = ${o.roleId}::uuid`);
  if (!r) throw notFound('role');
  return roleDto(r);
}

const pgArray = (perms: readonly string[]) => `{${normal(perms).join(',')}}`;

/** What a role's audit events record. */
const roleAudit = (r: { name: string; permissions: readonly string[] }) => ({ name: r.name, permissions: normal(r.permissions) });

/** Creates a custom role; audited (`role.created`) in the same transaction. */
export async function createRole(ctx: ServiceContext, o: { workspaceId: string; name: string; permissions: Permission[] } & ChangedBy): Promise<CustomRole> {
  return uniqueName('role', o.name, () =>
    ctx.db.transaction(async (tx) => {
      const id = newId();
      const now = ctx.clock.now();
      await tx.rows(sql`insert into roles (id, workspace_id, name, permissions, created_at, updated_at)
        values (${id}::uuid, ${o.workspaceId}::uuid, ${o.name}, ${pgArray(o.permissions)}::text[], ${now}::timestamptz, ${now}::timestamptz)`);
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'role.created', object: { type: 'role', id },
        after: roleAudit(o), request: o.request, at: now });
      return getRole(tx, { workspaceId: o.workspaceId, roleId: id });
    }),
  );
}

/**
 * Renames a custom role and/or replaces its permissions; `expectedUpdatedAt` (when given) must
 * match or 409 STALE. A change is audited (`role.updated`) in the same transaction.
 */
export async function updateRole(
  ctx: ServiceContext,
  o: { workspaceId: string; roleId: string; name?: string | undefined; permissions?: Permission[] | undefined; expectedUpdatedAt?: string | undefined } & ChangedBy,
): Promise<CustomRole> {
  return uniqueName('role', o.name ?? '', () =>
    ctx.db.transaction(async (tx) => {
      const [r] = await tx.rows<{ name: string; permissions: string[]; updated_at: Date }>(sql`select name, permissions, updated_at from roles
        where id = ${o.roleId}::uuid and workspace_id = ${o.workspaceId}::uuid for update`);
      if (!r) throw notFound('role');
      assertFresh(r.updated_at, o.expectedUpdatedAt);
      const name = o.name ?? r.name;
      const perms = o.permissions ? pgArray(o.permissions) : pgArray(r.permissions);
      if (name !== r.name || perms !== pgArray(r.permissions)) {
        const now = ctx.clock.now();
        await tx.rows(sql`update roles set name = ${name}, permissions = ${perms}::text[], updated_at = ${now}::timestamptz
          where id = ${o.roleId}::uuid`);
        await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'role.updated', object: { type: 'role', id: o.roleId },
          before: roleAudit(r), after: roleAudit({ name, permissions: o.permissions ?? r.permissions }), request: o.request, at: now });
      }
      return getRole(tx, o);
    }),
  );
}

/**
 * Deletes a custom role no member holds and no pending invitation gives (409 CONFLICT otherwise,
 * naming how many); audited (`role.deleted`) in the same transaction.
 */
export async function deleteRole(ctx: ServiceContext, o: { workspaceId: string; roleId: string } & ChangedBy): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [r] = await tx.rows<{ id: string; name: string; permissions: string[] }>(sql`select id, name, permissions from roles
      where id = ${o.roleId}::uuid and workspace_id = ${o.workspaceId}::uuid for update`);
    if (!r) throw notFound('role');
    const [held] = await tx.rows<{ n: number; invited: number }>(sql`select (select count(*) from memberships where role_id = ${o.roleId}::uuid)::int as n,
      (select count(*) from invitations where role_id = ${o.roleId}::uuid and status = 'pending')::int as invited`);
    if (held!.n) throw new AppError('CONFLICT', `${held!.n} member(s) hold this role: give them another role first`, { memberCount: held!.n });
    if (held!.invited)
      throw new AppError('CONFLICT', `${held!.invited} pending invitation(s) give this role: revoke them first`, { memberCount: 0, invitationCount: held!.invited });
    await tx.rows(sql`delete from roles where id = ${o.roleId}::uuid`);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'role.deleted', object: { type: 'role', id: o.roleId },
      before: roleAudit(r), request: o.request, at: ctx.clock.now() });
  });
}
