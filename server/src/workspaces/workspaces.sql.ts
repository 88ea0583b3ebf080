import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { id, ts } from '../db/columns.js';

export const workspaces = pgTable('workspaces', {
  id: id(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  /** Last ticket number handed out; bumped inside the ticket-creating transaction. */
  ticketSeq: integer('ticket_seq').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  /** Days audit events are kept (the retention job deletes older ones); null keeps them for ever. */
  auditRetentionDays: integer('audit_retention_days').default(365),
});
