import type { RouteHandlers } from '../http/routes.js';
import { fromWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { assertVisibleTicket } from '../tickets/visibility.js';
import { getTicketDto } from '../tickets/tickets.queries.js';
import { RoutingNotes } from './notify.js';
import { applyRule, matchRule } from './rules.js';
import { routeTicket } from './routing.service.js';
import { queueSummaries } from './store.js';

/** The routing queues (supervisors: `reports.read`) and routing a ticket on demand (`tickets.assign`). */
export function routingRoutes(ctx: ServiceContext): Pick<RouteHandlers, 'routing.queue' | 'tickets.route'> {
  return {
    'routing.queue': async ({ me }) => ({ queues: await queueSummaries(ctx.db, me.workspaceId) }),
    'tickets.route': async ({ me, params }) => {
      const ticketId = fromWire('ticket', params.ticketId);
      await assertVisibleTicket(ctx.db, me, ticketId);
      const notes = new RoutingNotes();
      const rule = await matchRule(ctx, { workspaceId: me.workspaceId, ticketId });
      const prefer = rule ? await applyRule(ctx, { workspaceId: me.workspaceId, ticketId, rule }) : null;
      const outcome = await routeTicket(ctx, { workspaceId: me.workspaceId, ticketId, trigger: 'on_demand', notes, rule, prefer });
      await notes.flush(ctx, me.workspaceId);
      return { outcome, ticket: await getTicketDto(ctx.db, me.workspaceId, ticketId) };
    },
  };
}
