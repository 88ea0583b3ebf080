import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ts } from '../db/columns.js';

export const dueStateEnum = pgEnum('due_state', ['pending', 'running', 'done', 'dead']);

/**
 * Due work: anything that must happen at a time (an SLA breach, a snoozed ticket waking up, a
 * retry). One row per (kind, key): scheduling again moves it (scheduler/due.ts). Claimed with
 * FOR UPDATE SKIP LOCKED through the partial index of pending rows; a claim holds a lease
 * (`lease_until`), after which another node takes the row back (scheduler/scheduler.ts).
 */
export const dueWork = pgTable(
  'due_work',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull(),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    dueAt: ts('due_at').notNull(),
    payload: jsonb('payload').notNull().default(sql`'{}'::jsonb`),
    state: dueStateEnum('state').notNull().default('pending'),
    /** Claims so far (a claim counts as an attempt, so work that kills its node dies too). */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    leaseUntil: ts('lease_until'),
    claimedBy: text('claimed_by'),
    /** Set by each claim: completion only counts for the claim that is current (re-planning clears it). */
    claimToken: uuid('claim_token'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('due_work_kind_key_idx').on(t.kind, t.key),
    index('due_work_pending_due_idx').on(t.dueAt).where(sql`state = 'pending'`),
    index('due_work_running_lease_idx').on(t.leaseUntil).where(sql`state = 'running'`),
    index('due_work_ws_state_idx').on(t.workspaceId, t.state),
  ],
);
