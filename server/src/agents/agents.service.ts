import { sql } from 'drizzle-orm';
import type { Agent, Availability } from '@support/protocol';
import { newId, toWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { Db, Tx } from '../db/client.js';
import type { ServiceContext } from '../lib/context.js';
import { hashToken, newToken } from '../lib/tokens.js';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from './password.js';

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
 * Email + password → a new session token (stored hashed). Unknown email, wrong password
 * and a disabled account all answer INVALID_CREDENTIALS after the same hashing work. A
 * password hash in an older format is replaced by a current one on success.
 */
export async function login(ctx: ServiceContext, o: { email: string; password: string }) {
  const [u] = await ctx.db.rows<UserRow & { password_hash: string }>(
    sql`select * from users where lower(email) = lower(${o.email})`,
  );
  const ok = await verifyPassword(o.password, u?.password_hash ?? (await DUMMY_HASH));
  if (!u || !ok || u.status !== 'active') throw new AppError('INVALID_CREDENTIALS', 'wrong email or password');
  if (needsRehash(u.password_hash)) await upgradeHash(ctx, u.id, u.password_hash, o.password);
  const token = newToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.AGENT_SESSION_TTL_HOURS * 3_600_000);
  await ctx.db.rows(sql`insert into agent_sessions (id, workspace_id, user_id, token_hash, created_at, expires_at)
    values (${newId()}::uuid, ${u.workspace_id}::uuid, ${u.id}::uuid, ${hashToken(token)}, ${now}::timestamptz, ${expiresAt}::timestamptz)`);
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

/** Deletes the session and closes every socket opened with it (`agent.session_ended`). */
export async function logout(ctx: ServiceContext, token: string): Promise<void> {
  const rows = await ctx.db.rows<{ id: string; workspace_id: string }>(sql`delete from agent_sessions
    where token_hash = ${hashToken(token)} returning id, workspace_id`);
  for (const r of rows) publishEnded(ctx, r.workspace_id, [r]);
}

/** Logs an agent out everywhere (or of one session): deletes the sessions and closes their sockets at once. Returns how many ended. */
export async function revokeAgentSessions(ctx: ServiceContext, o: { workspaceId: string; userId: string; sessionId?: string }): Promise<number> {
  const ended = await deleteSessions(ctx.db, o);
  publishEnded(ctx, o.workspaceId, ended);
  return ended.length;
}

/**
 * Deactivates an agent: status `disabled`, availability `offline`, every session deleted (so
 * reactivating never revives an old login), in one transaction; then their sockets are closed
 * on every node and the presence change published. Login answers INVALID_CREDENTIALS from then
 * on. Returns false when the agent is not in the workspace or already disabled.
 */
export async function deactivateAgent(ctx: ServiceContext, o: { workspaceId: string; userId: string }): Promise<boolean> {
  const done = await ctx.db.transaction(async (tx) => {
    const [u] = await tx.rows<{ availability: Availability }>(sql`select availability from users
      where id = ${o.userId}::uuid and workspace_id = ${o.workspaceId}::uuid and status = 'active' for update`);
    if (!u) return null;
    await tx.rows(sql`update users set status = 'disabled', availability = 'offline', updated_at = ${ctx.clock.now()}::timestamptz
      where id = ${o.userId}::uuid`);
    return { was: u.availability, sessions: await deleteSessions(tx, o) };
  });
  if (!done) return false;
  publishEnded(ctx, o.workspaceId, done.sessions);
  if (done.was !== 'offline')
    ctx.bus.publish('agent.presence_changed', { workspaceId: toWire('workspace', o.workspaceId), userId: toWire('user', o.userId), status: 'offline' });
  return true;
}

/** Lets a deactivated agent log in again (with a new login: old sessions were deleted). Returns false when not disabled. */
export async function reactivateAgent(ctx: ServiceContext, o: { workspaceId: string; userId: string }): Promise<boolean> {
  const rows = await ctx.db.rows(sql`update users set status = 'active', updated_at = ${ctx.clock.now()}::timestamptz
    where id = ${o.userId}::uuid and workspace_id = ${o.workspaceId}::uuid and status = 'disabled' returning id`);
  return rows.length > 0;
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
