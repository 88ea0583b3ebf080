import { sql } from 'drizzle-orm';
import type { AuthorType, ConditionFacts, MessageFacts, Visibility } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { loadTickets } from '../sla/facts.js';

/** The most open tickets of one contact a `contact.updated` runs rules on. */
export const CONTACT_TICKETS_MAX = 50;

/** Condition facts (ticket with tags, contact) of tickets of one workspace, by ticket uuid. */
export async function ticketFacts(db: Db | Tx, workspaceId: string, ticketIds: string[]): Promise<Map<string, ConditionFacts>> {
  const rows = await loadTickets(db, workspaceId, ticketIds);
  return new Map(rows.map((r) => [r.id, r.facts]));
}

/** A message's facts (body, author, visibility, channel, attachments); null when it is gone. */
export async function messageFacts(db: Db | Tx, workspaceId: string, messageId: string): Promise<MessageFacts | null> {
  const [m] = await db.rows<{ body: string; author_type: AuthorType; visibility: Visibility; attachments: unknown[] | null; channel: 'chat' | 'email' }>(sql`
    select m.body, m.author_type, m.visibility, m.attachments, c.channel from messages m join conversations c on c.id = m.conversation_id
    where m.id = ${messageId}::uuid and m.workspace_id = ${workspaceId}::uuid`);
  return m ? { body: m.body, authorType: m.author_type, visibility: m.visibility, channel: m.channel, attachments: m.attachments ?? [] } : null;
}

/** The newest (or, with `first`, the oldest) message of a ticket of a kind: a rule test's stand-in for a message event; null when none. */
export async function latestMessageId(db: Db | Tx, workspaceId: string, ticketId: string, visibility?: Visibility, authorType?: AuthorType, first = false): Promise<string | null> {
  const [m] = await db.rows<{ id: string }>(sql`select id from messages where ticket_id = ${ticketId}::uuid and workspace_id = ${workspaceId}::uuid
    ${visibility ? sql`and visibility = ${visibility}::visibility` : sql``} ${authorType ? sql`and author_type = ${authorType}::actor_type` : sql``}
    order by ${first ? sql`created_at, seq` : sql`created_at desc, seq desc`} limit 1`);
  return m?.id ?? null;
}

/** The open (not resolved or closed) tickets of a contact, newest first, at most CONTACT_TICKETS_MAX. */
export async function openTicketsOf(db: Db | Tx, workspaceId: string, contactId: string): Promise<string[]> {
  const rows = await db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${workspaceId}::uuid and requester_id = ${contactId}::uuid
    and status in ('open', 'pending') order by updated_at desc limit ${CONTACT_TICKETS_MAX}`);
  return rows.map((r) => r.id);
}
