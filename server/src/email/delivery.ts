import { sql } from 'drizzle-orm';
import type { DeliveryStatus, EmailDelivery } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { toWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';

export type DeliveryChange = { workspaceId: string; messageId: string; ticketId: string; delivery: EmailDelivery };

export const deliveryOf = (o: { status: DeliveryStatus; attempts: number; reason?: string | null; nextAttemptAt?: Date | null; now: Date }): EmailDelivery => ({
  status: o.status,
  attempts: o.attempts,
  reason: o.reason ?? null,
  nextAttemptAt: o.nextAttemptAt ? o.nextAttemptAt.toISOString() : null,
  updatedAt: o.now.toISOString(),
});

/** Writes a message's delivery state into its `email` metadata (in the caller's transaction). */
export async function writeDelivery(tx: Db | Tx, o: { messageId: string; delivery: EmailDelivery }): Promise<{ workspace_id: string; ticket_id: string } | null> {
  const [r] = await tx.rows<{ workspace_id: string; ticket_id: string }>(sql`update messages
    set email = jsonb_set(coalesce(email, '{}'::jsonb), '{delivery}', ${JSON.stringify(o.delivery)}::jsonb)
    where id = ${o.messageId}::uuid returning workspace_id, ticket_id`);
  return r ?? null;
}

/** Publishes `message.delivery` (after commit): agents get `message:delivery`. */
export function publishDelivery(ctx: Pick<ServiceContext, 'bus'>, c: DeliveryChange): void {
  ctx.bus.publish('message.delivery', {
    workspaceId: toWire('workspace', c.workspaceId),
    messageId: toWire('message', c.messageId),
    ticketId: toWire('ticket', c.ticketId),
    delivery: c.delivery,
  });
}
