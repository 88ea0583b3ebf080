import { sql, type SQL } from 'drizzle-orm';
import { decodeAnyId, ID_PREFIX, type AuditDiff, type AuditEvent, type AuditFilter, type IdKind } from '@support/protocol';
import { fromWire, toWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { iso } from '../lib/dto.js';
import { decodeCursor, encodeCursor, type Position } from '../lib/cursor.js';

type AuditRow = {
  id: string;
  /** A Date from postgres.js, a string from PGlite. */
  created_at: Date | string;
  actor_type: AuditEvent['actor']['type'];
  actor_id: string | null;
  actor_name: string;
  action: string;
  object_type: string;
  object_id: string | null;
  diff: AuditDiff | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
};

const isKind = (t: string): t is IdKind => Object.hasOwn(ID_PREFIX, t);

/** An audit_events row → the wire event (ids prefixed by their kind). */
export function auditEventDto(r: AuditRow): AuditEvent {
  return {
    id: toWire('auditEvent', r.id),
    createdAt: iso(r.created_at),
    actor: { type: r.actor_type, id: r.actor_id && r.actor_type === 'user' ? toWire('user', r.actor_id) : r.actor_id, name: r.actor_name },
    action: r.action,
    object: { type: r.object_type, id: r.object_id && isKind(r.object_type) ? toWire(r.object_type, r.object_id) : r.object_id },
    diff: r.diff,
    ip: r.ip,
    userAgent: r.user_agent,
    requestId: r.request_id,
  };
}

/** The WHERE clause of a filter, always inside the workspace. */
function whereOf(workspaceId: string, f: AuditFilter): SQL {
  const parts = [sql`workspace_id = ${workspaceId}::uuid`];
  if (f.actorType) parts.push(sql`actor_type = ${f.actorType}::audit_actor_type`);
  if (f.actorId) parts.push(sql`actor_id = ${fromWire('user', f.actorId)}::uuid`);
  // Whole segments: `auth` → `auth` and `auth.…`; `_` is a LIKE wildcard, so it is escaped.
  if (f.action) parts.push(sql`(action = ${f.action} or action like ${`${f.action.replaceAll('_', '\\_')}.%`})`);
  if (f.objectType) parts.push(sql`object_type = ${f.objectType}`);
  if (f.objectId) {
    const o = decodeAnyId(f.objectId)!;
    parts.push(sql`object_type = ${o.kind} and object_id = ${o.uuid}::uuid`);
  }
  if (f.from) parts.push(sql`created_at >= ${new Date(f.from)}::timestamptz`);
  if (f.to) parts.push(sql`created_at < ${new Date(f.to)}::timestamptz`);
  return sql.join(parts, sql` and `);
}

const positionOf = (r: AuditRow): Position => ({ at: new Date(r.created_at), id: r.id });

/** One page, newest first, after `after` (exclusive). */
async function page(ctx: Pick<ServiceContext, 'db'>, workspaceId: string, f: AuditFilter, after: Position | null, limit: number) {
  const below = after ? sql`and (created_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
  return ctx.db.rows<AuditRow>(sql`select id, created_at, actor_type, actor_id, actor_name, action, object_type, object_id, diff, ip,
      user_agent, request_id
    from audit_events where ${whereOf(workspaceId, f)} ${below}
    order by created_at desc, id desc limit ${limit}`);
}

/**
 * The workspace's audit events matching `filter`, newest first, `limit` per page. The cursor
 * is the position of the last event given: events recorded meanwhile never shift a page.
 */
export async function listAuditEvents(
  ctx: Pick<ServiceContext, 'db'>,
  o: { workspaceId: string; filter: AuditFilter; cursor?: string | undefined; limit: number },
): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  const rows = await page(ctx, o.workspaceId, o.filter, o.cursor ? decodeCursor(o.cursor) : null, o.limit + 1);
  const more = rows.length > o.limit;
  const shown = more ? rows.slice(0, o.limit) : rows;
  const last = shown.at(-1);
  return { events: shown.map(auditEventDto), nextCursor: more && last ? encodeCursor(positionOf(last)) : null };
}

/** Every event matching `filter`, newest first, read `pageSize` at a time (for exports: only one page is held at once). */
export async function* allAuditEvents(
  ctx: Pick<ServiceContext, 'db'>,
  o: { workspaceId: string; filter: AuditFilter; pageSize?: number },
): AsyncGenerator<AuditEvent> {
  const size = o.pageSize ?? 500;
  let after: Position | null = null;
  for (;;) {
    const rows = await page(ctx, o.workspaceId, o.filter, after, size);
    for (const r of rows) yield auditEventDto(r);
    if (rows.length < size) return;
    after = positionOf(rows.at(-1)!);
  }
}
