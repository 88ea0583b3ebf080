import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';

/**
 * Business-hours calendars of a workspace (the definition is the wire `Calendar`: zone, weekly
 * intervals, holidays, overrides). One is the workspace's default: SLA policies without a
 * calendar of their own, the widget's away state and routing hours use it.
 */
export const calendars = pgTable(
  'calendars',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('calendars_workspace_idx').on(t.workspaceId),
    uniqueIndex('calendars_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`),
    uniqueIndex('calendars_workspace_default_uq').on(t.workspaceId).where(sql`${t.isDefault}`),
    tenantPolicy(t.workspaceId),
  ],
);
