import { sql } from 'drizzle-orm';
import { decodeId, type Attachment, type Message } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { deliveryOf } from './delivery.js';
import { outboundFor, outboundMeta, recordOutbound, type OutboundPayload } from './outbound.service.js';
import { withWorkspace } from '../db/scope.js';

/**
 * Chat continuity: after an agent's public chat reply, a visitor who left an email address
 * gets the replies they have not read in the widget by email, once EMAIL_CONTINUITY_GRACE_MS
 * has passed. One pending digest per ticket collects every reply of that window (batching).
 * One statement; nothing happens when the requester has no email or the workspace has no
 * email inbox. Runs after the reply was committed and acked (the chat write path is untouched).
 */
export async function scheduleChatDigest(
  ctx: Pick<ServiceContext, 'db' | 'config'>,
  o: { workspaceId: string; ticketId: string; messageId: string; conversationId: string; seq: number; now: Date },
): Promise<void> {
  const due = new Date(o.now.getTime() + ctx.config.EMAIL_CONTINUITY_GRACE_MS);
  const payload = JSON.stringify({ conversationId: o.conversationId, fromSeq: o.seq });
  await ctx.db.rows(sql`insert into email_outbox (id, workspace_id, ticket_id, message_id, kind, status, next_attempt_at, payload, created_at)
    select ${newId()}::uuid, t.workspace_id, t.id, ${o.messageId}::uuid, 'digest', 'queued', ${due}::timestamptz, ${payload}::jsonb, ${o.now}::timestamptz
    from tickets t join contacts ct on ct.id = t.requester_id
    where t.id = ${o.ticketId}::uuid and t.workspace_id = ${o.workspaceId}::uuid and ct.email is not null
      and exists (select 1 from inboxes i where i.workspace_id = t.workspace_id and i.channel = 'email')
    on conflict (ticket_id) where kind = 'digest' and status = 'queued' do nothing`);
}

/** Schedules the digest for a public agent chat reply, without holding up its ack; a failure is only logged. */
export function afterChatReply(ctx: Pick<ServiceContext, 'db' | 'config' | 'clock' | 'logger'>, workspaceId: string, m: Message): void {
  if (m.visibility !== 'public' || m.authorType !== 'agent') return;
  // Runs after the reply's ack was sent: in the reply's workspace whatever scope it is called from.
  withWorkspace(workspaceId, () => scheduleChatDigest(ctx, {
    workspaceId,
    ticketId: decodeId('ticket', m.ticketId)!,
    messageId: decodeId('message', m.id)!,
    conversationId: decodeId('conversation', m.conversationId)!,
    seq: m.seq,
    now: ctx.clock.now(),
  })).catch((err) => ctx.logger.warn({ err }, 'chat digest scheduling failed'));
}

export type DigestPayload = { conversationId: string; fromSeq: number };
export type PreparedDigest = OutboundPayload & { messageIds: string[] };

type Row = { id: string; workspace_id: string; ticket_id: string; payload: unknown };

const isPrepared = (p: DigestPayload | PreparedDigest): p is PreparedDigest => 'messageIds' in p;

/**
 * Turns a due digest into an email: the agent's public replies the visitor has not read
 * (seq after their read marker, from the first one that scheduled the digest). Stores the
 * composed payload on the row, so a retry sends the same mail, and marks those messages
 * `queued`. Null when the visitor read everything in the chat meanwhile (nothing to send).
 */
export async function prepareDigest(db: Db, row: Row, now: Date): Promise<PreparedDigest | null> {
  const p = row.payload as DigestPayload | PreparedDigest;
  if (isPrepared(p)) return p;
  return db.transaction(async (tx) => {
    const msgs = await tx.rows<{ id: string; body: string; author_name: string | null; attachments: Attachment[] | null }>(sql`
      select m.id, m.body, u.name as author_name, m.attachments from messages m
      join conversations c on c.id = m.conversation_id left join users u on u.id = m.author_id
      where m.conversation_id = ${p.conversationId}::uuid and m.workspace_id = ${row.workspace_id}::uuid
        and m.author_type = 'agent' and m.visibility = 'public' and m.seq >= ${p.fromSeq}::int and m.seq > c.contact_last_read_seq
      order by m.seq limit 50`);
    if (!msgs.length) return null;
    const last = msgs[msgs.length - 1]!;
    const text = [
      ...msgs.map((m) => `${m.author_name ?? 'Support'}:\n${m.body}`),
      '—\nReply to this email, or go back to the chat, to answer.',
    ].join('\n\n');
    const attachmentIds = msgs.flatMap((m) => (m.attachments ?? []).map((a) => decodeId('attachment', a.id)!));
    const out = await outboundFor(tx, { workspaceId: row.workspace_id, ticketId: row.ticket_id, messageUuid: last.id, text, attachmentIds });
    if (!out?.to) return null;
    await recordOutbound(tx, { workspaceId: row.workspace_id, ticketId: row.ticket_id, messageUuid: last.id, out, now });
    const meta = outboundMeta(out, deliveryOf({ status: 'queued', attempts: 0, now }));
    for (const m of msgs) {
      await tx.rows(sql`update messages set email = ${JSON.stringify(meta)}::jsonb where id = ${m.id}::uuid`);
    }
    const prepared: PreparedDigest = { ...out.payload, messageIds: msgs.map((m) => m.id) };
    await tx.rows(sql`update email_outbox set payload = ${JSON.stringify(prepared)}::jsonb, message_id = ${last.id}::uuid where id = ${row.id}::uuid`);
    return prepared;
  });
}

/** A digest with nothing left to send: closed as not_sent without touching any message. */
export async function dropDigest(db: Db | Tx, id: string): Promise<void> {
  await db.rows(sql`update email_outbox set status = 'not_sent', last_error = 'read in the chat', locked_until = null where id = ${id}::uuid`);
}
