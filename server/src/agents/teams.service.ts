import { sql } from 'drizzle-orm';
import type { TeamDetail } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { newId, toWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { Actor, ServiceContext } from '../lib/context.js';
import { auditActorOf, recordAudit, SYSTEM_ACTOR, type AuditRequest } from '../audit/audit.service.js';

/** Who made a settings change and from where, for its audit event (the system when not given). */
export type ChangedBy = { actor?: Actor | undefined; request?: AuditRequest | undefined };
/** The audit actor of a `ChangedBy`. */
export const changedBy = (o: ChangedBy) => (o.actor ? auditActorOf(o.actor) : SYSTEM_ACTOR);

/**
 * Teams of a workspace: their members and the inboxes they work (which decides what members
 * with `tickets.read.team` see). Every change reaches the live sockets concerned at once: the
 * team_members and team_inboxes triggers notify every node (agent.revocation.ts).
 */

/** STALE (409) when the client edited a version that is no longer current (`expected`: the `updatedAt` it read). */
export function assertFresh(current: Date, expected: string | undefined): void {
  if (expected !== undefined && new Date(expected).getTime() !== new Date(current).getTime())
    throw new AppError('STALE', 'someone else changed this since you loaded it: reload and try again', { updatedAt: iso(current) });
}

/** Runs `write`, answering NAME_TAKEN (409, `details.field` "name") when it hits a unique name index. */
export async function uniqueName<T>(what: string, name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('NAME_TAKEN', `a ${what} named "${name}" already exists`, { field: 'name' });
    throw err;
  }
}

type TeamRow = { id: string; name: string; member_ids: string[] | null; inbox_ids: string[] | null; created_at: Date; updated_at: Date };

const teamDto = (r: TeamRow): TeamDetail => ({
  id: toWire('team', r.id),
  name: r.name,
  memberIds: (r.member_ids ?? []).map((u) => toWire('user', u)),
  inboxIds: (r.inbox_ids ?? []).map((i) => toWire('inbox', i)),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const teamSql = (ws: string) => sql`select t.id, t.name, t.created_at, t.updated_at,
    (select array_agg(m.user_id::text order by m.user_id) from team_members m where m.team_id = t.id) as member_ids,
    (select array_agg(i.inbox_id::text order by i.inbox_id) from team_inboxes i where i.team_id = t.id) as inbox_ids
  from teams t where t.workspace_id = ${ws}::uuid`;

/** The workspace's teams with members and inboxes, by name. */
export async function listTeamDetails(ctx: ServiceContext, o: { workspaceId: string }): Promise<TeamDetail[]> {
  const rows = await ctx.db.rows<TeamRow>(sql`${teamSql(o.workspaceId)} order by lower(t.name), t.id`);
  return rows.map(teamDto);
}

async function getTeam(tx: Tx, o: { workspaceId: string; teamId: string }): Promise<TeamDetail> {
  const [r] = await tx.rows<TeamRow>(sql`${teamSql(o.workspaceId)} and t.id = ${o.teamId}::uuid`);
  if (!r) throw notFound('team');
  return teamDto(r);
}

const KIND = { memberships: 'member', inboxes: 'inbox', teams: 'team' } as const;

/** NOT_FOUND unless every id is a member (`memberships`), inbox or team of the workspace. */
export async function requireAll(tx: Tx, o: { workspaceId: string; table: keyof typeof KIND; ids: string[] }): Promise<void> {
  if (!o.ids.length) return;
  const col = o.table === 'memberships' ? sql.raw('user_id') : sql.raw('id');
  const [r] = await tx.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(o.table)}
    where workspace_id = ${o.workspaceId}::uuid and ${col} = any(${`{${o.ids.join(',')}}`}::uuid[])`);
  if (r!.n !== new Set(o.ids).size) throw notFound(KIND[o.table]);
}

type LinkColumn = 'team_id' | 'user_id' | 'inbox_id';

/**
 * Makes the rows of `table` whose `fixed` column holds `value` exactly those with `varying`
 * in `ids` (in the caller's transaction): a team's members or inboxes, or a member's teams.
 * True when anything changed.
 */
async function setLinks(
  tx: Tx,
  o: { workspaceId: string; table: 'team_members' | 'team_inboxes'; fixed: LinkColumn; value: string; varying: LinkColumn; ids: string[] },
): Promise<boolean> {
  const [table, fixed, varying] = [sql.raw(o.table), sql.raw(o.fixed), sql.raw(o.varying)];
  const ids = `{${[...new Set(o.ids)].join(',')}}`;
  const gone = await tx.rows(sql`delete from ${table} where workspace_id = ${o.workspaceId}::uuid and ${fixed} = ${o.value}::uuid
    and not (${varying} = any(${ids}::uuid[])) returning 1`);
  const added = await tx.rows(sql`insert into ${table} (workspace_id, ${fixed}, ${varying})
    select ${o.workspaceId}::uuid, ${o.value}::uuid, x from unnest(${ids}::uuid[]) x
    on conflict do nothing returning 1`);
  return gone.length + added.length > 0;
}

/** Makes a member's teams exactly `teamIds` (teams of the workspace, NOT_FOUND otherwise; in the caller's transaction); true when anything changed. */
export async function setTeamsOfMember(tx: Tx, o: { workspaceId: string; userId: string; teamIds: string[] }): Promise<boolean> {
  await requireAll(tx, { workspaceId: o.workspaceId, table: 'teams', ids: o.teamIds });
  return setLinks(tx, { workspaceId: o.workspaceId, table: 'team_members', fixed: 'user_id', value: o.userId, varying: 'team_id', ids: o.teamIds });
}

const setMembers = (tx: Tx, o: { workspaceId: string; teamId: string }, ids: string[]) =>
  setLinks(tx, { workspaceId: o.workspaceId, table: 'team_members', fixed: 'team_id', value: o.teamId, varying: 'user_id', ids });
const setInboxes = (tx: Tx, o: { workspaceId: string; teamId: string }, ids: string[]) =>
  setLinks(tx, { workspaceId: o.workspaceId, table: 'team_inboxes', fixed: 'team_id', value: o.teamId, varying: 'inbox_id', ids });

/** What a team's audit events record: name, members and inboxes. */
const teamAudit = (t: TeamDetail) => ({ name: t.name, memberIds: t.memberIds, inboxIds: t.inboxIds });

/**
 * Creates a team with its members and inboxes (of the workspace; NOT_FOUND otherwise). A name
 * the workspace has is 409 NAME_TAKEN. Audited (`team.created`) in the same transaction.
 */
export async function createTeamDetail(
  ctx: ServiceContext,
  o: { workspaceId: string; name: string; memberIds: string[]; inboxIds: string[] } & ChangedBy,
): Promise<TeamDetail> {
  return uniqueName('team', o.name, () =>
    ctx.db.transaction(async (tx) => {
      await requireAll(tx, { workspaceId: o.workspaceId, table: 'memberships', ids: o.memberIds });
      await requireAll(tx, { workspaceId: o.workspaceId, table: 'inboxes', ids: o.inboxIds });
      const id = newId();
      const now = ctx.clock.now();
      await tx.rows(sql`insert into teams (id, workspace_id, name, created_at, updated_at)
        values (${id}::uuid, ${o.workspaceId}::uuid, ${o.name}, ${now}::timestamptz, ${now}::timestamptz)`);
      await setMembers(tx, { workspaceId: o.workspaceId, teamId: id }, o.memberIds);
      await setInboxes(tx, { workspaceId: o.workspaceId, teamId: id }, o.inboxIds);
      const team = await getTeam(tx, { workspaceId: o.workspaceId, teamId: id });
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'team.created', object: { type: 'team', id },
        after: teamAudit(team), request: o.request, at: now });
      return team;
    }),
  );
}

/**
 * Renames a team and/or replaces its members or inboxes (whole lists), in one transaction;
 * `expectedUpdatedAt` (when given) must match or 409 STALE. A change is audited
 * (`team.updated`, what changed) in the same transaction.
 */
export async function updateTeam(
  ctx: ServiceContext,
  o: {
    workspaceId: string; teamId: string; name?: string | undefined; memberIds?: string[] | undefined; inboxIds?: string[] | undefined;
    expectedUpdatedAt?: string | undefined;
  } & ChangedBy,
): Promise<TeamDetail> {
  return uniqueName('team', o.name ?? '', () =>
    ctx.db.transaction(async (tx) => {
      const [t] = await tx.rows<{ name: string; updated_at: Date }>(sql`select name, updated_at from teams
        where id = ${o.teamId}::uuid and workspace_id = ${o.workspaceId}::uuid for update`);
      if (!t) throw notFound('team');
      assertFresh(t.updated_at, o.expectedUpdatedAt);
      const before = await getTeam(tx, o);
      let changed = o.name !== undefined && o.name !== t.name;
      if (changed) await tx.rows(sql`update teams set name = ${o.name!} where id = ${o.teamId}::uuid`);
      if (o.memberIds) {
        await requireAll(tx, { workspaceId: o.workspaceId, table: 'memberships', ids: o.memberIds });
        changed = (await setMembers(tx, o, o.memberIds)) || changed;
      }
      if (o.inboxIds) {
        await requireAll(tx, { workspaceId: o.workspaceId, table: 'inboxes', ids: o.inboxIds });
        changed = (await setInboxes(tx, o, o.inboxIds)) || changed;
      }
      if (!changed) return before;
      const now = ctx.clock.now();
      await tx.rows(sql`update teams set updated_at = ${now}::timestamptz where id = ${o.teamId}::uuid`);
      const after = await getTeam(tx, o);
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'team.updated', object: { type: 'team', id: o.teamId },
        before: teamAudit(before), after: teamAudit(after), request: o.request, at: now });
      return after;
    }),
  );
}

/**
 * Deletes a team: its tickets keep no team (their activities keep its id), its members' sight
 * follows at once. NOT_FOUND when absent. Audited (`team.deleted`, what it was) in the same transaction.
 */
export async function deleteTeam(ctx: ServiceContext, o: { workspaceId: string; teamId: string } & ChangedBy): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const before = await getTeam(tx, o);
    await tx.rows(sql`delete from teams where id = ${o.teamId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'team.deleted', object: { type: 'team', id: o.teamId },
      before: teamAudit(before), request: o.request, at: ctx.clock.now() });
  });
}
