import type { Namespace } from 'socket.io';
import { decodeId } from '@support/protocol';
import type { EventBus } from '../events/bus.js';
import type { DomainEvent } from '../events/events.js';
import type { Visitor } from '../widget/widget.service.js';
import { visitorMessage } from '../widget/visitor-dto.js';
import { rooms, ticketRooms } from './rooms.js';

/** Clients spread their catch-up after a `sync` hint over this many milliseconds. */
export const SYNC_SPREAD_MS = 5000;

/**
 * Turns domain events into socket emits. Every node receives every domain event, so each
 * emits only to its own sockets (`.local`); that is what keeps a message from being
 * delivered twice when many nodes share Redis. Internal notes go to agents only. An event
 * about a ticket goes only to the agent sockets that may see it (`ticketRooms`); when a change
 * takes a ticket out of some sockets' sight, those get `ticket:removed` instead.
 */
export function attachRealtimeListener(bus: EventBus, nsp: { agent: Namespace; widget: Namespace }): () => void {
  // After a gap in cross-node events, tell this node's clients to catch up from storage,
  // spread over a few seconds so they do not all ask at once.
  const offGap = bus.onGap(() => {
    const hint = { reason: 'events-gap' as const, withinMs: SYNC_SPREAD_MS };
    nsp.agent.local.emit('sync', hint);
    nsp.widget.local.emit('sync', hint);
  });
  const off = bus.subscribe((event: DomainEvent) => {
    switch (event.name) {
      case 'ticket.created': {
        const p = event.payload;
        nsp.agent.local.to(ticketRooms(p.workspaceId, p.ticket)).emit('ticket:new', { ticket: p.ticket, message: p.message });
        const room = rooms.visitor(p.contactId, p.ticket.inboxId);
        // Every tab of this visitor on this inbox and node now writes to the new conversation.
        for (const s of nsp.widget.adapter.rooms.get(room) ?? []) {
          const v = nsp.widget.sockets.get(s)?.data.visitor as Visitor | undefined;
          if (v && v.inboxId === decodeId('inbox', p.ticket.inboxId)) {
            v.conversationId = decodeId('conversation', p.conversation.id);
            v.ticketId = decodeId('ticket', p.ticket.id);
          }
        }
        nsp.widget.local.to(room).emit('conversation:new', p.conversation);
        if (p.message) nsp.widget.local.to(room).emit('message:new', visitorMessage(p.message));
        return;
      }
      case 'message.created': {
        const p = event.payload;
        nsp.agent.local.to(ticketRooms(p.workspaceId, p)).emit('message:new', { message: p.message, ticket: p.ticket, activities: p.activities });
        if (p.message.visibility === 'public') nsp.widget.local.to(rooms.visitor(p.requesterId, p.inboxId)).emit('message:new', visitorMessage(p.message));
        return;
      }
      case 'ticket.updated': {
        const p = event.payload;
        const now = ticketRooms(p.workspaceId, p.ticket);
        nsp.agent.local.to(now).emit('ticket:updated', { ticket: p.ticket, activities: p.activities });
        const was = ticketRooms(p.workspaceId, { ...p.before, inboxId: p.ticket.inboxId });
        if (was.some((r) => !now.includes(r))) nsp.agent.local.to(was).except(now).emit('ticket:removed', { ticketId: p.ticket.id });
        return;
      }
      case 'conversation.read': {
        const p = event.payload;
        const e = { conversationId: p.conversationId, side: p.side, seq: p.seq };
        nsp.agent.local.to(ticketRooms(p.workspaceId, p)).emit('read', e);
        if (p.side === 'agent') nsp.widget.local.to(rooms.visitor(p.requesterId, p.inboxId)).emit('read', e);
        return;
      }
      case 'contact.updated':
        nsp.agent.local.to(rooms.permission(event.payload.workspaceId, 'contacts.read')).emit('contact:updated', event.payload.contact);
        return;
      case 'inbox.changed':
        nsp.agent.local.to(rooms.workspace(event.payload.workspaceId)).emit('inboxes:changed', { inboxId: event.payload.inboxId, change: event.payload.change });
        return;
      case 'sla.changed': {
        const p = event.payload;
        nsp.agent.local.to(ticketRooms(p.workspaceId, p)).emit('ticket:sla', { ticketId: p.ticketId, sla: p.sla, alert: p.alert });
        return;
      }
      case 'notification.new': {
        const p = event.payload;
        nsp.agent.local.to(rooms.member(p.workspaceId, p.userId)).emit('notification:new', { notification: p.notification, unread: p.unread });
        return;
      }
      case 'routing.queue':
        nsp.agent.local.to(rooms.permission(event.payload.workspaceId, 'reports.read')).emit('routing:queue', { queues: event.payload.queues });
        return;
      case 'agent.session_ended':
        nsp.agent.local.in(rooms.agentSession(event.payload.sessionId)).disconnectSockets(true);
        return;
      case 'agent.presence_changed':
        nsp.agent.local.to(rooms.workspace(event.payload.workspaceId)).emit('presence', {
          userId: event.payload.userId,
          status: event.payload.status,
        });
        return;
    }
  });
  return () => {
    off();
    offGap();
  };
}
