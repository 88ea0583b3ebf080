import { sql } from 'drizzle-orm';
import type { Agent, Availability } from '@support/protocol';
import { newId, toWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { Db, Tx } from '../db/client.js';
import type { ServiceContext } from '../lib/context.js';
import { hashToken, newToken } from '../lib/tokens.js';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from './password.js';
import { recordAudit, SYSTEM_ACTOR, type AuditActor, type AuditRequest } from '../audit/audit.service.js';

/** An authenticated agent (uuids) as the socket and REST layers carry it. */
export type AgentIdentity = {
  userId: string;
  workspaceId: string;
  name: string;
  email: string;
  role: Agent['role'];
  sessionId: string;
  expiresAt: string;
};

type UserRow = { id: string; workspace_id: string; email: string; name: string; role: Agent['role']; availability: Availability; status: string };

export const agentDto = (u: UserRow): Agent => ({
  id: toWire('user', u.id),
  workspaceId: toWire('workspace', u.workspace_id),
  email: u.email,
  name: u.name,
  role: u.role,
  availability: u.availability,
});

/**
 * Email + password → a new session token (stored hashed), audited (`auth.login`) in the same
 * transaction. Unknown email, wrong password and a disabled account all answer
 * INVALID_CREDENTIALS after the same hashing work (the route records the failure once it has
 * answered). A password hash in an older format is replaced by a current one on success.
 */
export async function login(ctx: ServiceContext, o: { email: string; password: string }, request?: AuditRequest) {
  const [u] = await ctx.db.rows<UserRow & { password_hash: string }>(
    sql`select * from users where lower(email) = lower(${o.email})`,
  );
  const ok = await verifyPassword(o.password, u?.password_hash ?? (await DUMMY_HASH));
  if (!u || !ok || u.status !== 'active') throw new AppError('INVALID_CREDENTIALS', 'wrong email or password');
  if (needsRehash(u.password_hash)) await upgradeHash(ctx, u.id, u.password_hash, o.password);
  const token = newToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.AGENT_SESSION_TTL_HOURS * 3_600_000);
  await ctx.db.transaction(async (tx) => {
    await tx.rows(sql`insert into agent_sessions (id, workspace_id, user_id, token_hash, created_at, expires_at)
      values (${newId()}::uuid, ${u.workspace_id}::uuid, ${u.id}::uuid, ${hashToken(token)}, ${now}::timestamptz, ${expiresAt}::timestamptz)`);
    await recordAudit(tx, {
      workspaceId: u.workspace_id,
      actor: { type: 'user', id: u.id, name: u.name },
      action: 'auth.login',
      object: { type: 'workspace', id: u.workspace_id },
      request,
      at: now,
    });
  });
  return { token, expiresAt: expiresAt.toISOString(), agent: agentDto(u) };
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

/** Resolves a bearer token to its agent; UNAUTHENTICATED / SESSION_EXPIRED otherwise. */
export async function authenticate(ctx: ServiceContext, token: string): Promise<AgentIdentity> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new AppError('UNAUTHENTICATED', 'invalid session token');
  const [r] = await ctx.db.rows<UserRow & { expires_at: Date; session_id: string }>(sql`select u.*, s.expires_at, s.id as session_id from agent_sessions s
    join users u on u.id = s.user_id where s.token_hash = ${hashToken(token)}`);
  if (!r || r.status !== 'active') throw new AppError('UNAUTHENTICATED', 'invalid session token');
  if (new Date(r.expires_at).getTime() <= ctx.clock.now().getTime()) throw new AppError('SESSION_EXPIRED', 'session expired; log in again');
  return {
    userId: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    email: r.email,
    role: r.role,
    sessionId: r.session_id,
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}

/** Deletes one agent's sessions (`sessionId` given: that one), returning their ids; the caller publishes after commit. */
async function deleteSessions(db: Db | Tx, o: { workspaceId: string; userId: string; sessionId?: string }) {
  const one = o.sessionId ? sql`and id = ${o.sessionId}::uuid` : sql``;
  return db.rows<{ id: string }>(sql`delete from agent_sessions
    where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid ${one} returning id`);
}

/** `agent.session_ended` per session: closes its sockets on every node (the delete's trigger notifies every node as well). */
const publishEnded = (ctx: ServiceContext, workspaceId: string, sessions: { id: string }[]) => {
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
type ActedBy = { actor?: AuditActor; request?: AuditRequest };

/**
 * Logs an agent out everywhere (or of one session): deletes the sessions (audited:
 * `member.sessions_revoked`, when any ended) and closes their sockets at once. Returns how many ended.
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

/**
 * Deactivates an agent: status `disabled`, availability `offline`, every session deleted (so
 * reactivating never revives an old login), in one transaction; then their sockets are closed
 * on every node and the presence change published. Login answers INVALID_CREDENTIALS from then
 * on. Audited (`member.deactivated`) in the same transaction. Returns false when the agent is
 * not in the workspace or already disabled.
 */
export async function deactivateAgent(ctx: ServiceContext, o: { workspaceId: string; userId: string } & ActedBy): Promise<boolean> {
  const done = await ctx.db.transaction(async (tx) => {
    const [u] = await tx.rows<{ availability: Availability }>(sql`select availability from users
      where id = ${o.userId}::uuid and workspace_id = ${o.workspaceId}::uuid and status = 'active' for update`);
    if (!u) return null;
    const at = ctx.clock.now();
    await tx.rows(sql`update users set status = 'disabled', availability = 'offline', updated_at = ${at}::timestamptz
      where id = ${o.userId}::uuid`);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: o.actor ?? SYSTEM_ACTOR, action: 'member.deactivated', object: { type: 'user', id: o.userId },
      before: { status: 'active' }, after: { status: 'disabled' }, request: o.request, at });
    return { was: u.availability, sessions: await deleteSessions(tx, o) };
  });
  if (!done) return false;
  publishEnded(ctx, o.workspaceId, done.sessions);
  if (done.was !== 'offline')
    ctx.bus.publish('agent.presence_changed', { workspaceId: toWire('workspace', o.workspaceId), userId: toWire('user', o.userId), status: 'offline' });
  return true;
}

/** Lets a deactivated agent log in again (with a new login: old sessions were deleted); audited (`member.reactivated`). Returns false when not disabled. */
export async function reactivateAgent(ctx: ServiceContext, o: { workspaceId: string; userId: string } & ActedBy): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const at = ctx.clock.now();
    const rows = await tx.rows(sql`update users set status = 'active', updated_at = ${at}::timestamptz
      where id = ${o.userId}::uuid and workspace_id = ${o.workspaceId}::uuid and status = 'disabled' returning id`);
    if (!rows.length) return false;
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: o.actor ?? SYSTEM_ACTOR, action: 'member.reactivated', object: { type: 'user', id: o.userId },
      before: { status: 'disabled' }, after: { status: 'active' }, request: o.request, at });
    return true;
  });
}

export async function getAgent(ctx: ServiceContext, o: { workspaceId: string; userId: string }): Promise<Agent | null> {
  const [u] = await ctx.db.rows<UserRow>(sql`select * from users where id = ${o.userId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
  return u ? agentDto(u) : null;
}

export async function listAgents(ctx: ServiceContext, o: { workspaceId: string }): Promise<Agent[]> {
  const rows = await ctx.db.rows<UserRow>(sql`select * from users where workspace_id = ${o.workspaceId}::uuid
    and status = 'active' order by name, id`);
  return rows.map(agentDto);
}

/**
 * Sets an agent's availability; publishes `agent.presence_changed` when it changed.
 * `onlyIf` makes it conditional (e.g. go online on connect only if currently offline).
 */
export async function setAvailability(
  ctx: ServiceContext,
  o: { workspaceId: string; userId: string; status: Availability; onlyIf?: Availability },
): Promise<boolean> {
  const cond = o.onlyIf ? sql`and availability = ${o.onlyIf}::availability` : sql``;
  const rows = await ctx.db.rows(sql`update users set availability = ${o.status}::availability, updated_at = ${ctx.clock.now()}::timestamptz
    where id = ${o.userId}::uuid and workspace_id = ${o.workspaceId}::uuid and availability <> ${o.status}::availability ${cond}
    returning id`);
  if (!rows.length) return false;
  ctx.bus.publish('agent.presence_changed', {
    workspaceId: toWire('workspace', o.workspaceId),
    userId: toWire('user', o.userId),
    status: o.status,
  });
  return true;
}
