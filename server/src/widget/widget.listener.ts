import type { Namespace } from 'socket.io';
import { decodeId } from '@support/protocol';
import type { DomainEvent } from '../events/events.js';
import type { ServiceContext } from '../lib/context.js';
import { rooms } from '../realtime/rooms.js';
import { anyAgentOnline } from './widget.service.js';

/** Every widget socket of a workspace (availability pushes). */
export const widgetWorkspaceRoom = (wsWire: string) => `wws:${wsWire}`;

/**
 * Pushes what the widget header and conversation state need beyond messages: `availability`
 * when an agent's presence changes (recomputed from storage, so every node tells its own
 * sockets the same truth) and `ticket:status` when a ticket of the contact changes status.
 * Each node emits only to its own sockets, like the realtime listener.
 */
export function attachWidgetListener(ctx: ServiceContext, nsp: Namespace): () => void {
  return ctx.bus.subscribe((event: DomainEvent) => {
    if (event.name === 'agent.presence_changed') {
      const room = widgetWorkspaceRoom(event.payload.workspaceId);
      if (!nsp.adapter.rooms.get(room)?.size) return;
      anyAgentOnline(ctx.db, decodeId('workspace', event.payload.workspaceId)!).then(
        (agentsOnline) => nsp.local.to(room).emit('availability', { agentsOnline }),
        (err) => ctx.logger.warn({ err }, 'widget availability push failed'),
      );
      return;
    }
    if (event.name === 'routing.positions') {
      for (const e of event.payload.entries) {
        const room = rooms.visitor(e.contactId, e.inboxId);
        if (nsp.adapter.rooms.get(room)?.size) nsp.local.to(room).emit('queue', { position: e.position, expectedWaitSeconds: e.expectedWaitSeconds });
      }
      return;
    }
    if (event.name === 'ticket.updated' && event.payload.activities.some((a) => a.kind === 'status_changed')) {
      const { ticket } = event.payload;
      nsp.local.to(rooms.visitor(ticket.requester.id, ticket.inboxId)).emit('ticket:status', { ticketId: ticket.id, status: ticket.status });
    }
  });
}
