import type { Namespace, Socket } from 'socket.io';
import { parse as parseCookie } from 'cookie';
import { sql } from 'drizzle-orm';
import {
  emptyPayloadSchema,
  agentMessageSendSchema,
  agentReadSchema,
  agentTypingSchema,
  messagesListSchema,
  presenceSetSchema,
  ticketAssignSchema,
  ticketGetSchema,
  ticketSetPrioritySchema,
  ticketSetStatusSchema,
  ticketsListSchema,
  ticketTagSchema,
} from '@support/protocol';
import { fromWire, toWire } from '../db/ids.js';
import { AppError, toErrorBody } from '../http/errors.js';
import { originAllowed } from '../http/http.js';
import type { ServiceContext } from '../lib/context.js';
import { handle, socketGate, type HandlerEnv } from '../realtime/handler.js';
import type { Lifecycle } from '../realtime/lifecycle.js';
import { rooms } from '../realtime/rooms.js';
import { authenticate, listAgents, setAvailability, type AgentIdentity } from './agents.service.js';
import { SESSION_COOKIE } from './agents.routes.js';
import { getTicketDetail, listTickets, sendAgentMessage } from '../tickets/tickets.read.js';
import { addTicketTag, assignTicket, removeTicketTag, setTicketPriority, setTicketStatus } from '../tickets/tickets.service.js';
import { listMessages, markRead } from '../messages/messages.service.js';
import { registerInboxHandlers } from './agent.inbox.socket.js';
import type { Revocations } from './agent.revocation.js';


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

/**
 * The `/agent` namespace: authenticated agents. Each socket joins its workspace room and
 * receives that workspace's live events; every id it sends is checked against its workspace.
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
    authenticate(ctx, token).then(async (agent) => {
      // Online before the connect completes, so anything the client reads after `connect`
      // (agents:list) already shows it, and no earlier snapshot can overwrite the live event.
      await setAvailability(ctx, { workspaceId: agent.workspaceId, userId: agent.userId, status: 'online', onlyIf: 'offline' }).catch((err) =>
        ctx.logger.error({ err }, 'presence update failed'),
      );
      socket.data.agent = agent;
      next();
    }, fail);
  });

  nsp.on('connection', (socket: Socket) => {
    const me = socket.data.agent as AgentIdentity;
    const ws = me.workspaceId;
    const wsWire = toWire('workspace', ws);
    const meWire = toWire('user', me.userId);
    const actor = { type: 'agent' as const, id: me.userId };
    const logger = ctx.logger.child({ socket: socket.id, nsp: '/agent', user: meWire });
    const env: HandlerEnv = { logger, lifecycle, gate: socketGate(socket, opts, logger) };
    socket.join([rooms.workspace(wsWire), rooms.agent(meWire), rooms.agentSession(me.sessionId)]);
    const ownConversation = async (conversationId: string) => {
      const [c] = await ctx.db.rows(sql`select id from conversations where id = ${conversationId}::uuid and workspace_id = ${ws}::uuid`);
      if (!c) throw new AppError('NOT_FOUND', 'conversation not found');
      return conversationId;
    };
    // The session's expiry, its deletion and its user's deactivation end the socket too.
    opts.revocations.admitted(socket);
    socket.on('disconnect', () => {
      // On shutdown the agent reconnects to another node (or this one, restarted): no flap.
      if (lifecycle.stopping) return;
      nsp
        .in(rooms.agent(meWire))
        .fetchSockets()
        .then((left) => (left.length ? false : setAvailability(ctx, { workspaceId: ws, userId: me.userId, status: 'offline' })))
        .catch((err) => env.logger.warn({ err }, 'presence update on disconnect failed'));
    });

    handle(socket, env, 'tickets:list', ticketsListSchema, (p) => listTickets(ctx, { workspaceId: ws, userId: me.userId, ...p }));
    handle(socket, env, 'ticket:get', ticketGetSchema, (p) =>
      getTicketDetail(ctx, { workspaceId: ws, ticketId: fromWire('ticket', p.ticketId), limit: p.limit }),
    );
    handle(socket, env, 'messages:list', messagesListSchema, async (p) => {
      const conversationId = await ownConversation(fromWire('conversation', p.conversationId));
      return listMessages(ctx.db, { workspaceId: ws, conversationId, afterSeq: p.afterSeq, beforeSeq: p.beforeSeq, limit: p.limit, publicOnly: false });
    });
    handle(socket, env, 'message:send', agentMessageSendSchema, (p) =>
      sendAgentMessage(ctx, { workspaceId: ws, ticketId: fromWire('ticket', p.ticketId), agent: me, body: p.body, clientMessageId: p.clientMessageId, visibility: p.visibility, attachmentIds: p.attachmentIds?.map((a) => fromWire('attachment', a)) }),
    );
    handle(socket, env, 'ticket:assign', ticketAssignSchema, (p) =>
      assignTicket(ctx, {
        workspaceId: ws,
        ticketId: fromWire('ticket', p.ticketId),
        actor,
        assigneeId: p.assigneeId === undefined ? undefined : p.assigneeId && fromWire('user', p.assigneeId),
        teamId: p.teamId === undefined ? undefined : p.teamId && fromWire('team', p.teamId),
      }),
    );
    handle(socket, env, 'ticket:setStatus', ticketSetStatusSchema, (p) =>
      setTicketStatus(ctx, { workspaceId: ws, ticketId: fromWire('ticket', p.ticketId), actor, status: p.status }),
    );
    handle(socket, env, 'ticket:setPriority', ticketSetPrioritySchema, (p) =>
      setTicketPriority(ctx, { workspaceId: ws, ticketId: fromWire('ticket', p.ticketId), actor, priority: p.priority }),
    );
    handle(socket, env, 'ticket:addTag', ticketTagSchema, (p) =>
      addTicketTag(ctx, { workspaceId: ws, ticketId: fromWire('ticket', p.ticketId), actor, tag: p.tag }),
    );
    handle(socket, env, 'ticket:removeTag', ticketTagSchema, (p) =>
      removeTicketTag(ctx, { workspaceId: ws, ticketId: fromWire('ticket', p.ticketId), actor, tag: p.tag }),
    );
    handle(socket, env, 'presence:set', presenceSetSchema, async (p) => {
      await setAvailability(ctx, { workspaceId: ws, userId: me.userId, status: p.status });
      return { userId: meWire, status: p.status };
    });
    handle(socket, env, 'agents:list', emptyPayloadSchema, () => listAgents(ctx, { workspaceId: ws }));
    handle(socket, env, 'read', agentReadSchema, async (p) => {
      const conversationId = await ownConversation(fromWire('conversation', p.conversationId));
      const moved = await markRead(ctx.db, { workspaceId: ws, conversationId, side: 'agent', seq: p.seq });
      if (moved)
        ctx.bus.publish('conversation.read', {
          workspaceId: wsWire,
          conversationId: p.conversationId,
          requesterId: toWire('contact', moved.requesterId),
          inboxId: toWire('inbox', moved.inboxId),
          side: 'agent',
          seq: moved.seq,
        });
      return null;
    });
    registerInboxHandlers(nsp, socket, env, ctx);
    handle(socket, env, 'typing', agentTypingSchema, async (p) => {
      const ticketId = fromWire('ticket', p.ticketId);
      const [t] = await ctx.db.rows<{ requester_id: string; inbox_id: string; conversation_id: string | null }>(sql`select t.requester_id, t.inbox_id,
          (select c.id from conversations c where c.ticket_id = t.id order by c.created_at desc limit 1) as conversation_id
        from tickets t where t.id = ${ticketId}::uuid and t.workspace_id = ${ws}::uuid`);
      if (!t) throw new AppError('NOT_FOUND', 'ticket not found');
      const conversationId = t.conversation_id ? toWire('conversation', t.conversation_id) : null;
      socket.to(rooms.workspace(wsWire)).emit('typing', {
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
