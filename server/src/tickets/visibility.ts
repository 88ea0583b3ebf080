import { sql, type SQL } from 'drizzle-orm';
import { ticketScope, type Permission } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { toWire, toWireOrNull } from '../db/ids.js';
import { notFound } from '../http/errors.js';
import type { TicketPlace } from '../realtime/rooms.js';

/** Who is reading: a member of a workspace with their permissions (an AgentIdentity is one). */
export type Viewer = { workspaceId: string; userId: string; permissions: readonly Permission[] };

/**
 * The condition on a ticket row aliased `t` that holds for the tickets `v` may see
 * (`ticketScope`): every ticket; those whose inbox one of their teams works, whose team is
 * one of theirs, or assigned to them; those assigned to them; none. Teams are read in the
 * statement, so a team change counts at once. Goes beside the query's own workspace filter.
 */
export function visibleTicketSql(v: Viewer): SQL {
  const scope = ticketScope(v.permissions);
  if (scope === 'all') return sql`true`;
  if (scope === 'none') return sql`false`;
  const mine = sql`t.assignee_id = ${v.userId}::uuid`;
  if (scope === 'mine') return mine;
  return sql`(${mine}
    or t.team_id in (select tm.team_id from team_members tm where tm.user_id = ${v.userId}::uuid and tm.workspace_id = ${v.workspaceId}::uuid)
    or t.inbox_id in (select ti.inbox_id from team_members tm join team_inboxes ti on ti.team_id = tm.team_id
                      where tm.user_id = ${v.userId}::uuid and tm.workspace_id = ${v.workspaceId}::uuid))`;
}

export type VisibleTicket = { id: string; requesterId: string; place: TicketPlace };

/**
 * A ticket of `v`'s workspace that `v` may see, with where it is (for routing its live
 * events); NOT_FOUND otherwise, the same answer as for an id that does not exist.
 */
export async function requireVisibleTicket(db: Db | Tx, v: Viewer, ticketId: string): Promise<VisibleTicket> {
  const [t] = await db.rows<{ id: string; requester_id: string; inbox_id: string; team_id: string | null; assignee_id: string | null }>(sql`select t.id,
      t.requester_id, t.inbox_id, t.team_id, t.assignee_id
    from tickets t where t.id = ${ticketId}::uuid and t.workspace_id = ${v.workspaceId}::uuid and ${visibleTicketSql(v)}`);
  if (!t) throw notFound('ticket');
  return { id: t.id, requesterId: t.requester_id, place: placeOf({ inboxId: t.inbox_id, teamId: t.team_id, assigneeId: t.assignee_id }) };
}

/** A ticket's place from its uuids, as wire ids. */
export const placeOf = (t: { inboxId: string; teamId: string | null; assigneeId: string | null }): TicketPlace => ({
  inboxId: toWire('inbox', t.inboxId),
  teamId: toWireOrNull('team', t.teamId),
  assigneeId: toWireOrNull('user', t.assigneeId),
});

/** Resolves for a viewer who sees every ticket (no query); else checks the ticket as `requireVisibleTicket`. */
export async function assertVisibleTicket(db: Db | Tx, v: Viewer, ticketId: string): Promise<void> {
  if (ticketScope(v.permissions) !== 'all') await requireVisibleTicket(db, v, ticketId);
}
