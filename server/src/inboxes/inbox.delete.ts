import { sql } from 'drizzle-orm';
import { toWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit } from '../audit/audit.service.js';
import { blobStoreOf } from '../attachments/attachments.service.js';
import { auditView, loadInbox, publishInboxChanged, type Audited } from './inboxes.service.js';

export type InboxDeletion = { tickets: 'none' | 'moved' | 'deleted'; ticketCount: number };

/**
 * Deletes an inbox, in one transaction under its row lock. Its tickets, when it has any, are
 * either moved to another inbox of the workspace with the same channel (`tickets: 'move'`,
 * `moveTo`; with their email rows and dead letters) or deleted with everything under them
 * (`'delete'`: conversations, messages, activities, tags, email rows, queued mail,
 * attachments; the dead letters of the inbox). Without a choice an inbox with tickets is 409
 * INBOX_HAS_TICKETS (`details.tickets`). The inbox's visitor sessions, team links and webhook
 * secrets go with it (foreign keys). Audited `inbox.deleted` with the choice. After commit:
 * attachment files no row references any more are removed, and `inbox.changed` is published.
 */
export async function deleteInboxSettings(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'bus' | 'config' | 'logger'>,
  o: Audited & { workspaceId: string; inboxId: string; tickets?: 'move' | 'delete' | undefined; moveTo?: string | undefined },
): Promise<InboxDeletion> {
  const ws = o.workspaceId;
  const { result, keys } = await ctx.db.transaction(async (tx) => {
    const inbox = await loadInbox(tx, { workspaceId: ws, inboxId: o.inboxId, lock: true });
    const count = Number(inbox.ticket_count);
    if (count > 0 && !o.tickets)
      throw new AppError('INBOX_HAS_TICKETS', `this inbox has ${count} ticket${count === 1 ? '' : 's'}: move them to another inbox or delete them`, { tickets: count });
    const mine = sql`(select id from tickets where inbox_id = ${inbox.id}::uuid and workspace_id = ${ws}::uuid)`;
    let keys: string[] = [];
    let outcome: InboxDeletion['tickets'] = 'none';
    let target: { id: string; name: string } | null = null;
    if (count > 0 && o.tickets === 'move') {
      const [t] = await tx.rows<{ id: string; name: string; channel: string }>(sql`select id, name, channel from inboxes
        where id = ${o.moveTo!}::uuid and workspace_id = ${ws}::uuid for share`);
      if (!t) throw notFound('inbox to move the tickets to');
      if (t.id === inbox.id || t.channel !== inbox.channel)
        throw new AppError('VALIDATION_FAILED', `moveTo: must be another ${inbox.channel} inbox`, [{ path: 'moveTo', message: `must be another ${inbox.channel} inbox` }]);
      target = t;
      await tx.rows(sql`update email_messages set inbox_id = ${t.id}::uuid where ticket_id in ${mine} and workspace_id = ${ws}::uuid`);
      await tx.rows(sql`update email_dead_letters set inbox_id = ${t.id}::uuid where inbox_id = ${inbox.id}::uuid and workspace_id = ${ws}::uuid`);
      await tx.rows(sql`update tickets set inbox_id = ${t.id}::uuid where inbox_id = ${inbox.id}::uuid and workspace_id = ${ws}::uuid`);
      outcome = 'moved';
    } else {
      // Tables that hold a ticket id without a foreign key go first; the rest cascades from the tickets.
      await tx.rows(sql`delete from email_outbox where ticket_id in ${mine} and workspace_id = ${ws}::uuid`);
      await tx.rows(sql`delete from email_messages where ticket_id in ${mine} and workspace_id = ${ws}::uuid`);
      const files = await tx.rows<{ storage_key: string }>(sql`delete from attachments where ticket_id in ${mine} and workspace_id = ${ws}::uuid returning storage_key`);
      keys = [...new Set(files.map((f) => f.storage_key))];
      await tx.rows(sql`delete from tickets where inbox_id = ${inbox.id}::uuid and workspace_id = ${ws}::uuid`);
      await tx.rows(sql`delete from email_dead_letters where inbox_id = ${inbox.id}::uuid and workspace_id = ${ws}::uuid`);
      if (count > 0) outcome = 'deleted';
    }
    await tx.rows(sql`delete from inboxes where id = ${inbox.id}::uuid and workspace_id = ${ws}::uuid`);
    await recordAudit(tx, {
      workspaceId: ws,
      actor: o.actor,
      action: 'inbox.deleted',
      object: { type: 'inbox', id: inbox.id },
      before: { channel: inbox.channel, ...auditView(inbox), ticketCount: count },
      after: { tickets: outcome, ...(target ? { movedTo: { id: toWire('inbox', target.id), name: target.name } } : {}) },
      request: o.request,
      at: ctx.clock.now(),
    });
    return { result: { tickets: outcome, ticketCount: count }, keys };
  });
  publishInboxChanged(ctx, { workspaceId: ws, inboxId: o.inboxId, change: 'deleted' });
  if (keys.length) await removeUnreferencedFiles(ctx, ws, keys);
  return result;
}

/** Deletes the stored files among `keys` that no attachment row references (best effort: a failure is logged). */
async function removeUnreferencedFiles(ctx: Pick<ServiceContext, 'db' | 'config' | 'logger'>, ws: string, keys: string[]): Promise<void> {
  const store = blobStoreOf(ctx.config);
  // Keys are random per stored file, so only rows of this workspace can share one (a forwarded attachment).
  const kept = await ctx.db.rows<{ storage_key: string }>(sql`select distinct storage_key from attachments
    where workspace_id = ${ws}::uuid and storage_key in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`);
  const still = new Set(kept.map((k) => k.storage_key));
  for (const key of keys)
    if (!still.has(key)) await store.delete(key).catch((err: unknown) => ctx.logger.warn({ err, key }, 'attachment file of a deleted inbox could not be removed'));
}
