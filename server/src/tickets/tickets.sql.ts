import { sql } from 'drizzle-orm';
import { ACTIVITY_KINDS, AUTHOR_TYPES, TICKET_PRIORITIES, TICKET_STATUSES } from '@support/protocol';
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { users, teams } from '../agents/agents.sql.js';
import { inboxes } from '../inboxes/inboxes.sql.js';
import { contacts } from '../contacts/contacts.sql.js';

export const ticketStatusEnum = pgEnum('ticket_status', TICKET_STATUSES);
export const ticketPriorityEnum = pgEnum('ticket_priority', TICKET_PRIORITIES);
export const actorTypeEnum = pgEnum('actor_type', AUTHOR_TYPES);
export const activityKindEnum = pgEnum('activity_kind', ACTIVITY_KINDS);

export const tickets = pgTable(
  'tickets',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    subject: text('subject').notNull(),
    status: ticketStatusEnum('status').notNull().default('open'),
    priority: ticketPriorityEnum('priority').notNull().default('normal'),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => contacts.id),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id),
    lastMessagePreview: text('last_message_preview'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Last activity of any kind (message or change): the inbox sort key. */
    updatedAt: ts('updated_at').notNull().defaultNow(),
    lastMessageAt: ts('last_message_at'),
    firstResponseAt: ts('first_response_at'),
    resolvedAt: ts('resolved_at'),
    closedAt: ts('closed_at'),
    /**
     * The soonest SLA target the ticket is held to (server/src/sla): the earliest due time of
     * its running clocks, else its earliest open breach; kept by the SLA consumer so lists
     * count down and sort by time to breach without reading the clocks.
     */
    slaDueAt: ts('sla_due_at'),
    slaWarnAt: ts('sla_warn_at'),
    slaMetric: text('sla_metric'),
    slaBreached: boolean('sla_breached').notNull().default(false),
    /** Snoozed (pending) until then: due work `ticket.snooze` opens it again, or a customer message does first. */
    snoozedUntil: ts('snoozed_until'),
  },
  (t) => [
    uniqueIndex('tickets_workspace_number_uq').on(t.workspaceId, t.number),
    index('tickets_ws_status_updated_idx').on(t.workspaceId, t.status, t.updatedAt.desc(), t.id.desc()),
    index('tickets_ws_updated_idx').on(t.workspaceId, t.updatedAt.desc(), t.id.desc()),
    index('tickets_ws_assignee_status_updated_idx').on(t.workspaceId, t.assigneeId, t.status, t.updatedAt.desc(), t.id.desc()),
    index('tickets_requester_idx').on(t.requesterId, t.inboxId),
    // An inbox's tickets: counts in the settings, moving or deleting them with the inbox, its foreign key.
    index('tickets_inbox_idx').on(t.inboxId),
    // Routing's load: an agent's open and pending tickets, however many they ever held.
    index('tickets_ws_assignee_active_idx').on(t.workspaceId, t.assigneeId).where(sql`${t.status} in ('open', 'pending')`),
    // Sorting a list by time to breach.
    index('tickets_ws_sla_due_idx').on(t.workspaceId, t.slaDueAt, t.id).where(sql`${t.slaDueAt} is not null`),
    tenantPolicy(t.workspaceId),
  ],
);

export const ticketActivities = pgTable(
  'ticket_activities',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: activityKindEnum('kind').notNull(),
    actorType: actorTypeEnum('actor_type').notNull(),
    actorId: uuid('actor_id'),
    oldValue: jsonb('old_value'),
    newValue: jsonb('new_value'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('ticket_activities_ticket_idx').on(t.ticketId, t.createdAt), tenantPolicy(t.workspaceId)],
);

export const tags = pgTable(
  'tags',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tags_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`), tenantPolicy(t.workspaceId)],
);

export const ticketTags = pgTable(
  'ticket_tags',
  {
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.tagId] }), index('ticket_tags_tag_idx').on(t.tagId), tenantPolicy(t.workspaceId)],
);
