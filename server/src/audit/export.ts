import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { AuditEvent } from '@support/protocol';

/** The CSV export's columns, in order (the header row). */
export const AUDIT_CSV_COLUMNS = [
  'id', 'createdAt', 'actorType', 'actorId', 'actorName', 'action', 'objectType', 'objectId', 'diff', 'ip', 'userAgent', 'requestId',
] as const;

const csvRecord = (e: AuditEvent): Record<(typeof AUDIT_CSV_COLUMNS)[number], string | null> => ({
  id: e.id,
  createdAt: e.createdAt,
  actorType: e.actor.type,
  actorId: e.actor.id,
  actorName: e.actor.name,
  action: e.action,
  objectType: e.object.type,
  objectId: e.object.id,
  diff: e.diff ? JSON.stringify(e.diff) : null,
  ip: e.ip,
  userAgent: e.userAgent,
  requestId: e.requestId,
});

async function* mapped<T, U>(source: AsyncIterable<T>, fn: (v: T) => U): AsyncGenerator<U> {
  for await (const v of source) yield fn(v);
}

/**
 * Writes `events` to `out` as JSON Lines (one event per line) or CSV (RFC 4180 quoting, a
 * header row, a UTF-8 byte order mark for spreadsheets, and every cell that starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return prefixed with `'` so no spreadsheet runs it
 * as a formula). Backpressure is honoured: events are pulled only as fast as `out` drains.
 * Rejects when `out` closes early or `events` fails (then `out` is destroyed).
 */
export async function writeAuditExport(events: AsyncIterable<AuditEvent>, format: 'jsonl' | 'csv', out: Writable): Promise<void> {
  if (format === 'jsonl') {
    await pipeline(Readable.from(mapped(events, (e) => `${JSON.stringify(e)}\n`)), out);
    return;
  }
  const csv = stringify({ header: true, columns: [...AUDIT_CSV_COLUMNS], bom: true, escape_formulas: true, record_delimiter: 'windows' });
  await pipeline(Readable.from(mapped(events, csvRecord)), csv, out);
}
