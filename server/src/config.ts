import { z } from 'zod';
import proxyaddr from 'proxy-addr';

/**
 * `TRUST_PROXY` as Express takes it: `true`/`false`, a hop count (`1`: trust the one proxy in
 * front of us), or a comma-separated list of addresses, subnets (CIDR) and the names
 * `loopback`, `linklocal`, `uniquelocal`. A list is checked by compiling it, so a typo fails
 * the boot instead of trusting nothing (or, as the string "1" did, the address 0.0.0.1).
 */
const trustProxySchema = z
  .string()
  .optional()
  .transform((v, ctx): boolean | number | string[] | undefined => {
    if (v === undefined) return undefined;
    const t = v.trim();
    if (/^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
    if (/^\d+$/.test(t)) return Number(t);
    const list = t.split(',').map((s) => s.trim()).filter(Boolean);
    try {
      proxyaddr.compile(list);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `true, false, a hop count, or addresses/subnets/names: ${(err as Error).message}` });
      return z.NEVER;
    }
    return list;
  });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Public base URL of this server (scheme://host[:port]); used for links and the agent origin check. */
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url().optional(),
  /** Prefix for every Redis key and channel, so several deployments can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/).default('sd'),
  /**
   * Domain events a node holds while Redis does not take them, to publish again in order when
   * it is back. Past it the node drops them and, once Redis is back, has every node's clients resync.
   */
  REDIS_EVENT_BACKLOG: z.coerce.number().int().min(1).default(10_000),
  /** Where the embedded database lives when DATABASE_URL is not set. */
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Extra origins (comma separated) allowed to use the agent socket with the session cookie. */
  AGENT_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
  AGENT_SESSION_TTL_HOURS: z.coerce.number().int().min(1).default(24 * 14),
  VISITOR_SESSION_TTL_DAYS: z.coerce.number().int().min(1).default(180),
  SEED_ADMIN_EMAIL: z.email().default('admin@example.com'),
  SEED_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Socket events handled at once per node; past it, events get UNAVAILABLE (backpressure). */
  MAX_INFLIGHT: z.coerce.number().int().min(1).default(2000),
  /** How often each node sweeps stale presence and expired sessions. */
  MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  /** How often each node deletes audit events past their workspace's retention (audit_retention_days). */
  AUDIT_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
  /** New anonymous widget sessions one client address may start per minute (per node). */
  WIDGET_NEW_SESSIONS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Open widget sockets one visitor session (token) may have on one node: its tabs. */
  WIDGET_SOCKETS_PER_SESSION: z.coerce.number().int().min(1).default(10),
  /** Open widget sockets one client address may have on one node (offices and mobile carriers put many visitors behind one). */
  WIDGET_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).default(500),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Which proxies in front of us to believe about the client's address (X-Forwarded-For): see trustProxySchema. */
  TRUST_PROXY: trustProxySchema,
  /** Outgoing mail server, smtp://user:pass@host:587 or smtps://…:465. Unset: mail is recorded and logged, not sent. */
  SMTP_URL: z.url().optional(),
  /** How often each node looks for due outbound mail. */
  EMAIL_WORKER_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  /** Send attempts before an outbound mail is marked failed (backoff 1 min, 5 min, 30 min, 2 h, 6 h…). */
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  /** Chat continuity: agent chat replies a visitor with an email has not read after this long are emailed (batched). */
  EMAIL_CONTINUITY_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
  /** Largest inbound webhook request (raw mail with attachments). */
  EMAIL_MAX_BYTES: z.coerce.number().int().min(1024).default(25 * 1024 * 1024),
  /** Worker threads that parse, strip and sanitize inbound mail off the event loop (0: on the main thread). */
  EMAIL_PARSE_THREADS: z.coerce.number().int().min(0).max(32).default(1),
  /**
   * Sender of the mail the product sends to people (invitations, password resets): an address,
   * or `Name <address>`. Default `no-reply@<PUBLIC_URL's host>` (or `no-reply@localhost`).
   */
  MAIL_FROM: z.string().trim().min(3).max(320).optional(),
  /** Days an invitation link stays valid. */
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** Minutes a password-reset link stays valid. */
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  /** Where attachments are stored; default `<DATA_DIR>/attachments`. */
  ATTACHMENTS_DIR: z.string().optional(),
  /** Largest single attachment (upload or inbound part). */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1).default(10 * 1024 * 1024),
  /**
   * Whether changes write their rows to the durable event log (`domain_events`). On by default;
   * `off` exists only to measure what the log costs (`npm run bench:chat -- --event-log both`):
   * with it off, no reaction (SLA, routing, automation) ever hears of a change.
   */
  EVENT_LOG_WRITES: z.enum(['on', 'off']).default('on').transform((v) => v === 'on'),
  /** How often event consumers and the due-work scheduler look for work when no notification came. */
  BACKGROUND_POLL_MS: z.coerce.number().int().min(50).default(1_000),
  /** How long a node holds claimed due work or an event consumer before another node may take it over. */
  BACKGROUND_LEASE_MS: z.coerce.number().int().min(1_000).default(30_000),
});

export type Config = z.infer<typeof schema>;

/**
 * Parses the environment once. Throws an Error naming every bad variable;
 * nothing else in the server reads process.env.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Defaults for tests and embedding: every field valid without an environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // Test nodes share one database under different Redis prefixes, so a timed presence sweep
  // on one would see the others' agents as gone: tests call the sweep themselves.
  return { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MAINTENANCE_INTERVAL_MS: String(24 * 3_600_000), AUDIT_RETENTION_INTERVAL_MS: String(24 * 3_600_000), EMAIL_WORKER_INTERVAL_MS: String(24 * 3_600_000) }), ...overrides };
}
