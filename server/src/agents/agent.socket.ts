import type { Namespace, Socket } from 'socket.io';
import { parse as parseCookie } from 'cookie';
import { sql } from 'drizzle-orm';
import { AGENT_EVENTS, type AgentEventName, type EventDecl } from '@support/protocol';
import type { z } from 'zod';
import { fromWire, toWire } from '../db/ids.js';
import { AppError, notFound, toErrorBody } from '../http/errors.js';
import { originAllowed } from '../http/http.js';
import { SESSION_COOKIE } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import { handle, socketGate, type HandlerEnv } from '../realtime/handler.js';
import type { Lifecycle } from '../realtime/lifecycle.js';
import { rooms, ticketRooms } from '../realtime/rooms.js';
import { authenticate, listAgents, setAvailability } from './agents.service.js';
import { getTicketDetail, listTickets, sendAgentMessage } from '../tickets/tickets.read.js';
import { overCapacity } from '../routing/store.js';
import { addTicketTag, assignTicket, removeTicketTag, setTicketPriority, setTicketStatus } from '../tickets/tickets.service.js';
import { assertVisibleTicket, placeOf, visibleTicketSql } from '../tickets/visibility.js';
import { listMessages, markRead } from '../messages/messages.service.js';
import { registerInboxHandlers } from './agent.inbox.socket.js';
import type { Revocations } from './agent.revocation.js';
import { accessRooms, liveAgentOf, requirePermission, type LiveAgent } from './access.js';
import { withRequestScope, withWorkspace } from '../db/scope.js';

/**
 * Reads the agent's token from the handshake (`auth.token`, or the session cookie when the
 * request comes from an allowed origin: a cookie alone is never trusted cross-site).
 */
function tokenOf(socket: Socket, allowedOrigins: Set<string>): string | null {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (auth && typeof auth.token === 'string') return auth.token;
  const cookieHeader = socket.handshake.headers.cookie;
  if (!cookieHeader) return null;
  const origin = socket.handshake.headers.origin;
  if (origin && !originAllowed(origin, socket.handshake.headers.host, allowedOrigins)) return null;
  return parseCookie(cookieHeader)[SESSION_COOKIE] ?? null;
}

/** What an agent socket's handlers share: registers one declared event (schema and permission from AGENT_EVENTS). */
export type AgentOn = <E extends AgentEventName>(event: E, fn: (input: z.output<(typeof AGENT_EVENTS)[E]['schema']>) => unknown) => void;

/**
 * Registers every `/agent` event on a socket through `handle` with its declaration, so the
 * permission is checked (live: the identity is refreshed in place on access changes) before
 * anything else. Handlers may only come through here (the matrix test checks that every
 * registered event is declared).
 */
export function declaredOn(socket: Socket, env: HandlerEnv): AgentOn {
  return (event, fn) => handle(socket, env, event, AGENT_EVENTS[event] as EventDecl, fn as (input: unknown) => unknown);
}

/** Socket.IO's own events, which need no declaration. */
const RESERVED = new Set(['disconnect', 'disconnecting', 'error']);

/** Events a server-side agent socket listens to that AGENT_EVENTS does not declare (the matrix test asserts none). */
export function undeclaredEvents(socket: Socket): string[] {
  return socket
    .eventNames()
    .map(String)
    .filter((e) => !RESERVED.has(e) && !(e in AGENT_EVENTS));
}

/**
 * The `/agent` namespace: authenticated members. Each socket joins the rooms its access gives
 * it (`accessRooms`): it receives the live events of the tickets it may see and no others,
 * and every id it sends is checked against its workspace and its ticket sight.
 */
export function registerAgentNamespace(
  nsp: Namespace,
  ctx: ServiceContext,
  lifecycle: Lifecycle,
  opts: { ratePerSecond: number; burst: number; widgetNsp: Namespace; allowedOrigins: Set<string>; revocations: Revocations },
) {
  nsp.use((socket, next) => {
    const token = tokenOf(socket, opts.allowedOrigins);
    const fail = (err: unknown) => {
      const { body, internal } = toErrorBody(err);
      if (internal) ctx.logger.error({ err, socket: socket.id }, 'agent socket authentication failed');
      next(Object.assign(new Error(body.message), { data: body }));
    };
    if (!token) return fail(new AppError('UNAUTHENTICATED', 'log in first: pass auth.token or the session cookie'));
    withRequestScope(() => authenticate(ctx, token)).then((identity) => withWorkspace(identity.workspaceId, async () => {
      const agent = await liveAgentOf(ctx.db, identity);
      // Online before the connect completes, so anything the client reads after `connect`
      // (agents:list) already shows it, and no earlier snapshot can overwrite the live event.
      await setAvailability(ctx, { workspaceId: agent.workspaceId, userId: agent.userId, status: 'online', onlyIf: 'offline' }).catch((err) =>
        ctx.logger.error({ err }, 'presence update failed'),
      );
      socket.data.agent = agent;
      next();
    }), fail);
  });

  nsp.on('connection', (socket: Socket) => {
    // Refreshed in place (agent.revocation.ts) when access changes: read its fields at call time.
    const me = socket.data.agent as LiveAgent;
    const ws = me.workspaceId;
    const wsWire = toWire('workspace', ws);
    const meWire = toWire('user', me.userId);
    const actor = { type: 'agent' as const, id: me.userId };
    const logger = ctx.logger.child({ socket: socket.id, nsp: '/agent', user: meWire });
    const env: HandlerEnv = {
      logger,
      lifecycle,
      gate: socketGate(socket, opts, logger),
      authorize: (decl, event) => requirePermission(me.permissions, decl.permission, event),
      workspaceId: () => ws,
    };
    const on = declaredOn(socket, env);
    socket.join(accessRooms(me));
    /** A conversation of a ticket this member may see, with that ticket's place; NOT_FOUND otherwise. */
    const visibleConversation = async (conversationId: string) => {
      const [c] = await ctx.db.rows<{ id: string }>(sql`select c.id from conversations c join tickets t on t.id = c.ticket_id
        where c.id = ${conversationId}::uuid and c.workspace_id = ${ws}::uuid and ${visibleTicketSql(me)}`);
      if (!c) throw notFound('conversation');
      return c.id;
    };
    const ticketOf = (p: { ticketId: string }) => fromWire('ticket', p.ticketId);
    // The session's expiry, its deletion and its member's deactivation end the socket too.
    opts.revocations.admitted(socket);
    socket.on('disconnect', () => {
      // On shutdown the agent reconnects to another node (or this one, restarted): no flap.
      if (lifecycle.stopping) return;
      nsp
        .in(rooms.member(wsWire, meWire))
        .fetchSockets()
        .then((left) => (left.length ? false : withWorkspace(ws, () => setAvailability(ctx, { workspaceId: ws, userId: me.userId, status: 'offline' }))))
        .catch((err) => env.logger.warn({ err }, 'presence update on disconnect failed'));
    });

    on('tickets:list', (p) => listTickets(ctx, { viewer: me, ...p }));
    on('ticket:get', (p) => getTicketDetail(ctx, { viewer: me, ticketId: ticketOf(p), limit: p.limit }));
    on('messages:list', async (p) => {
      const conversationId = await visibleConversation(fromWire('conversation', p.conversationId));
      return listMessages(ctx.db, { workspaceId: ws, conversationId, afterSeq: p.afterSeq, beforeSeq: p.beforeSeq, limit: p.limit, publicOnly: false });
    });
    on('message:send', async (p) => {
      await assertVisibleTicket(ctx.db, me, ticketOf(p));
      return sendAgentMessage(ctx, { workspaceId: ws, ticketId: ticketOf(p), agent: me, body: p.body, clientMessageId: p.clientMessageId, visibility: p.visibility, attachmentIds: p.attachmentIds?.map((a) => fromWire('attachment', a)) });
    });
    on('ticket:assign', async (p) => {
      if (p.assigneeId && !p.force) {
        // A ticket the member may not see stays NOT_FOUND, before anything is said of capacity.
        await assertVisibleTicket(ctx.db, me, ticketOf(p));
        const over = await overCapacity(ctx.db, {
          workspaceId: ws, ticketId: ticketOf(p), userId: fromWire('user', p.assigneeId),
          teamId: p.teamId === undefined ? undefined : p.teamId && fromWire('team', p.teamId),
        });
        if (over) {
          const what = over.channel === 'chat' ? 'chats' : 'emails';
          throw new AppError('OVER_CAPACITY', `${over.name} already has ${over.load} of ${over.capacity} ${what}; assign anyway?`, { load: over.load, capacity: over.capacity, channel: over.channel });
        }
      }
      return assignTicket(ctx, {
        workspaceId: ws,
        ticketId: ticketOf(p),
        actor,
        viewer: me,
        assigneeId: p.assigneeId === undefined ? undefined : p.assigneeId && fromWire('user', p.assigneeId),
        teamId: p.teamId === undefined ? undefined : p.teamId && fromWire('team', p.teamId),
      });
    });
    on('ticket:setStatus', (p) => setTicketStatus(ctx, { workspaceId: ws, ticketId: ticketOf(p), actor, viewer: me, status: p.status }));
    on('ticket:setPriority', (p) => setTicketPriority(ctx, { workspaceId: ws, ticketId: ticketOf(p), actor, viewer: me, priority: p.priority }));
    on('ticket:addTag', (p) => addTicketTag(ctx, { workspaceId: ws, ticketId: ticketOf(p), actor, viewer: me, tag: p.tag }));
    on('ticket:removeTag', (p) => removeTicketTag(ctx, { workspaceId: ws, ticketId: ticketOf(p), actor, viewer: me, tag: p.tag }));
    on('presence:set', async (p) => {
      await setAvailability(ctx, { workspaceId: ws, userId: me.userId, status: p.status });
      return { userId: meWire, status: p.status };
    });
    on('agents:list', () => listAgents(ctx, { workspaceId: ws }));
    on('read', async (p) => {
      const conversationId = await visibleConversation(fromWire('conversation', p.conversationId));
      const moved = await markRead(ctx.db, { workspaceId: ws, conversationId, side: 'agent', seq: p.seq });
      if (moved)
        ctx.bus.publish('conversation.read', {
          workspaceId: wsWire,
          conversationId: p.conversationId,
          requesterId: toWire('contact', moved.requesterId),
          ...placeOf(moved),
          side: 'agent',
          seq: moved.seq,
        });
      return null;
    });
    registerInboxHandlers(nsp, socket, on, ctx);
    on('typing', async (p) => {
      const [t] = await ctx.db.rows<{ requester_id: string; inbox_id: string; team_id: string | null; assignee_id: string | null; conversation_id: string | null }>(sql`select
          t.requester_id, t.inbox_id, t.team_id, t.assignee_id,
          (select c.id from conversations c where c.ticket_id = t.id order by c.created_at desc limit 1) as conversation_id
        from tickets t where t.id = ${ticketOf(p)}::uuid and t.workspace_id = ${ws}::uuid and ${visibleTicketSql(me)}`);
      if (!t) throw notFound('ticket');
      const conversationId = t.conversation_id ? toWire('conversation', t.conversation_id) : null;
      socket.to(ticketRooms(wsWire, placeOf({ inboxId: t.inbox_id, teamId: t.team_id, assigneeId: t.assignee_id }))).emit('typing', {
        ticketId: p.ticketId,
        conversationId,
        authorType: 'agent',
        authorId: meWire,
        visibility: p.visibility,
        on: p.on,
      });
      if (p.visibility === 'public' && conversationId)
        opts.widgetNsp
          .to(rooms.visitor(toWire('contact', t.requester_id), toWire('inbox', t.inbox_id)))
          .emit('typing', { conversationId, on: p.on, authorType: 'agent', authorName: me.name });
      return null;
    });
  });
}
