import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { inboxUpdateSchema } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit } from '../audit/audit.service.js';
import { assertFresh } from '../agents/teams.service.js';
import { lockInboxNames } from '../workspaces/workspaces.service.js';
import { assertAddressFree } from '../email/inboxes.js';
import { auditView, emailOf, inboxTransaction, loadInbox, publishInboxChanged, type Audited, type InboxRow } from './inboxes.service.js';

export type InboxPatch = z.output<typeof inboxUpdateSchema>;

const CHAT_ONLY = ['widget', 'allowedOrigins'] as const;
const EMAIL_ONLY = ['address', 'fromName', 'replyDomain', 'mailgunSigningKey', 'smtp'] as const;

/** 400 VALIDATION_FAILED naming the fields that belong to the other channel. */
function refuseOtherChannel(row: InboxRow, patch: InboxPatch): void {
  const wrong = (row.channel === 'chat' ? EMAIL_ONLY : CHAT_ONLY).filter((k) => patch[k] !== undefined);
  if (!wrong.length) return;
  const other = row.channel === 'chat' ? 'email' : 'chat';
  throw new AppError('VALIDATION_FAILED', `${wrong.join(', ')}: only for ${other} inboxes`, wrong.map((k) => ({ path: k, message: `only for ${other} inboxes` })));
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

async function writeEmail(tx: Tx, row: InboxRow, patch: InboxPatch): Promise<void> {
  const current = emailOf(row);
  if (patch.address !== undefined || patch.fromName !== undefined || patch.replyDomain !== undefined) {
    const email: Record<string, unknown> = { ...current, ...defined({ address: patch.address, fromName: patch.fromName, replyDomain: patch.replyDomain }) };
    for (const k of ['fromName', 'replyDomain']) if (email[k] === null) delete email[k];
    await tx.rows(sql`update inboxes set settings = jsonb_set(settings, '{email}', ${JSON.stringify(email)}::jsonb) where id = ${row.id}::uuid`);
  }
  if (patch.mailgunSigningKey === undefined && patch.smtp === undefined) return;
  await tx.rows(sql`insert into email_inbox_secrets (inbox_id, workspace_id) values (${row.id}::uuid, ${row.workspace_id}::uuid) on conflict (inbox_id) do nothing`);
  if (patch.mailgunSigningKey !== undefined)
    await tx.rows(sql`update email_inbox_secrets set mailgun_signing_key = ${patch.mailgunSigningKey} where inbox_id = ${row.id}::uuid`);
  const s = patch.smtp;
  if (s === null)
    await tx.rows(sql`update email_inbox_secrets set smtp_host = null, smtp_port = null, smtp_user = null, smtp_password = null, smtp_tls = null
      where inbox_id = ${row.id}::uuid`);
  else if (s)
    await tx.rows(sql`update email_inbox_secrets set smtp_host = ${s.host}, smtp_port = ${s.port}::int, smtp_user = ${s.user ?? null}, smtp_tls = ${s.tls},
        smtp_password = ${s.password !== undefined ? sql`${s.password}` : sql`smtp_password`}
      where inbox_id = ${row.id}::uuid`);
}

/**
 * Changes an inbox's settings (what `patch` holds; the rest stays), in one transaction under
 * the inbox's row lock: name (unique per workspace, 409 INBOX_NAME_TAKEN), widget settings
 * (merged over the stored ones) and allowed origins of a chat inbox; address (409
 * INBOX_ADDRESS_TAKEN), display name, reply domain, Mailgun key and SMTP of an email inbox.
 * `expectedUpdatedAt` no longer current: 409 STALE, nothing written. A change is audited
 * `inbox.updated` with the diff (secrets redacted) and moves `updatedAt`; a patch that
 * changes nothing writes nothing. A rename is published (`inbox.changed`).
 */
export async function updateInboxSettings(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'bus'>,
  o: Audited & { workspaceId: string; inboxId: string; patch: InboxPatch },
): Promise<InboxRow> {
  const { patch } = o;
  const { row, renamed } = await inboxTransaction(ctx.db, async (tx) => {
    const before = await loadInbox(tx, { workspaceId: o.workspaceId, inboxId: o.inboxId, lock: true });
    assertFresh(before.updated_at, patch.expectedUpdatedAt);
    refuseOtherChannel(before, patch);
    const renamed = patch.name !== undefined && patch.name !== before.name;
    const readdressed = patch.address !== undefined && patch.address !== emailOf(before)?.address;
    if (renamed || readdressed) await lockInboxNames(tx, { workspaceId: o.workspaceId, name: patch.name ?? before.name, exceptId: before.id });
    if (readdressed) await assertAddressFree(tx, { workspaceId: o.workspaceId, address: patch.address!, exceptId: before.id });
    if (renamed) await tx.rows(sql`update inboxes set name = ${patch.name!} where id = ${before.id}::uuid`);
    if (patch.widget) {
      const widget = defined(patch.widget);
      await tx.rows(sql`update inboxes set settings = settings || ${JSON.stringify(widget)}::jsonb where id = ${before.id}::uuid`);
    }
    if (patch.allowedOrigins) await tx.rows(sql`update inboxes set allowed_origins = ${`{${patch.allowedOrigins.map((v) => `"${v}"`).join(',')}}`}::text[] where id = ${before.id}::uuid`);
    await writeEmail(tx, before, patch);
    let after = await loadInbox(tx, { workspaceId: o.workspaceId, inboxId: o.inboxId });
    const was = auditView(before);
    const now = auditView(after);
    if (isDeepStrictEqual(was, now)) return { row: before, renamed: false };
    const at = ctx.clock.now();
    await tx.rows(sql`update inboxes set updated_at = ${at}::timestamptz where id = ${before.id}::uuid`);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: o.actor, action: 'inbox.updated', object: { type: 'inbox', id: before.id }, before: was, after: now, request: o.request, at });
    after = { ...after, updated_at: at };
    return { row: after, renamed };
  });
  if (renamed) publishInboxChanged(ctx, { workspaceId: o.workspaceId, inboxId: o.inboxId, change: 'updated' });
  return row;
}
