import { sql } from 'drizzle-orm';
import type { Activity, AuthorType, Message, TicketPatch, Visibility } from '@support/protocol';
import type { Db, Statement, Tx } from '../db/client.js';
import type { ServiceContext } from '../lib/context.js';
import { newId, toWire } from '../db/ids.js';
import { activityDto, messageDto, ticketPatchDto } from '../lib/dto.js';
import { placeOf } from '../tickets/visibility.js';

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
  /** Whether the durable events go into the log in the same statement (EVENT_LOG_WRITES; default true). */
  logEvent?: boolean;
};

export type AppendResult =
  | {
      kind: 'created'; message: Message; ticket: TicketPatch; requesterId: string;
      /** The ticket's place (uuids): who may see it. */
      inboxId: string; teamId: string | null; assigneeId: string | null;
      activities: Activity[];
    }
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
 * $15 reopen?, $16 first response?, $17 activity id, $18 log events? (the durable
 * `message.created`, and `ticket.updated` for a reopen, written by the same statement).
 *
 * A message's created_at never goes below its predecessor's in the conversation (writers
 * take `now` before they queue for the row), so time order and seq order agree.
 *
 * The ticket's previous status comes from the statement's snapshot (read in `target`); under
 * a concurrent status change the reopen activity may name a stale old value, never a wrong
 * new one. Skipping a separate FOR UPDATE read saves a fifth of the statement's cost.
 */
/**
 * The durable events of an append (events/log.events.ts), built from the CTEs `ins` (the
 * message), `tkt` (its ticket as the statement left it) and `act` (the reopen activity). They
 * are inserted by the append statement itself: the log costs no round trip on the hot path.
 */
const MESSAGE_EVENT = `jsonb_build_object('ticketId', ins.ticket_id, 'conversationId', ins.conversation_id, 'messageId', ins.id,
  'seq', ins.seq, 'authorType', ins.author_type, 'authorId', ins.author_id, 'visibility', ins.visibility,
  'createdAt', ins.created_at, 'status', tkt.status)`;
const REOPEN_EVENT = `jsonb_build_object('ticketId', tkt.id,
  'activities', jsonb_build_array(jsonb_build_object('kind', act.kind, 'actorType', act.actor_type, 'actorId', act.actor_id,
                                                     'oldValue', act.old_value, 'newValue', act.new_value)),
  'ticket', jsonb_build_object('status', tkt.status, 'priority', tkt.priority, 'inboxId', tkt.inbox_id,
                               'teamId', tkt.team_id, 'assigneeId', tkt.assignee_id))`;

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
    returning t.id, t.status, t.priority, t.updated_at, t.last_message_at, t.last_message_preview, t.first_response_at,
              t.resolved_at, t.requester_id, t.inbox_id, t.team_id, t.assignee_id, conv.old_status
  ), act as (
    insert into ticket_activities (id, workspace_id, ticket_id, kind, actor_type, actor_id, old_value, new_value, created_at)
    select $17::uuid, $1::uuid, tkt.id, 'status_changed', $9::actor_type, $2::uuid,
           to_jsonb(tkt.old_status::text), to_jsonb(tkt.status::text), $7::timestamptz
    from tkt where tkt.old_status <> tkt.status
    returning *
  ), ev as (
    insert into domain_events (workspace_id, name, payload, occurred_at)
    select $1::uuid, 'message.created', ${MESSAGE_EVENT}, ins.created_at from ins join tkt on tkt.id = ins.ticket_id where $18::boolean
    union all
    select $1::uuid, 'ticket.updated', ${REOPEN_EVENT}, act.created_at from act join tkt on tkt.id = act.ticket_id where $18::boolean
  )
  select (select row_to_json(ins) from ins) as msg,
         (select row_to_json(existing) from existing) as dup,
         (select row_to_json(tkt) from tkt) as tkt,
         (select row_to_json(act) from act) as act`;
const APPEND_TO_CONVERSATION = appendSql('c.id = $4::uuid and $5::uuid is null');
const APPEND_TO_TICKET = appendSql('c.ticket_id = $5::uuid and $4::uuid is null');

/**
 * The append statement for a batch ($1: a JSON array of `AppendArgs`), with the same effects
 * as running the single statement once per element in order:
 * - `seq`: a conversation with n messages in the batch is bumped once by n, and its messages
 *   take the n numbers in batch order. They all take the conversation's new activity time as
 *   created_at, so time order and seq order still agree;
 * - a ticket with messages in the batch is bumped once: updated_at from its newest message,
 *   preview and last_message_at from its last public one, first response from its first agent
 *   reply, reopened if any message reopens it. The status activity goes with the first
 *   reopening message; every message of that ticket returns the ticket as the batch left it.
 * Conversations are locked before tickets, as in the single statement.
 *
 * Postgres guesses 100 rows for json_to_recordset, and for 100 rows a hash join over a whole
 * table can look cheaper than 100 index probes, in a generic plan kept for the connection's
 * life. So every lookup is a correlated subquery, a lateral probe, or an `= any(array(…))`
 * condition, which only an index scan serves.
 */
const APPEND_BATCH = `
  with input as (
    select * from json_to_recordset($1::text::json) as i(
      ord int, ws uuid, author_id uuid, cmid text, conv_id uuid, ticket_id uuid, allow_closed boolean, now timestamptz,
      msg_id uuid, author_type actor_type, body text, html text, vis visibility, is_public boolean, preview text,
      reopen boolean, first_resp boolean, act_id uuid, log boolean)
  ), existing as (
    select * from (
      select i.ord, (select row_to_json(m) from messages m
                     where m.author_id = i.author_id and m.client_message_id = i.cmid and m.workspace_id = i.ws) as dup
      from input i where i.cmid is not null
    ) e where dup is not null
  ), target as (
    select i.*, tg.cid, tg.tid, tg.old_status from input i
    cross join lateral (
      select c.id as cid, c.ticket_id as tid, t.status as old_status
      from conversations c join tickets t on t.id = c.ticket_id
      where c.id = i.conv_id and c.workspace_id = i.ws and (i.allow_closed or t.status <> 'closed')
      union all
      (select c.id, c.ticket_id, t.status from conversations c join tickets t on t.id = c.ticket_id
       where i.conv_id is null and c.ticket_id = i.ticket_id and c.workspace_id = i.ws and (i.allow_closed or t.status <> 'closed')
       order by c.created_at desc limit 1)
    ) tg
    where not exists (select 1 from existing e where e.ord = i.ord)
  ), counts as (
    select cid, count(*)::int as n, max(now) as at from target group by cid
  ), conv as (
    update conversations c set last_seq = c.last_seq + k.n, last_activity_at = greatest(c.last_activity_at, k.at)
    from counts k where c.id = k.cid and c.id = any (array(select cid from counts))
    returning c.id, c.last_seq - k.n as base, c.last_activity_at as at
  ), numbered as (
    select t.*, conv.base + row_number() over (partition by t.cid order by t.ord) as seq, conv.at as created_at
    from target t join conv on conv.id = t.cid
  ), ins as (
    insert into messages (id, workspace_id, conversation_id, ticket_id, seq, author_type, author_id,
                          body, body_html, visibility, client_message_id, created_at)
    select msg_id, ws, cid, tid, seq, author_type, author_id, body, html, vis, cmid, created_at from numbered
    on conflict do nothing
    returning *
  ), written as (
    select n.* from numbered n where exists (select 1 from ins where ins.id = n.msg_id)
  ), bump as (
    select tid, max(now) as now, bool_or(reopen) as reopen,
           min(now) filter (where first_resp) as first_at,
           (array_agg(now order by ord desc) filter (where is_public))[1] as pub_at,
           (array_agg(preview order by ord desc) filter (where is_public))[1] as preview,
           (array_agg(ord order by ord) filter (where reopen))[1] as reopen_ord,
           (array_agg(old_status))[1] as old_status
    from written group by tid
  ), tkt as (
    update tickets t set
      updated_at = b.now,
      last_message_at = coalesce(b.pub_at, t.last_message_at),
      last_message_preview = case when b.pub_at is not null then b.preview else t.last_message_preview end,
      status = case when b.reopen and t.status in ('pending', 'resolved') then 'open'::ticket_status else t.status end,
      resolved_at = case when b.reopen and t.status in ('pending', 'resolved') then null else t.resolved_at end,
      first_response_at = coalesce(t.first_response_at, b.first_at)
    from bump b where t.id = b.tid and t.id = any (array(select tid from bump))
    returning t.id, t.status, t.priority, t.updated_at, t.last_message_at, t.last_message_preview, t.first_response_at,
              t.resolved_at, t.requester_id, t.inbox_id, t.team_id, t.assignee_id, b.old_status, b.reopen_ord
  ), act as (
    insert into ticket_activities (id, workspace_id, ticket_id, kind, actor_type, actor_id, old_value, new_value, created_at)
    select w.act_id, w.ws, tkt.id, 'status_changed', w.author_type, w.author_id,
           to_jsonb(tkt.old_status::text), to_jsonb(tkt.status::text), w.now
    from tkt join written w on w.tid = tkt.id and w.ord = tkt.reopen_ord
    where tkt.old_status <> tkt.status
    returning *
  ), ev as (
    insert into domain_events (workspace_id, name, payload, occurred_at)
    select ws, name, payload, at from (
      select w.ws, 'message.created' as name, ${MESSAGE_EVENT} as payload, ins.created_at as at, w.ord * 2 as o
      from ins join written w on w.msg_id = ins.id join tkt on tkt.id = ins.ticket_id where w.log
      union all
      select w.ws, 'ticket.updated', ${REOPEN_EVENT}, act.created_at, w.ord * 2 + 1
      from act join written w on w.act_id = act.id join tkt on tkt.id = act.ticket_id where w.log
    ) e order by o
  )
  select row_to_json(ins) as msg, e.dup, row_to_json(tkt) as tkt, row_to_json(act) as act
  from input i
  left join ins on ins.id = i.msg_id
  left join existing e on e.ord = i.ord
  left join tkt on tkt.id = ins.ticket_id
  left join act on act.id = i.act_id
  order by i.ord`;

/**
 * Appends a message in ONE statement: the idempotency check on (author, clientMessageId),
 * the per-conversation `seq` bump, the insert, the ticket bump (updated_at, preview,
 * first response, reopen) and the status activity all happen in a single round trip,
 * atomically. A retry with the same clientMessageId returns the stored message.
 * `no_target` means the conversation does not exist in this workspace, or its ticket is
 * closed and `allowClosed` is false.
 */
export async function appendMessage(db: Db | Tx, input: AppendMessageInput): Promise<AppendResult> {
  const { text, params } = appendStatement(appendArgs(input));
  const rows = await db.query<AppendRow>(text, params);
  return appendOutcome(db, input, rows[0]!);
}

export type AppendRow = { msg: any; dup: any; tkt: any; act: any };

/**
 * One append's values, named: the message and activity ids are drawn here, so a caller that
 * loses the answer can read back what the statement stored (`committedAppend`).
 */
export type AppendArgs = {
  ws: string; author_id: string | null; cmid: string | null; conv_id: string | null; ticket_id: string | null;
  allow_closed: boolean; now: Date; msg_id: string; author_type: AuthorType; body: string; html: string | null;
  vis: Visibility; is_public: boolean; preview: string; reopen: boolean; first_resp: boolean; act_id: string; log: boolean;
};

export function appendArgs(input: AppendMessageInput): AppendArgs {
  const isPublic = input.visibility === 'public';
  return {
    ws: input.workspaceId, author_id: input.author.id, cmid: input.clientMessageId,
    conv_id: 'conversationId' in input.target ? input.target.conversationId : null,
    ticket_id: 'ticketId' in input.target ? input.target.ticketId : null,
    allow_closed: input.allowClosed, now: input.now, msg_id: newId(), author_type: input.author.type, body: input.body,
    html: input.html ?? null, vis: input.visibility, is_public: isPublic, preview: previewOf(input.body), reopen: input.reopen,
    first_resp: input.author.type === 'agent' && isPublic, act_id: newId(), log: input.logEvent ?? true,
  };
}

/** The one statement `appendMessage` runs. */
export function appendStatement(a: AppendArgs): Statement {
  return {
    text: a.conv_id ? APPEND_TO_CONVERSATION : APPEND_TO_TICKET,
    params: [
      a.ws, a.author_id, a.cmid, a.conv_id, a.ticket_id, a.allow_closed, a.now, a.msg_id, a.author_type, a.body,
      a.html, a.vis, a.is_public, a.preview, a.reopen, a.first_resp, a.act_id, a.log,
    ],
  };
}

/**
 * Several appends in ONE statement, for group commit: one round trip, one plan to start, one
 * answer, atomic as a whole. Its rows are `AppendRow`s in the order of `batch`. Appends with
 * the same (author, client message id) must not share a batch: the statement reads one
 * snapshot, so the second would not see the first.
 */
export function appendBatchStatement(batch: AppendArgs[]): Statement {
  return { text: APPEND_BATCH, params: [JSON.stringify(batch.map((a, ord) => ({ ord, ...a })))] };
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
  teamId: row.tkt.team_id ?? null,
  assigneeId: row.tkt.assignee_id ?? null,
  activities: row.act ? [activityDto(row.act)] : [],
});

const COMMITTED_SQL = `
  select row_to_json(m) as msg,
         (select row_to_json(t) from (select id, status, updated_at, last_message_at, last_message_preview,
            first_response_at, resolved_at, requester_id, inbox_id, team_id, assignee_id from tickets where id = m.ticket_id) t) as tkt,
         (select row_to_json(a) from ticket_activities a where a.id = $3::uuid) as act
  from messages m where m.id = $2::uuid and m.workspace_id = $1::uuid`;

/**
 * For an append statement whose answer was lost (the connection dropped around COMMIT): the
 * message it stored, read back by the ids it carried, as a `created` result (the ticket as it
 * is now), or null when it stored nothing, because it never committed or found a duplicate
 * or no target. Lets a retry publish a message that did commit instead of reporting it as
 * a duplicate that nobody was ever told about.
 */
export async function committedAppend(db: Db | Tx, input: AppendMessageInput, args: AppendArgs): Promise<AppendResult | null> {
  const [row] = await db.query<AppendRow>(COMMITTED_SQL, [input.workspaceId, args.msg_id, args.act_id]);
  return row?.msg && row.tkt ? createdOf(row, input.author.name) : null;
}

/** Publishes `message.created` for a stored message; call after its commit. */
export function publishMessageCreated(ctx: ServiceContext, workspaceId: string, r: Extract<AppendResult, { kind: 'created' }>): void {
  ctx.bus.publish('message.created', {
    workspaceId: toWire('workspace', workspaceId),
    message: r.message,
    ticket: r.ticket,
    requesterId: toWire('contact', r.requesterId),
    ...placeOf(r),
    activities: r.activities,
  });
}

const STORED_SQL = `
  select m.*, coalesce(u.name, ct.name, ar.name) as author_name,
         (select row_to_json(t) from (select id, status, updated_at, last_message_at, last_message_preview,
            first_response_at, resolved_at, requester_id, inbox_id, team_id, assignee_id from tickets where id = m.ticket_id) t) as tkt
  from messages m
  left join users u on m.author_type = 'agent' and u.id = m.author_id
  left join contacts ct on m.author_type = 'contact' and ct.id = m.author_id
  left join automation_rules ar on m.author_type = 'system' and m.visibility = 'internal' and ar.id = m.author_id
  where m.id = $2::uuid and m.workspace_id = $1::uuid`;

/**
 * Publishes `message.created` again for a stored message that a retry found (a duplicate by
 * client message id or Message-ID). Its first event may never have gone out: the node that
 * stored it can have died between commit and publish, which is also why the retry came. So a
 * duplicate is always announced again, with the ticket as it is now and no activities; clients
 * deduplicate by message id, and a list row that already counts it does not count it again.
 */
export async function republishMessage(ctx: ServiceContext, workspaceId: string, messageId: string): Promise<void> {
  const [row] = await ctx.db.query<{ tkt: any } & Record<string, any>>(STORED_SQL, [workspaceId, messageId]);
  if (!row?.tkt) return;
  publishMessageCreated(ctx, workspaceId, {
    kind: 'created',
    message: messageDto(row),
    ticket: ticketPatchDto(row.tkt),
    requesterId: row.tkt.requester_id,
    inboxId: row.tkt.inbox_id,
    teamId: row.tkt.team_id,
    assigneeId: row.tkt.assignee_id,
    activities: [],
  });
}

export async function findByClientId(db: Db | Tx, ws: string, authorId: string, cmid: string) {
  const [r] = await db.rows(sql`select * from messages
    where workspace_id = ${ws}::uuid and author_id = ${authorId}::uuid and client_message_id = ${cmid}::text`);
  return r ?? null;
}

/** The author's name: the agent's or contact's; for an internal note a rule wrote, the rule's (never shown to visitors, who see no notes). */
const authorNameJoin = sql`coalesce(u.name, ct.name, ar.name)`;

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
      left join automation_rules ar on m.author_type = 'system' and m.visibility = 'internal' and ar.id = m.author_id
      where m.workspace_id = ${ws}::uuid and m.conversation_id = ${conversationId}::uuid
        and m.seq < ${opts.beforeSeq}::int ${vis}
      order by m.seq desc limit ${limit + 1}::int`);
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse().map((r) => messageDto(r)), hasMore };
  }
  rows = await db.rows(sql`select m.*, ${authorNameJoin} as author_name from messages m
    left join users u on m.author_type = 'agent' and u.id = m.author_id
    left join contacts ct on m.author_type = 'contact' and ct.id = m.author_id
    left join automation_rules ar on m.author_type = 'system' and m.visibility = 'internal' and ar.id = m.author_id
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
    left join automation_rules ar on m.author_type = 'system' and m.visibility = 'internal' and ar.id = m.author_id
    where m.workspace_id = ${ws}::uuid
      and m.conversation_id in (select id from conversations where ticket_id = ${ticketId}::uuid)
    order by m.created_at desc, m.seq desc limit ${limit + 1}::int`);
  return { messages: rows.slice(0, limit).reverse().map((r) => messageDto(r)), hasMoreBefore: rows.length > limit };
}

/**
 * Moves a read marker forward (never back). Returns the conversation's requester and its
 * ticket's place (inbox, team, assignee) when it moved, so the caller can publish
 * `conversation.read`.
 */
export async function markRead(
  db: Db,
  opts: { workspaceId: string; conversationId: string; side: 'contact' | 'agent'; seq: number; contactId?: string },
): Promise<{ seq: number; requesterId: string; inboxId: string; teamId: string | null; assigneeId: string | null } | null> {
  const col = opts.side === 'contact' ? sql.raw('contact_last_read_seq') : sql.raw('agent_last_read_seq');
  const owner = opts.contactId ? sql`and t.requester_id = ${opts.contactId}::uuid` : sql``;
  const rows = await db.rows<{ seq: number; requester_id: string; inbox_id: string; team_id: string | null; assignee_id: string | null }>(sql`
    update conversations c set ${col} = least(${opts.seq}::int, c.last_seq)
    from tickets t
    where c.id = ${opts.conversationId}::uuid and c.workspace_id = ${opts.workspaceId}::uuid
      and t.id = c.ticket_id ${owner} and c.${col} < least(${opts.seq}::int, c.last_seq)
    returning c.${col} as seq, t.requester_id, t.inbox_id, t.team_id, t.assignee_id`);
  const r = rows[0];
  return r ? { seq: Number(r.seq), requesterId: r.requester_id, inboxId: r.inbox_id, teamId: r.team_id, assigneeId: r.assignee_id } : null;
}
