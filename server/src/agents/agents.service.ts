import { sql, type SQL } from 'drizzle-orm';
import { permissionsOfRole, type Agent, type Availability, type LoginResult, type MemberRole, type Permission, type SessionInfo } from '@support/protocol';
import { newId, toWire, toWireOrNull } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { Db, Tx } from '../db/client.js';
import type { ServiceContext } from '../lib/context.js';
import { hashToken, newToken } from '../lib/tokens.js';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from './password.js';
import { avatarUrl, prefsOf } from '../people/profile.js';
import { recordAudit, SYSTEM_ACTOR, type AuditActor, type AuditRequest } from '../audit/audit.service.js';
import { workspaceBrand } from '../workspaces/settings.service.js';
import { privileged, scopeToWorkspace } from '../db/scope.js';

/**
 * An authenticated member (uuids) as the socket and REST layers carry it: one user in one
 * workspace, through one session, with the permissions of their role there.
 */
export type AgentIdentity = {
  userId: string;
  workspaceId: string;
  name: string;
  email: string;
  role: MemberRole;
  /** The custom role's uuid when `role` is `custom`. */
  roleId: string | null;
  permissions: Permission[];
  sessionId: string;
  expiresAt: string;
};

type MemberRow = {
  user_id: string; workspace_id: string; email: string; name: string; role: MemberRole; role_id: string | null; availability: Availability;
  avatar_attachment_id: string | null;
};

export const agentDto = (m: MemberRow): Agent => ({
  id: toWire('user', m.user_id),
  workspaceId: toWire('workspace', m.workspace_id),
  email: m.email,
  name: m.name,
  role: m.role,
  roleId: toWireOrNull('role', m.role_id),
  availability: m.availability,
  avatarUrl: avatarUrl(m.user_id, m.avatar_attachment_id),
});

const memberSelect = sql`select m.user_id, m.workspace_id, u.email, u.name, m.role, m.role_id, m.availability, u.avatar_attachment_id
  from memberships m join users u on u.id = m.user_id`;

/**
 * Email + password (+ optionally the workspace) → a new session token (stored hashed) for one
 * workspace: the one asked for, else the one used last, else the oldest; audited (`auth.login`)
 * in the same transaction. Unknown email, wrong password, a disabled account and an account
 * with no active membership all answer INVALID_CREDENTIALS after the same hashing work (the
 * route records the failure once it has answered); a workspace asked for that the (correctly
 * authenticated) user is not an active member of is FORBIDDEN. A password hash in an older
 * format is replaced by a current one on success.
 */
export async function login(
  ctx: ServiceContext,
  o: { email: string; password: string; workspaceId?: string | undefined },
  request?: AuditRequest,
): Promise<LoginResult> {
  const [u] = await ctx.db.rows<{ id: string; status: string; password_hash: string }>(
    sql`select id, status, password_hash from users where lower(email) = lower(${o.email})`,
  );
  const ok = await verifyPassword(o.password, u?.password_hash ?? (await DUMMY_HASH));
  const bad = () => new AppError('INVALID_CREDENTIALS', 'wrong email or password');
  if (!u || !ok || u.status !== 'active') throw bad();
  const [m] = await ctx.db.rows<{ workspace_id: string }>(sql`select workspace_id from memberships
    where user_id = ${u.id}::uuid and status = 'active' ${o.workspaceId ? sql`and workspace_id = ${o.workspaceId}::uuid` : sql``}
    order by last_used_at desc nulls last, created_at, workspace_id limit 1`);
  if (!m) {
    if (!o.workspaceId) throw bad();
    throw new AppError('FORBIDDEN', 'you are not an active member of that workspace');
  }
  if (needsRehash(u.password_hash)) await upgradeHash(ctx, u.id, u.password_hash, o.password);
  return startSession(ctx, { userId: u.id, workspaceId: m.workspace_id, action: 'auth.login', request });
}

/**
 * A new session of the same user for another workspace they are an active member of
 * (FORBIDDEN otherwise). The current session stays valid (other tabs keep their workspace).
 */
export async function switchWorkspace(ctx: ServiceContext, me: AgentIdentity, workspaceId: string, request?: AuditRequest): Promise<LoginResult> {
  const [m] = await ctx.db.rows(sql`select 1 from memberships m join users u on u.id = m.user_id
    where m.user_id = ${me.userId}::uuid and m.workspace_id = ${workspaceId}::uuid and m.status = 'active' and u.status = 'active'`);
  if (!m) throw new AppError('FORBIDDEN', 'you are not an active member of that workspace');
  return startSession(ctx, { userId: me.userId, workspaceId, action: 'auth.switched', request });
}

/** Issues a session for an active membership and marks it the one used last (audited as `action`); answers what login does. */
export async function startSession(
  ctx: ServiceContext,
  o: { userId: string; workspaceId: string; action: 'auth.login' | 'auth.switched'; request?: AuditRequest | undefined },
): Promise<LoginResult> {
  const token = newToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.AGENT_SESSION_TTL_HOURS * 3_600_000);
  await ctx.db.transaction(async (tx) => {
    await tx.rows(sql`insert into agent_sessions (id, workspace_id, user_id, token_hash, created_at, expires_at)
      values (${newId()}::uuid, ${o.workspaceId}::uuid, ${o.userId}::uuid, ${hashToken(token)}, ${now}::timestamptz, ${expiresAt}::timestamptz)`);
    await tx.rows(sql`update memberships set last_used_at = ${now}::timestamptz
      where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid`);
    await recordAudit(tx, {
      workspaceId: o.workspaceId,
      actor: { type: 'user', id: o.userId },
      action: o.action,
      object: { type: 'workspace', id: o.workspaceId },
      request: o.request,
      at: now,
    });
  });
  return { token, expiresAt: expiresAt.toISOString(), ...(await sessionInfo(ctx, await authenticate(ctx, token))) };
}

/** Replaces an older password hash by one with today's parameters (unless it changed meanwhile); a failure only logs. */
async function upgradeHash(ctx: ServiceContext, userId: string, old: string, password: string): Promise<void> {
  try {
    await ctx.db.rows(sql`update users set password_hash = ${await hashPassword(password)}
      where id = ${userId}::uuid and password_hash = ${old}`);
  } catch (err) {
    ctx.logger.warn({ err, user: toWire('user', userId) }, 'could not upgrade a password hash');
  }
}

/** A session row with its account, membership and custom role, as `readSessions` gives it. */
export type SessionRow = {
  session_id: string; expires_at: Date; user_id: string; workspace_id: string; name: string; email: string;
  user_status: string; member_status: string; role: MemberRole; role_id: string | null; custom_permissions: string[] | null;
};

/** Sessions (matching `where`, on `s`) joined to what decides their access; one statement. */
export function readSessions(db: Db | Tx, where: SQL): Promise<SessionRow[]> {
  return db.rows<SessionRow>(sql`select s.id as session_id, s.expires_at, u.id as user_id, s.workspace_id, u.name, u.email,
      u.status as user_status, m.status as member_status, m.role, m.role_id, r.permissions as custom_permissions
    from agent_sessions s join users u on u.id = s.user_id
    join memberships m on m.workspace_id = s.workspace_id and m.user_id = s.user_id
    left join roles r on r.id = m.role_id
    where ${where}`);
}

/** Whether a session row still admits its holder (account and membership active; expiry is checked apart). */
export const sessionActive = (r: SessionRow) => r.user_status === 'active' && r.member_status === 'active';

/** The identity a valid session row stands for. */
export function identityOf(r: SessionRow): AgentIdentity {
  return {
    userId: r.user_id,
    workspaceId: r.workspace_id,
    name: r.name,
    email: r.email,
    role: r.role,
    roleId: r.role_id,
    permissions: permissionsOfRole(r.role, r.custom_permissions),
    sessionId: r.session_id,
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}

/** Resolves a bearer token to its member; UNAUTHENTICATED / SESSION_EXPIRED otherwise (a deactivated member or account: UNAUTHENTICATED). */
export async function authenticate(ctx: ServiceContext, token: string): Promise<AgentIdentity> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new AppError('UNAUTHENTICATED', 'invalid session token');
  // crosses workspaces: a bearer token names its session before its workspace is known.
  const [r] = await privileged('session', () => readSessions(ctx.db, sql`s.token_hash = ${hashToken(token)}`));
  if (!r || !sessionActive(r)) throw new AppError('UNAUTHENTICATED', 'invalid session token');
  if (new Date(r.expires_at).getTime() <= ctx.clock.now().getTime()) throw new AppError('SESSION_EXPIRED', 'session expired; log in again');
  const me = identityOf(r);
  scopeToWorkspace(me.workspaceId);
  return me;
}

/** What `GET /api/auth/me` answers for a session: the member, their permissions, their workspace and every workspace they can switch to. */
export async function sessionInfo(ctx: ServiceContext, me: AgentIdentity): Promise<SessionInfo> {
  const agent = await getAgent(ctx, me);
  if (!agent) throw new AppError('UNAUTHENTICATED', 'invalid session token');
  const workspaces = await ctx.db.rows<{ id: string; name: string; role: MemberRole }>(sql`select w.id, w.name, m.role
    from memberships m join workspaces w on w.id = m.workspace_id
    where m.user_id = ${me.userId}::uuid and m.status = 'active' order by lower(w.name), w.id`);
  const list = workspaces.map((w) => ({ id: toWire('workspace', w.id), name: w.name, role: w.role }));
  const [u] = await ctx.db.rows<{ notification_prefs: unknown }>(sql`select notification_prefs from users where id = ${me.userId}::uuid`);
  return {
    agent,
    permissions: me.permissions,
    workspace: { id: agent.workspaceId, name: list.find((w) => w.id === agent.workspaceId)?.name ?? '', logoUrl: (await workspaceBrand(ctx.db, me.workspaceId)).logoUrl },
    workspaces: list,
    notificationPrefs: prefsOf(u?.notification_prefs),
  };
}

/** Deletes one member's sessions (`sessionId` given: that one), returning their ids; the caller publishes after commit. */
export async function deleteSessions(db: Db | Tx, o: { workspaceId: string; userId: string; sessionId?: string }) {
  const one = o.sessionId ? sql`and id = ${o.sessionId}::uuid` : sql``;
  return db.rows<{ id: string }>(sql`delete from agent_sessions
    where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid ${one} returning id`);
}

/** `agent.session_ended` per session: closes its sockets on every node (the delete's trigger notifies every node as well). */
export const publishEnded = (ctx: ServiceContext, workspaceId: string, sessions: { id: string }[]) => {
  for (const s of sessions) ctx.bus.publish('agent.session_ended', { workspaceId: toWire('workspace', workspaceId), sessionId: s.id });
};

/** Deletes the session (audited: `auth.logout`) and closes every socket opened with it (`agent.session_ended`). */
export async function logout(ctx: ServiceContext, token: string, request?: AuditRequest): Promise<void> {
  const rows = await ctx.db.transaction(async (tx) => {
    const ended = await tx.rows<{ id: string; workspace_id: string; user_id: string }>(sql`delete from agent_sessions
      where token_hash = ${hashToken(token)} returning id, workspace_id, user_id`);
    for (const r of ended)
      await recordAudit(tx, { workspaceId: r.workspace_id, actor: { type: 'user', id: r.user_id }, action: 'auth.logout',
        object: { type: 'workspace', id: r.workspace_id }, request, at: ctx.clock.now() });
    return ended;
  });
  for (const r of rows) publishEnded(ctx, r.workspace_id, [r]);
}

/** Who did an agent administration act, and from where (audited); the system when not given. */
type ActedBy = { actor?: AuditActor; request?: AuditRequest | undefined };

/**
 * Logs a member out of a workspace everywhere (or of one session): deletes the sessions
 * (audited: `member.sessions_revoked`, when any ended) and closes their sockets at once.
 * Returns how many ended.
 */
export async function revokeAgentSessions(ctx: ServiceContext, o: { workspaceId: string; userId: string; sessionId?: string } & ActedBy): Promise<number> {
  const ended = await ctx.db.transaction(async (tx) => {
    const rows = await deleteSessions(tx, o);
    if (rows.length)
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: o.actor ?? SYSTEM_ACTOR, action: 'member.sessions_revoked', object: { type: 'user', id: o.userId },
        after: { sessionsEnded: rows.length }, request: o.request, at: ctx.clock.now() });
    return rows;
  });
  publishEnded(ctx, o.workspaceId, ended);
  return ended.length;
}

/** A member of the workspace (any status), or null. */
export async function getAgent(ctx: ServiceContext, o: { workspaceId: string; userId: string }): Promise<Agent | null> {
  const [m] = await ctx.db.rows<MemberRow>(sql`${memberSelect} where m.workspace_id = ${o.workspaceId}::uuid and m.user_id = ${o.userId}::uuid`);
  return m ? agentDto(m) : null;
}

/** The workspace's active members (active accounts), by name: who can be assigned. */
export async function listAgents(ctx: ServiceContext, o: { workspaceId: string }): Promise<Agent[]> {
  const rows = await ctx.db.rows<MemberRow>(sql`${memberSelect} where m.workspace_id = ${o.workspaceId}::uuid
    and m.status = 'active' and u.status = 'active' order by u.name, u.id`);
  return rows.map(agentDto);
}

/**
 * Sets a member's availability in one workspace; publishes `agent.presence_changed` when it
 * changed. `onlyIf` makes it conditional (e.g. go online on connect only if currently offline).
 */
export async function setAvailability(
  ctx: ServiceContext,
  o: { workspaceId: string; userId: string; status: Availability; onlyIf?: Availability },
): Promise<boolean> {
  const cond = o.onlyIf ? sql`and availability = ${o.onlyIf}::availability` : sql``;
  // The durable event goes in with the change (routing drains queues and hands back work on it).
  const rows = await ctx.db.rows(sql`with m as (
      update memberships set availability = ${o.status}::availability
      where user_id = ${o.userId}::uuid and workspace_id = ${o.workspaceId}::uuid and availability <> ${o.status}::availability ${cond}
      returning user_id, workspace_id
    ), ev as (
      insert into domain_events (workspace_id, name, payload, occurred_at)
      select m.workspace_id, 'agent.availability_changed', jsonb_build_object('userId', m.user_id, 'status', ${o.status}::text), ${ctx.clock.now()}::timestamptz
      from m where ${ctx.config.EVENT_LOG_WRITES}::boolean
    )
    select user_id from m`);
  if (!rows.length) return false;
  publishPresence(ctx, o.workspaceId, o.userId, o.status);
  return true;
}

export const publishPresence = (ctx: ServiceContext, workspaceId: string, userId: string, status: Availability) =>
  ctx.bus.publish('agent.presence_changed', { workspaceId: toWire('workspace', workspaceId), userId: toWire('user', userId), status });
