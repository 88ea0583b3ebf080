import { sql } from 'drizzle-orm';
import type { Agent, Availability } from '@support/protocol';
import { newId, toWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { hashToken, newToken } from '../lib/tokens.js';
import { DUMMY_HASH, verifyPassword } from './password.js';

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
 * and a disabled account all answer INVALID_CREDENTIALS after the same scrypt work.
 */
export async function login(ctx: ServiceContext, o: { email: string; password: string }) {
  const [u] = await ctx.db.rows<UserRow & { password_hash: string }>(
    sql`select * from users where lower(email) = lower(${o.email})`,
  );
  const ok = await verifyPassword(o.password, u?.password_hash ?? (await DUMMY_HASH));
  if (!u || !ok || u.status !== 'active') throw new AppError('INVALID_CREDENTIALS', 'wrong email or password');
  const token = newToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.AGENT_SESSION_TTL_HOURS * 3_600_000);
  await ctx.db.rows(sql`insert into agent_sessions (id, workspace_id, user_id, token_hash, created_at, expires_at)
    values (${newId()}::uuid, ${u.workspace_id}::uuid, ${u.id}::uuid, ${hashToken(token)}, ${now}::timestamptz, ${expiresAt}::timestamptz)`);
  return { token, expiresAt: expiresAt.toISOString(), agent: agentDto(u) };
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

/** Deletes the session and closes every socket opened with it (`agent.session_ended`). */
export async function logout(ctx: ServiceContext, token: string): Promise<void> {
  const rows = await ctx.db.rows<{ id: string; workspace_id: string }>(sql`delete from agent_sessions
    where token_hash = ${hashToken(token)} returning id, workspace_id`);
  for (const r of rows) ctx.bus.publish('agent.session_ended', { workspaceId: toWire('workspace', r.workspace_id), sessionId: r.id });
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
