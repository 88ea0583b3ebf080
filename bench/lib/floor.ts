/**
 * Benchmark child: the FLOOR. A bare Socket.IO relay with no database, no Redis and no
 * validation, speaking just enough of the widget/agent protocol for the load generator:
 * `session:start` acks a session, `message:send` acks a message shaped like the real one and
 * emits `message:new` to every agent socket (one room) and back to the sender, which is
 * exactly the fan-out the real server does for a visitor message.
 *
 * With `{ databaseUrl, poolMax }` as its JSON argument it first stores each message with one
 * prepared INSERT into a table of two columns (its own transaction, so one commit each, as
 * Postgres groups concurrent commits) and acks and fans out after the commit: a floor for
 * persist-then-deliver with none of the real server's work (no seq, no ticket, no Redis).
 *
 * With `batch: true` as well it stores messages by group commit (one multi-row INSERT per batch,
 * as many in flight as the pool has connections), as the server does.
 *
 * With `coalesce: true` it uses the server's own transport (`CoalescingWebSocketServer`: a
 * socket's frames of one event-loop turn leave in one write), so it is the floor for our
 * stack rather than for Socket.IO as shipped.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Server, type Socket } from 'socket.io';
import { LIMITS } from '@support/protocol';
import postgres from 'postgres';
import { CoalescingWebSocketServer } from '../../server/src/realtime/coalesce.js';
import { failChild, serveChild } from './child.js';

try {
  const o = (process.argv[2] ? JSON.parse(process.argv[2]) : {}) as {
    databaseUrl?: string;
    poolMax?: number;
    coalesce?: boolean;
    batch?: boolean;
  };
  const poolMax = o.poolMax ?? 10;
  const sql = o.databaseUrl ? postgres(o.databaseUrl, { max: poolMax, prepare: true, onnotice: () => {} }) : null;
  if (sql) await sql`create table if not exists floor_messages (id bigserial primary key, conversation text not null, body text not null)`;

  // With `batch`: group commit, as the server does it. Messages that arrive while batches are
  // in flight (or in the same turn) are stored by one multi-row INSERT, at most poolMax at once.
  type Waiting = { conversation: string; body: string; done: (err?: unknown) => void };
  const waiting: Waiting[] = [];
  let inflight = 0;
  let scheduled = false;
  const pump = () => {
    while (sql && waiting.length && inflight < poolMax) {
      const b = waiting.splice(0, 64);
      inflight++;
      sql`insert into floor_messages (conversation, body)
          select * from unnest(${b.map((w) => w.conversation)}::text[], ${b.map((w) => w.body)}::text[])`
        .then(
          () => b.forEach((w) => w.done()),
          (err) => b.forEach((w) => w.done(err)),
        )
        .finally(() => {
          inflight--;
          pump();
        });
    }
  };
  const store = (conversation: string, body: string): Promise<void> => {
    if (!sql) return Promise.resolve();
    if (!o.batch) return sql`insert into floor_messages (conversation, body) values (${conversation}, ${body})`.then(() => {});
    return new Promise((resolve, reject) => {
      waiting.push({ conversation, body, done: (err) => (err ? reject(err) : resolve()) });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      }
    });
  };
  const http = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const io = new Server(http, {
    maxHttpBufferSize: LIMITS.socketPayloadBytes,
    cors: { origin: true, credentials: false },
    ...(o.coalesce ? { wsEngine: CoalescingWebSocketServer } : {}),
  });
  const widget = io.of('/widget');
  const agent = io.of('/agent');
  const AGENTS = 'agents';
  // Wire-id-shaped constants, so payloads have the real sizes.
  const wid = (prefix: string) => `${prefix}_01${randomBytes(12).toString('hex').slice(0, 24)}`;
  let seq = 0;

  agent.on('connection', (socket: Socket) => {
    void socket.join(AGENTS);
  });

  widget.on('connection', (socket: Socket) => {
    const contactId = wid('ct');
    const ticketId = wid('tkt');
    const conversationId = wid('cnv');
    socket.on('session:start', (_p: unknown, ack?: (a: unknown) => void) => {
      ack?.({
        ok: true,
        data: {
          token: randomBytes(32).toString('base64url'),
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
          contactId,
          inbox: { id: wid('inb'), name: 'Floor', settings: {} },
          conversation: null,
          agentsOnline: true,
        },
      });
    });
    socket.on('message:send', async (p: { body?: unknown; clientMessageId?: unknown }, ack?: (a: unknown) => void) => {
      const body = typeof p?.body === 'string' ? p.body : '';
      if (sql) {
        try {
          await store(conversationId, body);
        } catch (err) {
          return ack?.({ ok: false, error: { code: 'INTERNAL', message: String(err) } });
        }
      }
      const now = new Date().toISOString();
      const message = {
        id: wid('msg'),
        ticketId,
        conversationId,
        seq: ++seq,
        authorType: 'contact',
        authorId: contactId,
        authorName: null,
        body,
        html: null,
        visibility: 'public',
        clientMessageId: typeof p?.clientMessageId === 'string' ? p.clientMessageId : null,
        createdAt: now,
      };
      const ticket = {
        id: ticketId,
        status: 'open',
        updatedAt: now,
        lastMessageAt: now,
        lastMessagePreview: body.slice(0, 140),
        firstResponseAt: null,
        resolvedAt: null,
      };
      ack?.({ ok: true, data: message });
      agent.to(AGENTS).emit('message:new', { message, ticket, activities: [] });
      socket.emit('message:new', message);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  serveChild((http.address() as AddressInfo).port, async () => {
    io.local.disconnectSockets(true);
    await new Promise<void>((r) => io.close(() => r()));
    await sql?.end({ timeout: 2 });
  });
} catch (err) {
  failChild(err);
}
