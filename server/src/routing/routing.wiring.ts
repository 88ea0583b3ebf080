import { sql } from 'drizzle-orm';
import { withWorkspace } from '../db/scope.js';
import type { EventConsumers } from '../events/consumers.js';
import type { LoggedEvent } from '../events/log.events.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { ServiceContext } from '../lib/context.js';
import { DRAIN_KIND, drainQueue, drainWorkspace, routeReopened, routeTicket } from './routing.service.js';
import { agentBack, agentLeft, AWAY_KIND, handBack } from './away.js';
import { applyRule, matchRule } from './rules.js';
import { RoutingNotes } from './notify.js';
import { dequeue } from './store.js';

const DONE = new Set(['resolved', 'closed']);

/** Whether a workspace routes at all (a policy or a rule): most events of one that does not are passed over with one query. */
async function routes(ctx: ServiceContext, ws: string): Promise<boolean> {
  const [r] = await ctx.db.rows<{ on: boolean }>(sql`select exists (select 1 from routing_policies where workspace_id = ${ws}::uuid)
    or exists (select 1 from routing_rules where workspace_id = ${ws}::uuid and enabled) as on`);
  return !!r?.on;
}

/**
 * Routing's reaction to one event of the durable log, in its workspace's scope. Drains found
 * necessary are collected in `drains` (queue uuids, or null for every queue) and run after the
 * batch, once per workspace.
 */
async function onEvent(ctx: ServiceContext, e: LoggedEvent, notes: RoutingNotes, drains: Map<string, Set<string> | null>): Promise<void> {
  const ws = e.workspaceId;
  const drain = (queues: string[] | null) => {
    const have = drains.get(ws);
    if (queues === null || have === null) drains.set(ws, null);
    else drains.set(ws, new Set([...(have ?? []), ...queues]));
  };
  switch (e.name) {
    case 'ticket.created': {
      if (e.payload.ticket.assigneeId) return;
      const rule = await matchRule(ctx, { workspaceId: ws, ticketId: e.payload.ticketId, messageId: e.payload.messageId });
      const prefer = rule ? await applyRule(ctx, { workspaceId: ws, ticketId: e.payload.ticketId, rule }) : null;
      await routeTicket(ctx, { workspaceId: ws, ticketId: e.payload.ticketId, trigger: 'created', notes, rule, prefer });
      return;
    }
    case 'ticket.updated': {
      const { ticketId, ticket, activities } = e.payload;
      for (const a of activities) {
        if (a.kind === 'status_changed') {
          if (DONE.has(String(a.oldValue)) && !DONE.has(String(a.newValue))) await routeReopened(ctx, { workspaceId: ws, ticketId, notes });
          else if (a.newValue !== 'open') {
            // Resolved, closed or pending: its assignee may have room now; it no longer waits.
            const left = await dequeue(ctx.db, ws, ticketId, ctx.clock.now());
            if (left) notes.queueChanged(ws, left, ticketId);
            drain(null);
          }
        } else if (a.kind === 'assigned') {
          if (a.newValue == null) drain(null);
          else {
            const left = await dequeue(ctx.db, ws, ticketId, ctx.clock.now());
            if (left) notes.queueChanged(ws, left, ticketId);
          }
        } else if (a.kind === 'team_changed' && !ticket.assigneeId) {
          await routeTicket(ctx, { workspaceId: ws, ticketId, trigger: 'team_changed', notes });
        } else if (a.kind === 'priority_changed' && ticket.teamId) {
          notes.queueChanged(ws, ticket.teamId, null);
        }
      }
      return;
    }
    case 'agent.availability_changed': {
      const { userId, status } = e.payload;
      if (status === 'online') {
        await agentBack(ctx.db, { workspaceId: ws, userId, at: e.occurredAt });
        drain(null);
      } else await agentLeft(ctx.db, { workspaceId: ws, userId, at: e.occurredAt });
      return;
    }
    case 'routing.changed':
      await enqueueUnassigned(ctx, ws, e.payload.queueIds, e.occurredAt, notes);
      drain(e.payload.queueIds);
      return;
    default:
      return;
  }
}

/**
 * A policy was set: the open, unassigned tickets of its team or inbox (oldest first, at most
 * 1,000) are routed now, so turning routing on hands out the pile that waited for it. Only
 * those opened before the change: later ones have their own `ticket.created` (rules first).
 */
async function enqueueUnassigned(ctx: ServiceContext, ws: string, queueIds: string[] | null, before: Date, notes: RoutingNotes): Promise<void> {
  if (!queueIds?.length) return;
  const rows = await ctx.db.rows<{ id: string }>(sql`select t.id from tickets t
    where t.workspace_id = ${ws}::uuid and t.assignee_id is null and t.status = 'open'
      and (t.team_id = any(${`{${queueIds.join(',')}}`}::uuid[]) or (t.team_id is null and t.inbox_id = any(${`{${queueIds.join(',')}}`}::uuid[])))
      and not exists (select 1 from routing_queue q where q.ticket_id = t.id and q.dequeued_at is null)
      and t.created_at <= ${before}::timestamptz
    order by t.created_at limit 1000`);
  for (const r of rows) await routeTicket(ctx, { workspaceId: ws, ticketId: r.id, trigger: 'drain', notes });
}

/**
 * Plugs routing into a node: the `routing` consumer of the durable event log (new tickets, status
 * and assignment changes, presence, settings), and its due work: `routing.away` (an away agent's
 * grace ran out) and `routing.drain` (a queue's working hours opened). It starts at the log's end
 * on first run: tickets from before routing existed are not routed retroactively.
 */
export function registerRouting(ctx: ServiceContext, events: EventConsumers, scheduler: Scheduler): void {
  events.registerConsumer({
    name: 'routing',
    startAt: 'now',
    handle: async (batch) => {
      const notes = new RoutingNotes();
      const drains = new Map<string, Set<string> | null>();
      const on = new Map<string, boolean>();
      for (const e of batch) {
        if (e.imported) continue;
        await withWorkspace(e.workspaceId, async () => {
          if (!on.has(e.workspaceId)) on.set(e.workspaceId, await routes(ctx, e.workspaceId));
          if (on.get(e.workspaceId)) await onEvent(ctx, e, notes, drains);
        });
      }
      for (const [ws, queues] of drains)
        await withWorkspace(ws, () => drainWorkspace(ctx, { workspaceId: ws, notes, only: queues && [...queues] }));
      for (const ws of new Set([...on.keys()]))
        await withWorkspace(ws, () => notes.flush(ctx, ws));
    },
  });
  scheduler.registerKind(AWAY_KIND, async (w) => {
    const notes = new RoutingNotes();
    const userId = w.key.split(':')[1]!;
    await handBack(ctx, { workspaceId: w.workspaceId, userId, notes });
    await notes.flush(ctx, w.workspaceId);
  });
  scheduler.registerKind(DRAIN_KIND, async (w) => {
    const notes = new RoutingNotes();
    await drainQueue(ctx, { workspaceId: w.workspaceId, queueId: (w.payload as { queueId: string }).queueId, notes });
    await notes.flush(ctx, w.workspaceId);
  });
}
