import { sql } from 'drizzle-orm';
import type { Activity, Channel, Message, Ticket, TicketPriority, TicketStatus, WidgetConversation } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { newId, toWire, toWireOrNull } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { activityDto, messageDto, ticketDto } from '../lib/dto.js';
import type { Actor, ServiceContext } from '../lib/context.js';
import { previewOf, type Author } from '../messages/messages.service.js';
import { writeEvents } from '../events/log.writer.js';
import { getTicketDto } from './tickets.queries.js';
import { visibleTicketSql, type Viewer } from './visibility.js';

export type TicketRow = { id: string; status: TicketStatus; priority: TicketPriority; assignee_id: string | null; team_id: string | null };

/** Writes one activity row of a ticket change (inside its transaction) and returns it as the wire shows it. */
export async function insertActivity(
  tx: Tx,
  a: { ws: string; ticketId: string; kind: Activity['kind']; actor: Actor; oldValue: unknown; newValue: unknown; now: Date },
): Promise<Activity> {
  const [r] = await tx.rows(sql`insert into ticket_activities
      (id, workspace_id, ticket_id, kind, actor_type, actor_id, old_value, new_value, created_at)
    values (${newId()}::uuid, ${a.ws}::uuid, ${a.ticketId}::uuid, ${a.kind}::activity_kind, ${a.actor.type}::actor_type,
            ${a.actor.id}::uuid, ${JSON.stringify(a.oldValue ?? null)}::jsonb, ${JSON.stringify(a.newValue ?? null)}::jsonb,
            ${a.now}::timestamptz)
    returning *`);
  return activityDto(r!);
}

export type ChangeOpts = {
  workspaceId: string;
  ticketId: string;
  actor: Actor;
  /** When given, a ticket this member may not see is NOT_FOUND (visibility.ts). */
  viewer?: Viewer | undefined;
};
export type TicketChange = { ticket: Ticket; activities: Activity[] };

/**
 * Runs one ticket change in a transaction: locks the ticket (scoped to the workspace, and to
 * what `viewer` may see), lets `mutate` write and return its activities, bumps updated_at
 * when anything changed, logs the durable `ticket.updated` in the same transaction, and
 * publishes `ticket.updated` on the bus (with where the ticket was before) after commit.
 */
export async function changeTicket(
  ctx: ServiceContext,
  o: ChangeOpts,
  mutate: (tx: Tx, current: TicketRow, now: Date) => Promise<Activity[]>,
): Promise<TicketChange> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    const [current] = await tx.rows<TicketRow>(sql`select t.id, t.status, t.priority, t.assignee_id, t.team_id from tickets t
      where t.id = ${o.ticketId}::uuid and t.workspace_id = ${o.workspaceId}::uuid ${o.viewer ? sql`and ${visibleTicketSql(o.viewer)}` : sql``}
      for update of t`);
    if (!current) throw notFound('ticket');
    const activities = await mutate(tx, current, now);
    if (activities.length) {
      const [t] = await tx.rows<{ status: TicketStatus; priority: TicketPriority; inbox_id: string; team_id: string | null; assignee_id: string | null }>(sql`
        update tickets set updated_at = ${now}::timestamptz where id = ${o.ticketId}::uuid
        returning status, priority, inbox_id, team_id, assignee_id`);
      if (ctx.config.EVENT_LOG_WRITES)
        await writeEvents(tx, [{
          workspaceId: o.workspaceId, name: 'ticket.updated', occurredAt: now,
          payload: {
            ticketId: o.ticketId,
            activities: activities.map((a) => ({ kind: a.kind, actorType: o.actor.type, actorId: o.actor.id, oldValue: a.oldValue, newValue: a.newValue })),
            ticket: { status: t!.status, priority: t!.priority, inboxId: t!.inbox_id, teamId: t!.team_id, assigneeId: t!.assignee_id },
            ...(o.actor.cause ? { cause: o.actor.cause } : {}),
          },
        }]);
    }
    const ticket = await getTicketDto(tx, o.workspaceId, o.ticketId);
    return { ticket: ticket!, activities, before: current };
  });
  const { ticket, activities, before } = result;
  if (activities.length) publishTicketUpdated(ctx, o.workspaceId, { ticket, activities }, before);
  return { ticket, activities };
}

/** Publishes `ticket.updated` after commit; `before` is where the ticket was (its team and assignee uuids) before the change. */
export function publishTicketUpdated(ctx: ServiceContext, workspaceId: string, change: TicketChange, before: { team_id: string | null; assignee_id: string | null }): void {
  ctx.bus.publish('ticket.updated', {
    workspaceId: toWire('workspace', workspaceId),
    ...change,
    before: { teamId: toWireOrNull('team', before.team_id), assigneeId: toWireOrNull('user', before.assignee_id) },
  });
}

/** Sets the status; resolved_at/closed_at follow it. No-op (no activity) when unchanged. */
export function setTicketStatus(ctx: ServiceContext, o: ChangeOpts & { status: TicketStatus }) {
  return changeTicket(ctx, o, async (tx, cur, now) => {
    if (cur.status === o.status) return [];
    await tx.rows(sql`update tickets set status = ${o.status}::ticket_status,
        resolved_at = case when ${o.status} = 'resolved' then ${now}::timestamptz
                           when ${o.status} = 'closed' then coalesce(resolved_at, ${now}::timestamptz) else null end,
        closed_at = case when ${o.status} = 'closed' then ${now}::timestamptz else null end
      where id = ${cur.id}::uuid`);
    return [await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'status_changed', actor: o.actor, oldValue: cur.status, newValue: o.status, now })];
  });
}

export function setTicketPriority(ctx: ServiceContext, o: ChangeOpts & { priority: TicketPriority }) {
  return changeTicket(ctx, o, async (tx, cur, now) => {
    if (cur.priority === o.priority) return [];
    await tx.rows(sql`update tickets set priority = ${o.priority}::ticket_priority where id = ${cur.id}::uuid`);
    return [await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'priority_changed', actor: o.actor, oldValue: cur.priority, newValue: o.priority, now })];
  });
}

/**
 * Assigns to an agent and/or a team of the same workspace (null unassigns; undefined leaves
 * as is). An agent who is not an active member of the workspace, or a team of another
 * workspace, is NOT_FOUND.
 */
export function assignTicket(ctx: ServiceContext, o: ChangeOpts & { assigneeId?: string | null; teamId?: string | null }) {
  return changeTicket(ctx, o, async (tx, cur, now) => {
    const acts: Activity[] = [];
    if (o.assigneeId !== undefined && o.assigneeId !== cur.assignee_id) {
      if (o.assigneeId) {
        const [u] = await tx.rows(sql`select 1 from memberships m join users u on u.id = m.user_id
          where m.user_id = ${o.assigneeId}::uuid and m.workspace_id = ${o.workspaceId}::uuid and m.status = 'active' and u.status = 'active'`);
        if (!u) throw notFound('agent');
      }
      await tx.rows(sql`update tickets set assignee_id = ${o.assigneeId}::uuid where id = ${cur.id}::uuid`);
      acts.push(await insertActivity(tx, {
        ws: o.workspaceId, ticketId: cur.id, kind: 'assigned', actor: o.actor, now,
        oldValue: cur.assignee_id && toWire('user', cur.assignee_id), newValue: o.assigneeId && toWire('user', o.assigneeId),
      }));
    }
    if (o.teamId !== undefined && o.teamId !== cur.team_id) {
      if (o.teamId) {
        const [t] = await tx.rows(sql`select id from teams where id = ${o.teamId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
        if (!t) throw notFound('team');
      }
      await tx.rows(sql`update tickets set team_id = ${o.teamId}::uuid where id = ${cur.id}::uuid`);
      acts.push(await insertActivity(tx, {
        ws: o.workspaceId, ticketId: cur.id, kind: 'team_changed', actor: o.actor, now,
        oldValue: cur.team_id && toWire('team', cur.team_id), newValue: o.teamId && toWire('team', o.teamId),
      }));
    }
    return acts;
  });
}

/** Adds a tag by name, creating the workspace tag on first use. Idempotent. */
export function addTicketTag(ctx: ServiceContext, o: ChangeOpts & { tag: string }) {
  return changeTicket(ctx, o, async (tx, cur, now) => {
    const [tag] = await tx.rows<{ id: string; name: string }>(sql`insert into tags (id, workspace_id, name, created_at)
      values (${newId()}::uuid, ${o.workspaceId}::uuid, ${o.tag}::text, ${now}::timestamptz)
      on conflict (workspace_id, lower(name)) do update set name = tags.name
      returning id, name`);
    const added = await tx.rows(sql`insert into ticket_tags (workspace_id, ticket_id, tag_id, created_at)
      values (${o.workspaceId}::uuid, ${cur.id}::uuid, ${tag!.id}::uuid, ${now}::timestamptz)
      on conflict do nothing returning tag_id`);
    if (!added.length) return [];
    return [await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'tag_added', actor: o.actor, oldValue: null, newValue: tag!.name, now })];
  });
}

/** Removes a tag by name. Idempotent: removing an absent tag changes nothing. */
export function removeTicketTag(ctx: ServiceContext, o: ChangeOpts & { tag: string }) {
  return changeTicket(ctx, o, async (tx, cur, now) => {
    const removed = await tx.rows<{ name: string }>(sql`delete from ticket_tags tt using tags tg
      where tt.ticket_id = ${cur.id}::uuid and tt.tag_id = tg.id and tg.workspace_id = ${o.workspaceId}::uuid
        and lower(tg.name) = lower(${o.tag}::text)
      returning tg.name`);
    if (!removed.length) return [];
    return [await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'tag_removed', actor: o.actor, oldValue: removed[0]!.name, newValue: null, now })];
  });
}

export type OpenedTicket = { ticket: Ticket; message: Message; conversation: WidgetConversation; activity: Activity };

/**
 * Opens a new ticket for a contact with its first message in ONE statement: the
 * workspace's ticket number, the ticket, its conversation, the message (seq 1) and the
 * `created` activity, and the durable `ticket.created` event. The workspace row stays locked only until the caller commits, which
 * should be right after. The caller publishes `ticket.created` after commit. Chat by
 * default; email tickets pass `channel`, their `subject` and the sanitized `html`.
 */
export async function openChatTicket(
  tx: Tx,
  o: {
    workspaceId: string; inboxId: string; contactId: string; author: Author; body: string; clientMessageId: string | null; now: Date;
    channel?: Channel; subject?: string; html?: string | null;
    /** Ids chosen by the caller (rows it wrote before, in the same transaction, refer to them). */
    ids?: { ticketId: string; messageId: string };
    /** The message's `email` and `attachments` (wire JSON). */
    email?: unknown; attachments?: unknown;
    /** Whether the durable `ticket.created` goes into the log with it (EVENT_LOG_WRITES; default true). */
    logEvent?: boolean;
  },
): Promise<OpenedTicket> {
  const { workspaceId: ws, now } = o;
  const channel = o.channel ?? 'chat';
  const preview = previewOf(o.body);
  const subject = (o.subject ?? preview).slice(0, 200) || (channel === 'chat' ? 'Chat' : '(no subject)');
  const [r] = await tx.rows<{ t: any; c: any; m: any; a: any; requester_name: string | null; requester_email: string | null }>(sql`
    with num as (
      update workspaces set ticket_seq = ticket_seq + 1 where id = ${ws}::uuid returning ticket_seq
    ), t as (
      insert into tickets (id, workspace_id, number, subject, status, priority, requester_id, inbox_id,
                           last_message_preview, created_at, updated_at, last_message_at)
      select ${o.ids?.ticketId ?? newId()}::uuid, ${ws}::uuid, num.ticket_seq, ${subject}::text, 'open', 'normal', ${o.contactId}::uuid,
             ${o.inboxId}::uuid, ${preview}::text, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
      from num returning *
    ), c as (
      insert into conversations (id, workspace_id, ticket_id, channel, last_seq, created_at, last_activity_at)
      select ${newId()}::uuid, ${ws}::uuid, t.id, ${channel}::channel, 1, ${now}::timestamptz, ${now}::timestamptz from t
      returning *
    ), m as (
      insert into messages (id, workspace_id, conversation_id, ticket_id, seq, author_type, author_id, body,
                            body_html, visibility, client_message_id, email, attachments, created_at)
      select ${o.ids?.messageId ?? newId()}::uuid, ${ws}::uuid, c.id, c.ticket_id, 1, ${o.author.type}::actor_type, ${o.author.id}::uuid,
             ${o.body}::text, ${o.html ?? null}::text, 'public', ${o.clientMessageId}::text,
             ${o.email === undefined ? null : JSON.stringify(o.email)}::jsonb, ${o.attachments == null ? null : JSON.stringify(o.attachments)}::jsonb,
             ${now}::timestamptz from c
      returning *
    ), a as (
      insert into ticket_activities (id, workspace_id, ticket_id, kind, actor_type, actor_id, old_value, new_value, created_at)
      select ${newId()}::uuid, ${ws}::uuid, t.id, 'created', ${o.author.type}::actor_type, ${o.author.id}::uuid,
             'null'::jsonb, ${JSON.stringify(channel)}::jsonb, ${now}::timestamptz from t
      returning *
    ), ev as (
      insert into domain_events (workspace_id, name, payload, occurred_at)
      select ${ws}::uuid, 'ticket.created', jsonb_build_object(
               'ticketId', t.id, 'messageId', m.id, 'conversationId', c.id, 'requesterId', t.requester_id,
               'channel', c.channel, 'authorType', m.author_type, 'createdAt', t.created_at,
               'ticket', jsonb_build_object('status', t.status, 'priority', t.priority, 'inboxId', t.inbox_id,
                                            'teamId', t.team_id, 'assigneeId', t.assignee_id)),
             ${now}::timestamptz
      from t, c, m where ${o.logEvent ?? true}::boolean
    )
    select row_to_json(t) as t, row_to_json(c) as c, row_to_json(m) as m, row_to_json(a) as a,
           ct.name as requester_name, ct.email as requester_email
    from t, c, m, a, contacts ct where ct.id = ${o.contactId}::uuid`);
  if (!r) throw new AppError('NOT_FOUND', 'workspace not found');
  return {
    ticket: ticketDto({ ...r.t, requester_name: r.requester_name, requester_email: r.requester_email, channel, tags: [] }),
    message: messageDto(r.m, o.author.name),
    conversation: {
      id: toWire('conversation', r.c.id),
      ticketId: toWire('ticket', r.t.id),
      lastSeq: 1,
      contactLastReadSeq: 0,
      agentLastReadSeq: 0,
    },
    activity: activityDto(r.a),
  };
}
