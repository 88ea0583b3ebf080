import { sql } from 'drizzle-orm';
import type { Activity, Availability, Member, MemberRole, TicketPriority, TicketStatus } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { newId, toWire, toWireOrNull } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso, activityDto } from '../lib/dto.js';
import type { Actor, ServiceContext } from '../lib/context.js';
import { getTicketDto } from '../tickets/tickets.queries.js';
import { publishTicketUpdated } from '../tickets/tickets.service.js';
import { writeEvents } from '../events/log.writer.js';
import { deleteSessions, publishEnded, publishPresence } from './agents.service.js';
import { assertFresh, setTeamsOfMember } from './teams.service.js';
import { avatarUrl } from '../people/profile.js';
import { auditActorOf, recordAudit, type AuditRequest } from '../audit/audit.service.js';

/**
 * Members of a workspace: list, role and teams, deactivation. Rules every function keeps:
 * only an owner makes someone owner or changes, deactivates or reactivates an owner; a
 * workspace always keeps at least one active owner (checked under a lock on its owners in the
 * transaction that could remove the last one: 409 LAST_OWNER). `actor` is the member acting.
 */

type MemberRow = {
  user_id: string; name: string; email: string; role: MemberRole; role_id: string | null; status: 'active' | 'deactivated';
  availability: Availability; team_ids: string[] | null; avatar_attachment_id: string | null; created_at: Date; updated_at: Date;
};

const memberDto = (r: MemberRow): Member => ({
  userId: toWire('user', r.user_id),
  name: r.name,
  email: r.email,
  role: r.role,
  roleId: toWireOrNull('role', r.role_id),
  status: r.status,
  availability: r.availability,
  avatarUrl: avatarUrl(r.user_id, r.avatar_attachment_id),
  teamIds: (r.team_ids ?? []).map((t) => toWire('team', t)),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const memberSql = (ws: string) => sql`select m.user_id, u.name, u.email, m.role, m.role_id, m.status, m.availability, u.avatar_attachment_id, m.created_at, m.updated_at,
    (select array_agg(tm.team_id::text order by tm.team_id) from team_members tm where tm.workspace_id = m.workspace_id and tm.user_id = m.user_id) as team_ids
  from memberships m join users u on u.id = m.user_id where m.workspace_id = ${ws}::uuid`;

/** Every member of the workspace (deactivated ones too), by name. */
export async function listMembers(ctx: ServiceContext, o: { workspaceId: string }): Promise<Member[]> {
  const rows = await ctx.db.rows<MemberRow>(sql`${memberSql(o.workspaceId)} order by lower(u.name), u.id`);
  return rows.map(memberDto);
}

/** One member of the workspace, or NOT_FOUND. */
export async function getMember(db: ServiceContext['db'] | Tx, o: { workspaceId: string; userId: string }): Promise<Member> {
  const [r] = await db.rows<MemberRow>(sql`${memberSql(o.workspaceId)} and m.user_id = ${o.userId}::uuid`);
  if (!r) throw notFound('member');
  return memberDto(r);
}

type Locked = { role: MemberRole; role_id: string | null; status: 'active' | 'deactivated'; availability: Availability; updated_at: Date };

/**
 * Locks the workspace's owner memberships and the target's (in that order, so concurrent
 * changes queue), and returns the target's row; NOT_FOUND when it is no member.
 */
async function lockMember(tx: Tx, o: { workspaceId: string; userId: string }): Promise<Locked> {
  await tx.rows(sql`select 1 from memberships where workspace_id = ${o.workspaceId}::uuid and role = 'owner'
    order by user_id for update`);
  const [m] = await tx.rows<Locked>(sql`select role, role_id, status, availability, updated_at from memberships
    where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid for update`);
  if (!m) throw notFound('member');
  return m;
}

/** FORBIDDEN unless the actor is an active owner of the workspace. */
export async function requireOwner(tx: Tx, o: { workspaceId: string; actor: Actor }, what: string): Promise<void> {
  const [m] = o.actor.id
    ? await tx.rows(sql`select 1 from memberships where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.actor.id}::uuid
        and role = 'owner' and status = 'active'`)
    : [];
  if (!m && o.actor.type !== 'system') throw new AppError('FORBIDDEN', `only an owner can ${what}`);
}

/** LAST_OWNER when the workspace would have no active owner left (the caller holds `lockMember`'s locks). */
async function requireAnotherOwner(tx: Tx, o: { workspaceId: string; userId: string }): Promise<void> {
  const [r] = await tx.rows<{ n: number }>(sql`select count(*)::int as n from memberships m join users u on u.id = m.user_id
    where m.workspace_id = ${o.workspaceId}::uuid and m.role = 'owner' and m.status = 'active' and u.status = 'active'
      and m.user_id <> ${o.userId}::uuid`);
  if (!r?.n) throw new AppError('LAST_OWNER', 'a workspace keeps at least one active owner: make someone else owner first');
}

/**
 * Changes a member's role (a built-in one, or `custom` with `roleId`, a custom role of the
 * workspace) and/or their teams (the whole list, teams of the workspace), in one transaction.
 * Owner rules as above; `expectedUpdatedAt` (when given) must match or 409 STALE. Live sockets
 * of the member follow at once (the membership and team triggers notify every node). A change
 * is audited (`member.updated`, the role and team diff) in the same transaction.
 */
export async function updateMember(
  ctx: ServiceContext,
  o: {
    workspaceId: string; userId: string; actor: Actor; role?: MemberRole | undefined; roleId?: string | null | undefined; teamIds?: string[] | undefined;
    expectedUpdatedAt?: string | undefined; request?: AuditRequest | undefined;
  },
): Promise<Member> {
  return ctx.db.transaction(async (tx) => {
    const cur = await lockMember(tx, o);
    assertFresh(cur.updated_at, o.expectedUpdatedAt);
    const now = ctx.clock.now();
    const before = await getMember(tx, o);
    if (o.role !== undefined && (o.role !== cur.role || (o.roleId ?? null) !== cur.role_id)) {
      if (o.role === 'owner' || cur.role === 'owner') await requireOwner(tx, o, o.role === 'owner' ? 'make someone owner' : "change an owner's role");
      if (cur.role === 'owner' && cur.status === 'active') await requireAnotherOwner(tx, o);
      if (o.role === 'custom') {
        // Held until commit, so the role cannot be deleted under this change.
        const [r] = await tx.rows(sql`select 1 from roles where id = ${o.roleId ?? null}::uuid and workspace_id = ${o.workspaceId}::uuid for key share`);
        if (!r) throw notFound('role');
      }
      await tx.rows(sql`update memberships set role = ${o.role}::member_role, role_id = ${o.role === 'custom' ? o.roleId! : null}::uuid,
          updated_at = ${now}::timestamptz
        where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid`);
    }
    if (o.teamIds !== undefined) {
      if (await setTeamsOfMember(tx, { workspaceId: o.workspaceId, userId: o.userId, teamIds: o.teamIds }))
        await tx.rows(sql`update memberships set updated_at = ${now}::timestamptz
          where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid`);
    }
    const after = await getMember(tx, o);
    if (JSON.stringify(accessOf(after)) !== JSON.stringify(accessOf(before)))
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: auditActorOf(o.actor), action: 'member.updated', object: { type: 'user', id: o.userId },
        before: accessOf(before), after: accessOf(after), request: o.request, at: now });
    return after;
  });
}

/** What `member.updated` records of a member: role, custom role and teams. */
const accessOf = (m: Member) => ({ role: m.role, roleId: m.roleId, teamIds: m.teamIds });

/**
 * Deactivates a member of the workspace, in one transaction: status `deactivated`,
 * availability offline, every session of theirs in this workspace deleted, and their open and
 * pending tickets unassigned (an `assigned` activity each; their messages and activities keep
 * their name). After commit their sockets close on every node, the presence change and each
 * ticket change are published. Audited (`member.deactivated`) in the same transaction. Owner
 * rules as above. Returns false when already deactivated.
 */
export async function deactivateMember(ctx: ServiceContext, o: { workspaceId: string; userId: string; actor: Actor; request?: AuditRequest | undefined }): Promise<boolean> {
  const now = ctx.clock.now();
  const done = await ctx.db.transaction(async (tx) => {
    const cur = await lockMember(tx, o);
    if (cur.status === 'deactivated') return null;
    if (cur.role === 'owner') {
      await requireOwner(tx, o, 'deactivate an owner');
      await requireAnotherOwner(tx, o);
    }
    await tx.rows(sql`update memberships set status = 'deactivated', availability = 'offline', updated_at = ${now}::timestamptz
      where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid`);
    const sessions = await deleteSessions(tx, o);
    const unassigned = await unassignOpenTickets(tx, { ...o, now, logEvents: ctx.config.EVENT_LOG_WRITES });
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: auditActorOf(o.actor), action: 'member.deactivated', object: { type: 'user', id: o.userId },
      before: { status: 'active' }, after: { status: 'deactivated' }, request: o.request, at: now });
    return { was: cur.availability, sessions, unassigned };
  });
  if (!done) return false;
  publishEnded(ctx, o.workspaceId, done.sessions);
  if (done.was !== 'offline') publishPresence(ctx, o.workspaceId, o.userId, 'offline');
  for (const u of done.unassigned) publishTicketUpdated(ctx, o.workspaceId, u.change, u.before);
  return true;
}

/** Unassigns the member's open and pending tickets (in the caller's transaction), with an activity and a logged `ticket.updated` each. */
async function unassignOpenTickets(tx: Tx, o: { workspaceId: string; userId: string; actor: Actor; now: Date; logEvents: boolean }) {
  const rows = await tx.rows<{ id: string; team_id: string | null; inbox_id: string; status: TicketStatus; priority: TicketPriority }>(sql`
    update tickets set assignee_id = null, updated_at = ${o.now}::timestamptz
    where workspace_id = ${o.workspaceId}::uuid and assignee_id = ${o.userId}::uuid and status in ('open', 'pending')
    returning id, team_id, inbox_id, status, priority`);
  if (o.logEvents)
    await writeEvents(tx, rows.map((t) => ({
      workspaceId: o.workspaceId, name: 'ticket.updated' as const, occurredAt: o.now,
      payload: {
        ticketId: t.id,
        activities: [{ kind: 'assigned' as const, actorType: o.actor.type, actorId: o.actor.id, oldValue: toWire('user', o.userId), newValue: null }],
        ticket: { status: t.status, priority: t.priority, inboxId: t.inbox_id, teamId: t.team_id, assigneeId: null },
      },
    })));
  const out = [];
  for (const t of rows) {
    const [a] = await tx.rows(sql`insert into ticket_activities (id, workspace_id, ticket_id, kind, actor_type, actor_id, old_value, new_value, created_at)
      values (${newId()}::uuid, ${o.workspaceId}::uuid, ${t.id}::uuid, 'assigned', ${o.actor.type}::actor_type, ${o.actor.id}::uuid,
              ${JSON.stringify(toWire('user', o.userId))}::jsonb, 'null'::jsonb, ${o.now}::timestamptz)
      returning *`);
    const ticket = (await getTicketDto(tx, o.workspaceId, t.id))!;
    const activities: Activity[] = [activityDto(a!)];
    out.push({ change: { ticket, activities }, before: { team_id: t.team_id, assignee_id: o.userId } });
  }
  return out;
}

/**
 * Lets a deactivated member log in to the workspace again (with a new login: their sessions
 * were deleted); audited (`member.reactivated`). Reactivating an owner takes an owner. Returns
 * false when not deactivated.
 */
export async function reactivateMember(ctx: ServiceContext, o: { workspaceId: string; userId: string; actor: Actor; request?: AuditRequest | undefined }): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const cur = await lockMember(tx, o);
    if (cur.status !== 'deactivated') return false;
    if (cur.role === 'owner') await requireOwner(tx, o, 'reactivate an owner');
    const now = ctx.clock.now();
    await tx.rows(sql`update memberships set status = 'active', updated_at = ${now}::timestamptz
      where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid`);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: auditActorOf(o.actor), action: 'member.reactivated', object: { type: 'user', id: o.userId },
      before: { status: 'deactivated' }, after: { status: 'active' }, request: o.request, at: now });
    return true;
  });
}
