import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Channel, MemberRole, WorkspaceCreated } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId, toWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import { constraintOf, isUniqueViolation } from '../db/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { hashPassword } from '../agents/password.js';
import { recordAudit, type AuditRequest } from '../audit/audit.service.js';

/** Advisory lock key space of inbox creation (one workspace at a time). */
const INBOX_CREATE_LOCK = 0x5e_0004;

/** Creates a workspace. Returns its uuid. */
export async function createWorkspace(db: Db | Tx, o: { name: string; timezone?: string }): Promise<string> {
  const id = newId();
  await db.rows(sql`insert into workspaces (id, name, timezone) values (${id}::uuid, ${o.name}, ${o.timezone ?? 'UTC'})`);
  return id;
}

/** The settings a new chat inbox starts with. */
export const DEFAULT_CHAT_SETTINGS = { greeting: 'Hi! Ask us anything.', color: '#4f46e5', replyTime: 'a few minutes', position: 'right' };

/**
 * Takes the workspace's inbox-names lock (until the transaction ends) and refuses a name
 * another inbox of the workspace has (other than `exceptId`, the inbox being renamed),
 * case-insensitively (409 INBOX_NAME_TAKEN, `details.field` "name"); the unique index is the
 * backstop (`inboxConflict`). Every creation and every change of a name or address takes
 * it, so two at once cannot both pass the check. Call inside a transaction.
 */
export async function lockInboxNames(tx: Tx, o: { workspaceId: string; name: string; exceptId?: string }): Promise<void> {
  await tx.rows(sql`select pg_advisory_xact_lock(hashtextextended(${o.workspaceId}, ${INBOX_CREATE_LOCK}))`);
  const [taken] = await tx.rows(sql`select 1 from inboxes where workspace_id = ${o.workspaceId}::uuid and lower(name) = lower(${o.name})
    ${o.exceptId ? sql`and id <> ${o.exceptId}::uuid` : sql``}`);
  if (taken) throw new AppError('INBOX_NAME_TAKEN', `an inbox named "${o.name}" already exists`, { field: 'name' });
}

/**
 * The 409 of a unique-index violation on inbox names or addresses (a write that did not take
 * `lockInboxNames`, e.g. SQL by hand, racing one that did), else null.
 */
export function inboxConflict(err: unknown): AppError | null {
  if (!isUniqueViolation(err)) return null;
  const constraint = constraintOf(err);
  if (constraint === 'inboxes_workspace_name_uq') return new AppError('INBOX_NAME_TAKEN', 'an inbox with this name already exists', { field: 'name' });
  if (constraint === 'inboxes_workspace_address_uq') return new AppError('INBOX_ADDRESS_TAKEN', 'an inbox with this address already exists', { field: 'address' });
  return null;
}

/**
 * Creates an inbox with a fresh server-side secret; a name the workspace has already is 409
 * INBOX_NAME_TAKEN (in the caller's transaction, or one of its own). Returns its uuid.
 */
export async function createInbox(
  db: Db | Tx,
  o: { workspaceId: string; name: string; channel: Channel; settings?: Record<string, unknown> },
): Promise<string> {
  if ('transaction' in db) return db.transaction((tx) => createInbox(tx, o));
  await lockInboxNames(db, o);
  const id = newId();
  await db.rows(sql`insert into inboxes (id, workspace_id, name, channel, settings, secret)
    values (${id}::uuid, ${o.workspaceId}::uuid, ${o.name}, ${o.channel}::channel, ${JSON.stringify(o.settings ?? {})}::jsonb,
            ${randomBytes(32).toString('base64url')})`);
  return id;
}

/** Creates an account (argon2id-hashed password, agents/password.ts) without any membership. Returns its uuid. */
export async function createUser(db: Db | Tx, o: { email: string; name: string; password: string }): Promise<string> {
  const id = newId();
  const hash = await hashPassword(o.password);
  await db.rows(sql`insert into users (id, email, name, password_hash)
    values (${id}::uuid, ${o.email.toLowerCase()}, ${o.name}, ${hash})`);
  return id;
}

/** Makes an account a member of a workspace (active, offline) with a built-in role or a custom one (`roleId`). */
export async function addMember(db: Db | Tx, o: { workspaceId: string; userId: string; role?: MemberRole; roleId?: string | null }): Promise<void> {
  const role = o.roleId ? 'custom' : (o.role ?? 'agent');
  await db.rows(sql`insert into memberships (workspace_id, user_id, role, role_id)
    values (${o.workspaceId}::uuid, ${o.userId}::uuid, ${role}::member_role, ${o.roleId ?? null}::uuid)`);
}

/** Creates an account and its membership of one workspace (seeds, tests). Returns the user's uuid. */
export async function createAgent(
  db: Db | Tx,
  o: { workspaceId: string; email: string; name: string; password: string; role?: MemberRole; roleId?: string | null },
): Promise<string> {
  const id = await createUser(db, o);
  await addMember(db, { workspaceId: o.workspaceId, userId: id, role: o.role ?? 'agent', roleId: o.roleId ?? null });
  return id;
}

/** Creates a team, optionally with members (of the workspace) and the inboxes it works. Returns its uuid. */
export async function createTeam(db: Db | Tx, o: { workspaceId: string; name: string; memberIds?: string[]; inboxIds?: string[] }): Promise<string> {
  const id = newId();
  await db.rows(sql`insert into teams (id, workspace_id, name) values (${id}::uuid, ${o.workspaceId}::uuid, ${o.name})`);
  for (const userId of o.memberIds ?? [])
    await db.rows(sql`insert into team_members (workspace_id, team_id, user_id) values (${o.workspaceId}::uuid, ${id}::uuid, ${userId}::uuid)`);
  for (const inboxId of o.inboxIds ?? [])
    await db.rows(sql`insert into team_inboxes (workspace_id, team_id, inbox_id) values (${o.workspaceId}::uuid, ${id}::uuid, ${inboxId}::uuid)`);
  return id;
}

/**
 * A new workspace, created by a user who owns at least one workspace (FORBIDDEN otherwise):
 * they become its owner, and it starts with a chat inbox ("Website chat"). One transaction.
 * Sessions stay where they are; `POST /api/auth/switch` moves to it.
 */
export async function createOwnedWorkspace(ctx: ServiceContext, o: { userId: string; name: string; request?: AuditRequest }): Promise<WorkspaceCreated> {
  return ctx.db.transaction(async (tx) => {
    const [owner] = await tx.rows(sql`select 1 from memberships m join users u on u.id = m.user_id
      where m.user_id = ${o.userId}::uuid and m.role = 'owner' and m.status = 'active' and u.status = 'active' limit 1`);
    if (!owner) throw new AppError('FORBIDDEN', 'only an owner of a workspace can create another');
    const workspaceId = await createWorkspace(tx, { name: o.name });
    await addMember(tx, { workspaceId, userId: o.userId, role: 'owner' });
    const inboxName = 'Website chat';
    const inboxId = await createInbox(tx, { workspaceId, name: inboxName, channel: 'chat', settings: DEFAULT_CHAT_SETTINGS });
    // The new workspace's log starts with who made it (its first owner's memberships are theirs to read).
    await recordAudit(tx, { workspaceId, actor: { type: 'user', id: o.userId }, action: 'workspace.created', object: { type: 'workspace', id: workspaceId }, after: { name: o.name }, request: o.request, at: ctx.clock.now() });
    return { workspace: { id: toWire('workspace', workspaceId), name: o.name }, inbox: { id: toWire('inbox', inboxId), name: inboxName } };
  });
}
