import type { Db } from '../db/client.js';
import type { LoggedEvent } from './log.events.js';

/** Where a consumer stands in the log: the last event it finished, in (xid, position) order. */
export type LogCursor = { xid: string; position: number };

export const LOG_START: LogCursor = { xid: '0', position: 0 };

/**
 * Why (xid, position) below the snapshot's xmin, and not the position alone: positions come
 * from a sequence when a row is inserted, but rows become visible when their transaction
 * commits. A writer that took position 10 and commits after another writer's position 11 is
 * read after 11; a consumer that went past 11 would never look back and skip 10 for ever.
 *
 * Every row records its transaction's id (`pg_current_xact_id()`). `pg_snapshot_xmin` of the
 * reading statement's snapshot is the oldest transaction still running: every transaction
 * with a smaller id has ended (committed or rolled back), so the rows with `xid < xmin` are
 * final and no row can ever appear among them again. Reading only those, in (xid, position)
 * order, makes the log an append-only sequence to its readers: a cursor never passes a row
 * that becomes visible later. Within one transaction position order is insert order.
 *
 * What order is it? (xid, position): one total order, the same for every consumer, in which
 * transactions that did not overlap come in commit order and each transaction's events come
 * together in insert order. Transactions that overlapped come in the order of their first
 * write (when Postgres gave them their id), which may differ from their commit order, even
 * for two that queued on the same row (the id is taken before the wait). So handlers treat an
 * event as "this changed", and act on the current state of what it names (read the ticket),
 * never on its payload as the latest truth. The cost of the barrier: a write transaction that
 * stays open holds back delivery of everything after it (never loses it); keep them short.
 * The same works on PGlite, where `pg_current_snapshot()` is the single connection's.
 */
const READ_AFTER = `
  select position::int8 as position, id, xid::text as xid, workspace_id, name, payload, occurred_at, imported
  from domain_events
  where (xid, position) > ($1::text::xid8, $2::int8) and xid < pg_snapshot_xmin(pg_current_snapshot())
  order by xid, position
  limit $3::int`;

type Row = { position: string | number; id: string; xid: string; workspace_id: string; name: string; payload: unknown; occurred_at: Date | string; imported: boolean };

const eventOf = (r: Row): LoggedEvent =>
  ({
    position: Number(r.position), id: r.id, xid: r.xid, workspaceId: r.workspace_id, name: r.name,
    payload: r.payload, occurredAt: new Date(r.occurred_at), imported: r.imported,
  }) as LoggedEvent;

/**
 * Up to `limit` events of every workspace after `cursor`, in log order (see above), only
 * those whose transactions are final.
 */
// crosses workspaces: a consumer (SLA, routing, automation) reacts to every workspace's
// events from one cursor; each handler then works within the event's own workspace.
export async function readEventsAcrossWorkspaces(db: Db, cursor: LogCursor, limit: number): Promise<LoggedEvent[]> {
  const rows = await db.query<Row>(READ_AFTER, [cursor.xid, cursor.position, limit]);
  return rows.map(eventOf);
}

const READ_AT = `
  select position::int8 as position, id, xid::text as xid, workspace_id, name, payload, occurred_at, imported
  from domain_events where position in (select jsonb_array_elements_text($1::text::jsonb)::int8) order by xid, position`;

/** The events at `positions` (for dead events an operator sent back to their consumer). */
// crosses workspaces: dead letters of one consumer belong to any workspace, as its cursor does.
export async function readEventsAtAcrossWorkspaces(db: Db, positions: number[]): Promise<LoggedEvent[]> {
  if (!positions.length) return [];
  const rows = await db.query<Row>(READ_AT, [JSON.stringify(positions)]);
  return rows.map(eventOf);
}
