import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import postgres from 'postgres';
import { decodeId } from '@support/protocol';
import { io, type Socket } from 'socket.io-client';
import type { Ack } from '@support/protocol';
import { createApp, type App, type AppDeps } from '../../server/src/app.js';
import { testConfig, type Config } from '../../server/src/config.js';
import { connectDeps } from '../../server/src/deps.js';
import { toWire } from '../../server/src/db/ids.js';
import { createAgent, createInbox, createTeam, createWorkspace } from '../../server/src/workspaces/workspaces.service.js';
import { connectPostgres, type Db } from '../../server/src/db/client.js';
import { migrate } from '../../server/src/db/migrate.js';
import type { ServiceContext } from '../../server/src/lib/context.js';

export type Mode = 'postgres' | 'embedded';
export type Node = { app: App; deps: AppDeps; url: string; port: number };

/**
 * Boots a real server on port 0. `postgres` mode uses the run's Postgres database and Redis
 * (with `prefix` so nodes of one test share pub/sub and nothing else); `embedded` mode uses
 * an in-memory PGlite and the in-process bus, as `npm start` does with no environment.
 */
export async function startNode(
  mode: Mode,
  o: {
    prefix?: string; db?: Db; config?: Partial<Config>; port?: number; dataDir?: string; limits?: AppDeps['limits']; mailParser?: AppDeps['mailParser'];
    /** The app's clock (due work, SLA). A test with a clock of its own needs `isolated`: nodes of other files would run its due work on theirs. */
    clock?: AppDeps['clock'];
    /** A database of this test file's own (`isolatedDatabase`), not the run's shared one. */
    isolated?: boolean;
  } = {},
): Promise<Node> {
  const config =
    mode === 'postgres'
      ? testConfig({ DATABASE_URL: o.isolated ? await isolatedDatabase() : inject('databaseUrl'), REDIS_URL: inject('redisUrl'), REDIS_PREFIX: o.prefix ?? `t${randomBytes(4).toString('hex')}`, DB_POOL_MAX: 4, SHUTDOWN_TIMEOUT_MS: 5000, ...o.config })
      : testConfig({ ...(o.dataDir ? { DATA_DIR: o.dataDir } : {}), ...o.config });
  if (process.env.TEST_LOG_LEVEL) config.LOG_LEVEL = process.env.TEST_LOG_LEVEL as Config['LOG_LEVEL'];
  const deps = await connectDeps(config, { memory: !o.dataDir });
  if (o.db) {
    await deps.db.close();
    deps.db = o.db;
  }
  if (o.limits) deps.limits = o.limits;
  if (o.mailParser) deps.mailParser = o.mailParser;
  if (o.clock) deps.clock = o.clock;
  const app = await createApp(deps);
  const port = await app.listen(o.port ?? 0, '127.0.0.1');
  return { app, deps, port, url: `http://127.0.0.1:${port}` };
}

let isolated: Promise<string> | null = null;

/**
 * A database for this test file alone (made and migrated on first use, dropped by the global
 * teardown): for tests whose background work must not meet other files' nodes, such as SLA
 * with a manual clock (every node runs the `sla` consumer and claims `sla.*` due work of the
 * database it is on, and publishes on its own bus).
 */
export function isolatedDatabase(): Promise<string> {
  isolated ??= (async () => {
    const base = new URL(inject('databaseUrl'));
    const name = `${base.pathname.slice(1)}_i${randomBytes(4).toString('hex')}`;
    const admin = postgres({ host: base.hostname, port: Number(base.port || 5432), user: decodeURIComponent(base.username) || 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(base);
    url.pathname = `/${name}`;
    const db = await connectPostgres(url.toString(), { max: 1 });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    return url.toString();
  })();
  return isolated;
}

export type Fixture = {
  workspaceId: string;
  ws: string;
  inbox: string;
  inboxId: string;
  team: string;
  teamId: string;
  agents: { id: string; wire: string; email: string; password: string; name: string }[];
};

/**
 * A workspace of its own with a chat inbox and `agentCount` agents: the first an owner, the
 * others with the built-in agent role; all in the team "Support", which works the inbox (so
 * every agent sees its tickets).
 */
export async function seedWorkspace(db: Db, agentCount = 2): Promise<Fixture> {
  const workspaceId = await createWorkspace(db, { name: `ws-${randomUUID()}` });
  const inboxId = await createInbox(db, { workspaceId, name: 'Chat', channel: 'chat', settings: { color: '#123456' } });
  const agents = [];
  for (let i = 0; i < agentCount; i++) {
    const email = `agent${i}-${randomUUID()}@example.test`;
    const password = `pw-${randomUUID()}`;
    const name = `Agent ${i}`;
    const id = await createAgent(db, { workspaceId, email, name, password, role: i === 0 ? 'owner' : 'agent' });
    agents.push({ id, wire: toWire('user', id), email, password, name });
  }
  const teamId = await createTeam(db, { workspaceId, name: 'Support', memberIds: agents.map((a) => a.id), inboxIds: [inboxId] });
  return { workspaceId, ws: toWire('workspace', workspaceId), inbox: toWire('inbox', inboxId), inboxId, team: toWire('team', teamId), teamId, agents };
}

/**
 * Two workspaces for isolation tests: `a` with an owner and an agent, `b` with an owner, and
 * a session token of each (`ownerA`, `agentA`, `ownerB`).
 */
export async function twoWorkspaces(node: Node) {
  const a = await seedWorkspace(node.deps.db, 2);
  const b = await seedWorkspace(node.deps.db, 1);
  const [ownerA, agentA, ownerB] = await Promise.all([
    login(node.url, a.agents[0]!.email, a.agents[0]!.password),
    login(node.url, a.agents[1]!.email, a.agents[1]!.password),
    login(node.url, b.agents[0]!.email, b.agents[0]!.password),
  ]);
  return { a, b, ownerA, agentA, ownerB };
}

/** A node's dependencies as a ServiceContext, to call services directly (no message batcher). */
export const ctxOf = (n: Node): ServiceContext => ({ ...n.deps, writes: undefined as never });

export async function login(url: string, email: string, password: string): Promise<string> {
  const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

const sockets = new Set<Socket>();

/** A connected socket.io-client socket (websocket transport). Closed by `closeSockets`. */
export async function connect(url: string, nsp: '/widget' | '/agent', auth?: Record<string, unknown>): Promise<Socket> {
  const s = io(`${url}${nsp}`, { transports: ['websocket'], auth, reconnectionDelay: 50, reconnectionDelayMax: 200, forceNew: true });
  sockets.add(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (err) => reject(err));
  });
  return s;
}

export function closeSockets() {
  for (const s of sockets) s.disconnect();
  sockets.clear();
}

/** Emits and waits for the ack (5 s). */
export function call<T = any>(s: Socket, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return s.timeout(5000).emitWithAck(event, ...args) as Promise<Ack<T>>;
}

/** Emits, expects `ok: true` and returns `data`. */
export async function ok<T = any>(s: Socket, event: string, payload?: unknown): Promise<T> {
  const a = await call<T>(s, event, payload);
  if (!a.ok) throw new Error(`${event} failed: ${a.error.code} ${a.error.message}`);
  return a.data;
}

/** Records every payload of `event` on a socket, to assert on later. */
export function record<T = any>(s: Socket, event: string): T[] {
  const seen: T[] = [];
  s.on(event, (p: T) => seen.push(p));
  return seen;
}

type Falsy = undefined | null | false;

/** Waits until `fn` returns (or resolves to) truthy (polls every 10 ms, fails after `ms`). */
export async function until<T>(fn: () => T | Falsy | Promise<T | Falsy>, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Waits for the next `event` on `s` matching `pred`. */
export function next<T = any>(s: Socket, event: string, pred: (p: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      s.off(event, h);
      reject(new Error(`timed out waiting for ${event}`));
    }, ms);
    const h = (p: T) => {
      if (!pred(p)) return;
      clearTimeout(t);
      s.off(event, h);
      resolve(p);
    };
    s.on(event, h);
  });
}

/** Starts a visitor session and returns the socket and the session. */
export async function visitor(url: string, inbox: string, token?: string) {
  const s = await connect(url, '/widget');
  const session = await ok(s, 'session:start', token ? { inboxId: inbox, token } : { inboxId: inbox });
  return { s, session };
}

export const cmid = () => randomUUID();

/**
 * Locks a conversation row from a separate Postgres connection, so writes to it provably stay
 * in flight until `release()` is called (which also closes that connection).
 */
export async function holdConversation(conversationWireId: string): Promise<{ release(): Promise<void> }> {
  const pg = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = pg.begin(async (tx) => {
    await tx`select 1 from conversations where id = ${decodeId('conversation', conversationWireId)!} for update`;
    locked();
    await gate;
  });
  await isLocked;
  return {
    async release() {
      open();
      await holder;
      await pg.end();
    },
  };
}

/** Resolves with the reason of the socket's next disconnect, or 'still connected' after `ms`. */
export function disconnected(s: Socket, ms = 5000): Promise<string> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('still connected'), ms);
    s.once('disconnect', (reason) => {
      clearTimeout(t);
      resolve(reason);
    });
  });
}
