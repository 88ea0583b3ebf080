import { withWorkspace } from '../db/scope.js';
import type { EventConsumers } from '../events/consumers.js';
import type { LoggedEvent } from '../events/log.events.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { scheduleDue } from '../scheduler/due.js';
import type { ServiceContext } from '../lib/context.js';
import { enabledTimeRules, planTickets, TIME_KIND } from './time.plan.js';
import { checkTimeRule, replanBatch, REPLAN_KIND } from './time.service.js';

export { replanTimeRule } from './time.service.js';

/** The tickets an event may change the facts of (its status, assignee, tags, messages). */
function ticketOf(e: LoggedEvent): string | null {
  if (e.name === 'ticket.created' || e.name === 'ticket.updated' || e.name === 'message.created') return e.payload.ticketId;
  return null;
}

/**
 * Time rules: the next check of each (rule, ticket) as due work `automation.time`, re-planned
 * from the durable log (the `automation-time` consumer: a ticket created or changed, or a
 * message on it, plans that ticket again for every enabled time rule of its workspace), and
 * `automation.time.replan` (a rule was saved: every ticket it watches, in batches).
 */
export function registerTimeRules(ctx: ServiceContext, events: EventConsumers, scheduler: Scheduler): void {
  events.registerConsumer({
    name: 'automation-time',
    batchSize: 200,
    handle: async (batch) => {
      const byWorkspace = new Map<string, Set<string>>();
      for (const e of batch) {
        const t = e.imported ? null : ticketOf(e);
        if (!t) continue;
        const set = byWorkspace.get(e.workspaceId) ?? new Set<string>();
        set.add(t);
        byWorkspace.set(e.workspaceId, set);
      }
      for (const [ws, tickets] of byWorkspace)
        await withWorkspace(ws, async () => {
          const rules = await enabledTimeRules(ctx.db, ws);
          if (rules.length) await planTickets(ctx, { workspaceId: ws, rules, ticketIds: [...tickets] });
        });
    },
  });
  scheduler.registerKind(TIME_KIND, async (w) => {
    const [ruleId, ticketId] = w.key.split(':');
    if (ruleId && ticketId) await checkTimeRule(ctx, { workspaceId: w.workspaceId, ruleId, ticketId });
  });
  scheduler.registerKind(REPLAN_KIND, async (w) => {
    const after = (w.payload as { after?: string | null } | null)?.after ?? null;
    const next = await replanBatch(ctx, { workspaceId: w.workspaceId, ruleId: w.key, after });
    if (next) await scheduleDue(ctx.db, { workspaceId: w.workspaceId, kind: REPLAN_KIND, key: w.key, dueAt: ctx.clock.now(), payload: { after: next } });
  });
}
