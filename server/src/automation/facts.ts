import { sql } from 'drizzle-orm';
import type { AuthorType, ConditionFacts, EvaluationContext, MessageFacts, Visibility } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { loadTickets } from '../sla/facts.js';
import { calendarsOf } from '../routing/rules.js';
import { workspaceTime } from './time.facts.js';

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

/** The time facts duration fields read (minutes since …), from the ticket's messages and activities. */
export async function timeFacts(db: Db | Tx, ws: string, ticketId: string) {
  const [r] = await db.rows<{ customer: Date | null; agent: Date | null; status: Date | null }>(sql`select
      (select max(created_at) from messages where ticket_id = ${ticketId}::uuid and author_type = 'contact' and visibility = 'public') as customer,
      (select max(created_at) from messages where ticket_id = ${ticketId}::uuid and author_type = 'agent' and visibility = 'public') as agent,
      coalesce((select max(created_at) from ticket_activities where ticket_id = ${ticketId}::uuid and kind = 'status_changed'),
               (select created_at from tickets where id = ${ticketId}::uuid and workspace_id = ${ws}::uuid)) as status`);
  return { lastCustomerMessageAt: r?.customer ?? null, lastAgentReplyAt: r?.agent ?? null, statusChangedAt: r?.status ?? null };
}

/**
 * The calendar functions conditions need besides `now`: `isOpen` for business-hours leaves, and
 * `businessSecondsBetween` (the default calendar) for business-minute durations; none for
 * conditions that use neither, so most events read no calendar.
 */
export async function timeContext(db: Db | Tx, ws: string, now: Date, conditions: readonly unknown[]): Promise<Pick<EvaluationContext, 'isOpen' | 'businessSecondsBetween'>> {
  const text = JSON.stringify(conditions);
  const business = text.includes('.business_');
  if (!business && !text.includes('"time.now"')) return {};
  if (!business) return { isOpen: await calendarsOf(db, ws, now) };
  const t = await workspaceTime(db, ws, now, conditions);
  return { isOpen: await calendarsOf(db, ws, now), businessSecondsBetween: t.businessSecondsBetween };
}
