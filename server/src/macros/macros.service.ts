import { sql } from 'drizzle-orm';
import type { AutomationAction, Macro, MacroFields, Permission, Sharing } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { fromWire, newId, toWire, toWireOrNull } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit, type AuditRequest } from '../audit/audit.service.js';
import { assertFresh, changedBy } from '../agents/teams.service.js';

/**
 * Macros (protocol automation.ts): actions a member applies in one click. A personal macro is
 * its author's alone; a team macro is its team's members'; a workspace macro everyone's.
 * Sharing beyond oneself, and changing a macro one did not write alone, needs
 * `settings.workflow`. Writes are audited (`macro.created`, `macro.updated`, `macro.deleted`).
 */

/** The member acting: who, their permissions, where the request came from. */
export type MacroMember = { workspaceId: string; userId: string; name: string; permissions: readonly Permission[]; request?: AuditRequest | undefined };

export type MacroRow = {
  id: string; name: string; description: string; sharing: Sharing; team_id: string | null; owner_id: string | null;
  actions: AutomationAction[]; usage_count: number; updated_at: Date;
};

const COLUMNS = sql.raw('m.id, m.name, m.description, m.sharing, m.team_id, m.owner_id, m.actions, m.usage_count, m.updated_at');

export const macroDto = (r: MacroRow): Macro => ({
  id: toWire('macro', r.id),
  name: r.name,
  description: r.description,
  sharing: r.sharing,
  teamId: toWireOrNull('team', r.team_id),
  actions: r.actions,
  ownerId: toWireOrNull('user', r.owner_id),
  usageCount: r.usage_count,
  updatedAt: iso(r.updated_at),
});

const audited = (r: Pick<MacroRow, 'name' | 'description' | 'sharing' | 'team_id' | 'actions'>) => ({
  name: r.name, description: r.description, sharing: r.sharing, teamId: toWireOrNull('team', r.team_id), actions: r.actions,
});

const manages = (m: MacroMember) => m.permissions.includes('settings.workflow');

/** Which macros a member sees: their own personal ones, their teams', the workspace's (and, managing, every team's). */
const visibleSql = (m: MacroMember) => sql`(m.sharing = 'workspace'
  or (m.sharing = 'personal' and m.owner_id = ${m.userId}::uuid)
  or (m.sharing = 'team' and (${manages(m)} or m.team_id in (select tm.team_id from team_members tm where tm.user_id = ${m.userId}::uuid and tm.workspace_id = ${m.workspaceId}::uuid))))`;

/** The macros a member may apply, by name. */
export async function listMacros(ctx: ServiceContext, m: MacroMember): Promise<Macro[]> {
  const rows = await ctx.db.rows<MacroRow>(sql`select ${COLUMNS} from macros m
    where m.workspace_id = ${m.workspaceId}::uuid and ${visibleSql(m)} order by lower(m.name), m.id`);
  return rows.map(macroDto);
}

/** A macro the member sees (NOT_FOUND otherwise), locked when `lock`. */
export async function visibleMacro(db: Db | Tx, m: MacroMember, macroId: string, lock = false): Promise<MacroRow> {
  const [r] = await db.rows<MacroRow>(sql`select ${COLUMNS} from macros m
    where m.workspace_id = ${m.workspaceId}::uuid and m.id = ${macroId}::uuid and ${visibleSql(m)} ${lock ? sql`for update` : sql``}`);
  if (!r) throw notFound('macro');
  return r;
}

/** FORBIDDEN unless the member may give a macro this sharing; NOT_FOUND for a team not the workspace's. */
async function checkSharing(tx: Tx, m: MacroMember, sharing: Sharing, teamId: string | null): Promise<void> {
  if (sharing !== 'personal' && !manages(m))
    throw new AppError('FORBIDDEN', 'sharing a macro with a team or the workspace needs the settings.workflow permission');
  if (teamId) {
    const [t] = await tx.rows(sql`select 1 from teams where id = ${teamId}::uuid and workspace_id = ${m.workspaceId}::uuid`);
    if (!t) throw notFound('team');
  }
}

/** FORBIDDEN unless the member may change this macro: their own personal one, or any with settings.workflow. */
function checkEdit(m: MacroMember, r: MacroRow): void {
  if (manages(m)) return;
  if (r.sharing === 'personal' && r.owner_id === m.userId) return;
  throw new AppError('FORBIDDEN', "changing a shared macro needs the settings.workflow permission");
}

const actorOf = (m: MacroMember) => ({ actor: { type: 'agent' as const, id: m.userId }, request: m.request });

/** Adds a macro written by the member. Audited. */
export async function createMacro(ctx: ServiceContext, m: MacroMember, f: MacroFields): Promise<Macro> {
  return ctx.db.transaction(async (tx) => {
    const teamId = f.teamId ? fromWire('team', f.teamId) : null;
    await checkSharing(tx, m, f.sharing, teamId);
    const now = ctx.clock.now();
    const id = newId();
    const [r] = await tx.rows<MacroRow>(sql`insert into macros as m (id, workspace_id, name, description, sharing, team_id, owner_id, actions, created_at, updated_at)
      values (${id}::uuid, ${m.workspaceId}::uuid, ${f.name}, ${f.description}, ${f.sharing}, ${teamId}::uuid, ${m.userId}::uuid,
        ${JSON.stringify(f.actions)}::jsonb, ${now}::timestamptz, ${now}::timestamptz)
      returning ${COLUMNS}`);
    await recordAudit(tx, { workspaceId: m.workspaceId, actor: changedBy(actorOf(m)), action: 'macro.created', object: { type: 'macro', id },
      after: audited(r!), request: m.request, at: now });
    return macroDto(r!);
  });
}

export type MacroUpdate = Partial<Omit<MacroFields, 'teamId'>> & { teamId?: string | null | undefined; expectedUpdatedAt?: string | undefined };

/**
 * Changes what is given of a macro; `expectedUpdatedAt` must match or 409 STALE. A team macro
 * needs its team and only it names one (VALIDATION_FAILED). Audited.
 */
export async function updateMacro(ctx: ServiceContext, m: MacroMember, macroId: string, u: MacroUpdate): Promise<Macro> {
  return ctx.db.transaction(async (tx) => {
    const before = await visibleMacro(tx, m, macroId, true);
    checkEdit(m, before);
    assertFresh(before.updated_at, u.expectedUpdatedAt);
    const sharing = u.sharing ?? before.sharing;
    const teamId = u.teamId !== undefined ? (u.teamId ? fromWire('team', u.teamId) : null) : sharing === 'team' ? before.team_id : null;
    if (sharing === 'team' && !teamId) throw new AppError('VALIDATION_FAILED', 'pick the team to share with', { issues: [{ path: ['teamId'], message: 'pick the team to share with' }] });
    if (sharing !== 'team' && teamId) throw new AppError('VALIDATION_FAILED', 'only a team macro names a team', { issues: [{ path: ['teamId'], message: 'only a team macro names a team' }] });
    if (sharing !== before.sharing || teamId !== before.team_id) await checkSharing(tx, m, sharing, teamId);
    const now = ctx.clock.now();
    const [after] = await tx.rows<MacroRow>(sql`update macros m set name = ${u.name ?? before.name}, description = ${u.description ?? before.description},
        sharing = ${sharing}, team_id = ${teamId}::uuid, actions = ${JSON.stringify(u.actions ?? before.actions)}::jsonb, updated_at = ${now}::timestamptz
      where m.id = ${macroId}::uuid and m.workspace_id = ${m.workspaceId}::uuid returning ${COLUMNS}`);
    await recordAudit(tx, { workspaceId: m.workspaceId, actor: changedBy(actorOf(m)), action: 'macro.updated', object: { type: 'macro', id: macroId },
      before: audited(before), after: audited(after!), request: m.request, at: now });
    return macroDto(after!);
  });
}

/** Deletes a macro (the same rights as changing it). Audited. */
export async function deleteMacro(ctx: ServiceContext, m: MacroMember, macroId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const before = await visibleMacro(tx, m, macroId, true);
    checkEdit(m, before);
    await tx.rows(sql`delete from macros where id = ${macroId}::uuid and workspace_id = ${m.workspaceId}::uuid`);
    await recordAudit(tx, { workspaceId: m.workspaceId, actor: changedBy(actorOf(m)), action: 'macro.deleted', object: { type: 'macro', id: macroId },
      before: audited(before), request: m.request, at: ctx.clock.now() });
  });
}
