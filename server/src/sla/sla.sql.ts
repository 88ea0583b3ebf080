import { sql } from 'drizzle-orm';
import { SLA_CLOCK_STATES, SLA_EVENT_KINDS, SLA_METRICS } from '@support/protocol';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { calendars } from '../calendars/calendars.sql.js';
import { tickets } from '../tickets/tickets.sql.js';

export const slaMetricEnum = pgEnum('sla_metric', SLA_METRICS);
export const slaClockStateEnum = pgEnum('sla_clock_state', SLA_CLOCK_STATES);
export const slaEventKindEnum = pgEnum('sla_event_kind', SLA_EVENT_KINDS);

/**
 * SLA policies, tried in `position` order; the first enabled one whose conditions match a
 * ticket applies, and the default policy (one per workspace, always last) catches the rest.
 */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    isDefault: boolean('is_default').notNull().default(false),
    /** The condition language (packages/protocol conditions); ignored on the default policy. */
    conditions: jsonb('conditions').$type<Record<string, unknown>>().notNull(),
    businessHours: boolean('business_hours').notNull().default(true),
    /** Null: the workspace's default calendar. */
    calendarId: uuid('calendar_id').references(() => calendars.id, { onDelete: 'set null' }),
    pauseStatuses: text('pause_statuses').array().notNull().default(sql`'{pending}'::text[]`),
    warnLeadSeconds: integer('warn_lead_seconds').notNull().default(0),
    reopen: text('reopen').notNull().default('restart'),
    /** Seconds per priority and metric (protocol `SlaTargets`). */
    targets: jsonb('targets').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('sla_policies_workspace_idx').on(t.workspaceId, t.position),
    uniqueIndex('sla_policies_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`),
    uniqueIndex('sla_policies_workspace_default_uq').on(t.workspaceId).where(sql`${t.isDefault}`),
  ],
);

/**
 * One clock per ticket and metric (next response: one per waiting customer message). Timing
 * as server/src/sla/clock.ts keeps it: `used_seconds` counted up to `running_since`.
 */
export const slaClocks = pgTable(
  'sla_clocks',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    policyId: uuid('policy_id').references(() => slaPolicies.id, { onDelete: 'set null' }),
    metric: slaMetricEnum('metric').notNull(),
    messageId: uuid('message_id'),
    state: slaClockStateEnum('state').notNull(),
    targetSeconds: integer('target_seconds').notNull(),
    warnLeadSeconds: integer('warn_lead_seconds').notNull(),
    usedSeconds: integer('used_seconds').notNull().default(0),
    runningSince: ts('running_since'),
    dueAt: ts('due_at'),
    warnAt: ts('warn_at'),
    warnedAt: ts('warned_at'),
    breachedAt: ts('breached_at'),
    stoppedAt: ts('stopped_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('sla_clocks_ticket_idx').on(t.ticketId, t.createdAt),
    // The open clocks of a workspace: re-planned in batches when a calendar or policy changes.
    index('sla_clocks_open_idx').on(t.workspaceId, t.ticketId).where(sql`${t.state} in ('running', 'paused', 'breached')`),
    // A customer message waits on one next response, however often its event is seen.
    uniqueIndex('sla_clocks_message_uq').on(t.messageId).where(sql`${t.metric} = 'next_response'`),
  ],
);

/**
 * Every transition of every clock, append-only: the ticket's SLA history and what compliance
 * is computed from. `team_id`/`assignee_id` are the ticket's when it happened.
 */
export const slaEvents = pgTable(
  'sla_events',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    clockId: uuid('clock_id')
      .notNull()
      .references(() => slaClocks.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id').notNull(),
    policyId: uuid('policy_id'),
    metric: slaMetricEnum('metric').notNull(),
    kind: slaEventKindEnum('kind').notNull(),
    teamId: uuid('team_id'),
    assigneeId: uuid('assignee_id'),
    /** When it happened (a breach: the due time, even when recorded a moment later). */
    at: ts('at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('sla_events_ticket_idx').on(t.ticketId, t.at), index('sla_events_workspace_at_idx').on(t.workspaceId, t.at)],
);
