import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from '../db/columns.js';

/** Postgres `xid8`: a 64-bit transaction id that never wraps around, as text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * The durable event log (a transactional outbox): one row per domain event that reactions
 * consume, inserted by the statement or transaction that makes the change, so an event exists
 * if and only if its change committed. Read in (xid, position) order below the snapshot's
 * xmin (events/log.reader.ts explains why). No foreign key to workspaces: that check would
 * lock the workspace row on every chat message, and the log outlives what it describes.
 */
export const domainEventLog = pgTable(
  'domain_events',
  {
    position: bigint('position', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: uuid('id').notNull().default(sql`gen_random_uuid()`),
    /** The writing transaction's id (default `pg_current_xact_id()`): what orders the log for readers. */
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
    workspaceId: uuid('workspace_id').notNull(),
    /** A name of `logEvents` (events/log.events.ts). */
    name: text('name').notNull(),
    payload: jsonb('payload').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    /** Written by an import: reactions with side effects (mail, webhooks, SLA breaches, automation) skip it. */
    imported: boolean('imported').notNull().default(false),
  },
  (t) => [index('domain_events_xid_position_idx').on(t.xid, t.position)],
);

/**
 * Each consumer's cursor (the last (xid, position) it finished) and its lease: the node named
 * in `owner` runs it until `lease_until`; another node takes over after that. `failing_*` is
 * the event at the head that fails, while it is retried with backoff.
 */
export const eventConsumers = pgTable('event_consumers', {
  name: text('name').primaryKey(),
  lastXid: xid8('last_xid').notNull().default(sql`'0'::xid8`),
  lastPosition: bigint('last_position', { mode: 'number' }).notNull().default(0),
  owner: text('owner'),
  leaseUntil: ts('lease_until'),
  failingPosition: bigint('failing_position', { mode: 'number' }),
  failingAttempts: integer('failing_attempts').notNull().default(0),
  retryAt: ts('retry_at'),
  lastError: text('last_error'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/**
 * Events a consumer gave up on after its attempts (`state` dead), with the last error; an
 * operator sets `state = 'retry'` to have the consumer try it again (docs/operations.md).
 */
export const eventDeadLetters = pgTable(
  'event_dead_letters',
  {
    consumer: text('consumer').notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    name: text('name').notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error').notNull(),
    /** dead | retry | resolved */
    state: text('state').notNull().default('dead'),
    deadAt: ts('dead_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.position] }), index('event_dead_letters_retry_idx').on(t.consumer).where(sql`state = 'retry'`)],
);
