import { sql } from 'drizzle-orm';
import { customType, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';
import { inboxes } from '../inboxes/inboxes.sql.js';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * The email side of a message (inbound or outbound): its RFC 5322 identity for threading,
 * the full (unstripped) text and sanitized HTML, and the raw source. One row per message
 * that travelled by email; chat messages have none.
 */
export const emailMessages = pgTable(
  'email_messages',
  {
    /** The messages.id this email became (same uuid). */
    messageId: uuid('message_id').primaryKey(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id').notNull(),
    inboxId: uuid('inbox_id').notNull(),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    /** Message-ID header without angle brackets, as received or as we generated it. */
    rfcMessageId: text('rfc_message_id').notNull(),
    inReplyTo: text('in_reply_to'),
    references: text('references').array().notNull().default(sql`'{}'::text[]`),
    subject: text('subject').notNull().default(''),
    fromAddress: text('from_address').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    fullText: text('full_text').notNull().default(''),
    fullHtml: text('full_html'),
    raw: bytea('raw'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('email_messages_ws_rfc_id_uq').on(t.workspaceId, t.rfcMessageId),
    index('email_messages_ticket_idx').on(t.ticketId),
    tenantPolicy(t.workspaceId),
  ],
);

/**
 * Durable outbound queue. A row is written in the same transaction as the agent reply it
 * carries; workers on any node claim due rows with FOR UPDATE SKIP LOCKED.
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id').notNull(),
    /** The message whose delivery this row tracks (the first one of a chat digest). */
    messageId: uuid('message_id').notNull(),
    /** `reply`: an agent reply on an email ticket. `digest`: chat replies emailed to a visitor who did not read them in time. */
    kind: text('kind', { enum: ['reply', 'digest'] }).notNull().default('reply'),
    /** queued | sending | sent | failed | not_sent */
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    lockedUntil: ts('locked_until'),
    lastError: text('last_error'),
    /** Everything needed to compose the mail again: envelope, headers, bodies, attachment ids. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    index('email_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'sending')`),
    index('email_outbox_message_idx').on(t.messageId),
    // One pending digest per ticket: later chat replies join it (batching).
    uniqueIndex('email_outbox_pending_digest_uq').on(t.ticketId).where(sql`${t.kind} = 'digest' and ${t.status} = 'queued'`),
    tenantPolicy(t.workspaceId),
  ],
);

/**
 * Inbound mail we could not take in (malformed, unknown sender…), kept with the reason, to be
 * reprocessed or deleted from the settings (dead-letters.service.ts).
 */
export const emailDeadLetters = pgTable(
  'email_dead_letters',
  {
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    inboxId: uuid('inbox_id').notNull(),
    reason: text('reason').notNull(),
    raw: bytea('raw').notNull(),
    /** From and Subject as far as they could be read when it was kept (null: unreadable). */
    sender: text('sender'),
    subject: text('subject'),
    /** Recipients the provider gave beside the mail (envelope, Mailgun's recipient), for a reprocess to see them too. */
    envelopeRecipients: text('envelope_recipients').array().notNull().default(sql`'{}'::text[]`),
    /** Reprocess attempts (from the settings) so far, and when the last one ran. */
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: ts('last_attempt_at'),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  (t) => [index('email_dead_letters_ws_idx').on(t.workspaceId, t.receivedAt), tenantPolicy(t.workspaceId)],
);

/** Provider webhook tokens already seen (Mailgun), to refuse replays within the window. */
export const emailWebhookTokens = pgTable(
  'email_webhook_tokens',
  {
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    token: text('token').notNull(),
    seenAt: ts('seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.inboxId, t.token] }), index('email_webhook_tokens_seen_idx').on(t.seenAt)],
);

/**
 * Server-side email settings of an inbox: webhook credentials per provider. Never sent to
 * clients (the public part, address and display name, lives in inboxes.settings.email).
 */
export const emailInboxSecrets = pgTable('email_inbox_secrets', {
  inboxId: uuid('inbox_id')
    .primaryKey()
    .references(() => inboxes.id, { onDelete: 'cascade' }),
  workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
  /** Basic auth for raw MIME, SendGrid and Postmark webhooks. */
  basicUser: text('basic_user'),
  basicPassword: text('basic_password'),
  mailgunSigningKey: text('mailgun_signing_key'),
  /** This inbox's own SMTP server for its replies (null host: the global SMTP_URL). */
  smtpHost: text('smtp_host'),
  smtpPort: integer('smtp_port'),
  smtpUser: text('smtp_user'),
  smtpPassword: text('smtp_password'),
  /** starttls | tls | none (SMTP_TLS_MODES). */
  smtpTls: text('smtp_tls'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [tenantPolicy(t.workspaceId)]);
