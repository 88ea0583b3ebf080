import type { Namespace, Socket } from 'socket.io';
import { sql } from 'drizzle-orm';
import { isUuid, type AccessChangedEvent } from '@support/protocol';
import { toWire, toWireOrNull } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { rooms } from '../realtime/rooms.js';
import { identityOf, readSessions, sessionActive } from './agents.service.js';
import { accessRooms, liveAgentsOf, type LiveAgent } from './access.js';
import { privileged } from '../db/scope.js';

/**
 * The Postgres channel the triggers of migrations 0002 and 0004 notify: `s:<session>`,
 * `u:<user>`, `m:<workspace>:<user>`, `r:<custom role>` or `t:<team>` (uuids).
 */
export const REVOCATION_CHANNEL = 'agent_revoked';
/** How long a notification is remembered for sockets still in their handshake when it came. */
const RECENT_MS = 30_000;

export type Revocations = {
  /**
   * Call once a socket has joined its rooms: arms its expiry, and re-checks its access if a
   * notification named it while it was being authenticated (before it was in any room).
   */
  admitted(socket: Socket): void;
  /** Stops listening (before the database is closed). */
  stop(): Promise<void>;
};

const agentOf = (s: Socket) => (s.data as { agent: LiveAgent }).agent;
const expiryTimers = new WeakMap<Socket, NodeJS.Timeout>();

/** The notification keys that concern a socket (what `admitted` looks for among recent ones). */
function keysOf(me: LiveAgent): string[] {
  return [`s:${me.sessionId}`, `u:${me.userId}`, `m:${me.workspaceId}:${me.userId}`, ...(me.roleId ? [`r:${me.roleId}`] : []), ...me.teamIds.map((t) => `t:${t}`)];
}

/** The local room whose sockets a notification concerns, or null for a payload we do not know. */
function roomOf(payload: string): string | null {
  const [kind, a, b] = payload.split(':');
  if (!a || !isUuid(a) || (kind === 'm') !== Boolean(b && isUuid(b))) return null;
  switch (kind) {
    case 's':
      return rooms.agentSession(a);
    case 'u':
      return rooms.agent(toWire('user', a));
    case 'm':
      return rooms.member(toWire('workspace', a), toWire('user', b!));
    case 'r':
      return rooms.customRole(a);
    case 't':
      return rooms.team(toWire('team', a));
    default:
      return null;
  }
}

/**
 * Keeps live agent sockets in line with access, on every node at once. Every node LISTENs on
 * REVOCATION_CHANNEL; triggers notify it whenever a session, an account, a membership, a custom
 * role, a team's members or a team's inboxes change, whoever changed them (a service, or SQL
 * by hand). On a notification the node re-reads the access of the sockets it holds that it
 * concerns: sockets whose session is gone or expired, whose account is disabled or whose
 * membership is deactivated are disconnected; the others get their fresh role, permissions,
 * name and teams, join and leave rooms to match (so events stop or start at once), and are sent
 * `access:changed` when what they may see or do changed. When the listening connection comes
 * back after a drop, every local agent socket is re-checked, since notifications sent meanwhile
 * are lost. A session's expiry also closes its sockets.
 */
export async function watchRevocations(ctx: ServiceContext, nsp: Namespace): Promise<Revocations> {
  const recent = new Map<string, number>();
  const localSockets = (room: string) =>
    [...(nsp.adapter.rooms.get(room) ?? [])].map((id) => nsp.sockets.get(id)).filter((s): s is Socket => Boolean(s));
  // crosses workspaces: the sockets a node holds belong to members of any workspace.
  const recheck = (sockets: Socket[]) =>
    privileged('revocation', () => revalidate(ctx, sockets)).catch((err) => ctx.logger.error({ err, sockets: sockets.length }, 'agent access re-check failed'));

  const onNotify = (payload: string) => {
    const room = roomOf(payload);
    if (!room) return;
    const now = Date.now();
    recent.delete(payload);
    recent.set(payload, now);
    for (const [k, at] of recent) {
      if (at > now - RECENT_MS) break;
      recent.delete(k);
    }
    void recheck(localSockets(room));
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
      if (keysOf(me).some((k) => (recent.get(k) ?? 0) > cutoff)) void recheck([socket]);
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

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Re-reads the access of `sockets` (two statements for all of them): disconnects those no
 * longer admitted, refreshes the identity and rooms of the others.
 */
async function revalidate(ctx: ServiceContext, sockets: Socket[]): Promise<void> {
  const live = sockets.filter((s) => s.connected);
  if (!live.length) return;
  const ids = [...new Set(live.map((s) => agentOf(s).sessionId))];
  const rows = await readSessions(ctx.db, sql`s.id = any(${`{${ids.join(',')}}`}::uuid[])`);
  const now = ctx.clock.now().getTime();
  const valid = rows.filter((r) => sessionActive(r) && new Date(r.expires_at).getTime() > now).map(identityOf);
  const fresh = new Map((await liveAgentsOf(ctx.db, valid)).map((a) => [a.sessionId, a]));
  for (const s of live) {
    const me = agentOf(s);
    const next = fresh.get(me.sessionId);
    if (!next) {
      s.disconnect(true);
      continue;
    }
    if (next.expiresAt !== me.expiresAt) armExpiry(ctx, s, next.expiresAt);
    const before = new Set(accessRooms(me));
    const after = new Set(accessRooms(next));
    const changed = me.role !== next.role || me.roleId !== next.roleId || !sameList(me.permissions, next.permissions) || !sameList([...before].sort(), [...after].sort());
    Object.assign(me, next);
    for (const r of before) if (!after.has(r)) s.leave(r);
    s.join([...after]);
    if (changed) {
      const e: AccessChangedEvent = { role: next.role, roleId: toWireOrNull('role', next.roleId), permissions: next.permissions };
      s.emit('access:changed', e);
    }
  }
}
