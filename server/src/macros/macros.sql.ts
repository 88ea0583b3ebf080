import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { teams, users } from '../agents/agents.sql.js';

/** Macros (protocol automation.ts): actions an agent applies in one click; personal, a team's or the workspace's. */
export const macros = pgTable(
  'macros',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** `personal`, `team` or `workspace`. */
    sharing: text('sharing').notNull(),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    /** The author; a personal macro is theirs alone. */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    actions: jsonb('actions').$type<unknown[]>().notNull(),
    usageCount: integer('usage_count').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('macros_workspace_idx').on(t.workspaceId, t.sharing), tenantPolicy(t.workspaceId)],
);
