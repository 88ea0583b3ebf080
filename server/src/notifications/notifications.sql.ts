import { sql } from 'drizzle-orm';
import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { users } from '../agents/agents.sql.js';
import { tickets } from '../tickets/tickets.sql.js';

/** Inbox notifications (protocol notifications.ts): one row per member told. */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    /** A rule's or macro's name. */
    source: text('source').notNull(),
    readAt: ts('read_at'),
    /** When the email copy was queued (null: not yet, or the member has no email). */
    emailedAt: ts('emailed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('notifications_user_created_idx').on(t.userId, t.createdAt.desc(), t.id.desc()),
    index('notifications_user_unread_idx').on(t.userId).where(sql`${t.readAt} is null`),
    tenantPolicy(t.workspaceId),
  ],
);
