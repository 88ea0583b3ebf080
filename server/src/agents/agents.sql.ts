import { sql } from 'drizzle-orm';
import { AVAILABILITIES, ROLES } from '@support/protocol';
import { index, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';

export const roleEnum = pgEnum('user_role', ROLES);
export const userStatusEnum = pgEnum('user_status', ['active', 'disabled']);
export const availabilityEnum = pgEnum('availability', AVAILABILITIES);

export const users = pgTable(
  'users',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: roleEnum('role').notNull().default('agent'),
    status: userStatusEnum('status').notNull().default('active'),
    availability: availabilityEnum('availability').notNull().default('offline'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_uq').on(sql`lower(${t.email})`), index('users_workspace_idx').on(t.workspaceId)],
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
  (t) => [uniqueIndex('agent_sessions_token_uq').on(t.tokenHash), index('agent_sessions_user_idx').on(t.userId)],
);

export const teams = pgTable(
  'teams',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('teams_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`)],
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
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user_idx').on(t.userId)],
);
