import { index, integer, pgTable, text, boolean, uuid } from 'drizzle-orm/pg-core';
import { ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';

/**
 * A stored file. The id is a random UUID (v4, unguessable); the bytes live in the storage
 * backend under `storage_key`. Readable by agents of the workspace and by the ticket's
 * requester (the owning visitor).
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Set once the attachment belongs to a ticket (uploads are unattached until sent). */
    ticketId: uuid('ticket_id'),
    messageId: uuid('message_id'),
    /** Who uploaded it: an agent (usr) or a contact (ct); null for inbound email. */
    uploaderType: text('uploader_type', { enum: ['agent', 'contact', 'email'] }).notNull(),
    uploaderId: uuid('uploader_id'),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    /** Content-ID of an inline part (without brackets), for cid: references in HTML. */
    contentId: text('content_id'),
    inline: boolean('inline').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('attachments_message_idx').on(t.messageId), index('attachments_ticket_idx').on(t.ticketId), tenantPolicy(t.workspaceId)],
);
