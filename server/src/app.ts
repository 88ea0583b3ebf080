import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { Server } from 'socket.io';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LIMITS } from '@support/protocol';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { EventBus } from './events/bus.js';
import type { Clock } from './lib/clock.js';
import type { ServiceContext } from './lib/context.js';
import { baseApp, errorHandler, sameOriginGuard, type TrustFn } from './http/http.js';
import { AppError } from './http/errors.js';
import { Lifecycle } from './realtime/lifecycle.js';
import type { Rate } from './realtime/limits.js';
import { CoalescingWebSocketServer } from './realtime/coalesce.js';
import { AppendBatcher } from './messages/append-batcher.js';
import { attachRealtimeListener } from './realtime/realtime.listener.js';
import { startMaintenance, sweepPresence } from './realtime/maintenance.js';
import { registerWidgetNamespace } from './widget/widget.socket.js';
import { widgetChunks, widgetRoutes } from './widget/widget.routes.js';
import { registerAgentNamespace } from './agents/agent.socket.js';
import { watchRevocations } from './agents/agent.revocation.js';
import { authRoutes, loginLimiters } from './agents/agents.routes.js';
import { peopleRoutes } from './people/people.routes.js';
import { startSystemMailWorker } from './email/system-mail.js';
import { slaRoutes } from './sla/sla.routes.js';
import { settingsRoutes } from './agents/settings.routes.js';
import { inboxFiles, inboxRoutes } from './agents/inbox.routes.js';
import { emailRoutes } from './email/email.routes.js';
import { inboxSettingsRoutes } from './inboxes/inboxes.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { workspaceRoutes } from './workspaces/workspace.routes.js';
import { deadLetterRoutes } from './email/dead-letters.routes.js';
import { emailWebhookRoutes } from './email/webhook.routes.js';
import { mountRoutes, type RouteHandlers } from './http/routes.js';
import { attachEmailListener } from './email/email.listener.js';
import { startEmailWorker } from './email/outbox.worker.js';
import { smtpMailer } from './email/mailer.js';
import { createMailParser, type MailParser } from './email/mail-parser.js';
import { attachmentsCors, attachmentsRoutes } from './attachments/attachments.routes.js';
import { demoRoutes } from './demo/demo.routes.js';
import { loggedPublishes } from './realtime/redis-adapter.js';
import { counterFactory } from './lib/window-limiter.js';
import { EventConsumers } from './events/consumers.js';
import { Scheduler } from './scheduler/scheduler.js';
import { registerSla } from './sla/sla.wiring.js';
import { routingSettingsRoutes } from './routing/settings.routes.js';
import { routingRoutes } from './routing/routing.routes.js';
import { registerRouting } from './routing/routing.wiring.js';
import { registerAutomation } from './automation/automation.wiring.js';
import { registerTimeRules } from './automation/time.wiring.js';
import { registerSnooze } from './tickets/snooze.wiring.js';
import { automationRoutes } from './automation/automation.routes.js';
import { macrosRoutes } from './macros/macros.routes.js';
import { cannedRoutes } from './canned/canned.routes.js';
import { notificationsRoutes } from './notifications/notifications.routes.js';
import { privileged, withWorkspace } from './db/scope.js';

/** Everything the app needs from outside; main.ts wires real ones, tests their own. */
export type AppDeps = {
  config: Config;
  db: Db;
  bus: EventBus;
  logger: Logger;
  clock: Clock;
  /**
   * Redis clients when REDIS_URL is set: `pub` (the Socket.IO adapter's; also answers readiness
   * pings and holds the shared limit counters), `adapterSub`, and the bus's `sub` and `events`
   * (its publishing connection).
   */
  redis?: { pub: Redis; adapterSub: Redis; sub: Redis; events: Redis } | undefined;
  /** Parses inbound mail off the event loop; default: EMAIL_PARSE_THREADS worker threads (tests may wrap one). */
  mailParser?: MailParser;
  /**
   * Event rate limits (events/s and burst): per socket on both namespaces, and on /widget per
   * visitor session and per client address (default 2× and 10× the widget's per-socket rate).
   */
  limits?: { widget?: Rate & { perSession?: Rate; perAddress?: Rate }; agent?: Rate };
  /** The chat inbox (wire id) whose widget the demo page at `/` embeds; read on every request. */
  demoInbox?: string | undefined;
};

export type App = {
  http: HttpServer;
  /** The Express app (its router is what the role matrix test walks). */
  express: Express;
  io: Server;
  lifecycle: Lifecycle;
  /** Starts listening; resolves with the bound port (pass 0 for any free port). */
  listen(port: number, host?: string): Promise<number>;
  /** Graceful stop: refuse new work, finish in-flight writes, close sockets, bus, Redis and DB. */
  close(): Promise<void>;
  /** One presence sweep now, optionally of one workspace (it also runs every MAINTENANCE_INTERVAL_MS); returns agents set offline. */
  sweepPresence(workspaceId?: string): Promise<number>;
  /** The durable event log's consumers on this node: `registerConsumer`, `runOnce` (docs/operations.md). */
  events: EventConsumers;
  /** The due-work scheduler on this node: `registerKind`, `runDue` (docs/operations.md). */
  scheduler: Scheduler;
};

const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));
const INBOX_DIST = fileURLToPath(new URL('../../inbox/dist', import.meta.url));

/** Builds the HTTP + Socket.IO server. Starts nothing until `listen` is called. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, db, bus, logger } = deps;
  // PGlite runs one transaction at a time; Postgres as many as the pool has connections.
  const writes = new AppendBatcher(db, db.kind === 'pglite' ? 1 : config.DB_POOL_MAX, undefined, config.EVENT_LOG_WRITES);
  const ctx: ServiceContext = { db, bus, clock: deps.clock, logger, config, writes };
  const lifecycle = new Lifecycle(config.MAX_INFLIGHT);
  const app = baseApp(config.TRUST_PROXY);
  const http = createServer(app);

  const io = new Server(http, {
    maxHttpBufferSize: LIMITS.socketPayloadBytes,
    // Frames written to one socket in one event-loop turn leave in one system call.
    wsEngine: CoalescingWebSocketServer,
    // The widget runs on customers' sites: any origin may use it, without credentials.
    cors: { origin: true, credentials: false },
  });
  if (deps.redis) {
    const { createAdapter } = await import('@socket.io/redis-adapter');
    io.adapter(createAdapter(loggedPublishes(deps.redis.pub, logger), deps.redis.adapterSub, { key: `${config.REDIS_PREFIX}:sio`, requestsTimeout: 3000 }));
  }
  const widget = io.of('/widget');
  const agent = io.of('/agent');
  const allowedOrigins = new Set([...(config.PUBLIC_URL ? [new URL(config.PUBLIC_URL).origin] : []), ...config.AGENT_ORIGINS]);
  const counters = counterFactory(deps.redis?.pub, config.REDIS_PREFIX, logger);
  const widgetRate = deps.limits?.widget ?? { ratePerSecond: 10, burst: 30 };
  const times = (r: Rate, k: number): Rate => ({ ratePerSecond: r.ratePerSecond * k, burst: r.burst * k });
  const detachWidget = registerWidgetNamespace(widget, ctx, lifecycle, {
    ratePerSecond: widgetRate.ratePerSecond,
    burst: widgetRate.burst,
    perSession: widgetRate.perSession ?? times(widgetRate, 2),
    perAddress: widgetRate.perAddress ?? times(widgetRate, 10),
    agentNsp: agent,
    counters,
    trust: app.get('trust proxy fn') as TrustFn,
  });
  const revocations = await watchRevocations(ctx, agent);
  registerAgentNamespace(agent, ctx, lifecycle, { ...(deps.limits?.agent ?? { ratePerSecond: 50, burst: 100 }), widgetNsp: widget, allowedOrigins, revocations });
  const detach = attachRealtimeListener(bus, { agent, widget });
  const stopMaintenance = startMaintenance(ctx, agent, config.MAINTENANCE_INTERVAL_MS, config.AUDIT_RETENTION_INTERVAL_MS);
  const detachEmail = attachEmailListener(bus, agent);
  const mailer = config.SMTP_URL ? smtpMailer(config.SMTP_URL) : null;
  const systemMail = startSystemMailWorker(ctx, mailer, config.EMAIL_WORKER_INTERVAL_MS);
  const stopEmail = startEmailWorker(ctx, mailer, config.EMAIL_WORKER_INTERVAL_MS);
  const logins = loginLimiters(counters);
  // One name per running app: leases and claims say which node holds them.
  const nodeId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const background = { db, logger, clock: deps.clock, nodeId, pollMs: config.BACKGROUND_POLL_MS, leaseMs: config.BACKGROUND_LEASE_MS };
  const events = new EventConsumers({ ...background, bus });
  const scheduler = new Scheduler(background);
  registerSla(ctx, events, scheduler);
  registerRouting(ctx, events, scheduler);
  registerAutomation(ctx, events, scheduler);
  registerTimeRules(ctx, events, scheduler);
  registerSnooze(ctx, events, scheduler);
  events.start();
  await scheduler.start();

  const health: Pick<RouteHandlers, 'health' | 'ready'> = {
    health: () => ({ ok: true }),
    ready: async ({ res }) => {
      const checks: Record<string, string> = {};
      const timeout = <T>(p: Promise<T>) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<T>((_, rej) => (timer = setTimeout(() => rej(new Error('timeout after 2 s')), 2000)));
        return Promise.race([p, late]).finally(() => clearTimeout(timer));
      };
      await timeout(db.ping()).then(() => (checks.database = 'ok'), (e: Error) => (checks.database = e.message));
      if (deps.redis)
        await timeout(deps.redis.pub.ping()).then(() => (checks.redis = 'ok'), (e: Error) => (checks.redis = e.message));
      const ok = !lifecycle.stopping && Object.values(checks).every((v) => v === 'ok');
      res.status(ok ? 200 : 503);
      return { ok, stopping: lifecycle.stopping, checks };
    },
  };
  // The inbox may be served from another origin (AGENT_ORIGINS): let it call the API with credentials.
  app.use('/api', (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowedOrigins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization');
        res.status(204).end();
        return;
      }
    }
    next();
  });
  // The widget's chunks and config, and attachments: readable from any site (no credentials).
  app.use(widgetChunks());
  app.use('/api/attachments', attachmentsCors);
  app.use('/api', sameOriginGuard(allowedOrigins));
  app.use(['/api', '/webhooks'], (_req, _res, next) => next(lifecycle.stopping ? new AppError('UNAVAILABLE', 'server is restarting; retry shortly') : undefined));
  app.use('/inbox', inboxFiles(INBOX_DIST));
  app.use(express.static(PUBLIC_DIR, { index: false }));
  const mailParser = deps.mailParser ?? createMailParser(config.EMAIL_PARSE_THREADS, logger);
  // Every route comes from the protocol's table, behind its declared permission (http/routes.ts).
  mountRoutes(app, ctx, {
    ...health,
    ...widgetRoutes(ctx),
    ...authRoutes(ctx, logins),
    ...peopleRoutes(ctx, { login: logins, counters, wakeMail: systemMail.wake }),
    ...settingsRoutes(ctx),
    ...routingSettingsRoutes(ctx),
    ...routingRoutes(ctx),
    ...automationRoutes(ctx),
    ...macrosRoutes(ctx),
    ...cannedRoutes(ctx),
    ...notificationsRoutes(ctx),
    ...slaRoutes(ctx),
    ...emailRoutes(ctx),
    ...inboxSettingsRoutes(ctx),
    ...auditRoutes(ctx),
    ...workspaceRoutes(ctx),
    ...deadLetterRoutes(ctx, mailParser),
    ...attachmentsRoutes(ctx),
    ...emailWebhookRoutes(ctx, mailParser),
    ...inboxRoutes(INBOX_DIST),
    ...demoRoutes(PUBLIC_DIR, () => deps.demoInbox),
  });
  app.use('/api', (_req, _res, next) => next(new AppError('NOT_FOUND', 'no such route')));
  app.use(errorHandler(logger));

  let closed: Promise<void> | null = null;
  return {
    http,
    express: app,
    io,
    lifecycle,
    listen(port, host = config.HOST) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => resolve((http.address() as AddressInfo).port));
      });
    },
    // crosses workspaces (without workspaceId): the sweep maintenance runs.
    sweepPresence: (workspaceId) => (workspaceId ? withWorkspace(workspaceId, () => sweepPresence(ctx, agent, { workspaceId })) : privileged('maintenance', () => sweepPresence(ctx, agent))),
    events,
    scheduler,
    close() {
      closed ??= (async () => {
        lifecycle.stopping = true;
        stopMaintenance();
        await systemMail.stop();
        stopEmail();
        await Promise.all([events.stop(), scheduler.stop()]);
        // Keep open sockets until what they asked for is written and acked; new work is
        // refused meanwhile (UNAVAILABLE), and /readyz says 503 so the balancer moves on.
        const left = await lifecycle.drain(config.SHUTDOWN_TIMEOUT_MS);
        if (left) logger.warn({ left }, 'shutdown: in-flight handlers did not finish in time');
        detach();
        detachEmail();
        detachWidget();
        // Close each engine connection after its pending packets (the last acks) are flushed.
        // Clients see a transport close, not a server disconnect, so they reconnect (to
        // another node, or to this one when it is back). io.close() alone would discard
        // what is still buffered.
        const engine = io.engine as unknown as { clients: Record<string, { close(): void }> };
        for (const conn of Object.values(engine.clients)) conn.close();
        const flushBy = Date.now() + 2000;
        while (io.engine.clientsCount > 0 && Date.now() < flushBy) await new Promise((r) => setTimeout(r, 10));
        await new Promise<void>((r) => io.close(() => r()));
        http.closeAllConnections();
        await revocations.stop().catch((err: unknown) => logger.warn({ err }, 'could not stop listening for revocations'));
        await bus.close();
        await mailParser.close();
        // While Redis is unreachable QUIT would wait behind queued commands, for ever on the
        // subscribers (no retry limit): drop those connections instead.
        if (deps.redis)
          await Promise.all(Object.values(deps.redis).map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
        await db.close();
      })();
      return closed;
    },
  };
}
