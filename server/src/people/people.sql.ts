import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { memberRoleEnum, roles, users } from '../agents/agents.sql.js';

export const invitationStatusEnum = pgEnum('invitation_status', ['pending', 'accepted', 'revoked', 'expired']);

/**
 * Invitations to join a workspace with a role and teams. The link's token is never stored:
 * only its sha256 (`token_hash`); re-sending replaces it. One pending invitation per address
 * per workspace. Rows stay after they are accepted, revoked or expired (history).
 */
export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Lower case. */
    email: text('email').notNull(),
    role: memberRoleEnum('role').notNull(),
    /** The custom role when `role` is `custom` (a role with pending invitations cannot be deleted; set null for the others). */
    roleId: uuid('role_id').references(() => roles.id, { onDelete: 'set null' }),
    /** Teams to join on acceptance (teams deleted meanwhile are skipped). */
    teamIds: uuid('team_ids').array().notNull().default(sql`'{}'::uuid[]`),
    tokenHash: text('token_hash').notNull(),
    status: invitationStatusEnum('status').notNull().default('pending'),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: ts('expires_at').notNull(),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    acceptedAt: ts('accepted_at'),
    revokedAt: ts('revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invitations_token_uq').on(t.tokenHash),
    uniqueIndex('invitations_pending_email_uq').on(t.workspaceId, sql`lower(${t.email})`).where(sql`${t.status} = 'pending'`),
    index('invitations_ws_status_idx').on(t.workspaceId, t.status, t.createdAt),
    index('invitations_role_idx').on(t.roleId),
    tenantPolicy(t.workspaceId),
  ],
);

/**
 * Password-reset links: an account's (no workspace), single use, short-lived. Only the token's
 * sha256 is stored. A new request replaces the account's earlier ones; a password change
 * deletes them all.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('password_resets_token_uq').on(t.tokenHash), index('password_resets_user_idx').on(t.userId)],
);

/**
 * The system-mail outbox: mail the product sends to people rather than on a ticket
 * (invitations, password resets), beside the ticket outbox (`email_outbox`) and sent by the
 * same workers, with the same claim, retry and backoff. The link's raw token is the one
 * secret it holds, in `link_token`, only while the mail waits to be sent: every final state
 * (sent, failed, not sent, cancelled) sets it to null in the same statement, and revoking,
 * re-sending or using the link cancels the waiting mail. With no SMTP configured a row is
 * written `not_sent` without the token.
 */
export const systemMail = pgTable(
  'system_mail',
  {
    id: id(),
    kind: text('kind', { enum: ['invitation', 'password_reset', 'notification'] }).notNull(),
    toAddress: text('to_address').notNull(),
    invitationId: uuid('invitation_id').references(() => invitations.id, { onDelete: 'cascade' }),
    passwordResetId: uuid('password_reset_id').references(() => passwordResets.id, { onDelete: 'cascade' }),
    /** What the mail says besides the link (workspace and inviter names, expiry): nothing secret. */
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    /** Where the link points, without the token (`https://…/inbox/accept/`). */
    linkBase: text('link_base').notNull(),
    linkToken: text('link_token'),
    /** queued | sending | sent | failed | not_sent | cancelled */
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    lockedUntil: ts('locked_until'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('system_mail_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'sending')`),
    index('system_mail_invitation_idx').on(t.invitationId, t.createdAt),
    index('system_mail_reset_idx').on(t.passwordResetId),
  ],
);
