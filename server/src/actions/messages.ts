import { decodeId, type Message, type Visibility } from '@support/protocol';
import { fromWire } from '../db/ids.js';
import { notFound } from '../http/errors.js';
import type { ChangeCause, ServiceContext } from '../lib/context.js';
import { appendMessage, publishMessageCreated, republishMessage } from '../messages/messages.service.js';
import { writeEvents } from '../events/log.writer.js';
import { queueReplyEmail } from '../email/outbound.service.js';

/**
 * A note or public reply written by an automation rule: authored by the system (author id = the
 * rule's uuid, so `clientMessageId` makes a re-run idempotent), with the durable
 * `message.created` carrying the rule's cause (written here, not by the chat hot path's
 * statement). A public reply on an email ticket queues its email in the same transaction.
 */
export async function writeRuleMessage(
  ctx: ServiceContext,
  o: { workspaceId: string; ticketId: string; rule: { id: string; name: string }; cause: ChangeCause; body: string; visibility: Visibility; email: boolean; clientMessageId: string },
): Promise<Message> {
  const now = ctx.clock.now();
  const r = await ctx.db.transaction(async (tx) => {
    const r = await appendMessage(tx, {
      workspaceId: o.workspaceId, target: { ticketId: o.ticketId }, // Visitors and email recipients never see a rule's name: a public reply has none (the widget and the mail name the team).
      author: { type: 'system', id: o.rule.id, name: o.visibility === 'internal' ? o.rule.name : null },
      body: o.body, visibility: o.visibility, clientMessageId: o.clientMessageId, now, allowClosed: true, reopen: false, logEvent: false,
    });
    if (r.kind !== 'created') return r;
    const messageUuid = decodeId('message', r.message.id)!;
    if (o.email && o.visibility === 'public') {
      const meta = await queueReplyEmail(tx, { workspaceId: o.workspaceId, ticketId: o.ticketId, message: r.message, messageUuid, attachmentIds: [], signature: null, now });
      if (meta) r.message.email = meta;
    }
    if (ctx.config.EVENT_LOG_WRITES)
      await writeEvents(tx, [{
        workspaceId: o.workspaceId, name: 'message.created', occurredAt: new Date(r.message.createdAt),
        payload: {
          ticketId: o.ticketId, conversationId: decodeId('conversation', r.message.conversationId)!, messageId: messageUuid, seq: r.message.seq,
          authorType: 'system', authorId: o.rule.id, visibility: o.visibility, createdAt: r.message.createdAt, status: r.ticket.status, cause: o.cause,
        },
      }]);
    return r;
  });
  if (r.kind === 'no_target') throw notFound('ticket');
  if (r.kind === 'created') publishMessageCreated(ctx, o.workspaceId, r);
  else await republishMessage(ctx, o.workspaceId, fromWire('message', r.message.id));
  return r.message;
}
