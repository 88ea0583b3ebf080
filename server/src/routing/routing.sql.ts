import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { memberships, teams } from '../agents/agents.sql.js';
import { inboxes } from '../inboxes/inboxes.sql.js';
import { tickets } from '../tickets/tickets.sql.js';
import { calendars } from '../calendars/calendars.sql.js';

/**
 * How a team's tickets (or an inbox's tickets without a team) are given out (protocol
 * routing.ts): one row per team or inbox; none means manual.
 */
export const routingPolicies = pgTable(
  'routing_policies',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    inboxId: uuid('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    mode: text('mode').notNull(),
    loadStatuses: text('load_statuses').array().notNull().default(sql`'{open}'::text[]`),
    chatCapacity: integer('chat_capacity').notNull(),
    emailCapacity: integer('email_capacity').notNull(),
    awayGraceSeconds: integer('away_grace_seconds').notNull(),
    reopenWindowSeconds: integer('reopen_window_seconds').notNull(),
    calendarId: uuid('calendar_id').references(() => calendars.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('routing_policies_team_uq').on(t.teamId),
    uniqueIndex('routing_policies_inbox_uq').on(t.inboxId),
    index('routing_policies_workspace_idx').on(t.workspaceId),
    check('routing_policies_target_ck', sql`(${t.teamId} is null) <> (${t.inboxId} is null)`),
    tenantPolicy(t.workspaceId),
  ],
);

/**
 * Routing's state of one member: capacity overrides (null: the team default) and when they were
 * last given a ticket (round robin's turn, balanced's tie-break). Assigning locks this row, so
 * two nodes never give one agent more than their capacity.
 */
export const routingAgents = pgTable(
  'routing_agents',
  {
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    chatCapacity: integer('chat_capacity'),
    emailCapacity: integer('email_capacity'),
    lastAssignedAt: ts('last_assigned_at'),
    /** When they last went away or offline (null while online): their chats wait out the grace from here. */
    awaySince: ts('away_since'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    foreignKey({ name: 'routing_agents_membership_fk', columns: [t.workspaceId, t.userId], foreignColumns: [memberships.workspaceId, memberships.userId] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
);

/** Routing rules, tried in `position` order on a new ticket (and on demand); the first that matches acts. */
export const routingRules = pgTable(
  'routing_rules',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    conditions: jsonb('conditions').$type<Record<string, unknown>>().notNull(),
    actions: jsonb('actions').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('routing_rules_workspace_idx').on(t.workspaceId, t.position),
    uniqueIndex('routing_rules_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`),
    tenantPolicy(t.workspaceId),
  ],
);

/**
 * The queues: a ticket waiting for an agent of its team (or inbox: `queue_id` is the team's id,
 * else the inbox's). Order comes from the ticket (priority, SLA due, age). A row stays after the
 * ticket is given out (`dequeued_at`), so the widget can estimate waits from recent ones.
 */
export const routingQueue = pgTable(
  'routing_queue',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    queueId: uuid('queue_id').notNull(),
    teamId: uuid('team_id'),
    inboxId: uuid('inbox_id').notNull(),
    channel: text('channel').notNull(),
    enqueuedAt: ts('enqueued_at').notNull(),
    dequeuedAt: ts('dequeued_at'),
  },
  (t) => [
    index('routing_queue_waiting_idx').on(t.workspaceId, t.queueId, t.enqueuedAt).where(sql`${t.dequeuedAt} is null`),
    index('routing_queue_done_idx').on(t.queueId, t.dequeuedAt.desc()).where(sql`${t.dequeuedAt} is not null`),
    tenantPolicy(t.workspaceId),
  ],
);
