import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { tickets } from '../tickets/tickets.sql.js';

/**
 * Automation rules (protocol automation.ts): event rules run in `position` order on the events
 * they list; time rules fire once per ticket when their conditions come to hold. The counters
 * feed the settings list (runs, matches, failures, last run).
 */
export const automationRules = pgTable(
  'automation_rules',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    position: integer('position').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** `event` or `time`. */
    trigger: text('trigger').notNull(),
    /** The AUTOMATION_EVENTS an event rule listens to (empty for a time rule). */
    events: text('events').array().notNull().default(sql`'{}'::text[]`),
    conditions: jsonb('conditions').$type<Record<string, unknown>>().notNull(),
    actions: jsonb('actions').$type<unknown[]>().notNull(),
    runCount: integer('run_count').notNull().default(0),
    matchCount: integer('match_count').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    lastRunAt: ts('last_run_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('automation_rules_workspace_idx').on(t.workspaceId, t.position),
    uniqueIndex('automation_rules_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`),
    tenantPolicy(t.workspaceId),
  ],
);

/**
 * The run log: one row per rule run on a ticket that acted or failed (and, for a test or a
 * time rule, what it checked). `event_position` is the durable log position of the event that
 * caused it, so a re-delivered event does not run a rule twice on a ticket.
 */
export const automationRuns = pgTable(
  'automation_runs',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id').references(() => automationRules.id, { onDelete: 'set null' }),
    ruleName: text('rule_name').notNull(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** The AUTOMATION_EVENTS name, or null for a time rule. */
    event: text('event'),
    eventPosition: bigint('event_position', { mode: 'number' }),
    depth: integer('depth').notNull().default(0),
    matched: boolean('matched').notNull(),
    /** Whether an action failed or the run failed as a whole. */
    failed: boolean('failed').notNull().default(false),
    trace: jsonb('trace').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    actions: jsonb('actions').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('automation_runs_ws_created_idx').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('automation_runs_rule_created_idx').on(t.ruleId, t.createdAt.desc()),
    index('automation_runs_ticket_idx').on(t.ticketId, t.createdAt),
    uniqueIndex('automation_runs_once_uq').on(t.ruleId, t.ticketId, t.eventPosition).where(sql`${t.eventPosition} is not null`),
    tenantPolicy(t.workspaceId),
  ],
);

/**
 * A time rule's state on one ticket: whether it fired while its conditions held (it fires again
 * only after they stopped holding). The next check is due work `automation.time` keyed
 * `<rule id>:<ticket id>`.
 */
export const automationTimeState = pgTable(
  'automation_time_state',
  {
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => automationRules.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** When it last fired; null after its conditions stopped holding. */
    firedAt: ts('fired_at'),
    checkedAt: ts('checked_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.ticketId] }), index('automation_time_state_ticket_idx').on(t.ticketId), tenantPolicy(t.workspaceId)],
);
