import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { Clock } from '../lib/clock.js';
import { Wakeable } from '../lib/wakeable.js';
import type { DueWork } from './due.js';

export type DueHandler = (work: DueWork) => Promise<void>;
export type KindOptions = {
  /** Attempts before the row is dead; default 5. A claim whose node died counts as one. */
  maxAttempts?: number;
  /** Milliseconds before attempt `attempt + 1` (attempt counts from 1); default 1 s, 10 s, 1 min, 5 min. */
  backoff?: (attempt: number) => number;
};

const DEFAULT_BACKOFF = [1_000, 10_000, 60_000, 300_000];
const defaultBackoff = (attempt: number) => DEFAULT_BACKOFF[Math.min(attempt, DEFAULT_BACKOFF.length) - 1]!;

type Claimed = { id: string; workspace_id: string; kind: string; key: string; due_at: Date | string; payload: unknown; attempts: number; claim_token: string };

/**
 * Claims due rows: pending ones due by `now` (through the partial index on due_at), and
 * running ones whose lease ran out (their node died or hung: taken back). FOR UPDATE SKIP
 * LOCKED lets nodes claim side by side without waiting on or taking each other's rows; the
 * claim sets a fresh `claim_token`, so only the current claim can finish the row.
 */
const CLAIM = `
  with due as (
    select id from due_work where state = 'pending' and due_at <= $1::timestamptz and kind = any(string_to_array($2::text, ','))
    order by due_at limit $3::int for update skip locked
  ), expired as (
    select id from due_work where state = 'running' and lease_until < $1::timestamptz and kind = any(string_to_array($2::text, ','))
    order by lease_until limit $3::int for update skip locked
  )
  update due_work d set state = 'running', attempts = d.attempts + 1, lease_until = $4::timestamptz, claimed_by = $5::text,
    claim_token = gen_random_uuid(), updated_at = $1::timestamptz
  where d.id in (select id from due union all select id from expired)
  returning d.id, d.workspace_id, d.kind, d.key, d.due_at, d.payload, d.attempts, d.claim_token`;

/** Claims up to `limit` rows of `kinds` due by `now` (or whose lease expired) for `nodeId`, leased until `leaseUntil`. */
// crosses workspaces: due work of every workspace shares one queue, claimed by whichever node
// is free; each handler then works within the row's own workspace.
export async function claimDueAcrossWorkspaces(
  db: Db,
  o: { kinds: string[]; now: Date; limit: number; leaseUntil: Date; nodeId: string },
): Promise<Claimed[]> {
  return db.query<Claimed>(CLAIM, [o.now, o.kinds.join(','), o.limit, o.leaseUntil, o.nodeId]);
}

const NEXT = `
  select least((select min(due_at) from due_work where state = 'pending' and kind = any(string_to_array($1::text, ','))),
               (select min(lease_until) from due_work where state = 'running' and kind = any(string_to_array($1::text, ',')))) as at`;

/**
 * The scheduler's own bookkeeping on rows it claimed (done, retry later, dead), by id and
 * claim token: only the current claim can settle a row.
 */
// crosses workspaces: the scheduler settles rows of every workspace outside any request;
// the row's claim token, not a workspace setting, is what scopes the write.
export async function settleDueAcrossWorkspaces(
  db: Db,
  o: { id: string; claimToken: string; now: Date } & ({ outcome: 'done' } | { outcome: 'retry'; at: Date; error: string } | { outcome: 'dead'; error: string }),
): Promise<void> {
  if (o.outcome === 'done') await db.query(DONE, [o.id, o.claimToken, o.now]);
  else if (o.outcome === 'retry') await db.query(RETRY, [o.id, o.claimToken, o.at, o.error, o.now]);
  else await db.query(DEAD, [o.id, o.claimToken, o.error, o.now]);
}

/** The earliest pending due time or running lease among `kinds`, or null. */
// crosses workspaces: one timer per node serves the due work of every workspace.
export async function nextDueAcrossWorkspaces(db: Db, kinds: string[]): Promise<Date | null> {
  const [r] = await db.query<{ at: Date | string | null }>(NEXT, [kinds.join(',')]);
  return r?.at ? new Date(r.at) : null;
}

const DONE = `update due_work set state = 'done', lease_until = null, updated_at = $3::timestamptz where id = $1::uuid and claim_token = $2::uuid`;
const RETRY = `update due_work set state = 'pending', due_at = $3::timestamptz, last_error = $4::text, lease_until = null, claim_token = null, updated_at = $5::timestamptz
  where id = $1::uuid and claim_token = $2::uuid`;
const DEAD = `update due_work set state = 'dead', last_error = $3::text, lease_until = null, updated_at = $4::timestamptz where id = $1::uuid and claim_token = $2::uuid`;

const errorText = (err: unknown) => (err instanceof Error ? err.stack ?? err.message : String(err)).slice(0, 4000);

/**
 * The due-work scheduler of one node: runs the kinds registered here, on rows claimed from
 * `due_work` (scheduleDue / cancelDue in due.ts write them). Each row is claimed by one node
 * at a time and finished once; a node that dies holding rows loses them to another node when
 * their lease (`leaseMs`) runs out. A failing handler is retried with its kind's backoff, then
 * left `dead` with its error. Wakes at the nearest due time (a timer set from the earliest
 * pending due_at or running lease, by the injected clock), when a row is scheduled (NOTIFY
 * `due_work`), and at least every `pollMs`.
 */
export class Scheduler {
  private readonly kinds = new Map<string, { handler: DueHandler; maxAttempts: number; backoff: (attempt: number) => number }>();
  private readonly loop: Wakeable;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly o: { db: Db; logger: Logger; clock: Clock; nodeId: string; pollMs: number; leaseMs: number; batchSize?: number; concurrency?: number },
  ) {
    this.loop = new Wakeable('scheduler', o.logger, async () => void (await this.runDue()), () => this.nextDelay());
  }

  /** Registers the handler of `kind` on this node (handlers must be idempotent: a node that dies mid-run means another run). */
  registerKind(kind: string, handler: DueHandler, opts: KindOptions = {}): void {
    if (this.kinds.has(kind)) throw new Error(`due work kind ${kind} is already registered`);
    if (kind.includes(',')) throw new Error('a due work kind has no comma');
    this.kinds.set(kind, { handler, maxAttempts: opts.maxAttempts ?? 5, backoff: opts.backoff ?? defaultBackoff });
    this.loop.wake();
  }

  async start(): Promise<void> {
    this.unlisten = await this.o.db.listen(
      'due_work',
      (payload) => {
        // The payload is the row's due time (epoch ms): wake then, or now if already due.
        const at = Number(payload);
        this.loop.armWithin(Number.isFinite(at) ? at - this.o.clock.now().getTime() : 0);
      },
      () => this.loop.wake(),
    );
    this.loop.start();
  }

  /**
   * Claims and runs everything due by the clock's now, batch after batch, until nothing is
   * due; resolves with the number of rows run. Tests call it after moving a manual clock.
   */
  async runDue(): Promise<number> {
    if (!this.kinds.size) return 0;
    const { db, nodeId } = this.o;
    const limit = this.o.batchSize ?? 100;
    let ran = 0;
    for (;;) {
      const now = this.o.clock.now();
      const rows = await claimDueAcrossWorkspaces(db, { kinds: [...this.kinds.keys()], now, limit, leaseUntil: new Date(now.getTime() + this.o.leaseMs), nodeId });
      if (!rows.length) return ran;
      await this.runAll(rows);
      ran += rows.length;
      if (rows.length < limit) return ran;
    }
  }

  private async runAll(rows: Claimed[]): Promise<void> {
    const concurrency = this.o.concurrency ?? 16;
    let i = 0;
    const worker = async () => {
      while (i < rows.length) await this.runOne(rows[i++]!);
    };
    const p = Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker)).then(() => {});
    this.inFlight.add(p);
    try {
      await p;
    } finally {
      this.inFlight.delete(p);
    }
  }

  private async runOne(r: Claimed): Promise<void> {
    const kind = this.kinds.get(r.kind)!;
    const { db, logger } = this.o;
    const work: DueWork = { id: r.id, workspaceId: r.workspace_id, kind: r.kind, key: r.key, dueAt: new Date(r.due_at), payload: r.payload, attempt: r.attempts };
    try {
      await kind.handler(work);
      await settleDueAcrossWorkspaces(db, { id: r.id, claimToken: r.claim_token, now: this.o.clock.now(), outcome: 'done' });
    } catch (err) {
      const now = this.o.clock.now();
      if (r.attempts >= kind.maxAttempts) {
        logger.error({ err, kind: r.kind, key: r.key, attempts: r.attempts }, 'due work failed for the last time: dead');
        await settleDueAcrossWorkspaces(db, { id: r.id, claimToken: r.claim_token, now, outcome: 'dead', error: errorText(err) }).catch((e: unknown) => logger.warn({ err: e }, 'could not record dead due work'));
      } else {
        logger.warn({ err, kind: r.kind, key: r.key, attempts: r.attempts }, 'due work failed; retrying after backoff');
        const at = new Date(now.getTime() + kind.backoff(r.attempts));
        await settleDueAcrossWorkspaces(db, { id: r.id, claimToken: r.claim_token, now, outcome: 'retry', at, error: errorText(err) }).catch((e: unknown) => logger.warn({ err: e }, 'could not record due work retry'));
      }
    }
  }

  /** Milliseconds until the earliest pending row is due or running lease expires, at most `pollMs`. */
  private async nextDelay(): Promise<number> {
    if (!this.kinds.size) return this.o.pollMs;
    const at = await nextDueAcrossWorkspaces(this.o.db, [...this.kinds.keys()]);
    if (!at) return this.o.pollMs;
    return Math.min(this.o.pollMs, Math.max(0, at.getTime() - this.o.clock.now().getTime()));
  }

  /**
   * Stops claiming, and waits up to `waitMs` (default 5 s) for the rows in progress; rows still
   * running after that are taken back by another node when their lease runs out.
   */
  async stop(waitMs = 5_000): Promise<void> {
    await this.unlisten?.().catch((err: unknown) => this.o.logger.warn({ err }, 'could not stop listening for due work'));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), waitMs)));
    const done = Promise.all([this.loop.stop(), ...this.inFlight]).then(() => 'done' as const);
    if ((await Promise.race([done, late])) === 'late') this.o.logger.warn('scheduler stopped with due work still running; its lease will expire');
    clearTimeout(timer);
  }
}
