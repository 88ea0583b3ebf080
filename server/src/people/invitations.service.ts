import { sql } from 'drizzle-orm';
import {
  newPasswordSchema,
  type Invitation,
  type InvitationIssued,
  type InvitationPreview,
  type LoginResult,
  type MemberRole,
  type SystemMailState,
} from '@support/protocol';
import type { Tx } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { newId, toWire, toWireOrNull } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { Actor, ServiceContext } from '../lib/context.js';
import { hashToken, newToken } from '../lib/tokens.js';
import { auditActorOf, recordAudit, type AuditRequest } from '../audit/audit.service.js';
import { startSession } from '../agents/agents.service.js';
import { requireOwner } from '../agents/members.service.js';
import { requireAll } from '../agents/teams.service.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../agents/password.js';
import { addMember } from '../workspaces/workspaces.service.js';
import { cancelSystemMail, queueSystemMail } from '../email/system-mail.js';
import { linkInvalid, type LinkOptions } from './links.js';

/**
 * Invitations: an admin (`settings.people`) invites an address with a role and teams; the
 * mail carries a single-use link (`/inbox/accept/<token>`, valid INVITATION_TTL_DAYS) whose
 * token is stored only as its sha256. Re-sending issues a new token (the old link stops
 * working); revoking ends it. Accepting creates the account (or, for an address with one,
 * checks its password), adds the membership with the role and teams, and starts a session.
 * Every step is audited in its transaction.
 */

type Row = {
  id: string; email: string; role: MemberRole; role_id: string | null; team_ids: string[]; status: string; expires_at: Date; invited_by: string | null;
  inviter_name: string | null; mail_status: SystemMailState['status'] | null; mail_error: string | null; mail_at: Date | null; created_at: Date; updated_at: Date;
};

const invitationSql = (ws: string) => sql`select i.id, i.email, i.role, i.role_id, i.team_ids, i.status, i.expires_at, i.invited_by, u.name as inviter_name,
    m.status as mail_status, m.last_error as mail_error, m.updated_at as mail_at, i.created_at, i.updated_at
  from invitations i left join users u on u.id = i.invited_by
  left join lateral (select status, last_error, updated_at from system_mail s where s.invitation_id = i.id order by s.created_at desc, s.id desc limit 1) m on true
  where i.workspace_id = ${ws}::uuid`;

const dto = (r: Row, now: Date): Invitation => ({
  id: toWire('invitation', r.id),
  email: r.email,
  role: r.role,
  roleId: toWireOrNull('role', r.role_id),
  teamIds: r.team_ids.map((t) => toWire('team', t)),
  invitedBy: r.invited_by ? { id: toWire('user', r.invited_by), name: r.inviter_name ?? '' } : null,
  expiresAt: iso(r.expires_at),
  expired: new Date(r.expires_at).getTime() <= now.getTime(),
  mail: r.mail_status ? { status: r.mail_status, error: r.mail_error, at: iso(r.mail_at) } : null,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

/** The workspace's pending invitations (expired ones too, marked), newest first. */
export async function listInvitations(ctx: ServiceContext, o: { workspaceId: string }): Promise<Invitation[]> {
  const rows = await ctx.db.rows<Row>(sql`${invitationSql(o.workspaceId)} and i.status = 'pending' order by i.created_at desc, i.id desc`);
  return rows.map((r) => dto(r, ctx.clock.now()));
}

async function getInvitation(tx: Tx, o: { workspaceId: string; invitationId: string }, now: Date): Promise<Invitation> {
  const [r] = await tx.rows<Row>(sql`${invitationSql(o.workspaceId)} and i.id = ${o.invitationId}::uuid`);
  if (!r) throw notFound('invitation');
  return dto(r, now);
}

const ROLE_NAMES: Record<Exclude<MemberRole, 'custom'>, string> = { owner: 'Owner', admin: 'Admin', supervisor: 'Supervisor', agent: 'Agent' };

/** The name of a role as people read it: a built-in role's, or the custom role's. */
async function roleName(tx: Tx, o: { workspaceId: string; role: MemberRole; roleId: string | null }): Promise<string> {
  if (o.role !== 'custom') return ROLE_NAMES[o.role];
  const [r] = await tx.rows<{ name: string }>(sql`select name from roles where id = ${o.roleId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
  return r?.name ?? 'Custom role';
}

/** Writes a new link for an invitation and queues its mail (the caller's transaction); the link itself when there is no SMTP. */
async function issueLink(
  tx: Tx,
  ctx: ServiceContext,
  o: { workspaceId: string; invitationId: string; email: string; role: MemberRole; roleId: string | null; inviter: string | null; now: Date } & LinkOptions,
): Promise<string | null> {
  const token = newToken();
  const expiresAt = new Date(o.now.getTime() + ctx.config.INVITATION_TTL_DAYS * 86_400_000);
  await tx.rows(sql`update invitations set token_hash = ${hashToken(token)}, expires_at = ${expiresAt}::timestamptz, updated_at = ${o.now}::timestamptz
    where id = ${o.invitationId}::uuid`);
  const [w] = await tx.rows<{ name: string }>(sql`select name from workspaces where id = ${o.workspaceId}::uuid`);
  const [u] = o.inviter ? await tx.rows<{ name: string }>(sql`select name from users where id = ${o.inviter}::uuid`) : [];
  await queueSystemMail(tx, {
    kind: 'invitation', to: o.email, invitationId: o.invitationId, linkBase: o.linkBase, token, smtp: o.smtp, now: o.now,
    params: { workspaceName: w!.name, inviterName: u?.name ?? null, roleName: await roleName(tx, o), expiresAt: expiresAt.toISOString() },
  });
  return o.smtp ? null : o.linkBase + token;
}

const ids = (kind: 'team' | 'role', list: string[]) => list.map((i) => toWire(kind, i));

/**
 * Invites `email` to the workspace with a role (only an owner invites an owner) and teams (of
 * the workspace). An address that is a member already is 409 ALREADY_MEMBER, one with a
 * pending invitation 409 ALREADY_INVITED (an expired one is replaced); both on the field
 * `email`. Queues the mail and audits `member.invited` in one transaction.
 */
export async function inviteMember(
  ctx: ServiceContext,
  o: { workspaceId: string; actor: Actor; email: string; role: MemberRole; roleId: string | null; teamIds: string[]; request?: AuditRequest | undefined } & LinkOptions,
): Promise<InvitationIssued> {
  const email = o.email.toLowerCase();
  const now = ctx.clock.now();
  const run = () =>
    ctx.db.transaction(async (tx) => {
      if (o.role === 'owner') await requireOwner(tx, o, 'invite an owner');
      if (o.role === 'custom') {
        const [r] = await tx.rows(sql`select 1 from roles where id = ${o.roleId}::uuid and workspace_id = ${o.workspaceId}::uuid for key share`);
        if (!r) throw notFound('role');
      }
      await requireAll(tx, { workspaceId: o.workspaceId, table: 'teams', ids: o.teamIds });
      const [member] = await tx.rows<{ status: string }>(sql`select m.status from memberships m join users u on u.id = m.user_id
        where m.workspace_id = ${o.workspaceId}::uuid and lower(u.email) = ${email}`);
      if (member)
        throw new AppError(
          'ALREADY_MEMBER',
          member.status === 'active'
            ? `${email} is a member of this workspace already`
            : `${email} is a deactivated member of this workspace: reactivate them instead`,
          { field: 'email' },
        );
      const [pending] = await tx.rows<{ id: string; expires_at: Date }>(sql`select id, expires_at from invitations
        where workspace_id = ${o.workspaceId}::uuid and lower(email) = ${email} and status = 'pending' for update`);
      if (pending && new Date(pending.expires_at).getTime() > now.getTime())
        throw new AppError('ALREADY_INVITED', `${email} has a pending invitation: re-send it from the list`, { field: 'email' });
      if (pending) {
        await tx.rows(sql`update invitations set status = 'expired', updated_at = ${now}::timestamptz where id = ${pending.id}::uuid`);
        await cancelSystemMail(tx, { invitationId: pending.id }, now);
      }
      const id = newId();
      const roleId = o.role === 'custom' ? o.roleId : null;
      // The real token comes from issueLink; this placeholder hash is unique and matches no token.
      await tx.rows(sql`insert into invitations (id, workspace_id, email, role, role_id, team_ids, token_hash, status, invited_by, expires_at, created_at, updated_at)
        values (${id}::uuid, ${o.workspaceId}::uuid, ${email}, ${o.role}::member_role, ${roleId}::uuid, ${`{${[...new Set(o.teamIds)].join(',')}}`}::uuid[],
          ${`unissued:${id}`}, 'pending', ${o.actor.id}::uuid, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz)`);
      const link = await issueLink(tx, ctx, { ...o, email, roleId, invitationId: id, inviter: o.actor.id, now });
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: auditActorOf(o.actor), action: 'member.invited', object: { type: 'invitation', id },
        after: { email, role: o.role, roleId: toWireOrNull('role', roleId), teamIds: ids('team', o.teamIds) }, request: o.request, at: now });
      return { invitation: await getInvitation(tx, { workspaceId: o.workspaceId, invitationId: id }, now), link };
    });
  try {
    return await run();
  } catch (err) {
    // Two invitations to one address at once: the partial unique index lets one through.
    if (isUniqueViolation(err)) throw new AppError('ALREADY_INVITED', `${email} has a pending invitation: re-send it from the list`, { field: 'email' });
    throw err;
  }
}

/** Locks a pending invitation of the workspace (NOT_FOUND otherwise); an owner invitation is handled by owners only. */
async function lockPending(tx: Tx, o: { workspaceId: string; invitationId: string; actor: Actor }, what: string) {
  const [i] = await tx.rows<{ email: string; role: MemberRole; role_id: string | null; invited_by: string | null; expires_at: Date }>(sql`select email, role, role_id, invited_by, expires_at
    from invitations where id = ${o.invitationId}::uuid and workspace_id = ${o.workspaceId}::uuid and status = 'pending' for update`);
  if (!i) throw notFound('invitation');
  if (i.role === 'owner') await requireOwner(tx, o, what);
  return i;
}

/**
 * Re-sends a pending invitation (expired or not) with a new token and a new expiry: the
 * earlier link stops working and its waiting mail is cancelled. Audited `invitation.resent`.
 */
export async function resendInvitation(
  ctx: ServiceContext,
  o: { workspaceId: string; invitationId: string; actor: Actor; request?: AuditRequest | undefined } & LinkOptions,
): Promise<InvitationIssued> {
  return ctx.db.transaction(async (tx) => {
    const i = await lockPending(tx, o, 'handle an owner invitation');
    const now = ctx.clock.now();
    await cancelSystemMail(tx, { invitationId: o.invitationId }, now);
    const link = await issueLink(tx, ctx, { ...o, email: i.email, role: i.role, roleId: i.role_id, inviter: o.actor.id ?? i.invited_by, now });
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: auditActorOf(o.actor), action: 'invitation.resent', object: { type: 'invitation', id: o.invitationId },
      before: { expiresAt: iso(i.expires_at) }, after: { expiresAt: new Date(now.getTime() + ctx.config.INVITATION_TTL_DAYS * 86_400_000).toISOString() },
      request: o.request, at: now });
    return { invitation: await getInvitation(tx, o, now), link };
  });
}

/** Revokes a pending invitation: its link stops working and its waiting mail is cancelled. Audited `invitation.revoked`. */
export async function revokeInvitation(ctx: ServiceContext, o: { workspaceId: string; invitationId: string; actor: Actor; request?: AuditRequest | undefined }): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const i = await lockPending(tx, o, 'handle an owner invitation');
    const now = ctx.clock.now();
    await tx.rows(sql`update invitations set status = 'revoked', revoked_at = ${now}::timestamptz, updated_at = ${now}::timestamptz where id = ${o.invitationId}::uuid`);
    await cancelSystemMail(tx, { invitationId: o.invitationId }, now);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: auditActorOf(o.actor), action: 'invitation.revoked', object: { type: 'invitation', id: o.invitationId },
      before: { email: i.email, status: 'pending' }, after: { email: i.email, status: 'revoked' }, request: o.request, at: now });
  });
}

type ByToken = {
  id: string; workspace_id: string; workspace_name: string; email: string; role: MemberRole; role_id: string | null; team_ids: string[]; status: string;
  expires_at: Date; inviter_name: string | null; account_id: string | null;
};

/** The invitation a token names (locked when `lock`), or LINK_INVALID saying why it cannot be used. */
async function byToken(tx: Tx | ServiceContext['db'], token: string, now: Date, lock = false): Promise<ByToken> {
  // crosses workspaces: the token is all the caller has; it names the workspace.
  const [i] = await tx.rows<ByToken>(sql`select i.id, i.workspace_id, w.name as workspace_name, i.email, i.role, i.role_id, i.team_ids, i.status,
      i.expires_at, u.name as inviter_name, (select id from users a where lower(a.email) = lower(i.email)) as account_id
    from invitations i join workspaces w on w.id = i.workspace_id left join users u on u.id = i.invited_by
    where i.token_hash = ${hashToken(token)} ${lock ? sql`for update of i` : sql``}`);
  if (!i) throw linkInvalid('unknown', 'this invitation link is not valid (a newer one may have replaced it)');
  if (i.status === 'accepted') throw linkInvalid('used', 'this invitation has been accepted already');
  if (i.status === 'revoked') throw linkInvalid('revoked', 'this invitation was revoked');
  if (i.status !== 'pending' || new Date(i.expires_at).getTime() <= now.getTime()) throw linkInvalid('expired', 'this invitation has expired');
  return i;
}

/** What the acceptance page shows: the workspace, the address, the role, who invited, and whether the address has an account. */
export async function previewInvitation(ctx: ServiceContext, token: string): Promise<InvitationPreview> {
  // crosses workspaces: a public request; the token names the workspace (byToken).
  const i = await byToken(ctx.db, token, ctx.clock.now());
  return ctx.db.transaction(async (tx) => ({
    workspace: { name: i.workspace_name },
    email: i.email,
    role: i.role,
    roleName: await roleName(tx, { workspaceId: i.workspace_id, role: i.role, roleId: i.role_id }),
    invitedBy: i.inviter_name,
    expiresAt: iso(i.expires_at),
    hasAccount: i.account_id !== null,
  }));
}

const fieldError = (path: string, message: string) => new AppError('VALIDATION_FAILED', `${path}: ${message}`, [{ path, message }]);
const wrongPassword = () => new AppError('INVALID_CREDENTIALS', 'that is not the password of this account', { field: 'password' });

/**
 * Accepts an invitation and signs in to its workspace. An address without an account needs
 * `name` and a new password (an account is created); one with an account needs that account's
 * password (INVALID_CREDENTIALS on `password` otherwise) and gets the membership. The
 * membership has the invitation's role and the teams that still exist; the invitation is
 * marked accepted (single use) and `member.joined` audited, in one transaction; then a
 * session starts (`auth.login`). A deactivated member is FORBIDDEN (an admin reactivates).
 */
export async function acceptInvitation(
  ctx: ServiceContext,
  o: { token: string; name?: string | undefined; password: string; request?: AuditRequest | undefined },
): Promise<LoginResult> {
  const peek = await byToken(ctx.db, o.token, ctx.clock.now());
  let newHash: string | null = null;
  if (!peek.account_id) {
    if (!o.name) throw fieldError('name', 'This field is required');
    const p = newPasswordSchema.safeParse(o.password);
    if (!p.success) throw fieldError('password', p.error.issues[0]!.message);
    newHash = await hashPassword(o.password);
  }
  const joined = await ctx.db
    // crosses workspaces: a public request; the token names the workspace joined (i.workspace_id), which every write below is scoped to.
    .transaction(async (tx) => {
      const now = ctx.clock.now();
      const i = await byToken(tx, o.token, now, true);
      let userId: string;
      let created = false;
      if (i.account_id) {
        const [u] = await tx.rows<{ status: string; password_hash: string }>(sql`select status, password_hash from users where id = ${i.account_id}::uuid for update`);
        const ok = await verifyPassword(o.password, u?.password_hash ?? (await DUMMY_HASH));
        if (!u || !ok || u.status !== 'active') throw wrongPassword();
        userId = i.account_id;
      } else {
        if (!newHash) throw new AppError('CONFLICT', 'an account was created for this address meanwhile: open the link again');
        userId = newId();
        await tx.rows(sql`insert into users (id, email, name, password_hash, created_at, updated_at)
          values (${userId}::uuid, ${i.email}, ${o.name!.trim()}, ${newHash}, ${now}::timestamptz, ${now}::timestamptz)`);
        created = true;
      }
      const [m] = await tx.rows<{ status: string }>(sql`select status from memberships where workspace_id = ${i.workspace_id}::uuid and user_id = ${userId}::uuid`);
      if (m?.status === 'deactivated') throw new AppError('FORBIDDEN', 'you were deactivated in this workspace: ask one of its admins to reactivate you');
      const teams = m ? [] : await tx.rows<{ id: string }>(sql`select id from teams where workspace_id = ${i.workspace_id}::uuid
        and id = any(${`{${i.team_ids.join(',')}}`}::uuid[]) order by id`);
      if (!m) {
        await addMember(tx, { workspaceId: i.workspace_id, userId, role: i.role, roleId: i.role === 'custom' ? i.role_id : null });
        for (const t of teams)
          await tx.rows(sql`insert into team_members (workspace_id, team_id, user_id) values (${i.workspace_id}::uuid, ${t.id}::uuid, ${userId}::uuid)`);
      }
      await tx.rows(sql`update invitations set status = 'accepted', accepted_by = ${userId}::uuid, accepted_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
        where id = ${i.id}::uuid`);
      await cancelSystemMail(tx, { invitationId: i.id }, now);
      await recordAudit(tx, { workspaceId: i.workspace_id, actor: { type: 'user', id: userId }, action: 'member.joined', object: { type: 'user', id: userId },
        after: { email: i.email, role: i.role, roleId: toWireOrNull('role', i.role_id), teamIds: ids('team', teams.map((t) => t.id)), invitation: toWire('invitation', i.id), newAccount: created },
        request: o.request, at: now });
      return { userId, workspaceId: i.workspace_id };
    })
    .catch((err: unknown) => {
      if (isUniqueViolation(err)) throw new AppError('CONFLICT', 'an account was created for this address meanwhile: open the link again');
      throw err;
    });
  return startSession(ctx, { ...joined, action: 'auth.login', request: o.request });
}
