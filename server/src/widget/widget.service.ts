import { queuePlaceOf } from '../routing/store.js';
import { sql } from 'drizzle-orm';
import {
  decodeId, originAllowedFor, widgetSettingsSchema, type Message, type WidgetConversation, type WidgetPublicSettings, type WidgetSession, type WidgetSettings,
} from '@support/protocol';
import { teamHours } from '../calendars/team-hours.js';
import { fromWire, newId, toWire } from '../db/ids.js';
import { attachUploads } from '../attachments/attachments.service.js';
import type { Db, Tx } from '../db/client.js';
import { AppError, notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { hashToken, newToken } from '../lib/tokens.js';
import { appendMessage, findByClientId, publishMessageCreated, republishMessage, type AppendResult } from '../messages/messages.service.js';
import { openChatTicket, type OpenedTicket } from '../tickets/tickets.service.js';
import { messageDto } from '../lib/dto.js';
import { privileged, scopeToWorkspace } from '../db/scope.js';

/** Server-side state of a visitor's session (all uuids). */
export type Visitor = {
  sessionId: string;
  workspaceId: string;
  inboxId: string;
  contactId: string;
  contactName: string | null;
  conversationId: string | null;
  ticketId: string | null;
};

type ConvRow = { id: string; ticket_id: string; last_seq: number; contact_last_read_seq: number; agent_last_read_seq: number };

export const convDto = (c: ConvRow): WidgetConversation => ({
  id: toWire('conversation', c.id),
  ticketId: toWire('ticket', c.ticket_id),
  lastSeq: Number(c.last_seq),
  contactLastReadSeq: Number(c.contact_last_read_seq),
  agentLastReadSeq: Number(c.agent_last_read_seq),
});

/** The visitor's current chat conversation: the newest one whose ticket is not closed. */
export async function currentConversation(ctx: { db: Db | Tx }, v: Pick<Visitor, 'workspaceId' | 'inboxId' | 'contactId'>) {
  const [c] = await ctx.db.rows<ConvRow>(sql`select c.id, c.ticket_id, c.last_seq, c.contact_last_read_seq, c.agent_last_read_seq
    from tickets t join conversations c on c.ticket_id = t.id
    where t.workspace_id = ${v.workspaceId}::uuid and t.requester_id = ${v.contactId}::uuid
      and t.inbox_id = ${v.inboxId}::uuid and t.status <> 'closed' and c.channel = 'chat'
    order by c.created_at desc limit 1`);
  return c ?? null;
}

/**
 * The chat inbox with this id (uuid), for visitors; NOT_FOUND when there is none or it is not
 * a chat inbox. With `origin` (the request's `Origin` header, null when it sent none): 403
 * WIDGET_ORIGIN_NOT_ALLOWED when the inbox lists allowed origins and this is not one of them.
 */
export async function findChatInbox(db: Db, inboxId: string, o: { origin?: string | null } = {}) {
  // crosses workspaces: a visitor names an inbox before any workspace is known.
  const [inbox] = await privileged('widget-inbox', () => db.rows<{ id: string; workspace_id: string; name: string; settings: unknown; channel: string; allowed_origins: string[] }>(
    sql`select id, workspace_id, name, settings, channel, allowed_origins from inboxes where id = ${inboxId}::uuid`,
  ));
  if (!inbox || inbox.channel !== 'chat') throw notFound('inbox');
  if (o.origin !== undefined && !originAllowedFor(inbox.allowed_origins ?? [], o.origin))
    throw new AppError('WIDGET_ORIGIN_NOT_ALLOWED', `this inbox's widget does not run on ${o.origin ?? 'a page that sends no Origin'}: add the site to its allowed origins`);
  return inbox;
}

/**
 * Starts a visitor session on a chat inbox, or resumes one from its token. A token that is
 * unknown or bound to another inbox is SESSION_INVALID; an expired one SESSION_EXPIRED. A
 * page `origin` the inbox does not allow is WIDGET_ORIGIN_NOT_ALLOWED, and nothing is written.
 * Resuming slides the expiry forward.
 */
export async function startVisitorSession(
  ctx: ServiceContext,
  o: { inboxId: string; token?: string | undefined; origin: string | null },
): Promise<{ visitor: Visitor; session: WidgetSession }> {
  const now = ctx.clock.now();
  const inbox = await findChatInbox(ctx.db, o.inboxId, { origin: o.origin });
  scopeToWorkspace(inbox.workspace_id);
  const expiresAt = new Date(now.getTime() + ctx.config.VISITOR_SESSION_TTL_DAYS * 86_400_000);
  let token: string;
  let sessionId: string;
  let contactId: string;
  let contactName: string | null = null;
  if (o.token) {
    const s = await findVisitorSession(ctx.db, o.token, now);
    if (!s || s.inbox_id !== inbox.id) throw new AppError('SESSION_INVALID', 'unknown session token; start a new session');
    await ctx.db.rows(sql`update visitor_sessions set last_seen_at = ${now}::timestamptz, expires_at = ${expiresAt}::timestamptz
      where id = ${s.id}::uuid`);
    token = o.token;
    sessionId = s.id;
    contactId = s.contact_id;
    contactName = s.name;
  } else {
    token = newToken();
    sessionId = newId();
    contactId = newId();
    await ctx.db.transaction(async (tx) => {
      await tx.rows(sql`insert into contacts (id, workspace_id, created_at, updated_at)
        values (${contactId}::uuid, ${inbox.workspace_id}::uuid, ${now}::timestamptz, ${now}::timestamptz)`);
      await tx.rows(sql`insert into visitor_sessions (id, workspace_id, inbox_id, contact_id, token_hash, created_at, last_seen_at, expires_at)
        values (${sessionId}::uuid, ${inbox.workspace_id}::uuid, ${inbox.id}::uuid, ${contactId}::uuid, ${hashToken(token)},
                ${now}::timestamptz, ${now}::timestamptz, ${expiresAt}::timestamptz)`);
    });
  }
  const visitor: Visitor = { sessionId, workspaceId: inbox.workspace_id, inboxId: inbox.id, contactId, contactName, conversationId: null, ticketId: null };
  const conv = await currentConversation(ctx, visitor);
  if (conv) {
    visitor.conversationId = conv.id;
    visitor.ticketId = conv.ticket_id;
  }
  return {
    visitor,
    session: {
      token,
      expiresAt: expiresAt.toISOString(),
      contactId: toWire('contact', contactId),
      inbox: { id: toWire('inbox', inbox.id), name: inbox.name, settings: publicWidgetSettings(inbox) },
      conversation: conv ? convDto(conv) : null,
      agentsOnline: await anyAgentOnline(ctx.db, inbox.workspace_id),
      hours: publicWidgetSettings(inbox).awayOutsideHours ? await teamHours(ctx.db, { workspaceId: inbox.workspace_id, now: ctx.clock.now() }) : null,
      queue: conv ? await queuePlaceOf(ctx.db, inbox.workspace_id, conv.ticket_id, ctx.clock.now()) : null,
    },
  };
}

/**
 * The visitor session of a token (with its contact's name), or null when no session has it.
 * SESSION_EXPIRED when it has expired. Shared by the widget and by visitor downloads.
 */
export async function findVisitorSession(db: Db, token: string, now: Date) {
  // crosses workspaces: a visitor's token names its session before its workspace is known.
  const [s] = await privileged('visitor-session', () => db.rows<{ id: string; workspace_id: string; inbox_id: string; contact_id: string; expires_at: Date; name: string | null }>(
    sql`select vs.id, vs.workspace_id, vs.inbox_id, vs.contact_id, vs.expires_at, ct.name from visitor_sessions vs
        join contacts ct on ct.id = vs.contact_id where vs.token_hash = ${hashToken(token)}`,
  ));
  if (s && new Date(s.expires_at).getTime() <= now.getTime()) throw new AppError('SESSION_EXPIRED', 'session expired; start a new session');
  return s ?? null;
}

/** True when at least one active member of the workspace is `online`. */
export async function anyAgentOnline(db: Db, workspaceId: string): Promise<boolean> {
  const [online] = await db.rows(sql`select 1 from memberships where workspace_id = ${workspaceId}::uuid
    and availability = 'online' and status = 'active' limit 1`);
  return Boolean(online);
}

type Sent = { message: Message; conversationId: string; ticketId: string; duplicate: boolean };

/**
 * Stores a visitor's message and returns it. The common case is one SQL statement on the
 * visitor's current conversation; the first message (or one after the ticket was closed)
 * opens a new ticket in a transaction that locks the contact, so two tabs sending their
 * first message at once still open one ticket. Events are published after commit.
 */
export async function sendVisitorMessage(
  ctx: ServiceContext,
  v: Visitor,
  o: { body: string; clientMessageId: string; attachmentIds?: string[] | undefined },
): Promise<Sent> {
  const author = { type: 'contact' as const, id: v.contactId, name: v.contactName };
  const base = { workspaceId: v.workspaceId, author, body: o.body, visibility: 'public' as const, clientMessageId: o.clientMessageId, allowClosed: false, reopen: true, logEvent: ctx.config.EVENT_LOG_WRITES };
  // Attachments are linked in the same transaction as the message: such sends skip the group-commit path.
  const attachmentIds = (o.attachmentIds ?? []).map((id) => fromWire('attachment', id));
  const files = (tx: Tx, message: Message) => attachUploads(tx, { workspaceId: v.workspaceId, message, uploader: { type: 'contact', id: v.contactId }, ids: attachmentIds });
  if (v.conversationId && !attachmentIds.length) {
    const r = await ctx.writes.append({ ...base, target: { conversationId: v.conversationId }, now: ctx.clock.now() });
    const done = await finishAppend(ctx, v, r);
    if (done) return done;
  }
  const outcome = await ctx.db.transaction(async (tx) => {
    const [contact] = await tx.rows<Profile>(sql`select name, email from contacts where id = ${v.contactId}::uuid for update`);
    const dup = await findByClientId(tx, v.workspaceId, v.contactId, o.clientMessageId);
    if (dup) return { kind: 'dup' as const, message: messageDto(dup, v.contactName) };
    const now = ctx.clock.now();
    const conv = await currentConversation({ db: tx }, v);
    if (conv) {
      const result = await appendMessage(tx, { ...base, target: { conversationId: conv.id }, now });
      if (result.kind === 'created') await files(tx, result.message);
      // no_target here means an agent closed the ticket a moment ago: open a new one instead.
      if (result.kind !== 'no_target') return { kind: 'append' as const, result };
    }
    await requirePreChat(tx, v, contact ?? { name: null, email: null });
    const opened = await openChatTicket(tx, { workspaceId: v.workspaceId, inboxId: v.inboxId, contactId: v.contactId, author, body: o.body, clientMessageId: o.clientMessageId, now, logEvent: ctx.config.EVENT_LOG_WRITES });
    await files(tx, opened.message);
    return { kind: 'opened' as const, opened };
  });
  if (outcome.kind === 'dup') {
    await republishMessage(ctx, v.workspaceId, fromWire('message', outcome.message.id));
    return { message: outcome.message, ...uuidsOf(outcome.message), duplicate: true };
  }
  if (outcome.kind === 'append') return (await finishAppend(ctx, v, outcome.result))!;
  publishOpened(ctx, v, outcome.opened);
  return { message: outcome.opened.message, ...uuidsOf(outcome.opened.message), duplicate: false };
}

/** An inbox's stored `settings` as the widget sees them; anything unreadable falls back to the defaults. */
export function widgetSettingsOf(stored: unknown): WidgetSettings {
  const r = widgetSettingsSchema.safeParse(stored);
  return r.success ? r.data : widgetSettingsSchema.parse({});
}

/** The settings visitors are sent: the widget-visible keys only, `teamName` defaulting to the inbox name. */
export function publicWidgetSettings(inbox: { name: string; settings: unknown }): WidgetPublicSettings {
  const settings = widgetSettingsOf(inbox.settings);
  return { ...settings, teamName: settings.teamName ?? inbox.name };
}

type Profile = { name: string | null; email: string | null };

/**
 * The inbox's required pre-chat fields, enforced when a contact opens its first ticket in the
 * inbox (the widget asks for them only before the first conversation, so a contact who chatted
 * before a field became required is not locked out). A client that skips the form gets
 * PRECHAT_REQUIRED, with the missing fields, and nothing is written.
 */
async function requirePreChat(tx: Tx, v: Visitor, contact: Profile): Promise<void> {
  const [inbox] = await tx.rows<{ settings: unknown; earlier: boolean }>(sql`select settings,
      exists (select 1 from tickets where requester_id = ${v.contactId}::uuid and inbox_id = ${v.inboxId}::uuid) as earlier
    from inboxes where id = ${v.inboxId}::uuid and workspace_id = ${v.workspaceId}::uuid`);
  if (!inbox || inbox.earlier) return;
  const { preChat } = widgetSettingsOf(inbox.settings);
  const missing = (['name', 'email'] as const).filter((f) => preChat[f] === 'required' && !contact[f]);
  if (missing.length) {
    throw new AppError('PRECHAT_REQUIRED', `this inbox asks for your ${missing.join(' and ')} before the first message: send it with identify first`, { missing });
  }
}

const uuidsOf = (m: Message) => ({
  conversationId: decodeId('conversation', m.conversationId)!,
  ticketId: decodeId('ticket', m.ticketId)!,
});

/** Publishes a stored message (again, for a duplicate: see `republishMessage`); null when nothing was stored. */
async function finishAppend(ctx: ServiceContext, v: Visitor, r: AppendResult): Promise<Sent | null> {
  if (r.kind === 'no_target') return null;
  if (r.kind === 'created') publishMessageCreated(ctx, v.workspaceId, r);
  else await republishMessage(ctx, v.workspaceId, fromWire('message', r.message.id));
  return { message: r.message, ...uuidsOf(r.message), duplicate: r.kind === 'duplicate' };
}

function publishOpened(ctx: ServiceContext, v: Visitor, o: OpenedTicket) {
  ctx.bus.publish('ticket.created', {
    workspaceId: toWire('workspace', v.workspaceId),
    ticket: o.ticket,
    message: o.message,
    conversation: o.conversation,
    contactId: toWire('contact', v.contactId),
  });
}

/** Checks that a conversation belongs to this visitor (same contact, same inbox); returns its uuid. */
export async function visitorConversation(ctx: ServiceContext, v: Visitor, conversationId: string): Promise<string> {
  const [c] = await ctx.db.rows(sql`select c.id from conversations c join tickets t on t.id = c.ticket_id
    where c.id = ${conversationId}::uuid and c.workspace_id = ${v.workspaceId}::uuid
      and t.requester_id = ${v.contactId}::uuid and t.inbox_id = ${v.inboxId}::uuid`);
  if (!c) throw notFound('conversation');
  return conversationId;
}
