import { sql } from 'drizzle-orm';
import type { Activity, AuthorType, Message, TicketPatch, Visibility } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId } from '../db/ids.js';
import { activityDto, messageDto, ticketPatchDto } from '../lib/dto.js';

export type Author = { type: AuthorType; id: string | null; name: string | null };

export type AppendMessageInput = {
  workspaceId: string;
  /** The conversation to write to, or the ticket whose latest conversation takes the message. */
  target: { conversationId: string } | { ticketId: string };
  author: Author;
  body: string;
  html?: string | null;
  visibility: Visibility;
  clientMessageId: string | null;
  now: Date;
  /** Whether the write may land on a closed ticket (agents yes, visitors no). */
  allowClosed: boolean;
  /** Whether a pending or resolved ticket goes back to open (a customer wrote). */
  reopen: boolean;
};

export type AppendResult =
  | { kind: 'created'; message: Message; ticket: TicketPatch; requesterId: string; activities: Activity[] }
  | { kind: 'duplicate'; message: Message }
  | { kind: 'no_target' };

const PREVIEW_CHARS = 140;

/** One line of at most 140 characters, for ticket lists. */
export const previewOf = (body: string) => body.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);

/**
 * Appends a message in ONE statement: the idempotency check on (author, clientMessageId),
 * the per-conversation `seq` bump, the insert, the ticket bump (updated_at, preview,
 * first response, reopen) and the status activity all happen in a single round trip,
 * atomically. A retry with the same clientMessageId returns the stored message.
 * `no_target` means the conversation does not exist in this workspace, or its ticket is
 * closed and `allowClosed` is false.
 */
export async function appendMessage(db: Db | Tx, input: AppendMessageInput): Promise<AppendResult> {
  const { workspaceId: ws, author, visibility: vis, now } = input;
  const convId = 'conversationId' in input.target ? input.target.conversationId : null;
  const ticketId = 'ticketId' in input.target ? input.target.ticketId : null;
  const cmid = input.clientMessageId;
  const isPublic = vis === 'public';
  const firstResponse = author.type === 'agent' && isPublic;
  const rows = await db.rows<{ msg: any; dup: any; tkt: any; act: any }>(sql`
    with existing as (
      select m.* from messages m
      where ${cmid}::text is not null and m.author_id = ${author.id}::uuid
        and m.client_message_id = ${cmid}::text and m.workspace_id = ${ws}::uuid
      limit 1
    ), target as (
      select c.id from conversations c join tickets t on t.id = c.ticket_id
      where c.workspace_id = ${ws}::uuid
        and (c.id = ${convId}::uuid or c.ticket_id = ${ticketId}::uuid)
        and (${input.allowClosed}::boolean or t.status <> 'closed')
      order by c.created_at desc limit 1
    ), conv as (
      update conversations c set last_seq = c.last_seq + 1, last_activity_at = ${now}::timestamptz
      from target where c.id = target.id and not exists (select 1 from existing)
      returning c.id, c.ticket_id, c.last_seq
    ), ins as (
      insert into messages (id, workspace_id, conversation_id, ticket_id, seq, author_type, author_id,
                            body, body_html, visibility, client_message_id, created_at)
      select ${newId()}::uuid, ${ws}::uuid, conv.id, conv.ticket_id, conv.last_seq, ${author.type}::actor_type,
             ${author.id}::uuid, ${input.body}::text, ${input.html ?? null}::text, ${vis}::visibility,
             ${cmid}::text, ${now}::timestamptz
      from conv
      on conflict do nothing
      returning *
    ), old as (
      select t.id, t.status from tickets t where t.id = (select ticket_id from ins) for update
    ), tkt as (
      update tickets t set
        updated_at = ${now}::timestamptz,
        last_message_at = case when ${isPublic}::boolean then ${now}::timestamptz else t.last_message_at end,
        last_message_preview = case when ${isPublic}::boolean then ${previewOf(input.body)}::text else t.last_message_preview end,
        status = case when ${input.reopen}::boolean and t.status in ('pending', 'resolved') then 'open'::ticket_status else t.status end,
        resolved_at = case when ${input.reopen}::boolean and t.status in ('pending', 'resolved') then null else t.resolved_at end,
        first_response_at = case when ${firstResponse}::boolean and t.first_response_at is null then ${now}::timestamptz else t.first_response_at end
      from old where t.id = old.id
      returning t.id, t.status, t.updated_at, t.last_message_at, t.last_message_preview, t.first_response_at,
                t.resolved_at, t.requester_id, old.status as old_status
    ), act as (
      insert into ticket_activities (id, workspace_id, ticket_id, kind, actor_type, actor_id, old_value, new_value, created_at)
      select ${newId()}::uuid, ${ws}::uuid, tkt.id, 'status_changed', ${author.type}::actor_type, ${author.id}::uuid,
             to_jsonb(tkt.old_status::text), to_jsonb(tkt.status::text), ${now}::timestamptz
      from tkt where tkt.old_status <> tkt.status
      returning *
    )
    select (select row_to_json(ins) from ins) as msg,
           (select row_to_json(existing) from existing) as dup,
           (select row_to_json(tkt) from tkt) as tkt,
           (select row_to_json(act) from act) as act`);
  const row = rows[0]!;
  if (row.msg && row.tkt) {
    return {
      kind: 'created',
      message: messageDto(row.msg, author.name),
      ticket: ticketPatchDto(row.tkt),
      requesterId: row.tkt.requester_id,
      activities: row.act ? [activityDto(row.act)] : [],
    };
  }
  if (row.dup) return { kind: 'duplicate', message: messageDto(row.dup, author.name) };
  if (cmid && author.id) {
    // A concurrent retry with the same clientMessageId won the insert; return what it stored.
    const existing = await findByClientId(db, ws, author.id, cmid);
    if (existing) return { kind: 'duplicate', message: messageDto(existing, author.name) };
  }
  return { kind: 'no_target' };
}

export async function findByClientId(db: Db | Tx, ws: string, authorId: string, cmid: string) {
  const [r] = await db.rows(sql`select * from messages
    where workspace_id = ${ws}::uuid and author_id = ${authorId}::uuid and client_message_id = ${cmid}::text`);
  return r ?? null;
}

const authorNameJoin = sql`coalesce(u.name, ct.name)`;

/**
 * Messages of one conversation with seq > afterSeq (ascending), or the newest `limit`
 * before `beforeSeq`. Visitors pass `publicOnly` and never see internal notes.
 */
export async function listMessages(
  db: Db,
  opts: { workspaceId: string; conversationId: string; afterSeq?: number; beforeSeq?: number; limit: number; publicOnly: boolean },
): Promise<{ messages: Message[]; hasMore: boolean }> {
  const { workspaceId: ws, conversationId, limit } = opts;
  const vis = opts.publicOnly ? sql`and m.visibility = 'public'` : sql``;
  let rows;
  if (opts.beforeSeq !== undefined) {
    rows = await db.rows(sql`select m.*, ${authorNameJoin} as author_name from messages m
      left join users u on m.author_type = 'agent' and u.id = m.author_id
      left join contacts ct on m.author_type = 'contact' and ct.id = m.author_id
      where m.workspace_id = ${ws}::uuid and m.conversation_id = ${conversationId}::uuid
        and m.seq < ${opts.beforeSeq}::int ${vis}
      order by m.seq desc limit ${limit + 1}::int`);
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map((r) => messageDto(r)), hasMore };
  }
  rows = await db.rows(sql`select m.*, ${authorNameJoin} as author_name from messages m
    left join users u on m.author_type = 'agent' and u.id = m.author_id
    left join contacts ct on m.author_type = 'contact' and ct.id = m.author_id
    where m.workspace_id = ${ws}::uuid and m.conversation_id = ${conversationId}::uuid
      and m.seq > ${opts.afterSeq ?? 0}::int ${vis}
    order by m.seq asc limit ${limit + 1}::int`);
  const hasMore = rows.length > limit;
  return { messages: rows.slice(0, limit).map((r) => messageDto(r)), hasMore };
}

/** The newest `limit` messages of a ticket across its conversations, oldest first. */
export async function listTicketMessages(db: Db, ws: string, ticketId: string, limit: number) {
  const rows = await db.rows(sql`select m.*, ${authorNameJoin} as author_name from messages m
    left join users u on m.author_type = 'agent' and u.id = m.author_id
    left join contacts ct on m.author_type = 'contact' and ct.id = m.author_id
    where m.workspace_id = ${ws}::uuid and m.ticket_id = ${ticketId}::uuid
    order by m.created_at desc, m.seq desc limit ${limit + 1}::int`);
  return { messages: rows.slice(0, limit).reverse().map((r) => messageDto(r)), hasMoreBefore: rows.length > limit };
}

/**
 * Moves a read marker forward (never back). Returns the conversation's requester when it
 * moved, so the caller can publish `conversation.read`.
 */
export async function markRead(
  db: Db,
  opts: { workspaceId: string; conversationId: string; side: 'contact' | 'agent'; seq: number; contactId?: string },
): Promise<{ seq: number; requesterId: string } | null> {
  const col = opts.side === 'contact' ? sql.raw('contact_last_read_seq') : sql.raw('agent_last_read_seq');
  const owner = opts.contactId ? sql`and t.requester_id = ${opts.contactId}::uuid` : sql``;
  const rows = await db.rows<{ seq: number; requester_id: string }>(sql`
    update conversations c set ${col} = least(${opts.seq}::int, c.last_seq)
    from tickets t
    where c.id = ${opts.conversationId}::uuid and c.workspace_id = ${opts.workspaceId}::uuid
      and t.id = c.ticket_id ${owner} and c.${col} < least(${opts.seq}::int, c.last_seq)
    returning c.${col} as seq, t.requester_id`);
  const r = rows[0];
  return r ? { seq: Number(r.seq), requesterId: r.requester_id } : null;
}
