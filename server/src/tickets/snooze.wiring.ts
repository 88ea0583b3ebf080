import { sql } from 'drizzle-orm';
import { withWorkspace } from '../db/scope.js';
import type { ServiceContext } from '../lib/context.js';
import type { EventConsumers } from '../events/consumers.js';
import type { LoggedEvent } from '../events/log.events.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { notFound } from '../http/errors.js';
import { SNOOZE_KIND, wakeTicket, type WakeReason } from './snooze.service.js';

/** Whether an event ends a snooze early: a public customer message, or a status other than pending set by anyone. */
function wakes(e: LoggedEvent): { ticketId: string; reason: WakeReason } | null {
  if (e.imported) return null;
  if (e.name === 'message.created' && e.payload.authorType === 'contact' && e.payload.visibility === 'public') return { ticketId: e.payload.ticketId, reason: 'customer' };
  if (e.name === 'ticket.updated' && e.payload.activities.some((a) => a.kind === 'status_changed' && a.newValue !== 'pending'))
    return { ticketId: e.payload.ticketId, reason: 'status' };
  return null;
}

/** Snooze's due work (`ticket.snooze`: open the ticket at its time) and its wake on a customer message. */
export function registerSnooze(ctx: ServiceContext, events: EventConsumers, scheduler: Scheduler): void {
  events.registerConsumer({
    name: 'snooze',
    batchSize: 200,
    handle: async (batch) => {
      const byWorkspace = new Map<string, Map<string, WakeReason>>();
      for (const e of batch) {
        const w = wakes(e);
        if (!w) continue;
        const m = byWorkspace.get(e.workspaceId) ?? new Map<string, WakeReason>();
        if (m.get(w.ticketId) !== 'customer') m.set(w.ticketId, w.reason);
        byWorkspace.set(e.workspaceId, m);
      }
      for (const [ws, tickets] of byWorkspace)
        await withWorkspace(ws, async () => {
          // Most tickets are not snoozed: one query finds those that are.
          const snoozed = await ctx.db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${ws}::uuid
            and id = any(${`{${[...tickets.keys()].join(',')}}`}::uuid[]) and snoozed_until is not null`);
          for (const { id } of snoozed) await wakeTicket(ctx, { workspaceId: ws, ticketId: id, reason: tickets.get(id)! });
        });
    },
  });
  scheduler.registerKind(SNOOZE_KIND, async (w) => {
    await wakeTicket(ctx, { workspaceId: w.workspaceId, ticketId: w.key, reason: 'time' }).catch((err: unknown) => {
      // A deleted ticket has nothing left to wake.
      if (!(err instanceof Error && err.message === notFound('ticket').message)) throw err;
    });
  });
}
