import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { notFound } from '../http/errors.js';
import type { Actor, ServiceContext } from '../lib/context.js';
import { isOpenClock } from './clock.js';
import { onReplan, onTicketCreated, type ClockChange } from './engine.js';
import { applyChanges, clocksOfTickets, refreshTicketsSla, type TicketPlace } from './clocks.store.js';
import { loadTickets, PolicyResolver } from './facts.js';
import { policyRows } from './policies.service.js';
import { publish } from './sla.service.js';

/**
 * Holds a ticket to one SLA policy (the `apply_sla` action) instead of the one its conditions
 * select: its open clocks are re-planned under it (keeping the time they used), or its clocks
 * start under it when none runs. The pin is kept on the SLA events it writes (`data.pinned`,
 * no column of its own) and policy selection (facts.ts PolicyResolver.select) keeps to it while
 * the policy exists. A resolved or closed ticket without open clocks is not pinned (nothing to
 * hold to); `changed: false` says so. `dryRun` says what would happen and writes nothing.
 */
export async function applySlaPolicy(
  ctx: ServiceContext,
  o: { workspaceId: string; ticketId: string; policyId: string; actor: Actor; dryRun?: boolean },
): Promise<{ changed: boolean; summary: string }> {
  const at = ctx.clock.now();
  const run = async (tx: Tx) => {
    const policies = await policyRows(tx, o.workspaceId);
    const row = policies.find((p) => p.id === o.policyId);
    if (!row) throw notFound('SLA policy');
    const [ticket] = await loadTickets(tx, o.workspaceId, [o.ticketId]);
    if (!ticket) throw notFound('ticket');
    const clocks = (await clocksOfTickets(tx, { workspaceId: o.workspaceId, ticketIds: [o.ticketId] })).filter((c) => c.ticketId === o.ticketId);
    const open = clocks.filter(isOpenClock);
    const currentId = open.at(-1)?.policyId ?? null;
    if (ticket.pinned_policy_id === row.id && currentId === row.id) return { changed: false, summary: `SLA policy is already ${row.name}` };
    const closed = ticket.status === 'resolved' || ticket.status === 'closed';
    if (!open.length && closed) return { changed: false, summary: `The ticket is ${ticket.status}: no SLA to apply` };
    const current = policies.find((p) => p.id === currentId);
    if (o.dryRun) return { changed: true, summary: current ? `SLA policy would change from ${current.name} to ${row.name}` : `SLA policy ${row.name} would apply` };
    const resolver = new PolicyResolver(tx, at);
    const after = await resolver.applied(row);
    const state = { status: ticket.status, priority: ticket.priority };
    let changes: ClockChange[];
    if (open.length) {
      const before = current ? await resolver.applied(current) : after;
      changes = onReplan({ before, after, ticket: state, clocks: open, at, force: true });
    } else changes = onTicketCreated({ policy: after, ticket: state, openedBy: 'contact', at });
    const place: TicketPlace = { workspaceId: o.workspaceId, ticketId: o.ticketId, teamId: ticket.team_id, assigneeId: ticket.assignee_id };
    await applyChanges(tx, [{ place, changes }], at);
    const marked = await tx.rows(sql`update sla_events set data = data || ${JSON.stringify({ pinned: true, actorType: o.actor.type, actorId: o.actor.id })}::jsonb
      where workspace_id = ${o.workspaceId}::uuid and ticket_id = ${o.ticketId}::uuid and policy_id = ${row.id}::uuid and at = ${at}::timestamptz
      returning id`);
    if (!marked.length) return { changed: false, summary: `${row.name} has no target for this ticket's priority: nothing to apply` };
    const refreshed = await refreshTicketsSla(tx, { workspaceId: o.workspaceId, ticketIds: [o.ticketId] });
    return { changed: true, summary: current ? `SLA policy changed from ${current.name} to ${row.name}` : `SLA policy ${row.name} applied`, refreshed };
  };
  // A dry run reads in a transaction too (the clocks are read locked), and writes nothing.
  const r = await ctx.db.transaction(run);
  if ('refreshed' in r && r.refreshed) publish(ctx, o.workspaceId, r.refreshed);
  return { changed: r.changed, summary: r.summary };
}
