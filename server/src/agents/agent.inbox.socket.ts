import type { Namespace, Socket } from 'socket.io';
import { sql } from 'drizzle-orm';
import { contactGetSchema, emptyPayloadSchema, ticketViewingSchema, type ViewingEvent } from '@support/protocol';
import { fromWire, toWire } from '../db/ids.js';
import { notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { handle, type HandlerEnv } from '../realtime/handler.js';
import { rooms } from '../realtime/rooms.js';
import { getContactDetail } from '../contacts/contacts.service.js';
import type { AgentIdentity } from './agents.service.js';
import { listInboxes, listTeams } from './directory.service.js';


/** What an agent socket keeps in `socket.data` (visible to `fetchSockets` on every node). */
type AgentSocketData = { agent: AgentIdentity; viewing?: string | null };

/**
 * The inbox's extra `/agent` events: `contact:get` (sidebar), `teams:list` (assignment), `inboxes:list` (inbox filter) and
 * `ticket:view` (collision notice). `ticket:view` records the ticket on the socket's data,
 * tells the workspace's other sockets with `viewing`, and acks the other agents already
 * viewing it; a disconnect ends the socket's viewing.
 */
export function registerInboxHandlers(nsp: Namespace, socket: Socket, env: HandlerEnv, ctx: ServiceContext): void {
  const data = socket.data as AgentSocketData;
  const ws = data.agent.workspaceId;
  const wsRoom = rooms.workspace(toWire('workspace', ws));
  const meWire = toWire('user', data.agent.userId);
  const announce = (e: ViewingEvent) => socket.to(wsRoom).emit('viewing', e);

  handle(socket, env, 'contact:get', contactGetSchema, (p) =>
    getContactDetail(ctx, { workspaceId: ws, contactId: fromWire('contact', p.contactId) }),
  );
  handle(socket, env, 'teams:list', emptyPayloadSchema, () => listTeams(ctx, { workspaceId: ws }));
  handle(socket, env, 'inboxes:list', emptyPayloadSchema, () => listInboxes(ctx, { workspaceId: ws }));
  handle(socket, env, 'ticket:view', ticketViewingSchema, async (p) => {
    if (p.ticketId) {
      const [t] = await ctx.db.rows(sql`select 1 from tickets where id = ${fromWire('ticket', p.ticketId)}::uuid and workspace_id = ${ws}::uuid`);
      if (!t) throw notFound('ticket');
    }
    const before = data.viewing ?? null;
    data.viewing = p.ticketId;
    if (before && before !== p.ticketId) announce({ ticketId: before, userId: meWire, on: false });
    if (!p.ticketId) return { viewers: [] };
    if (before !== p.ticketId) announce({ ticketId: p.ticketId, userId: meWire, on: true });
    const others = await nsp.in(wsRoom).fetchSockets();
    const viewers = new Set<string>();
    for (const s of others) {
      const d = s.data as AgentSocketData;
      if (d.viewing === p.ticketId && d.agent.userId !== data.agent.userId) viewers.add(toWire('user', d.agent.userId));
    }
    return { viewers: [...viewers].sort() };
  });
  socket.on('disconnect', () => {
    if (data.viewing) announce({ ticketId: data.viewing, userId: meWire, on: false });
  });
}
