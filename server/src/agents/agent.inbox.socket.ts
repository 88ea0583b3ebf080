import type { Namespace, Socket } from 'socket.io';
import type { ViewingEvent } from '@support/protocol';
import { fromWire, toWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { rooms, ticketRooms } from '../realtime/rooms.js';
import { getContactDetail } from '../contacts/contacts.service.js';
import { requireVisibleTicket } from '../tickets/visibility.js';
import type { LiveAgent } from './access.js';
import type { AgentOn } from './agent.socket.js';
import { listInboxes, listTeams } from './directory.service.js';
import { ticketSlaDetail } from '../sla/sla.read.js';

/** What an agent socket keeps in `socket.data` (visible to `fetchSockets` on every node). */
type AgentSocketData = { agent: LiveAgent; viewing?: string | null; viewingRooms?: string[] };

/**
 * The inbox's extra `/agent` events: `contact:get` (sidebar), `teams:list` (assignment), `inboxes:list` (inbox filter) and
 * `ticket:view` (collision notice). `ticket:view` records the ticket on the socket's data,
 * tells the other sockets that may see the ticket with `viewing`, and acks the other agents
 * already viewing it; a disconnect ends the socket's viewing.
 */
export function registerInboxHandlers(nsp: Namespace, socket: Socket, on: AgentOn, ctx: ServiceContext): void {
  const data = socket.data as AgentSocketData;
  const me = data.agent;
  const ws = me.workspaceId;
  const wsWire = toWire('workspace', ws);
  const meWire = toWire('user', me.userId);
  const announce = (to: string[], e: ViewingEvent) => {
    if (to.length) socket.to(to).emit('viewing', e);
  };

  on('contact:get', (p) => getContactDetail(ctx, { viewer: me, contactId: fromWire('contact', p.contactId) }));
  on('teams:list', () => listTeams(ctx, { workspaceId: ws }));
  on('sla:get', async (p) => {
    const ticketId = fromWire('ticket', p.ticketId);
    await requireVisibleTicket(ctx.db, me, ticketId);
    return ticketSlaDetail(ctx.db, { workspaceId: ws, ticketId });
  });
  on('inboxes:list', () => listInboxes(ctx, { workspaceId: ws }));
  on('ticket:view', async (p) => {
    const place = p.ticketId ? (await requireVisibleTicket(ctx.db, me, fromWire('ticket', p.ticketId))).place : null;
    const before = data.viewing ?? null;
    const beforeRooms = data.viewingRooms ?? [];
    data.viewing = p.ticketId;
    data.viewingRooms = place ? ticketRooms(wsWire, place) : [];
    if (before && before !== p.ticketId) announce(beforeRooms, { ticketId: before, userId: meWire, on: false });
    if (!p.ticketId) return { viewers: [] };
    if (before !== p.ticketId) announce(data.viewingRooms, { ticketId: p.ticketId, userId: meWire, on: true });
    const others = await nsp.in(rooms.workspace(wsWire)).fetchSockets();
    const viewers = new Set<string>();
    for (const s of others) {
      const d = s.data as AgentSocketData;
      if (d.viewing === p.ticketId && d.agent.userId !== me.userId) viewers.add(toWire('user', d.agent.userId));
    }
    return { viewers: [...viewers].sort() };
  });
  socket.on('disconnect', () => {
    if (data.viewing) announce(data.viewingRooms ?? [], { ticketId: data.viewing, userId: meWire, on: false });
  });
}
