import { sql } from 'drizzle-orm';
import type { TemplateValues, TicketPriority, TicketStatus } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';

/** A ticket as the actions read it: what they may change and what templates are filled with. */
export type TicketState = {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  channel: 'chat' | 'email';
  teamId: string | null;
  teamName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  assigneeEmail: string | null;
  inboxName: string;
  workspaceName: string;
  contactName: string | null;
  contactEmail: string | null;
  contactAttributes: Record<string, unknown>;
  tags: string[];
  snoozedUntil: Date | null;
};

type Raw = {
  id: string; number: number; subject: string; status: TicketStatus; priority: TicketPriority; channel: 'chat' | 'email';
  team_id: string | null; team_name: string | null; assignee_id: string | null; assignee_name: string | null; assignee_email: string | null;
  inbox_name: string; workspace_name: string; contact_name: string | null; contact_email: string | null;
  contact_attributes: Record<string, unknown> | null; tags: string[] | null; snoozed_until: Date | string | null;
};

/** Reads one ticket of the workspace with its contact, team, assignee, inbox and tags; null when absent. */
export async function loadTicketState(db: Db | Tx, workspaceId: string, ticketId: string): Promise<TicketState | null> {
  const [r] = await db.rows<Raw>(sql`select t.id, t.number, t.subject, t.status, t.priority, i.channel, t.team_id, tm.name as team_name,
      t.assignee_id, u.name as assignee_name, u.email as assignee_email, i.name as inbox_name, w.name as workspace_name,
      c.name as contact_name, c.email as contact_email, c.attributes as contact_attributes, t.snoozed_until,
      (select array_agg(g.name order by g.name) from ticket_tags tt join tags g on g.id = tt.tag_id where tt.ticket_id = t.id) as tags
    from tickets t join inboxes i on i.id = t.inbox_id join workspaces w on w.id = t.workspace_id
      join contacts c on c.id = t.requester_id
      left join teams tm on tm.id = t.team_id left join users u on u.id = t.assignee_id
    where t.id = ${ticketId}::uuid and t.workspace_id = ${workspaceId}::uuid`);
  if (!r) return null;
  return {
    id: r.id, number: Number(r.number), subject: r.subject, status: r.status, priority: r.priority, channel: r.channel,
    teamId: r.team_id, teamName: r.team_name, assigneeId: r.assignee_id, assigneeName: r.assignee_name, assigneeEmail: r.assignee_email,
    inboxName: r.inbox_name, workspaceName: r.workspace_name, contactName: r.contact_name, contactEmail: r.contact_email,
    contactAttributes: r.contact_attributes ?? {}, tags: r.tags ?? [], snoozedUntil: r.snoozed_until ? new Date(r.snoozed_until) : null,
  };
}

/** The values templates are filled with; `agent` is the assignee (automation) or the agent applying a macro. */
export function templateValues(t: TicketState, agent: { name: string | null; email: string | null } | null): TemplateValues {
  return {
    'contact.name': t.contactName,
    'contact.email': t.contactEmail,
    'ticket.number': t.number,
    'ticket.subject': t.subject,
    'ticket.status': t.status,
    'ticket.priority': t.priority,
    'agent.name': agent?.name ?? null,
    'agent.email': agent?.email ?? null,
    'team.name': t.teamName,
    'inbox.name': t.inboxName,
    'workspace.name': t.workspaceName,
    attributes: t.contactAttributes,
  };
}

/** Names of members and teams of the workspace by uuid, for sentences ("Assigned to Ann"). */
export async function namesOf(db: Db | Tx, workspaceId: string, ids: { users?: string[]; teams?: string[] }): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const users = (ids.users ?? []).filter(Boolean);
  const teams = (ids.teams ?? []).filter(Boolean);
  if (users.length) {
    const rows = await db.rows<{ id: string; name: string }>(sql`select u.id, u.name from users u join memberships m on m.user_id = u.id
      where m.workspace_id = ${workspaceId}::uuid and u.id = any(${`{${users.join(',')}}`}::uuid[])`);
    for (const r of rows) out.set(r.id, r.name);
  }
  if (teams.length) {
    const rows = await db.rows<{ id: string; name: string }>(sql`select id, name from teams
      where workspace_id = ${workspaceId}::uuid and id = any(${`{${teams.join(',')}}`}::uuid[])`);
    for (const r of rows) out.set(r.id, r.name);
  }
  return out;
}
