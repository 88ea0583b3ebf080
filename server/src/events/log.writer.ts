import type { Tx } from '../db/client.js';
import type { LogEventName, LogEventPayload } from './log.events.js';

/** An event to append to the durable log, in the transaction of the change it describes. */
export type NewLogEvent = {
  [N in LogEventName]: { workspaceId: string; name: N; payload: LogEventPayload<N>; occurredAt: Date; imported?: boolean };
}[LogEventName];

const INSERT_EVENTS = `
  insert into domain_events (workspace_id, name, payload, occurred_at, imported)
  select e.ws, e.name, e.payload, e.at, e.imported
  from json_to_recordset($1::text::json) as e(ord int, ws uuid, name text, payload jsonb, at timestamptz, imported boolean)
  order by e.ord`;

/**
 * Appends `events` to the durable log (`domain_events`) in ONE statement, inside `tx`: the
 * transaction that makes the change, so the events commit or roll back with it. Their
 * positions follow the array's order. Consumers hear of them through the bus or their poll.
 * Paths that write a change in a single statement put the insert in that statement instead
 * (messages.service.ts, openChatTicket, contacts.service.ts).
 */
export async function writeEvents(tx: Tx, events: NewLogEvent[]): Promise<void> {
  if (!events.length) return;
  const rows = events.map((e, ord) => ({ ord, ws: e.workspaceId, name: e.name, payload: e.payload, at: e.occurredAt, imported: e.imported ?? false }));
  await tx.query(INSERT_EVENTS, [JSON.stringify(rows)]);
}
