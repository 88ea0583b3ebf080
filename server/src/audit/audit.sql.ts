import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { AUDIT_ACTOR_TYPES, type AuditDiff } from '@support/protocol';
import { id, ts, workspaceRef, tenantPolicy } from '../db/columns.js';
import { workspaces } from '../workspaces/workspaces.sql.js';

export const auditActorTypeEnum = pgEnum('audit_actor_type', AUDIT_ACTOR_TYPES);

/**
 * The audit log: one row per security-relevant act (sign-ins, settings changes, exports…),
 * written in the transaction of the change it describes. Append-only: a trigger (migration
 * `audit_append_only`) refuses every UPDATE and DELETE, whoever connects, except the
 * retention purge (`audit_retention_purge()`) and the cascade of a workspace deleted whole.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    /** UUIDv7 made by the server: with created_at, the stable order of the log. */
    id: id(),
    workspaceId: workspaceRef().references(() => workspaces.id, { onDelete: 'cascade' }),
    actorType: auditActorTypeEnum('actor_type').notNull(),
    /** users.id for a user; null for the system, and for a failed sign-in. No foreign key: the log outlives its actors. */
    actorId: uuid('actor_id'),
    /** The actor's name when it acted, so history keeps it; the address typed for a failed sign-in. */
    actorName: text('actor_name').notNull(),
    /** Dotted: `auth.login`, `inbox.created`… (AUDIT_ACTIONS in the protocol). */
    action: text('action').notNull(),
    /** An id kind of the protocol (`user`, `inbox`, `workspace`…). */
    objectType: text('object_type').notNull(),
    objectId: uuid('object_id'),
    /** Changed keys only, before and after, secrets redacted. */
    diff: jsonb('diff').$type<AuditDiff>(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  // Ascending indexes, read backwards for the log's newest-first order.
  (t) => [
    index('audit_events_ws_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('audit_events_ws_actor_idx').on(t.workspaceId, t.actorId, t.createdAt, t.id),
    // text_pattern_ops: the action filter is a prefix (`auth` → `auth.%`).
    index('audit_events_ws_action_idx').on(t.workspaceId, t.action.op('text_pattern_ops'), t.createdAt),
    index('audit_events_ws_object_idx').on(t.workspaceId, t.objectType, t.objectId, t.createdAt),
    check('audit_events_action_dotted', sql`${t.action} ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$'`),
    tenantPolicy(t.workspaceId),
  ],
);
