import { sql } from 'drizzle-orm';
import type { AuditAction, AuditActorType, IdKind } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId } from '../db/ids.js';
import type { Actor, ServiceContext } from '../lib/context.js';
import { auditDiff } from './diff.js';

/** Who acted. A user's name is read from `users` when not given; it is stored as it is now, so history keeps it. */
export type AuditActor = { type: AuditActorType; id?: string | null; name?: string };
/** Where the act came from: the client address as Express resolves it (trust proxy), its User-Agent, the request (or socket) id. */
export type AuditRequest = { ip: string | null; userAgent: string | null; requestId: string | null };

export type AuditRecord = {
  workspaceId: string;
  actor: AuditActor;
  action: AuditAction;
  /** What was acted on: an id kind of the protocol and its uuid (null when the act has no single object). */
  object: { type: IdKind; id?: string | null };
  /** The object before and after the change; the row keeps only what changed, secrets redacted (auditDiff). */
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  request?: AuditRequest | undefined;
  /** When it happened; default the database's now(). Services pass their clock's. */
  at?: Date;
};

export const SYSTEM_ACTOR: AuditActor = { type: 'system', name: 'system' };
/** The actor of a signed-in agent. */
export const userActor = (me: { userId: string; name: string }): AuditActor => ({ type: 'user', id: me.userId, name: me.name });
/** The audit actor of a service's `Actor` (an agent is a user; the system is the system; a contact never administers). */
export const auditActorOf = (a: Actor): AuditActor => (a.type === 'agent' ? { type: 'user', id: a.id } : SYSTEM_ACTOR);

const clip = (s: string | null | undefined, max: number) => (s == null ? null : s.length > max ? s.slice(0, max) : s);

/**
 * Appends one audit event, in the caller's transaction (pass the transaction of the change it
 * describes, so both commit or neither does). The diff keeps only the keys that changed, with
 * secrets redacted by key name.
 */
export async function recordAudit(tx: Tx, r: AuditRecord): Promise<void> {
  const diff = auditDiff(r.before, r.after);
  const actorId = r.actor.id ?? null;
  const at = r.at ? sql`${r.at}::timestamptz` : sql`now()`;
  await tx.rows(sql`insert into audit_events (id, workspace_id, actor_type, actor_id, actor_name, action, object_type, object_id,
      diff, ip, user_agent, request_id, created_at)
    values (${newId()}::uuid, ${r.workspaceId}::uuid, ${r.actor.type}::audit_actor_type, ${actorId}::uuid,
      coalesce(${clip(r.actor.name, 320)}, (select name from users where id = ${actorId}::uuid), ${r.actor.type}),
      ${r.action}, ${r.object.type}, ${r.object.id ?? null}::uuid, ${diff ? JSON.stringify(diff) : null}::jsonb,
      ${clip(r.request?.ip, 64)}, ${clip(r.request?.userAgent, 512)}, ${clip(r.request?.requestId, 128)}, ${at})`);
}

/**
 * Records a failed sign-in (`auth.login_failed`, object: the workspace, actor name: the
 * address typed, actor id null) in every workspace the account with that address is a member
 * of; an address no account has is not recorded anywhere. Call it after the response is sent, so
 * the answer's timing cannot tell whether the address exists.
 */
export async function recordLoginFailure(db: Db, o: { email: string; request?: AuditRequest; at?: Date }): Promise<void> {
  const accounts = await db.rows<{ workspace_id: string }>(sql`select m.workspace_id from memberships m join users u on u.id = m.user_id
    where lower(u.email) = lower(${o.email})`);
  for (const a of accounts)
    await recordAudit(db, {
      workspaceId: a.workspace_id,
      actor: { type: 'user', id: null, name: o.email },
      action: 'auth.login_failed',
      object: { type: 'workspace', id: a.workspace_id },
      request: o.request,
      ...(o.at ? { at: o.at } : {}),
    });
}

/** Events the retention job deletes per statement, and statements per workspace per round (so a round stays bounded). */
export const RETENTION_BATCH = 1000;
export const RETENTION_MAX_BATCHES = 20;

/**
 * Deletes, in every workspace with a retention (`audit_retention_days`), the events older than
 * that many days before `ctx.clock`, through the one privileged path that may delete them (the
 * `audit_retention_purge` function), `batch` at a time, at most `maxBatches` per workspace per
 * call (the next round finishes a backlog). Returns how many it deleted.
 */
export async function purgeAuditEvents(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
  o: { batch?: number; maxBatches?: number } = {},
): Promise<number> {
  const batch = o.batch ?? RETENTION_BATCH;
  const now = ctx.clock.now();
  const workspaces = await ctx.db.rows<{ id: string }>(sql`select id from workspaces where audit_retention_days is not null order by id`);
  let total = 0;
  for (const w of workspaces) {
    for (let i = 0; i < (o.maxBatches ?? RETENTION_MAX_BATCHES); i++) {
      const [r] = await ctx.db.rows<{ n: number }>(sql`select audit_retention_purge(${w.id}::uuid, ${now}::timestamptz, ${batch}::int) as n`);
      total += r!.n;
      if (r!.n < batch) break;
    }
  }
  return total;
}

/** The workspace's audit retention in days (null: kept for ever). */
export async function getAuditRetention(ctx: Pick<ServiceContext, 'db'>, o: { workspaceId: string }): Promise<number | null> {
  const [w] = await ctx.db.rows<{ days: number | null }>(sql`select audit_retention_days as days from workspaces where id = ${o.workspaceId}::uuid`);
  return w?.days ?? null;
}
