import { sql } from 'drizzle-orm';
import type { Account, AuditAction, NotificationPrefs } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId, toWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { hashToken, newToken } from '../lib/tokens.js';
import { recordAudit, type AuditActor, type AuditRequest } from '../audit/audit.service.js';
import { publishEnded, type AgentIdentity } from '../agents/agents.service.js';
import { assertFresh } from '../agents/teams.service.js';
import { hashPassword, verifyPassword } from '../agents/password.js';
import { cancelSystemMail, queueSystemMail } from '../email/system-mail.js';
import { linkInvalid, type LinkOptions } from './links.js';
import { avatarUrl, prefsOf } from './profile.js';

/**
 * The signed-in person's account (one across workspaces): name, signature, notification
 * preferences, password; and password resets by mail. Account events are audited in every
 * workspace the account is a member of (each workspace's admins see what happened to their
 * member), in the transaction of the change.
 */

/** Appends an account event to the log of every workspace the account is a member of (in the caller's transaction). */
export async function recordAccountAudit(
  tx: Tx | Db,
  o: { userId: string; actor: AuditActor; action: AuditAction; before?: Record<string, unknown>; after?: Record<string, unknown>; request?: AuditRequest | undefined; at: Date },
): Promise<void> {
  // crosses workspaces: an account belongs to every workspace it is a member of.
  const ws = await tx.rows<{ workspace_id: string }>(sql`select workspace_id from memberships where user_id = ${o.userId}::uuid order by workspace_id`);
  for (const w of ws)
    await recordAudit(tx as Tx, { workspaceId: w.workspace_id, actor: o.actor, action: o.action, object: { type: 'user', id: o.userId },
      ...(o.before ? { before: o.before } : {}), ...(o.after ? { after: o.after } : {}), request: o.request, at: o.at });
}

type AccountRow = { id: string; email: string; name: string; avatar_attachment_id: string | null; signature: string | null; notification_prefs: unknown; updated_at: Date };

const accountDto = (r: AccountRow): Account => ({
  id: toWire('user', r.id),
  email: r.email,
  name: r.name,
  avatarUrl: avatarUrl(r.id, r.avatar_attachment_id),
  signature: r.signature ?? '',
  notificationPrefs: prefsOf(r.notification_prefs),
  updatedAt: iso(r.updated_at),
});

/** The account of a user. */
export async function getAccount(db: Db | Tx, o: { userId: string }): Promise<Account> {
  const [r] = await db.rows<AccountRow>(sql`select id, email, name, avatar_attachment_id, signature, notification_prefs, updated_at
    from users where id = ${o.userId}::uuid`);
  if (!r) throw notFound('account');
  return accountDto(r);
}

/**
 * Changes any of the account's name, signature (plain text; '' clears it) and notification
 * preferences; `expectedUpdatedAt` (when given) must match or 409 STALE. Audited
 * (`account.updated`, what changed) when anything did. A new name reaches every workspace's
 * live sockets (the users trigger).
 */
export async function updateAccount(
  ctx: ServiceContext,
  o: { userId: string; name?: string | undefined; signature?: string | undefined; notificationPrefs?: NotificationPrefs | undefined; expectedUpdatedAt?: string | undefined; request?: AuditRequest | undefined },
): Promise<Account> {
  return ctx.db.transaction(async (tx) => {
    const [cur] = await tx.rows<AccountRow>(sql`select id, email, name, avatar_attachment_id, signature, notification_prefs, updated_at
      from users where id = ${o.userId}::uuid for update`);
    if (!cur) throw notFound('account');
    assertFresh(cur.updated_at, o.expectedUpdatedAt);
    const before = accountDto(cur);
    const next = {
      name: o.name?.trim() ?? before.name,
      signature: o.signature !== undefined ? o.signature.replace(/\r\n?/g, '\n').trimEnd() : before.signature,
      notificationPrefs: o.notificationPrefs ?? before.notificationPrefs,
    };
    const was = { name: before.name, signature: before.signature, notificationPrefs: before.notificationPrefs };
    if (JSON.stringify(next) === JSON.stringify(was)) return before;
    const now = ctx.clock.now();
    await tx.rows(sql`update users set name = ${next.name}, signature = ${next.signature || null},
        notification_prefs = ${JSON.stringify(next.notificationPrefs)}::jsonb, updated_at = ${now}::timestamptz
      where id = ${o.userId}::uuid`);
    await recordAccountAudit(tx, { userId: o.userId, actor: { type: 'user', id: o.userId }, action: 'account.updated', before: was, after: next, request: o.request, at: now });
    return getAccount(tx, o);
  });
}

/** Deletes the account's sessions in every workspace except `keep` (in the caller's transaction); the caller publishes after commit. */
async function endSessions(tx: Tx, o: { userId: string; keep?: string }) {
  // crosses workspaces: a password belongs to the account, so its sessions end everywhere.
  return tx.rows<{ id: string; workspace_id: string }>(sql`delete from agent_sessions where user_id = ${o.userId}::uuid
    ${o.keep ? sql`and id <> ${o.keep}::uuid` : sql``} returning id, workspace_id`);
}

const publishAllEnded = (ctx: ServiceContext, sessions: { id: string; workspace_id: string }[]) => {
  for (const s of sessions) publishEnded(ctx, s.workspace_id, [s]);
};

/** Sets a new password hash, drops the account's unused reset links, ends sessions (all but `keep`): the caller's transaction. */
async function setPassword(tx: Tx, o: { userId: string; hash: string; keep?: string; now: Date }) {
  await tx.rows(sql`update users set password_hash = ${o.hash}, updated_at = ${o.now}::timestamptz where id = ${o.userId}::uuid`);
  await cancelSystemMail(tx, { userId: o.userId }, o.now);
  // A used link is kept (until maintenance purges it) so that opening it again says "used".
  await tx.rows(sql`delete from password_resets where user_id = ${o.userId}::uuid and used_at is null`);
  return endSessions(tx, o);
}

/**
 * Changes the signed-in person's password: the current one must be right (VALIDATION_FAILED on
 * `currentPassword` otherwise). Every other session of the account (every workspace, every
 * browser) ends and their sockets close; this one stays. Pending reset links stop working.
 * Audited `account.password_changed`.
 */
export async function changePassword(ctx: ServiceContext, o: { me: AgentIdentity; currentPassword: string; newPassword: string; request?: AuditRequest | undefined }): Promise<void> {
  // crosses workspaces: the password is the account's; its sessions and audit rows are in every workspace of it.
  const [u] = await ctx.db.rows<{ password_hash: string }>(sql`select password_hash from users where id = ${o.me.userId}::uuid`);
  if (!u || !(await verifyPassword(o.currentPassword, u.password_hash)))
    throw new AppError('VALIDATION_FAILED', 'currentPassword: this is not your current password', [{ path: 'currentPassword', message: 'This is not your current password' }]);
  const hash = await hashPassword(o.newPassword);
  const ended = await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    // Only if it is still the password that was checked (another change may have won meanwhile).
    const [same] = await tx.rows(sql`select 1 from users where id = ${o.me.userId}::uuid and password_hash = ${u.password_hash} for update`);
    if (!same) throw new AppError('STALE', 'your password was changed meanwhile: reload and try again');
    const sessions = await setPassword(tx, { userId: o.me.userId, hash, keep: o.me.sessionId, now });
    await recordAccountAudit(tx, { userId: o.me.userId, actor: { type: 'user', id: o.me.userId }, action: 'account.password_changed',
      after: { otherSessionsEnded: sessions.length }, request: o.request, at: now });
    return sessions;
  });
  publishAllEnded(ctx, ended);
}

/**
 * A password-reset request for `email`. When an active account has that address: its earlier
 * links stop working, a new single-use link (PASSWORD_RESET_TTL_MINUTES) is mailed, and
 * `account.password_reset_requested` is audited. Otherwise nothing happens. The route answers
 * the same before calling this, so neither the answer nor its timing says which. Returns the
 * account's id (its mail is queued), or null.
 */
export async function requestPasswordReset(ctx: ServiceContext, o: { email: string; request?: AuditRequest | undefined } & LinkOptions): Promise<string | null> {
  // crosses workspaces: the address is all the caller gives; an account is in no single workspace.
  const [u] = await ctx.db.rows<{ id: string; name: string; email: string }>(sql`select id, name, email from users
    where lower(email) = lower(${o.email}) and status = 'active'`);
  if (!u) return null;
  const token = newToken();
  const now = ctx.clock.now();
  const minutes = ctx.config.PASSWORD_RESET_TTL_MINUTES;
  await ctx.db.transaction(async (tx) => {
    await cancelSystemMail(tx, { userId: u.id }, now);
    await tx.rows(sql`delete from password_resets where user_id = ${u.id}::uuid`);
    const id = newId();
    await tx.rows(sql`insert into password_resets (id, user_id, token_hash, expires_at, created_at)
      values (${id}::uuid, ${u.id}::uuid, ${hashToken(token)}, ${new Date(now.getTime() + minutes * 60_000)}::timestamptz, ${now}::timestamptz)`);
    await queueSystemMail(tx, { kind: 'password_reset', to: u.email, passwordResetId: id, params: { name: u.name, minutes }, linkBase: o.linkBase, token, smtp: o.smtp, now });
    await recordAccountAudit(tx, { userId: u.id, actor: { type: 'user', id: u.id }, action: 'account.password_reset_requested', request: o.request, at: now });
  });
  if (!o.smtp) ctx.logger.warn({ user: toWire('user', u.id) }, 'a password reset was asked for, but no SMTP server is configured to mail the link');
  return u.id;
}

type ResetRow = { id: string; user_id: string; expires_at: Date; used_at: Date | null };

/** The reset a token names (locked when given a transaction to lock in), or LINK_INVALID. */
async function resetByToken(db: Db | Tx, token: string, now: Date, lock = false): Promise<ResetRow> {
  // crosses workspaces: the token is all the caller has.
  const [r] = await db.rows<ResetRow>(sql`select id, user_id, expires_at, used_at from password_resets
    where token_hash = ${hashToken(token)} ${lock ? sql`for update` : sql``}`);
  if (!r) throw linkInvalid('unknown', 'this password-reset link is not valid (a newer one may have replaced it)');
  if (r.used_at) throw linkInvalid('used', 'this password-reset link has been used already');
  if (new Date(r.expires_at).getTime() <= now.getTime()) throw linkInvalid('expired', 'this password-reset link has expired');
  return r;
}

/** Whether a reset link can be used: until when, or LINK_INVALID. */
export async function checkPasswordReset(ctx: ServiceContext, token: string): Promise<{ expiresAt: string }> {
  const r = await resetByToken(ctx.db, token, ctx.clock.now());
  return { expiresAt: iso(r.expires_at) };
}

/**
 * Sets a new password through a reset link (single use; LINK_INVALID when unknown, used or
 * expired). Every session of the account ends, in every workspace, and their sockets close.
 * Audited `account.password_reset`.
 */
export async function resetPassword(ctx: ServiceContext, o: { token: string; password: string; request?: AuditRequest | undefined }): Promise<void> {
  await resetByToken(ctx.db, o.token, ctx.clock.now());
  const hash = await hashPassword(o.password);
  const ended = await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const r = await resetByToken(tx, o.token, now, true);
    await tx.rows(sql`update password_resets set used_at = ${now}::timestamptz where id = ${r.id}::uuid`);
    const sessions = await setPassword(tx, { userId: r.user_id, hash, now });
    await recordAccountAudit(tx, { userId: r.user_id, actor: { type: 'user', id: r.user_id }, action: 'account.password_reset',
      after: { sessionsEnded: sessions.length }, request: o.request, at: now });
    return sessions;
  });
  publishAllEnded(ctx, ended);
}

/** Deletes reset links that expired more than a day ago (maintenance). Returns how many. */
export async function purgePasswordResets(ctx: Pick<ServiceContext, 'db' | 'clock'>): Promise<number> {
  // crosses workspaces: maintenance of account-level rows.
  const rows = await ctx.db.rows(sql`delete from password_resets where expires_at < ${new Date(ctx.clock.now().getTime() - 86_400_000)}::timestamptz returning id`);
  return rows.length;
}
