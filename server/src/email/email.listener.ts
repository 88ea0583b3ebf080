import type { Namespace } from 'socket.io';
import type { EventBus } from '../events/bus.js';
import { ticketRooms } from '../realtime/rooms.js';

/** Emits `message:delivery` to the agents on this node who see the ticket when an outbound email's state changes. */
export function attachEmailListener(bus: EventBus, agent: Namespace): () => void {
  return bus.subscribe((event) => {
    if (event.name !== 'message.delivery') return;
    const { workspaceId, inboxId, teamId, assigneeId, ...e } = event.payload;
    agent.local.to(ticketRooms(workspaceId, { inboxId, teamId, assigneeId })).emit('message:delivery', e);
  });
}
