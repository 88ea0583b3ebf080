import { sql } from 'drizzle-orm';
import { VISIBILITIES } from '@support/protocol';
import { index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { channelEnum } from '../inboxes/inboxes.sql.js';
import { actorTypeEnum, tickets } from '../tickets/tickets.sql.js';

export const visibilityEnum = pgEnum('visibility', VISIBILITIES);

/** One channel thread (chat or email) under a ticket; owns the per-thread message sequence. */
export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    channel: channelEnum('channel').notNull(),
    /** Highest `seq` handed out in this conversation; bumped in the message-writing statement. */
    lastSeq: integer('last_seq').notNull().default(0),
    contactLastReadSeq: integer('contact_last_read_seq').notNull().default(0),
    agentLastReadSeq: integer('agent_last_read_seq').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastActivityAt: ts('last_activity_at').notNull().defaultNow(),
  },
  (t) => [index('conversations_ticket_idx').on(t.ticketId, t.createdAt), tenantPolicy(t.workspaceId)],
);

export const messages = pgTable(
  'messages',
  {
    id: id(),
    // Only the conversation is a foreign key: it implies the ticket and the workspace, and every
    // check costs an index probe on the hottest insert.
    workspaceId: workspaceRef(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id').notNull(),
    seq: integer('seq').notNull(),
    authorType: actorTypeEnum('author_type').notNull(),
    authorId: uuid('author_id'),
    body: text('body').notNull(),
    bodyHtml: text('body_html'),
    visibility: visibilityEnum('visibility').notNull().default('public'),
    clientMessageId: text('client_message_id'),
    /** Email metadata shown on the wire (`Message.email`); null for chat messages. */
    email: jsonb('email'),
    /** Attachment references shown on the wire (`Message.attachments`); null when none. */
    attachments: jsonb('attachments'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('messages_conversation_seq_uq').on(t.conversationId, t.seq),
    uniqueIndex('messages_author_client_id_uq')
      .on(t.authorId, t.clientMessageId)
      .where(sql`${t.clientMessageId} is not null`),
    tenantPolicy(t.workspaceId),
  ],
);
