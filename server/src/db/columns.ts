import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** Millisecond timestamps: the same precision as JS dates, so cursors compare exactly. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
export const id = () => uuid('id').primaryKey();
export const workspaceRef = () => uuid('workspace_id').notNull();
