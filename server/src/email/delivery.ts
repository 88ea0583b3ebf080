import { sql } from 'drizzle-orm';
import type { DeliveryStatus, EmailDelivery } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { toWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { placeOf } from '../tickets/visibility.js';

/** A delivery state written: the message, its ticket and where that ticket is (uuids), the new state. */
export type DeliveryChange = {
  workspaceId: string; messageId: string; ticketId: string; inboxId: string; teamId: string | null; assigneeId: string | null; delivery: EmailDelivery;
};

export const deliveryOf = (o: { status: DeliveryStatus; attempts: number; reason?: string | null; nextAttemptAt?: Date | null; now: Date }): EmailDelivery => ({
  status: o.status,
  attempts: o.attempts,
  reason: o.reason ?? null,
  nextAttemptAt: o.nextAttemptAt ? o.nextAttemptAt.toISOString() : null,
  updatedAt: o.now.toISOString(),
});

/** Writes a message's delivery state into its `email` metadata (in the caller's transaction); null when there is no such message. */
export async function writeDelivery(tx: Db | Tx, o: { messageId: string; delivery: EmailDelivery }): Promise<DeliveryChange | null> {
  const [r] = await tx.rows<{ workspace_id: string; ticket_id: string; inbox_id: string; team_id: string | null; assignee_id: string | null }>(sql`update messages m
    set email = jsonb_set(coalesce(m.email, '{}'::jsonb), '{delivery}', ${JSON.stringify(o.delivery)}::jsonb)
    from tickets t where m.id = ${o.messageId}::uuid and t.id = m.ticket_id
    returning m.workspace_id, m.ticket_id, t.inbox_id, t.team_id, t.assignee_id`);
  if (!r) return null;
  return { workspaceId: r.workspace_id, messageId: o.messageId, ticketId: r.ticket_id, inboxId: r.inbox_id, teamId: r.team_id, assigneeId: r.assignee_id, delivery: o.delivery };
}

/** Publishes `message.delivery` (after commit): agents get `message:delivery`. */
export function publishDelivery(ctx: Pick<ServiceContext, 'bus'>, c: DeliveryChange): void {
  ctx.bus.publish('message.delivery', {
    workspaceId: toWire('workspace', c.workspaceId),
    messageId: toWire('message', c.messageId),
    ticketId: toWire('ticket', c.ticketId),
    ...placeOf(c),
    delivery: c.delivery,
  });
}
