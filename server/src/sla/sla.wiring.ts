import { privileged, withWorkspace } from '../db/scope.js';
import type { EventConsumers } from '../events/consumers.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { scheduleDue } from '../scheduler/due.js';
import type { ServiceContext } from '../lib/context.js';
import { fireBreach, fireWarning, handleSlaEvent, replanBatch, slaTouched } from './sla.service.js';

/** Tickets re-planned per run of `sla.replan` (each in its own transaction). */
export const REPLAN_BATCH = 500;

/**
 * Plugs SLA into a node: the `sla` consumer of the durable event log, and its kinds of due
 * work: `sla.warning` / `sla.breach` (key: the clock) and `sla.replan` (key: the workspace;
 * it re-schedules itself with its cursor until every open clock is done).
 */
export function registerSla(ctx: ServiceContext, events: EventConsumers, scheduler: Scheduler): void {
  events.registerConsumer({
    name: 'sla',
    handle: async (batch) => {
      // crosses workspaces: which events of the batch (any workspace's) SLA must look at, in one statement.
      const touched = await privileged('sla-consumer', () => slaTouched(ctx.db, batch));
      for (const e of touched) await withWorkspace(e.workspaceId, () => handleSlaEvent(ctx, e, { checked: true }));
    },
  });
  scheduler.registerKind('sla.breach', (w) => fireBreach(ctx, { workspaceId: w.workspaceId, clockId: w.key }));
  scheduler.registerKind('sla.warning', (w) => fireWarning(ctx, { workspaceId: w.workspaceId, clockId: w.key }));
  scheduler.registerKind('sla.replan', async (w) => {
    const after = (w.payload as { after?: string | null } | null)?.after ?? null;
    const next = await replanBatch(ctx, { workspaceId: w.workspaceId, after, batch: REPLAN_BATCH });
    if (next) await scheduleDue(ctx.db, { workspaceId: w.workspaceId, kind: 'sla.replan', key: w.key, dueAt: ctx.clock.now(), payload: { after: next } });
  });
}
