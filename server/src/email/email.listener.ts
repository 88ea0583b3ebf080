import type { Namespace } from 'socket.io';
import type { EventBus } from '../events/bus.js';
import { rooms } from '../realtime/rooms.js';

/** Emits `message:delivery` to the workspace's agents on this node when an outbound email's state changes. */
export function attachEmailListener(bus: EventBus, agent: Namespace): () => void {
  return bus.subscribe((event) => {
    if (event.name !== 'message.delivery') return;
    const { workspaceId, ...e } = event.payload;
    agent.local.to(rooms.workspace(workspaceId)).emit('message:delivery', e);
  });
}
