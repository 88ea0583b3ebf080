import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { connectPglite, connectPostgres, type Db } from './db/client.js';
import { migrate } from './db/migrate.js';
import { APP_ROLE, requireRowLevelSecurity } from './db/rls.js';
import { createLocalBus, createRedisBus } from './events/bus.js';
import { publisherOptions } from './events/redis-publisher.js';
import { systemClock, type Clock } from './lib/clock.js';
import type { AppDeps } from './app.js';

/**
 * Connects what the config names: Postgres (DATABASE_URL) or embedded PGlite (DATA_DIR, or
 * memory when `memory` is set), Redis (REDIS_URL) or the in-process bus; applies migrations.
 * On Postgres, migrations run as DATABASE_URL's user (the schema's owner) on a connection of
 * their own; the pool then works as the application role under row-level security, and the
 * boot check throws if that connection could bypass it (db/rls.ts).
 */
export async function connectDeps(
  config: Config,
  o: {
    logger?: Logger;
    clock?: Clock;
    memory?: boolean;
    /**
     * false: the pool works as DATABASE_URL's user, sends no scope settings and skips the boot
     * check, i.e. without row-level security. Only for the benchmark's RLS-off comparison
     * (bench/chat.ts --rls); deliberately not a config variable.
     */
    rowLevelSecurity?: boolean;
  } = {},
): Promise<AppDeps> {
  const logger = o.logger ?? pino({ level: config.LOG_LEVEL });
  let db: Db;
  if (config.DATABASE_URL) {
    const owner = await connectPostgres(config.DATABASE_URL, { max: 1, logger });
    try {
      const applied = await migrate(owner);
      if (applied) logger.info({ applied }, 'migrations applied');
    } finally {
      await owner.close();
    }
    if (o.rowLevelSecurity === false) {
      logger.warn('row-level security is off for this process (benchmark comparison): the pool works as the schema owner');
      db = await connectPostgres(config.DATABASE_URL, { max: config.DB_POOL_MAX, logger, scoped: false });
    } else {
      db = await connectPostgres(config.DATABASE_URL, { max: config.DB_POOL_MAX, logger, role: APP_ROLE });
      try {
        await requireRowLevelSecurity(db);
      } catch (err) {
        await db.close();
        throw err;
      }
    }
  } else {
    if (o.memory) db = await connectPglite(null);
    else {
      mkdirSync(config.DATA_DIR, { recursive: true });
      db = await connectPglite(config.DATA_DIR);
    }
    const applied = await migrate(db);
    if (applied) logger.info({ applied }, 'migrations applied');
  }
  if (!config.REDIS_URL) return { config, db, bus: createLocalBus(logger), logger, clock: o.clock ?? systemClock };
  const redisOpts = { maxRetriesPerRequest: 3, enableAutoPipelining: true, lazyConnect: false };
  const pub = new Redis(config.REDIS_URL, redisOpts);
  const sub = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const adapterSub = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  // The bus publishes on a connection of its own: it resends what fails itself, in order.
  const events = new Redis(config.REDIS_URL, publisherOptions);
  for (const [name, c] of Object.entries({ pub, sub, adapterSub, events }))
    c.on('error', (err) => logger.warn({ err: err.message, client: name }, 'redis connection error'));
  const bus = await createRedisBus({ pub: events, sub, prefix: config.REDIS_PREFIX, logger, maxBacklog: config.REDIS_EVENT_BACKLOG });
  return { config, db, bus, logger, clock: o.clock ?? systemClock, redis: { pub, sub, adapterSub, events } };
}
