/**
 * Benchmark child: the real server (Postgres + Redis), silent, on 127.0.0.1 and a free port.
 * Options come as one JSON argument: { databaseUrl, redisUrl, redisPrefix, poolMax, rate, eventLog, rls, logLevel }
 * (`eventLog: false`: no durable events, for --event-log; `rls: false`: without row-level
 * security, for bench/chat.ts --rls off|both).
 * Run by bench/chat.ts through child_process.fork; see ./child.ts for the IPC protocol.
 */
import { loadConfig } from '../../server/src/config.js';
import { connectDeps } from '../../server/src/deps.js';
import { createApp } from '../../server/src/app.js';
import { failChild, serveChild } from './child.js';
import { logGcTo } from './gc-log.js';

type Options = { databaseUrl: string; redisUrl: string; redisPrefix: string; poolMax: number; rate: number; eventLog?: boolean; rls?: boolean; logLevel?: string };

// BENCH_GC_LOG=<prefix>: each child logs its collections to <prefix>.<pid> (see ./gc-log.ts).
if (process.env.BENCH_GC_LOG) logGcTo(`${process.env.BENCH_GC_LOG}.${process.pid}`);
try {
  const o = JSON.parse(process.argv[2] ?? '{}') as Options;
  // Only what the bench sets: nothing else from the environment reaches the config.
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: o.redisPrefix,
    DB_POOL_MAX: String(o.poolMax),
    LOG_LEVEL: o.logLevel ?? 'silent',
    SHUTDOWN_TIMEOUT_MS: '3000',
    // Every bench visitor comes from 127.0.0.1.
    WIDGET_NEW_SESSIONS_PER_MINUTE: '1000000',
    WIDGET_SOCKETS_PER_ADDRESS: '1000000',
    EVENT_LOG_WRITES: o.eventLog === false ? 'off' : 'on',
  });
  const deps = await connectDeps(config, { rowLevelSecurity: o.rls !== false });
  // Per-socket limits far above what one bench socket sends (the load is spread over visitors).
  const perSocket = Math.max(1000, o.rate);
  const app = await createApp({
    ...deps,
    limits: {
      widget: { ratePerSecond: perSocket, burst: perSocket * 2, perAddress: { ratePerSecond: 1e9, burst: 1e9 } },
      agent: { ratePerSecond: perSocket, burst: perSocket * 2 },
    },
  });
  const port = await app.listen(0, '127.0.0.1');
  serveChild(port, () => app.close());
} catch (err) {
  failChild(err);
}
