import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { id, ts, tenantPolicy } from '../db/columns.js';

/** A workspace's logo as stored: its public id (in its URL, new with each upload), where its bytes are, and what they are. */
export type StoredLogo = { id: string; storageKey: string; contentType: string; size: number; width: number; height: number; sha256: string };

export const workspaces = pgTable('workspaces', {
  id: id(),
  name: text('name').notNull(),
  /** IANA time zone (validated with Intl when set through the settings). */
  timezone: text('timezone').notNull().default('UTC'),
  /** Default language, a BCP 47 tag of WORKSPACE_LANGUAGES: what the widget and emails speak when nothing else decides. */
  language: text('language').notNull().default('en'),
  /** The logo (served publicly: the widget header shows it); null for none. Bytes in the attachments store. */
  logo: jsonb('logo').$type<StoredLogo>(),
  /** Last ticket number handed out; bumped inside the ticket-creating transaction. */
  ticketSeq: integer('ticket_seq').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  /** Days audit events are kept (the retention job deletes older ones); null keeps them for ever. */
  auditRetentionDays: integer('audit_retention_days').default(365),
}, (t) => [tenantPolicy(t.id)]);
