import { sql } from 'drizzle-orm';
import type { Activity, AuthorType, Message, TicketPatch, Visibility } from '@support/protocol';
import type { Db, Statement, Tx } from '../db/client.js';
import type { ServiceContext } from '../lib/context.js';
import { newId, toWire } from '../db/ids.js';
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
  | { kind: 'created'; message: Message; ticket: TicketPatch; requesterId: string; inboxId: string; activities: Activity[] }
  | { kind: 'duplicate'; message: Message }
  | { kind: 'no_target' };

const PREVIEW_CHARS = 140;

/** One line of at most 140 characters, for ticket lists. */
export const previewOf = (body: string) => body.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);

/**
 * The append statement, by conversation id ($4) or by ticket id ($5, the ticket's newest
 * conversation). Static text, so it is parsed and planned once per connection. Parameters:
 * $1 workspace, $2 author id, $3 client message id, $4/$5 target, $6 allow closed, $7 now,
 * $8 message id, $9 author type, $10 body, $11 html, $12 visibility, $13 public?, $14 preview,
 * $15 reopen?, $16 first response?, $17 activity id.
 *
 * A message's created_at never goes below its predecessor's in the conversation (writers
 * take `now` before they queue for the row), so time order and seq order agree.
 *
 * The ticket's previous status comes from the statement's snapshot (read in `target`); under
 * a concurrent status change the reopen activity may name a stale old value, never a wrong
 * new one. Skipping a separate FOR UPDATE read saves a fifth of the statement's cost.
 */
const appendSql = (targetClause: string) => `
  with existing as (
    select m.* from messages m
    where $3::text is not null and m.author_id = $2::uuid and m.client_message_id = $3::text and m.workspace_id = $1::uuid
    limit 1
  ), target as (
    select c.id, t.status as old_status from conversations c join tickets t on t.id = c.ticket_id
    where c.workspace_id = $1::uuid and ${targetClause} and ($6::boolean or t.status <> 'closed')
    order by c.created_at desc limit 1
  ), conv as (
    update conversations c set last_seq = c.last_seq + 1, last_activity_at = greatest(c.last_activity_at, $7::timestamptz)
    from target where c.id = target.id and not exists (select 1 from existing)
    returning c.id, c.ticket_id, c.last_seq, c.last_activity_at as at, target.old_status
  ), ins as (
    insert into messages (id, workspace_id, conversation_id, ticket_id, seq, author_type, author_id,
                          body, body_html, visibility, client_message_id, created_at)
    select $8::uuid, $1::uuid, conv.id, conv.ticket_id, conv.last_seq, $9::actor_type, $2::uuid,
           $10::text, $11::text, $12::visibility, $3::text, conv.at
    from conv
    on conflict do nothing
    returning *
  ), tkt as (
    update tickets t set
      updated_at = $7::timestamptz,
      last_message_at = case when $13::boolean then $7::timestamptz else t.last_message_at end,
      last_message_preview = case when $13::boolean then $14::text else t.last_message_preview end,
      status = case when $15::boolean and t.status in ('pending', 'resolved') then 'open'::ticket_status else t.status end,
      resolved_at = case when $15::boolean and t.status in ('pending', 'resolved') then null else t.resolved_at end,
      first_response_at = case when $16::boolean and t.first_response_at is null then $7::timestamptz else t.first_response_at end
    from conv where t.id = conv.ticket_id and exists (select 1 from ins)
    returning t.id, t.status, t.updated_at, t.last_message_at, t.last_message_preview, t.first_response_at,
              t.resolved_at, t.requester_id, t.inbox_id, conv.old_status
  ), act as (
    insert into ticket_activities (id, workspace_id, ticket_id, kind, actor_type, actor_id, old_value, new_value, created_at)
    select $17::uuid, $1::uuid, tkt.id, 'status_changed', $9::actor_type, $2::uuid,
           to_jsonb(tkt.old_status::text), to_jsonb(tkt.status::text), $7::timestamptz
    from tkt where tkt.old_status <> tkt.status
    returning *
  )
  select (select row_to_json(ins) from ins) as msg,
         (select row_to_json(existing) from existing) as dup,
         (select row_to_json(tkt) from tkt) as tkt,
         (select row_to_json(act) from act) as act`;
const APPEND_TO_CONVERSATION = appendSql('c.id = $4::uuid and $5::uuid is null');
const APPEND_TO_TICKET = appendSql('c.ticket_id = $5::uuid and $4::uuid is null');

/**
 * Appends a message in ONE statement: the idempotency check on (author, clientMessageId),
 * the per-conversation `seq` bump, the insert, the ticket bump (updated_at, preview,
 * first response, reopen) and the status activity all happen in a single round trip,
 * atomically. A retry with the same clientMessageId returns the stored message.
 * `no_target` means the conversation does not exist in this workspace, or its ticket is
 * closed and `allowClosed` is false.
 */
export async function appendMessage(db: Db | Tx, input: AppendMessageInput): Promise<AppendResult> {
  const { text, params } = appendStatement(input);
  const rows = await db.query<AppendRow>(text, params);
  return appendOutcome(db, input, rows[0]!);
}

export type AppendRow = { msg: any; dup: any; tkt: any; act: any };

/** The one statement `appendMessage` runs, for callers that send several together. */
export function appendStatement(input: AppendMessageInput): Statement {
  const { workspaceId: ws, author, visibility: vis, now } = input;
  const convId = 'conversationId' in input.target ? input.target.conversationId : null;
  const ticketId = 'ticketId' in input.target ? input.target.ticketId : null;
  const isPublic = vis === 'public';
  return {
    text: convId ? APPEND_TO_CONVERSATION : APPEND_TO_TICKET,
    params: [
      ws, author.id, input.clientMessageId, convId, ticketId, input.allowClosed, now, newId(), author.type, input.body,
      input.html ?? null, vis, isPublic, previewOf(input.body), input.reopen, author.type === 'agent' && isPublic, newId(),
    ],
  };
}

/** What the append statement's row means (after its commit, for a lost idempotency race). */
export async function appendOutcome(db: Db | Tx, input: AppendMessageInput, row: AppendRow): Promise<AppendResult> {
  const { workspaceId: ws, author } = input;
  const cmid = input.clientMessageId;
  if (row.msg && row.tkt) return createdOf(row, author.name);
  if (row.dup) return { kind: 'duplicate', message: messageDto(row.dup, author.name) };
  if (cmid && author.id) {
    // A concurrent retry with the same clientMessageId won the insert; return what it stored.
    const existing = await findByClientId(db, ws, author.id, cmid);
    if (existing) return { kind: 'duplicate', message: messageDto(existing, author.name) };
  }
  return { kind: 'no_target' };
}

const createdOf = (row: AppendRow, authorName: string | null): AppendResult => ({
  kind: 'created',
  message: messageDto(row.msg, authorName),
  ticket: ticketPatchDto(row.tkt),
  requesterId: row.tkt.requester_id,
  inboxId: row.tkt.inbox_id,
  activities: row.act ? [activityDto(row.act)] : [],
});

const COMMITTED_SQL = `
  select row_to_json(m) as msg,
         (select row_to_json(t) from (select id, status, updated_at, last_message_at, last_message_preview,
            first_response_at, resolved_at, requester_id, inbox_id from tickets where id = m.ticket_id) t) as tkt,
         (select row_to_json(a) from ticket_activities a where a.id = $3::uuid) as act
  from messages m where m.id = $2::uuid and m.workspace_id = $1::uuid`;

/**
 * For an append statement whose answer was lost (the connection dropped around COMMIT): the
 * message it stored, read back by the ids it carried, as a `created` result (the ticket as it
 * is now), or null when it stored nothing, because it never committed or found a duplicate
 * or no target. Lets a retry publish a message that did commit instead of reporting it as
 * a duplicate that nobody was ever told about.
 */
export async function committedAppend(db: Db | Tx, input: AppendMessageInput, stmt: Statement): Promise<AppendResult | null> {
  const [row] = await db.query<AppendRow>(COMMITTED_SQL, [input.workspaceId, stmt.params[7], stmt.params[16]]);
  return row?.msg && row.tkt ? createdOf(row, input.author.name) : null;
}

/** Publishes `message.created` for a stored message; call after its commit. */
export function publishMessageCreated(ctx: ServiceContext, workspaceId: string, r: Extract<AppendResult, { kind: 'created' }>): void {
  ctx.bus.publish('message.created', {
    workspaceId: toWire('workspace', workspaceId),
    message: r.message,
    ticket: r.ticket,
    requesterId: toWire('contact', r.requesterId),
    inboxId: toWire('inbox', r.inboxId),
    activities: r.activities,
  });
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
    where m.workspace_id = ${ws}::uuid
      and m.conversation_id in (select id from conversations where ticket_id = ${ticketId}::uuid)
    order by m.created_at desc, m.seq desc limit ${limit + 1}::int`);
  return { messages: rows.slice(0, limit).reverse().map((r) => messageDto(r)), hasMoreBefore: rows.length > limit };
}

/**
 * Moves a read marker forward (never back). Returns the conversation's requester and inbox
 * when it moved, so the caller can publish `conversation.read`.
 */
export async function markRead(
  db: Db,
  opts: { workspaceId: string; conversationId: string; side: 'contact' | 'agent'; seq: number; contactId?: string },
): Promise<{ seq: number; requesterId: string; inboxId: string } | null> {
  const col = opts.side === 'contact' ? sql.raw('contact_last_read_seq') : sql.raw('agent_last_read_seq');
  const owner = opts.contactId ? sql`and t.requester_id = ${opts.contactId}::uuid` : sql``;
  const rows = await db.rows<{ seq: number; requester_id: string; inbox_id: string }>(sql`
    update conversations c set ${col} = least(${opts.seq}::int, c.last_seq)
    from tickets t
    where c.id = ${opts.conversationId}::uuid and c.workspace_id = ${opts.workspaceId}::uuid
      and t.id = c.ticket_id ${owner} and c.${col} < least(${opts.seq}::int, c.last_seq)
    returning c.${col} as seq, t.requester_id, t.inbox_id`);
  const r = rows[0];
  return r ? { seq: Number(r.seq), requesterId: r.requester_id, inboxId: r.inbox_id } : null;
}
