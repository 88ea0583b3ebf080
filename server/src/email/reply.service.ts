import { sql } from 'drizzle-orm';
import { decodeId, type Message, type Visibility } from '@support/protocol';
import { fromWire } from '../db/ids.js';
import { notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { appendMessage, publishMessageCreated, republishMessage } from '../messages/messages.service.js';
import type { AgentIdentity } from '../agents/agents.service.js';
import { attachUploads } from '../attachments/attachments.service.js';
import { queueReplyEmail } from './outbound.service.js';
import { afterChatReply } from './continuity.js';

/**
 * An agent's message that needs more than the chat write path: a public reply on an email
 * ticket (its email is queued) and/or a message with attachments. The message, its
 * attachments and its queued email are written in ONE transaction, so a crash loses none
 * of them (chat replies without files keep the group-commit path). Published as
 * `message.created` after commit; the outbox worker sends the email.
 */
export async function sendAgentMessageTx(
  ctx: ServiceContext,
  o: { workspaceId: string; ticketId: string; agent: AgentIdentity; body: string; clientMessageId: string; visibility: Visibility; attachmentIds: string[]; email: boolean },
): Promise<Message> {
  const now = ctx.clock.now();
  const r = await ctx.db.transaction(async (tx) => {
    const r = await appendMessage(tx, {
      workspaceId: o.workspaceId, target: { ticketId: o.ticketId }, author: { type: 'agent', id: o.agent.userId, name: o.agent.name },
      body: o.body, visibility: o.visibility, clientMessageId: o.clientMessageId, now, allowClosed: true, reopen: false,
      logEvent: ctx.config.EVENT_LOG_WRITES,
    });
    if (r.kind !== 'created') return r;
    await attachUploads(tx, { workspaceId: o.workspaceId, message: r.message, uploader: { type: 'agent', id: o.agent.userId }, ids: o.attachmentIds });
    if (o.email && o.visibility === 'public') {
      const [author] = await tx.rows<{ signature: string | null }>(sql`select signature from users where id = ${o.agent.userId}::uuid`);
      const meta = await queueReplyEmail(tx, {
        workspaceId: o.workspaceId, ticketId: o.ticketId, message: r.message, messageUuid: decodeId('message', r.message.id)!, attachmentIds: o.attachmentIds,
        signature: author?.signature, now,
      });
      if (meta) r.message.email = meta;
    }
    return r;
  });
  if (r.kind === 'no_target') throw notFound('ticket');
  if (r.kind === 'created') {
    publishMessageCreated(ctx, o.workspaceId, r);
    if (!o.email) afterChatReply(ctx, o.workspaceId, r.message);
  } else await republishMessage(ctx, o.workspaceId, fromWire('message', r.message.id));
  return r.message;
}
