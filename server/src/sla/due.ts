import type { Tx } from '../db/client.js';
import { scheduleDue } from '../scheduler/due.js';

/** The SLA's kinds of due work: a clock's warning and its breach, keyed by the clock. */
export type SlaDueKind = 'sla.warning' | 'sla.breach';

/**
 * Queues the re-plan of every open clock of a workspace (a policy, the policies' order or a
 * calendar changed), in the caller's transaction: it runs after commit, in batches, on
 * whichever node is free; a second change before it ends starts it over.
 */
export async function queueReplan(tx: Tx, o: { workspaceId: string; now: Date }): Promise<void> {
  await scheduleDue(tx, { workspaceId: o.workspaceId, kind: 'sla.replan', key: o.workspaceId, dueAt: o.now, payload: { after: null } });
}
