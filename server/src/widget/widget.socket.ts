import type { Namespace, Socket } from 'socket.io';
import { sql } from 'drizzle-orm';
import {
  widgetAttributesSchema,
  widgetHistorySchema,
  widgetIdentifySchema,
  widgetSessionEndSchema,
  widgetMessageSendSchema,
  widgetReadSchema,
  widgetSessionStartSchema,
  widgetTypingSchema,
} from '@support/protocol';
import { fromWire, toWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { clientAddress, handle, socketGate, type HandlerEnv } from '../realtime/handler.js';
import { SharedBuckets, type Rate } from '../realtime/limits.js';
import type { CounterFactory } from '../lib/window-limiter.js';
import type { TrustFn } from '../http/http.js';
import type { Lifecycle } from '../realtime/lifecycle.js';
import { rooms, ticketRooms } from '../realtime/rooms.js';
import { placeOf } from '../tickets/visibility.js';
import { listMessages, markRead } from '../messages/messages.service.js';
import { sendVisitorMessage, startVisitorSession, visitorConversation, type Visitor } from './widget.service.js';
import { endVisitorSession, identifyVisitor, setVisitorAttributes } from './widget.identity.js';
import { attachWidgetListener, widgetWorkspaceRoom } from './widget.listener.js';
import { visitorMessage } from './visitor-dto.js';

/** A visitor's room: every socket of that contact on that inbox. */
const visitorRoom = (v: Visitor) => rooms.visitor(toWire('contact', v.contactId), toWire('inbox', v.inboxId));

/**
 * The `/widget` namespace: anonymous visitors. Nothing but `session:start` works until a
 * session is started on this socket; a visitor only ever reads and writes its own
 * conversations and only receives public messages. Returns a function that detaches the
 * widget's event listener (availability and ticket status pushes).
 */
export function registerWidgetNamespace(
  nsp: Namespace,
  ctx: ServiceContext,
  lifecycle: Lifecycle,
  opts: Rate & { perSession: Rate; perAddress: Rate; agentNsp: Namespace; counters: CounterFactory; trust: TrustFn },
): () => void {
  // Events and open sockets per visitor session and per client address, on this node: many
  // sockets resuming one token, or opened from one address, share one allowance.
  const sessions = new SharedBuckets(opts.perSession, ctx.config.WIDGET_SOCKETS_PER_SESSION);
  const addresses = new SharedBuckets(opts.perAddress, ctx.config.WIDGET_SOCKETS_PER_ADDRESS);
  nsp.use((socket, next) => {
    if (!addresses.full(clientAddress(socket, opts.trust))) return next();
    const body = { code: 'RATE_LIMITED' as const, message: 'too many connections from this address; retry later' };
    next(Object.assign(new Error(body.message), { data: body }));
  });
  // New anonymous sessions (each creates a contact) per client address and minute (across nodes with Redis).
  const newSessions = opts.counters('widget:new-sessions', ctx.config.WIDGET_NEW_SESSIONS_PER_MINUTE, 60_000);
  nsp.on('connection', (socket: Socket) => {
    const logger = ctx.logger.child({ socket: socket.id, nsp: '/widget' });
    const env: HandlerEnv = { logger, lifecycle, gate: socketGate(socket, opts, logger), workspaceId: () => (socket.data.visitor as Visitor | undefined)?.workspaceId };
    const address = clientAddress(socket, opts.trust);
    env.gate.share('address', addresses.join(address));
    // The visitor lives in socket.data so the realtime listener can update its conversation
    // when another tab of the same visitor opens one.
    const need = (): Visitor => {
      const visitor = socket.data.visitor as Visitor | undefined;
      if (!visitor) throw new AppError('UNAUTHENTICATED', 'start a session first (session:start)');
      return visitor;
    };
    const adopt = (conversationId: string, ticketId: string) => {
      const visitor = socket.data.visitor as Visitor | undefined;
      if (visitor) {
        visitor.conversationId = conversationId;
        visitor.ticketId = ticketId;
      }
    };

    /**
     * Moves the socket into the rooms of visitor `v` (or out of every visitor room), and under
     * its session's allowance; RATE_LIMITED when that session has its maximum of sockets here.
     */
    const bind = (v: Visitor | undefined) => {
      const prev = socket.data.visitor as Visitor | undefined;
      if (v?.sessionId !== prev?.sessionId) {
        if (v && sessions.full(v.sessionId)) throw new AppError('RATE_LIMITED', 'too many connections for this visitor session; close some tabs');
        if (prev) sessions.leave(prev.sessionId);
        env.gate.share('session', v ? sessions.join(v.sessionId) : undefined);
      }
      if (prev) socket.leave(visitorRoom(prev));
      if (prev && prev.workspaceId !== v?.workspaceId) socket.leave(widgetWorkspaceRoom(toWire('workspace', prev.workspaceId)));
      socket.data.visitor = v;
      if (v) socket.join([visitorRoom(v), widgetWorkspaceRoom(toWire('workspace', v.workspaceId))]);
    };

    socket.on('disconnect', () => {
      addresses.leave(address);
      const v = socket.data.visitor as Visitor | undefined;
      if (v) sessions.leave(v.sessionId);
    });

    handle(socket, env, 'session:start', widgetSessionStartSchema, async (p) => {
      if (!p.token) {
        const address = clientAddress(socket, opts.trust);
        if (!(await newSessions.take(address))) throw new AppError('RATE_LIMITED', 'too many new sessions from this address; retry later');
      }
      const origin = socket.handshake.headers.origin;
      const { visitor: v, session } = await startVisitorSession(ctx, { inboxId: fromWire('inbox', p.inboxId), token: p.token, origin: typeof origin === 'string' ? origin : null });
      bind(v);
      return session;
    });

    handle(socket, env, 'identify', widgetIdentifySchema, async (p) => {
      const v = { ...need() };
      const identity = await identifyVisitor(ctx, v, p);
      bind(v);
      return identity;
    });

    handle(socket, env, 'attributes:set', widgetAttributesSchema, async (p) => {
      await setVisitorAttributes(ctx, need(), p.attributes);
      return null;
    });

    handle(socket, env, 'session:end', widgetSessionEndSchema, async () => {
      await endVisitorSession(ctx, need());
      bind(undefined);
      return null;
    });

    handle(socket, env, 'message:send', widgetMessageSendSchema, async (p) => {
      const v = need();
      const sent = await sendVisitorMessage(ctx, v, p);
      // A retry of an old message must not move the visitor back to that old conversation.
      if (!sent.duplicate) adopt(sent.conversationId, sent.ticketId);
      return visitorMessage(sent.message);
    });


    handle(socket, env, 'history', widgetHistorySchema, async (p) => {
      const v = need();
      const conversationId = p.conversationId ? await visitorConversation(ctx, v, fromWire('conversation', p.conversationId)) : v.conversationId;
      if (!conversationId) return { conversationId: null, messages: [], hasMore: false };
      const page = await listMessages(ctx.db, {
        workspaceId: v.workspaceId,
        conversationId,
        afterSeq: p.afterSeq,
        limit: p.limit,
        publicOnly: true,
      });
      return { conversationId: toWire('conversation', conversationId), messages: page.messages.map(visitorMessage), hasMore: page.hasMore };
    });

    handle(socket, env, 'typing', widgetTypingSchema, async (p) => {
      const v = need();
      if (!v.ticketId || !v.conversationId) return null;
      // Only the agents who see the ticket: its team and assignee decide besides its inbox.
      const [t] = await ctx.db.rows<{ inbox_id: string; team_id: string | null; assignee_id: string | null }>(sql`select inbox_id, team_id, assignee_id
        from tickets where id = ${v.ticketId}::uuid and workspace_id = ${v.workspaceId}::uuid`);
      if (!t) return null;
      const place = placeOf({ inboxId: t.inbox_id, teamId: t.team_id, assigneeId: t.assignee_id });
      opts.agentNsp.to(ticketRooms(toWire('workspace', v.workspaceId), place)).emit('typing', {
        ticketId: toWire('ticket', v.ticketId),
        conversationId: toWire('conversation', v.conversationId),
        authorType: 'contact',
        authorId: toWire('contact', v.contactId),
        visibility: 'public',
        on: p.on,
      });
      return null;
    });

    handle(socket, env, 'read', widgetReadSchema, async (p) => {
      const v = need();
      if (!v.conversationId) return null;
      const moved = await markRead(ctx.db, { workspaceId: v.workspaceId, conversationId: v.conversationId, side: 'contact', seq: p.seq, contactId: v.contactId });
      if (moved)
        ctx.bus.publish('conversation.read', {
          workspaceId: toWire('workspace', v.workspaceId),
          conversationId: toWire('conversation', v.conversationId),
          requesterId: toWire('contact', moved.requesterId),
          ...placeOf(moved),
          side: 'contact',
          seq: moved.seq,
        });
      return null;
    });
  });
  return attachWidgetListener(ctx, nsp);
}
