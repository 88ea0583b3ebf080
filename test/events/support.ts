import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import pino from 'pino';
import { connectPostgres, type Db } from '../../server/src/db/client.js';
import { EventConsumers } from '../../server/src/events/consumers.js';
import { Scheduler } from '../../server/src/scheduler/scheduler.js';
import type { Clock } from '../../server/src/lib/clock.js';

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A manual clock: `advance(ms)` moves it; nothing else does. */
export function manualClock(start = new Date()): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

/** A database connection of its own on the run's Postgres, as another node would have. */
export const connectNodeDb = (max = 4): Promise<Db> => connectPostgres(inject('databaseUrl'), { max });

/**
 * An event-consumer runner as a node runs it, on `db`, with no timer of consequence (the poll is
 * a day) and no LISTEN: the test drives it with `runOnce`.
 */
export const consumersOn = (db: Db, clock: Clock, leaseMs = 30_000) =>
  new EventConsumers({ db, logger: silent, clock, nodeId: `test-${randomUUID().slice(0, 8)}`, pollMs: 86_400_000, leaseMs });

/** A scheduler as a node runs it, on `db`, driven by `runDue` (poll a day, no LISTEN). */
export const schedulerOn = (db: Db, clock: Clock, leaseMs = 30_000, nodeId = `test-${randomUUID().slice(0, 8)}`) =>
  new Scheduler({ db, logger: silent, clock, nodeId, pollMs: 86_400_000, leaseMs });
