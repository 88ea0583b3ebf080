import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { decodeId, type Ack } from '@support/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Child } from '../../bench/lib/child.js';
import { connectPostgres, type Db } from '../../server/src/db/client.js';
import { closeSockets, cmid, connect, seedWorkspace, until } from '../support/harness.js';

// The promise behind every ack: what a visitor was told is stored, is stored. The real server
// runs in a child process on Postgres and Redis with a pool of two connections that pipeline at
// most two queries each, so under a burst transactions (session starts, first messages) keep
// meeting plain statements (group commits, reads) on full pipelines; then it is killed with
// SIGKILL in the middle of a burst.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VISITORS = 120;
const MESSAGES = 3; // per visitor: the first opens a ticket in a transaction, the rest are group-committed

/** What the server acked: contact ids of started sessions, message ids; and any error ack. */
type Acked = { contacts: string[]; messages: string[]; errors: string[] };

/** Emits and resolves with the ack; never settles when no ack comes (the server died). */
function emit<T>(s: Socket, event: string, payload: unknown): Promise<Ack<T>> {
  return new Promise((resolve) => s.emit(event, payload, resolve));
}

/** One visitor: starts a session, then sends its messages one after another. */
async function visitorBurst(s: Socket, inboxId: string, acked: Acked): Promise<void> {
  const session = await emit<{ contactId: string }>(s, 'session:start', { inboxId });
  if (!session.ok) return void acked.errors.push(`session:start ${session.error.code}`);
  acked.contacts.push(decodeId('contact', session.data.contactId)!);
  for (let i = 0; i < MESSAGES; i++) {
    const m = await emit<{ id: string }>(s, 'message:send', { body: `burst ${i}`, clientMessageId: cmid() });
    if (!m.ok) return void acked.errors.push(`message:send ${m.error.code}`);
    acked.messages.push(decodeId('message', m.data.id)!);
  }
}

describe('every acked session and message is stored', () => {
  const app = `acked-durable-${randomBytes(3).toString('hex')}`;
  let db: Db;
  let inbox: string;
  let server: Child;

  beforeAll(async () => {
    db = await connectPostgres(inject('databaseUrl'), { max: 2 });
    inbox = (await seedWorkspace(db, 1)).inbox;
    const databaseUrl = new URL(inject('databaseUrl'));
    // postgres.js sends unknown URL parameters as connection parameters: our backends carry this name.
    databaseUrl.searchParams.set('application_name', app);
    const options = { databaseUrl: databaseUrl.toString(), redisUrl: inject('redisUrl'), redisPrefix: app, poolMax: 2, rate: 1000 };
    // PGMAX_PIPELINE is postgres.js's own default for max_pipeline (100 unless set).
    server = await Child.start('server', 'bench/lib/server.ts', [JSON.stringify(options)], { cwd: ROOT, env: { PGMAX_PIPELINE: '2' } });
  });

  afterAll(async () => {
    closeSockets();
    await server?.kill();
    await db?.close();
  });

  /** Of the ids given, those not stored. */
  async function missing(acked: Acked) {
    const sessions = await db.query<{ contact_id: string }>('select contact_id from visitor_sessions where contact_id = any($1::uuid[])', [acked.contacts]);
    const messages = await db.query<{ id: string }>('select id from messages where id = any($1::uuid[])', [acked.messages]);
    const stored = new Set([...sessions.map((r) => r.contact_id), ...messages.map((r) => r.id)]);
    return [...acked.contacts, ...acked.messages].filter((id) => !stored.has(id));
  }

  /** The server's backends, by state. */
  const backends = async () => db.query<{ state: string | null }>('select state from pg_stat_activity where application_name = $1', [app]);

  const sockets = (n: number) => Promise.all(Array.from({ length: n }, () => connect(`http://127.0.0.1:${server.port}`, '/widget')));

  it('under a burst, every call is acked ok and stored, and no connection is left inside a transaction', async () => {
    const acked: Acked = { contacts: [], messages: [], errors: [] };
    await Promise.all((await sockets(VISITORS)).map((s) => visitorBurst(s, inbox, acked)));
    closeSockets();

    expect(acked.errors).toEqual([]);
    expect(acked.contacts).toHaveLength(VISITORS);
    expect(acked.messages).toHaveLength(VISITORS * MESSAGES);
    expect(await missing(acked)).toEqual([]);
    // Once every ack is in, nothing the server does holds a transaction open for long.
    await until(async () => (await backends()).every((b) => b.state !== 'idle in transaction'), 5000, 'no backend idle in transaction');
  });

  it('killed with SIGKILL mid-burst, the server has stored everything it acked', async () => {
    const acked: Acked = { contacts: [], messages: [], errors: [] };
    const visitors = await sockets(VISITORS);
    for (const s of visitors) void visitorBurst(s, inbox, acked);
    const total = VISITORS * (1 + MESSAGES);
    await until(() => acked.contacts.length + acked.messages.length >= total / 3, 20_000, 'a third of the burst acked');
    await server.kill();
    // Whatever reached this process by now was acked; nothing more can arrive.
    closeSockets();
    const done = { contacts: [...acked.contacts], messages: [...acked.messages] };

    expect(acked.errors).toEqual([]);
    expect(done.contacts.length + done.messages.length).toBeLessThan(total);
    expect(await missing({ ...done, errors: [] })).toEqual([]);
    // The dead server's backends end (rolling back whatever was in flight); none stays open.
    await until(async () => (await backends()).length === 0, 5000, 'the killed server has no backend left');
  });
});
