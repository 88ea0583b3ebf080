import { sql } from 'drizzle-orm';
import { CHANNELS } from '@support/protocol';
import { jsonb, pgEnum, pgTable, text, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';

export const channelEnum = pgEnum('channel', CHANNELS);

export const inboxes = pgTable(
  'inboxes',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    channel: channelEnum('channel').notNull(),
    /** Channel settings shown to clients (greeting, colour, reply time…); never secrets. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** Server-side secret (identity verification HMAC key, webhook signing); never sent to clients. */
    secret: text('secret').notNull(),
    /** Chat inboxes: the site origins the widget may start on (empty: any). Enforced on the widget config and session:start. */
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('inboxes_workspace_idx').on(t.workspaceId),
    // Names and email addresses are unique per workspace, case-insensitively.
    uniqueIndex('inboxes_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`),
    uniqueIndex('inboxes_workspace_address_uq')
      .on(t.workspaceId, sql`lower(${t.settings}->'email'->>'address')`)
      .where(sql`${t.channel} = 'email'`),
    tenantPolicy(t.workspaceId),
  ],
);
