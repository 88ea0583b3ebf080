import type { Tx } from '../db/client.js';
import { writeEvents } from '../events/log.writer.js';

/**
 * Tells routing, in the transaction of a settings change, that queues may drain now (a policy
 * changed, a capacity was raised, rules changed): the durable `routing.changed`. `queueIds` are
 * team or inbox uuids; null for every queue of the workspace. The routing consumer hears of it
 * within 50 ms of any bus event after commit, else by its poll.
 */
export async function routingChanged(tx: Tx, o: { workspaceId: string; queueIds: string[] | null; now: Date }): Promise<void> {
  await writeEvents(tx, [{ workspaceId: o.workspaceId, name: 'routing.changed', occurredAt: o.now, payload: { queueIds: o.queueIds } }]);
}
