import type { Tx } from '../db/client.js';
import { newId } from '../db/ids.js';

/** One row of due work as its handler receives it. */
export type DueWork = {
  id: string;
  workspaceId: string;
  kind: string;
  key: string;
  dueAt: Date;
  payload: unknown;
  /** This claim's attempt, from 1. */
  attempt: number;
};

const SCHEDULE = `
  with up as (
    insert into due_work (id, workspace_id, kind, key, due_at, payload, state, attempts, created_at, updated_at)
    values ($1::uuid, $2::uuid, $3::text, $4::text, $5::timestamptz, $6::text::jsonb, 'pending', 0, now(), now())
    on conflict (kind, key) do update set
      workspace_id = excluded.workspace_id, due_at = excluded.due_at, payload = excluded.payload, state = 'pending',
      attempts = 0, last_error = null, lease_until = null, claimed_by = null, claim_token = null, updated_at = now()
    returning due_at
  )
  select pg_notify('due_work', (extract(epoch from due_at) * 1000)::int8::text) from up`;

/**
 * Schedules (or re-plans) work of `kind` at `dueAt`, in the caller's transaction: one row per
 * (kind, key), so scheduling again is idempotent and moves the row (new time, new payload,
 * attempts reset, pending again, even when it was done, dead or running: a running claim's
 * result is then ignored). Nodes are told at commit (NOTIFY `due_work`) and re-arm their timer
 * if it is sooner than what they wait for. `key` names the thing, e.g. `<clock id>:breach`.
 */
export async function scheduleDue(
  tx: Pick<Tx, 'query'>,
  o: { workspaceId: string; kind: string; key: string; dueAt: Date; payload?: unknown },
): Promise<void> {
  await tx.query(SCHEDULE, [newId(), o.workspaceId, o.kind, o.key, o.dueAt, JSON.stringify(o.payload ?? {})]);
}

/** Cancels pending (or running: its result is then dropped) work of (kind, key); true when there was some. Done and dead rows stay as history. */
export async function cancelDue(tx: Pick<Tx, 'query'>, kind: string, key: string): Promise<boolean> {
  const rows = await tx.query(`delete from due_work where kind = $1::text and key = $2::text and state in ('pending', 'running') returning 1 as ok`, [kind, key]);
  return rows.length > 0;
}

/** Sends dead work of `kind` (all of it, or the one `key`) back to pending, due at `at`; returns how many. */
export async function retryDeadDue(tx: Pick<Tx, 'query'>, o: { kind: string; key?: string; at: Date }): Promise<number> {
  const rows = await tx.query(
    `update due_work set state = 'pending', attempts = 0, due_at = $3::timestamptz, last_error = null, updated_at = now()
     where state = 'dead' and kind = $1::text and ($2::text is null or key = $2::text) returning 1 as ok`,
    [o.kind, o.key ?? null, o.at],
  );
  return rows.length;
}

const SCHEDULE_MANY = `
  with rows as (
    select * from json_to_recordset($1::text::json) as r(id uuid, ws uuid, kind text, key text, due timestamptz, payload jsonb)
  ), up as (
    insert into due_work (id, workspace_id, kind, key, due_at, payload, state, attempts, created_at, updated_at)
    select id, ws, kind, key, due, coalesce(payload, '{}'::jsonb), 'pending', 0, now(), now() from rows
    on conflict (kind, key) do update set
      workspace_id = excluded.workspace_id, due_at = excluded.due_at, payload = excluded.payload, state = 'pending',
      attempts = 0, last_error = null, lease_until = null, claimed_by = null, claim_token = null, updated_at = now()
    returning due_at
  )
  select pg_notify('due_work', (extract(epoch from min(due_at)) * 1000)::int8::text) from up having count(*) > 0`;

/**
 * `scheduleDue` for many rows in one statement (one NOTIFY, with the earliest due time): what
 * a re-plan of thousands of clocks uses. Each (kind, key) must appear once.
 */
export async function scheduleDueMany(tx: Pick<Tx, 'query'>, rows: { workspaceId: string; kind: string; key: string; dueAt: Date; payload?: unknown }[]): Promise<void> {
  if (!rows.length) return;
  const json = rows.map((r) => ({ id: newId(), ws: r.workspaceId, kind: r.kind, key: r.key, due: r.dueAt.toISOString(), payload: r.payload ?? {} }));
  await tx.query(SCHEDULE_MANY, [JSON.stringify(json)]);
}

/** `cancelDue` for many (kind, key) pairs in one statement. */
export async function cancelDueMany(tx: Pick<Tx, 'query'>, keys: { kind: string; key: string }[]): Promise<void> {
  if (!keys.length) return;
  await tx.query(
    `delete from due_work d using json_to_recordset($1::text::json) as r(kind text, key text)
     where d.kind = r.kind and d.key = r.key and d.state in ('pending', 'running')`,
    [JSON.stringify(keys)],
  );
}
