import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { teams, users } from '../agents/agents.sql.js';

/** Canned responses (protocol canned.ts): saved replies inserted with `/` in the composer. */
export const cannedResponses = pgTable(
  'canned_responses',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    shortCode: text('short_code').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    folder: text('folder').notNull().default(''),
    /** `personal`, `team` or `workspace`. */
    sharing: text('sharing').notNull(),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    /** Stored uploads (attachments rows with no ticket) copied into each reply that uses it. */
    attachmentIds: uuid('attachment_ids').array().notNull().default(sql`'{}'::uuid[]`),
    usageCount: integer('usage_count').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('canned_responses_workspace_code_uq').on(t.workspaceId, sql`lower(${t.shortCode})`),
    index('canned_responses_workspace_folder_idx').on(t.workspaceId, t.folder),
    tenantPolicy(t.workspaceId),
  ],
);
