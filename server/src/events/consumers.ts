import { privileged } from '../db/scope.js';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { EventBus } from './bus.js';
import type { Clock } from '../lib/clock.js';
import { Wakeable } from '../lib/wakeable.js';
import type { LoggedEvent } from './log.events.js';
import { readEventsAcrossWorkspaces, readEventsAtAcrossWorkspaces, type LogCursor } from './log.reader.js';

/**
 * A reaction to the durable event log (SLA, routing, automation, webhooks…).
 *
 * Delivery is AT LEAST ONCE: after a crash, a lost lease or a failed batch, events the handler
 * already saw come again. `handle` must therefore be idempotent (key what it writes by the
 * event's `id` or `position`, or by the state it moves to). Events arrive in log order
 * (events/log.reader.ts), in batches of up to `batchSize`; a batch that throws is run again
 * one event at a time, so only the failing event is retried: with backoff, up to
 * `maxAttempts` times, then recorded dead (`event_dead_letters`) and skipped. While an event is
 * retried the consumer waits on it (its later events stay in order behind it).
 * Events with `imported` true came from an import: handlers with side effects skip them.
 */
export type ConsumerSpec = {
  /** Unique and stable: the cursor is kept under this name. */
  name: string;
  handle(events: LoggedEvent[]): Promise<void>;
  /** Events per call; default 100. */
  batchSize?: number;
  /** Attempts of one failing event before it is dead; default 5. */
  maxAttempts?: number;
  /** Milliseconds before attempt `attempt + 1` (attempt counts from 1); default 1 s, 5 s, 30 s, 2 min, 10 min. */
  backoffMs?: (attempt: number) => number;
  /**
   * Where a consumer seen for the first time starts: `beginning` (default: the whole log) or
   * `now` (only events after its first round; for a reaction added to a running deployment
   * that backfills from current state instead).
   */
  startAt?: 'beginning' | 'now';
};

const DEFAULT_BACKOFF = [1_000, 5_000, 30_000, 120_000, 600_000];
const defaultBackoff = (attempt: number) => DEFAULT_BACKOFF[Math.min(attempt, DEFAULT_BACKOFF.length) - 1]!;

type State = { last_xid: string; last_position: string | number; failing_position: string | number | null; failing_attempts: number; retry_at: Date | null };

const START_AT_END = `
  insert into event_consumers (name, last_xid, last_position, updated_at)
  select $1::text, coalesce(e.xid, '0'::xid8), coalesce(e.position, 0), $2::timestamptz
  from (select 1) one left join lateral (
    select xid, position from domain_events where xid < pg_snapshot_xmin(pg_current_snapshot())
    order by xid desc, position desc limit 1
  ) e on true
  on conflict (name) do nothing`;

/** Creates `consumer`'s cursor at the end of the final part of the log, unless it has one. */
// crosses workspaces: the end of the log is the newest event of any workspace.
export async function startConsumerAtEndAcrossWorkspaces(db: Db, consumer: string, now: Date): Promise<void> {
  await db.query(START_AT_END, [consumer, now]);
}

const LEASE = `
  insert into event_consumers (name, owner, lease_until, updated_at) values ($1::text, $2::text, $3::timestamptz, $4::timestamptz)
  on conflict (name) do update set owner = excluded.owner, lease_until = excluded.lease_until, updated_at = excluded.updated_at
  where event_consumers.owner = excluded.owner or event_consumers.owner is null or event_consumers.lease_until < $4::timestamptz
  returning last_xid::text as last_xid, last_position, failing_position, failing_attempts, retry_at`;

const ADVANCE = `
  update event_consumers set last_xid = $3::text::xid8, last_position = $4::int8, failing_position = null, failing_attempts = 0,
    retry_at = null, last_error = null, lease_until = $5::timestamptz, updated_at = $6::timestamptz
  where name = $1::text and owner = $2::text returning 1 as ok`;

const FAILING = `
  update event_consumers set failing_position = $3::int8, failing_attempts = $4::int, retry_at = $5::timestamptz,
    last_error = $6::text, updated_at = $7::timestamptz
  where name = $1::text and owner = $2::text`;

const DEAD = `
  insert into event_dead_letters (consumer, position, workspace_id, name, attempts, last_error, state, dead_at, updated_at)
  values ($1::text, $2::int8, $3::uuid, $4::text, $5::int, $6::text, 'dead', $7::timestamptz, $7::timestamptz)
  on conflict (consumer, position) do update set attempts = excluded.attempts, last_error = excluded.last_error,
    state = 'dead', updated_at = excluded.updated_at`;

/** Records `e` dead for `consumer` (or dead again, with the new error). */
// crosses workspaces: a consumer's dead letters come from every workspace's events, written
// by the consumer outside any request.
export async function recordDeadEventAcrossWorkspaces(db: Db, o: { consumer: string; event: LoggedEvent; attempts: number; error: string; now: Date }): Promise<void> {
  await db.query(DEAD, [o.consumer, o.event.position, o.event.workspaceId, o.event.name, o.attempts, o.error, o.now]);
}

/** Positions of `consumer`'s dead events an operator set to `retry` (at most 100). */
// crosses workspaces: as above, the dead letters of one consumer span workspaces.
export async function deadEventsToRetryAcrossWorkspaces(db: Db, consumer: string): Promise<number[]> {
  const rows = await db.query<{ position: string | number }>(`select position from event_dead_letters where consumer = $1::text and state = 'retry' order by position limit 100`, [consumer]);
  return rows.map((r) => Number(r.position));
}

/** A retried dead event succeeded (`resolved`) or failed again (`dead`, with the error). */
// crosses workspaces: as above.
export async function settleDeadEventAcrossWorkspaces(db: Db, o: { consumer: string; position: number; now: Date; error: string | null }): Promise<void> {
  if (o.error === null)
    await db.query(`update event_dead_letters set state = 'resolved', updated_at = $3::timestamptz where consumer = $1::text and position = $2::int8`, [o.consumer, o.position, o.now]);
  else
    await db.query(`update event_dead_letters set state = 'dead', attempts = attempts + 1, last_error = $3::text, updated_at = $4::timestamptz
      where consumer = $1::text and position = $2::int8`, [o.consumer, o.position, o.error, o.now]);
}

const RELEASE = `update event_consumers set owner = null, lease_until = null where name = any(string_to_array($1::text, ',')) and owner = $2::text`;

const errorText = (err: unknown) => (err instanceof Error ? err.stack ?? err.message : String(err)).slice(0, 4000);

/**
 * Runs the registered consumers on this node: each one only while this node holds its lease
 * (`event_consumers.owner`, renewed with every batch), so two nodes never run the same consumer
 * at once; another node takes a consumer over once the lease of a dead node ran out (a node
 * that stops hands its leases back at once). Woken within 50 ms of any event on the bus (the
 * writer publishes after its commit, to every node) and by a poll every `pollMs`, which finds
 * what the bus dropped or was never published (the writer died after its commit).
 *
 * Not by NOTIFY from the writing transaction: Postgres serializes the commits of notifying
 * transactions on one lock, and on the chat hot path that halved the message rate of
 * one-transaction-per-message writers (docs/benchmarks.md, "Durable event log").
 */
export class EventConsumers {
  private readonly consumers = new Map<string, Required<ConsumerSpec>>();
  /** Consumers with `startAt: 'now'` whose cursor this node made sure exists. */
  private readonly placed = new Set<string>();
  private readonly loop: Wakeable;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly o: { db: Db; logger: Logger; clock: Clock; nodeId: string; pollMs: number; leaseMs: number; bus?: EventBus },
  ) {
    this.loop = new Wakeable('event consumers', o.logger, () => this.round(), () => o.pollMs);
  }

  /** Adds a consumer (before or after `start`). Names are unique. */
  registerConsumer(spec: ConsumerSpec): void {
    if (this.consumers.has(spec.name)) throw new Error(`event consumer ${spec.name} is already registered`);
    this.consumers.set(spec.name, { batchSize: 100, maxAttempts: 5, backoffMs: defaultBackoff, startAt: 'beginning', ...spec });
    this.loop.wake();
  }

  /** Starts the poll, and listens to the bus for a sign that events were written. */
  start(): void {
    // Under load the bus carries thousands of events a second: one round per 50 ms at most.
    const unsubscribe = this.o.bus?.subscribe(() => this.loop.armWithin(50));
    const unGap = this.o.bus?.onGap(() => this.loop.wake());
    this.unsubscribe = () => {
      unsubscribe?.();
      unGap?.();
    };
    this.loop.start();
  }

  /** Runs every consumer this node may run until it is caught up (or waits on a retry). For tests and drains. */
  runOnce(): Promise<void> {
    return this.loop.run();
  }

  /** Stops polling, lets the batch in progress finish, and hands the leases back. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.loop.stop();
    if (this.consumers.size)
      await this.o.db.query(RELEASE, [[...this.consumers.keys()].join(','), this.o.nodeId]).catch((err: unknown) => this.o.logger.warn({ err }, 'could not release event consumer leases'));
  }

  /**
   * One round: every consumer at once, each until caught up. Side by side, not one after the
   * other, so a consumer with much to do (SLA after a burst) does not hold up another's reaction
   * (routing a new chat); each has its own cursor and lease.
   */
  private async round(): Promise<void> {
    await Promise.all(
      [...this.consumers.values()].map((c) =>
        this.drain(c).catch((err) => this.o.logger.warn({ err, consumer: c.name }, 'event consumer round failed')),
      ),
    );
  }

  private leaseUntil = () => new Date(this.o.clock.now().getTime() + this.o.leaseMs);

  /** One consumer: take or renew the lease, send back dead events asked for, then batches until caught up. */
  private async drain(c: Required<ConsumerSpec>): Promise<void> {
    const { db, nodeId } = this.o;
    const now = this.o.clock.now();
    if (c.startAt === 'now' && !this.placed.has(c.name)) {
      // crosses workspaces: the log's end, over every workspace's events.
      await privileged('event-log', () => startConsumerAtEndAcrossWorkspaces(db, c.name, now));
      this.placed.add(c.name);
    }
    const [state] = await db.query<State>(LEASE, [c.name, nodeId, this.leaseUntil(), now]);
    if (!state) return; // another node runs it
    if (state.retry_at && new Date(state.retry_at) > now) return;
    await this.redrive(c);
    let cursor: LogCursor = { xid: state.last_xid, position: Number(state.last_position) };
    let failing = state.failing_position === null ? null : { position: Number(state.failing_position), attempts: state.failing_attempts };
    for (;;) {
      // crosses workspaces: the log is one sequence for every workspace; handlers scope each event to its own.
      const events = await privileged('event-log', () => readEventsAcrossWorkspaces(db, cursor, c.batchSize));
      if (!events.length) return;
      try {
        await c.handle(events);
        if (!(await this.advance(c, events.at(-1)!))) return;
        cursor = events.at(-1)!;
        failing = null;
        continue;
      } catch (err) {
        if (events.length === 1) {
          if (!(await this.failed(c, events[0]!, err, failing))) return;
          cursor = events[0]!;
          failing = null;
          continue;
        }
      }
      // The batch failed: one at a time, to find the event that fails and keep the others.
      for (const e of events) {
        try {
          await c.handle([e]);
          if (!(await this.advance(c, e))) return;
        } catch (err) {
          if (!(await this.failed(c, e, err, failing))) return;
        }
        cursor = e;
        failing = null;
      }
    }
  }

  /** Moves the cursor past `e` (and renews the lease); false when this node lost the lease. */
  private async advance(c: Required<ConsumerSpec>, e: LoggedEvent): Promise<boolean> {
    const rows = await this.o.db.query(ADVANCE, [c.name, this.o.nodeId, e.xid, e.position, this.leaseUntil(), this.o.clock.now()]);
    return rows.length > 0;
  }

  /**
   * `e` failed: records the attempt and returns false (the consumer waits for the backoff), or,
   * at the last attempt, records it dead, moves past it and returns true.
   */
  private async failed(c: Required<ConsumerSpec>, e: LoggedEvent, err: unknown, failing: { position: number; attempts: number } | null): Promise<boolean> {
    const { db, nodeId, logger } = this.o;
    const now = this.o.clock.now();
    const attempts = (failing?.position === e.position ? failing.attempts : 0) + 1;
    if (attempts >= c.maxAttempts) {
      logger.error({ err, consumer: c.name, position: e.position, event: e.name, attempts }, 'event consumer gave up on an event: recorded dead');
      // crosses workspaces: a consumer's dead letters come from every workspace's events.
      await privileged('event-log', () => recordDeadEventAcrossWorkspaces(db, { consumer: c.name, event: e, attempts, error: errorText(err), now }));
      return this.advance(c, e);
    }
    logger.warn({ err, consumer: c.name, position: e.position, event: e.name, attempts }, 'event consumer failed; retrying after backoff');
    await db.query(FAILING, [c.name, nodeId, e.position, attempts, new Date(now.getTime() + c.backoffMs(attempts)), errorText(err), now]);
    return false;
  }

  /** Dead events an operator set to `retry`: handled once more, then `resolved` or dead again. */
  private async redrive(c: Required<ConsumerSpec>): Promise<void> {
    const { db } = this.o;
    // crosses workspaces: the dead letters an operator sent back, of every workspace.
    const positions = await privileged('event-log', () => deadEventsToRetryAcrossWorkspaces(db, c.name));
    if (!positions.length) return;
    // crosses workspaces: as above.
    for (const e of await privileged('event-log', () => readEventsAtAcrossWorkspaces(db, positions))) {
      let error: string | null = null;
      try {
        await c.handle([e]);
      } catch (err) {
        error = errorText(err);
      }
      // crosses workspaces: as above.
      await privileged('event-log', () => settleDeadEventAcrossWorkspaces(db, { consumer: c.name, position: e.position, now: this.o.clock.now(), error }));
    }
  }
}
