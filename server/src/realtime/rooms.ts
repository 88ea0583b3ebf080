import type { Permission } from '@support/protocol';

/** Room names. Ids are wire ids (uuids for sessions and roles), so a room name says what it holds. */
export const rooms = {
  /** Every agent socket of a workspace (presence, workspace-wide hints). Never ticket events. */
  workspace: (wsWire: string) => `ws:${wsWire}`,
  /** Every socket of one account, whatever its workspace (account changes). */
  agent: (userWire: string) => `usr:${userWire}`,
  /** Every socket of one member: one user in one workspace (presence counting, membership changes). */
  member: (wsWire: string, userWire: string) => `mb:${wsWire}:${userWire}`,
  /** Every socket of one agent login session (closed on logout). */
  agentSession: (sessionId: string) => `as:${sessionId}`,
  /** Sockets of a workspace whose role grants `permission` (`tickets.read.all`: every ticket event; `contacts.read`: contact events). */
  permission: (wsWire: string, permission: Permission) => `perm:${wsWire}:${permission}`,
  /** Sockets whose member holds this custom role (uuid), refreshed when its permissions change. */
  customRole: (roleId: string) => `role:${roleId}`,
  /** Sockets with team sight that work this inbox through one of their teams. */
  inbox: (inboxWire: string) => `inb:${inboxWire}`,
  /** Sockets with team sight that are members of this team (also what `t:` notifications re-check). */
  team: (teamWire: string) => `team:${teamWire}`,
  /** Sockets that see the tickets assigned to this member (any ticket sight). */
  assignee: (wsWire: string, userWire: string) => `asg:${wsWire}:${userWire}`,
  /**
   * Every widget socket of one contact on one inbox: all tabs and devices of that visitor on
   * that site. Every visitor event of a ticket goes to the ticket's inbox only.
   */
  visitor: (contactWire: string, inboxWire: string) => `ct:${contactWire}:${inboxWire}`,
};

/** Where a ticket is, as far as who may see it goes (wire ids). */
export type TicketPlace = { inboxId: string; teamId: string | null; assigneeId: string | null };

/**
 * The agent rooms that receive a ticket's events: every socket that may see the ticket, and
 * only those (docs/access.md): sight of all tickets, its inbox, its team, its assignee.
 */
export function ticketRooms(wsWire: string, t: TicketPlace): string[] {
  const out = [rooms.permission(wsWire, 'tickets.read.all'), rooms.inbox(t.inboxId)];
  if (t.teamId) out.push(rooms.team(t.teamId));
  if (t.assigneeId) out.push(rooms.assignee(wsWire, t.assigneeId));
  return out;
}
