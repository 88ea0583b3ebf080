import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { inboxes } from '../inboxes/inboxes.sql.js';

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name'),
    email: text('email'),
    externalRef: text('external_ref'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contacts_external_ref_uq').on(t.workspaceId, t.externalRef).where(sql`${t.externalRef} is not null`),
    index('contacts_email_idx').on(t.workspaceId, sql`lower(${t.email})`),
    tenantPolicy(t.workspaceId),
  ],
);

/** A visitor's widget session: an opaque token (stored hashed) bound to workspace + inbox + contact. */
export const visitorSessions = pgTable(
  'visitor_sessions',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [uniqueIndex('visitor_sessions_token_uq').on(t.tokenHash), index('visitor_sessions_contact_idx').on(t.contactId), tenantPolicy(t.workspaceId)],
);
