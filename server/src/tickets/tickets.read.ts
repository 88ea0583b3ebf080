import { sql } from 'drizzle-orm';
import type { Message, TicketDetail, TicketListItem, TicketsPage, TicketSort, TicketStatus, Visibility } from '@support/protocol';
import { fromWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { activityDto, contactDto, conversationDto } from '../lib/dto.js';
import { listTicketMessages, publishMessageCreated, republishMessage } from '../messages/messages.service.js';
import type { AgentIdentity } from '../agents/agents.service.js';
import { getTicketDto, queryTickets, ticketChannel } from './tickets.queries.js';
import { visibleTicketSql, type Viewer } from './visibility.js';
import { sendAgentMessageTx } from '../email/reply.service.js';
import { afterChatReply } from '../email/continuity.js';

type Cursor = { updatedAt: Date; id: string } | { dueAt: Date | null; id: string };

/** `[updatedAt, id]`, or for the time-to-breach order `['sla', dueAt | null, id]`. */
function encodeCursor(sort: TicketSort, last: TicketListItem): string {
  const v = sort === 'sla' ? ['sla', last.sla?.dueAt ?? null, last.id] : [last.updatedAt, last.id];
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Only what encodeCursor writes: a four-digit-year ISO timestamp (JS dates reach years Postgres refuses). */
function timestamp(at: unknown): Date {
  if (typeof at !== 'string' || !ISO_TIMESTAMP.test(at)) throw new Error('bad');
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new Error('bad');
  return d;
}

/** A cursor of `sort`'s order; one of the other order is refused like any malformed one. */
function decodeCursor(sort: TicketSort, cursor: string): Cursor {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (!Array.isArray(v)) throw new Error('bad');
    if (sort === 'sla') {
      const [tag, due, id] = v;
      if (tag !== 'sla' || v.length !== 3 || typeof id !== 'string') throw new Error('bad');
      return { dueAt: due === null ? null : timestamp(due), id: fromWire('ticket', id) };
    }
    const [at, id] = v;
    if (v.length !== 2 || typeof id !== 'string') throw new Error('bad');
    return { updatedAt: timestamp(at), id: fromWire('ticket', id) };
  } catch {
    throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor returned by tickets:list for this sort');
  }
}

/**
 * A page of the tickets `viewer` may see for one view (and text filter `q`), newest activity
 * first (or by time to breach, `sort: 'sla'`): `mine` is assigned to the viewer, `all` is
 * every ticket of their sight.
 */
export async function listTickets(
  ctx: ServiceContext,
  o: { viewer: Viewer; view: 'mine' | 'unassigned' | 'all'; sort?: TicketSort | undefined; status?: TicketStatus | TicketStatus[] | undefined; inboxId?: string | undefined; cursor?: string | undefined; limit: number; q?: string | undefined },
): Promise<TicketsPage> {
  const sort = o.sort ?? 'updated';
  const statuses = o.status === undefined ? null : Array.isArray(o.status) ? o.status : [o.status];
  const items = await queryTickets(ctx.db, {
    workspaceId: o.viewer.workspaceId,
    visible: visibleTicketSql(o.viewer),
    userId: o.viewer.userId,
    view: o.view,
    statuses,
    inboxId: o.inboxId ? fromWire('inbox', o.inboxId) : null,
    sort,
    cursor: o.cursor ? decodeCursor(sort, o.cursor) : null,
    limit: o.limit + 1,
    q: o.q || null,
  });
  const page = items.slice(0, o.limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: items.length > o.limit && last ? encodeCursor(sort, last) : null };
}

/**
 * A ticket `viewer` may see with its contact, conversations, newest `limit` messages and its
 * activities; NOT_FOUND for any other id.
 */
export async function getTicketDetail(ctx: ServiceContext, o: { viewer: Viewer; ticketId: string; limit: number }): Promise<TicketDetail> {
  const ws = o.viewer.workspaceId;
  const ticket = await getTicketDto(ctx.db, ws, o.ticketId, visibleTicketSql(o.viewer));
  if (!ticket) throw notFound('ticket');
  const [contact] = await ctx.db.rows(sql`select c.* from contacts c join tickets t on t.requester_id = c.id where t.id = ${o.ticketId}::uuid`);
  const conversations = await ctx.db.rows(sql`select * from conversations where ticket_id = ${o.ticketId}::uuid order by created_at`);
  const { messages, hasMoreBefore } = await listTicketMessages(ctx.db, ws, o.ticketId, o.limit);
  const activities = await ctx.db.rows(sql`select * from ticket_activities where ticket_id = ${o.ticketId}::uuid
    order by created_at, id limit 1000`);
  return {
    ticket,
    contact: contactDto(contact!),
    conversations: conversations.map(conversationDto),
    messages,
    hasMoreBefore,
    activities: activities.map(activityDto),
  };
}

/**
 * An agent's public reply or internal note on a ticket: one statement writes it to the
 * ticket's latest conversation. Published as `message.created` after it is stored. A
 * public reply on an email ticket (which also queues its email) and a message with
 * attachments take the transactional path instead (`sendAgentMessageTx`).
 */
export async function sendAgentMessage(
  ctx: ServiceContext,
  o: { workspaceId: string; ticketId: string; agent: AgentIdentity; body: string; clientMessageId: string; visibility: Visibility; attachmentIds?: string[] | undefined },
): Promise<Message> {
  const attachmentIds = o.attachmentIds ?? [];
  const email = o.visibility === 'public' && (await ticketChannel(ctx.db, o.workspaceId, o.ticketId)) === 'email';
  if (email || attachmentIds.length) return sendAgentMessageTx(ctx, { ...o, attachmentIds, email });
  const r = await ctx.writes.append({
    workspaceId: o.workspaceId,
    target: { ticketId: o.ticketId },
    author: { type: 'agent', id: o.agent.userId, name: o.agent.name },
    body: o.body,
    visibility: o.visibility,
    clientMessageId: o.clientMessageId,
    now: ctx.clock.now(),
    allowClosed: true,
    reopen: false,
  });
  if (r.kind === 'no_target') throw notFound('ticket');
  if (r.kind === 'created') {
    publishMessageCreated(ctx, o.workspaceId, r);
    afterChatReply(ctx, o.workspaceId, r.message);
  } else await republishMessage(ctx, o.workspaceId, fromWire('message', r.message.id));
  return r.message;
}
