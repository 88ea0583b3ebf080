import type { Namespace, Socket } from 'socket.io';
import { sql } from 'drizzle-orm';
import { isUuid, type Role } from '@support/protocol';
import { toWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { rooms } from '../realtime/rooms.js';
import type { AgentIdentity } from './agents.service.js';

/** The Postgres channel the triggers of migration 0002 notify: `s:<session uuid>` or `u:<user uuid>`. */
export const REVOCATION_CHANNEL = 'agent_revoked';
/** How long a notification is remembered for sockets still in their handshake when it came. */
const RECENT_MS = 30_000;

export type Revocations = {
  /**
   * Call once a socket has joined its rooms: arms its expiry, and re-checks its session if a
   * notification named it while it was being authenticated (before it was in any room).
   */
  admitted(socket: Socket): void;
  /** Stops listening (before the database is closed). */
  stop(): Promise<void>;
};

const agentOf = (s: Socket) => (s.data as { agent: AgentIdentity }).agent;
const expiryTimers = new WeakMap<Socket, NodeJS.Timeout>();

/**
 * Closes agent sockets whose session ended, on every node at once. Every node LISTENs on
 * REVOCATION_CHANNEL; triggers notify it when a session row is deleted or changed and when a
 * user's status or role changes, whoever changed it (a service, or SQL by hand). On a
 * notification the node re-reads the sessions of the sockets it holds for that session or
 * user: sockets whose session is gone or expired, or whose user is no longer active, are
 * disconnected; the others get their agent's fresh role, name and email. When the listening
 * connection comes back after a drop, every local agent socket is re-checked, since
 * notifications sent meanwhile are lost. A session's expiry also closes its sockets.
 */
export async function watchRevocations(ctx: ServiceContext, nsp: Namespace): Promise<Revocations> {
  const recent = new Map<string, number>();
  const localSockets = (room: string) =>
    [...(nsp.adapter.rooms.get(room) ?? [])].map((id) => nsp.sockets.get(id)).filter((s): s is Socket => Boolean(s));
  const recheck = (sockets: Socket[]) =>
    revalidate(ctx, sockets).catch((err) => ctx.logger.error({ err, sockets: sockets.length }, 'agent session re-check failed'));

  const onNotify = (payload: string) => {
    const kind = payload.slice(0, 2);
    const id = payload.slice(2);
    if ((kind !== 's:' && kind !== 'u:') || !isUuid(id)) return;
    const now = Date.now();
    recent.delete(payload);
    recent.set(payload, now);
    for (const [key, at] of recent) {
      if (at > now - RECENT_MS) break;
      recent.delete(key);
    }
    void recheck(localSockets(kind === 's:' ? rooms.agentSession(id) : rooms.agent(toWire('user', id))));
  };
  let listening = false;
  const onListen = () => {
    if (listening) void recheck([...nsp.sockets.values()]);
    listening = true;
  };
  const stop = await ctx.db.listen(REVOCATION_CHANNEL, onNotify, onListen);

  return {
    admitted(socket) {
      const me = agentOf(socket);
      armExpiry(ctx, socket, me.expiresAt);
      socket.on('disconnect', () => clearTimeout(expiryTimers.get(socket)));
      const cutoff = Date.now() - RECENT_MS;
      if ((recent.get(`s:${me.sessionId}`) ?? 0) > cutoff || (recent.get(`u:${me.userId}`) ?? 0) > cutoff) void recheck([socket]);
    },
    stop,
  };
}

/** (Re)sets the timer that disconnects the socket when its session expires. */
function armExpiry(ctx: ServiceContext, socket: Socket, expiresAt: string): void {
  clearTimeout(expiryTimers.get(socket));
  const left = new Date(expiresAt).getTime() - ctx.clock.now().getTime();
  expiryTimers.set(socket, setTimeout(() => socket.disconnect(true), Math.min(Math.max(left, 0), 2 ** 31 - 1)));
}

/** Re-reads the sessions of `sockets` (one query) and disconnects those no longer valid. */
async function revalidate(ctx: ServiceContext, sockets: Socket[]): Promise<void> {
  const live = sockets.filter((s) => s.connected);
  if (!live.length) return;
  const ids = [...new Set(live.map((s) => agentOf(s).sessionId))];
  const rows = await ctx.db.rows<{ id: string; expires_at: Date; status: string; role: Role; name: string; email: string }>(sql`select s.id,
      s.expires_at, u.status, u.role, u.name, u.email
    from agent_sessions s join users u on u.id = s.user_id where s.id = any(${`{${ids.join(',')}}`}::uuid[])`);
  const now = ctx.clock.now().getTime();
  const valid = new Map(rows.filter((r) => r.status === 'active' && new Date(r.expires_at).getTime() > now).map((r) => [r.id, r]));
  for (const s of live) {
    const me = agentOf(s);
    const r = valid.get(me.sessionId);
    if (!r) {
      s.disconnect(true);
      continue;
    }
    const expiresAt = new Date(r.expires_at).toISOString();
    if (expiresAt !== me.expiresAt) armExpiry(ctx, s, expiresAt);
    Object.assign(me, { role: r.role, name: r.name, email: r.email, expiresAt });
  }
}
