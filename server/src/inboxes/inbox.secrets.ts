import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit } from '../audit/audit.service.js';
import { loadInbox, type Audited, type InboxRow } from './inboxes.service.js';

type Ctx = Pick<ServiceContext, 'db' | 'clock'>;
type Target = Audited & { workspaceId: string; inboxId: string };

const notChat = () => new AppError('VALIDATION_FAILED', 'only chat inboxes have an identity-verification secret', [{ path: 'inboxId', message: 'not a chat inbox' }]);

/** A chat inbox's identity-verification secret, in full; the reveal is audited (`inbox.secret_revealed`) in the same transaction. */
export async function revealInboxSecret(ctx: Ctx, o: Target): Promise<{ secret: string; row: InboxRow }> {
  return ctx.db.transaction(async (tx) => {
    const row = await loadInbox(tx, o);
    if (row.channel !== 'chat') throw notChat();
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: o.actor, action: 'inbox.secret_revealed', object: { type: 'inbox', id: row.id }, request: o.request, at: ctx.clock.now() });
    return { secret: row.secret, row };
  });
}

/**
 * Replaces a chat inbox's identity-verification secret: from the commit on, `identify` hashes
 * made with the old one are refused (the secret is read on every identify). Audited
 * `inbox.secret_rotated` (the diff shows that it changed, redacted); moves `updatedAt`.
 */
export async function rotateInboxSecret(ctx: Ctx, o: Target): Promise<{ secret: string; row: InboxRow }> {
  return ctx.db.transaction(async (tx) => {
    const before = await loadInbox(tx, { ...o, lock: true });
    if (before.channel !== 'chat') throw notChat();
    const secret = randomBytes(32).toString('base64url');
    const at = ctx.clock.now();
    await tx.rows(sql`update inboxes set secret = ${secret}, updated_at = ${at}::timestamptz where id = ${before.id}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    await recordAudit(tx, {
      workspaceId: o.workspaceId, actor: o.actor, action: 'inbox.secret_rotated', object: { type: 'inbox', id: before.id },
      before: { secret: before.secret }, after: { secret }, request: o.request, at,
    });
    return { secret, row: await loadInbox(tx, o) };
  });
}

/**
 * A new Basic-auth password for an email inbox's webhook (user `webhook` unless one is set):
 * the old one is refused from the commit on. Audited `inbox.credentials_regenerated`; moves
 * `updatedAt`. The password is answered this once.
 */
export async function regenerateWebhookPassword(ctx: Ctx, o: Target): Promise<{ basicUser: string; basicPassword: string; row: InboxRow }> {
  return ctx.db.transaction(async (tx) => {
    const before = await loadInbox(tx, { ...o, lock: true });
    if (before.channel !== 'email')
      throw new AppError('VALIDATION_FAILED', 'only email inboxes have webhook credentials', [{ path: 'inboxId', message: 'not an email inbox' }]);
    const basicUser = before.basic_user ?? 'webhook';
    const basicPassword = randomBytes(24).toString('base64url');
    const at = ctx.clock.now();
    await tx.rows(sql`insert into email_inbox_secrets (inbox_id, workspace_id, basic_user, basic_password, updated_at)
      values (${before.id}::uuid, ${o.workspaceId}::uuid, ${basicUser}, ${basicPassword}, ${at}::timestamptz)
      on conflict (inbox_id) do update set basic_user = excluded.basic_user, basic_password = excluded.basic_password, updated_at = excluded.updated_at`);
    await tx.rows(sql`update inboxes set updated_at = ${at}::timestamptz where id = ${before.id}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    await recordAudit(tx, {
      workspaceId: o.workspaceId, actor: o.actor, action: 'inbox.credentials_regenerated', object: { type: 'inbox', id: before.id },
      before: { basicPassword: before.basic_password }, after: { basicPassword, basicUser }, request: o.request, at,
    });
    return { basicUser, basicPassword, row: await loadInbox(tx, o) };
  });
}
