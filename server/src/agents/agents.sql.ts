import { sql } from 'drizzle-orm';
import { AVAILABILITIES, MEMBER_ROLES } from '@support/protocol';
import { check, foreignKey, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { inboxes } from '../inboxes/inboxes.sql.js';

export const userStatusEnum = pgEnum('user_status', ['active', 'disabled']);
export const availabilityEnum = pgEnum('availability', AVAILABILITIES);
export const memberRoleEnum = pgEnum('member_role', MEMBER_ROLES);
export const membershipStatusEnum = pgEnum('membership_status', ['active', 'deactivated']);

/** Accounts: one per person, across workspaces. `status` disabled shuts the whole account out. */
export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    status: userStatusEnum('status').notNull().default('active'),
    /** The current avatar (user_avatars.id); a new upload gets a new id, which the avatar URL carries so caches never show an old one. */
    avatarAttachmentId: uuid('avatar_attachment_id').references((): AnyPgColumn => userAvatars.id, { onDelete: 'set null' }),
    signature: text('signature'),
    notificationPrefs: jsonb('notification_prefs').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_uq').on(sql`lower(${t.email})`)],
);

/**
 * Avatar images of accounts (not of a workspace: an account shows the same face in each). The
 * bytes are in the attachment store under `storage_key`; members of a workspace the account is
 * in can read it (`GET /api/avatars/:userId`).
 */
export const userAvatars = pgTable(
  'user_avatars',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    storageKey: text('storage_key').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('user_avatars_user_idx').on(t.userId)],
);

/** Custom roles of a workspace: a named permission list. Built-in roles live in the protocol, not here. */
export const roles = pgTable(
  'roles',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    permissions: text('permissions').array().notNull().default(sql`'{}'::text[]`),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('roles_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`), tenantPolicy(t.workspaceId)],
);

/**
 * A user's place in a workspace: role (built-in, or `custom` with `role_id`), status and
 * presence. A deactivated membership cannot log in to that workspace; rows are never
 * deleted by the app, so history keeps the user's name.
 */
export const memberships = pgTable(
  'memberships',
  {
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRoleEnum('role').notNull().default('agent'),
    roleId: uuid('role_id').references(() => roles.id),
    status: membershipStatusEnum('status').notNull().default('active'),
    availability: availabilityEnum('availability').notNull().default('offline'),
    /** When this membership last logged in or was switched to: login picks the latest. */
    lastUsedAt: ts('last_used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index('memberships_user_idx').on(t.userId),
    index('memberships_role_idx').on(t.roleId),
    check('memberships_custom_role_ck', sql`(${t.role} = 'custom') = (${t.roleId} is not null)`),
    tenantPolicy(t.workspaceId),
  ],
);

export const agentSessions = pgTable(
  'agent_sessions',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** sha256 of the bearer token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('agent_sessions_token_uq').on(t.tokenHash),
    index('agent_sessions_user_idx').on(t.userId),
    // A session is one member in one workspace: it goes with the membership.
    foreignKey({ name: 'agent_sessions_membership_fk', columns: [t.workspaceId, t.userId], foreignColumns: [memberships.workspaceId, memberships.userId] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
);

export const teams = pgTable(
  'teams',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('teams_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`), tenantPolicy(t.workspaceId)],
);

export const teamMembers = pgTable(
  'team_members',
  {
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.userId] }),
    index('team_members_user_idx').on(t.userId),
    foreignKey({ name: 'team_members_membership_fk', columns: [t.workspaceId, t.userId], foreignColumns: [memberships.workspaceId, memberships.userId] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
);

/** The inboxes a team works: its members (with `tickets.read.team`) see those inboxes' tickets. */
export const teamInboxes = pgTable(
  'team_inboxes',
  {
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.inboxId] }), index('team_inboxes_inbox_idx').on(t.inboxId), tenantPolicy(t.workspaceId)],
);
