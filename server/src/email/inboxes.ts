import { sql } from 'drizzle-orm';
import { emailInboxSettingsSchema, type EmailInboxSettings } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { AppError } from '../http/errors.js';
import { createInbox, lockInboxNames } from '../workspaces/workspaces.service.js';
import { privileged } from '../db/scope.js';

/** An email inbox with its server-side secrets. */
export type EmailInbox = {
  id: string;
  workspaceId: string;
  name: string;
  secret: string;
  email: EmailInboxSettings;
  basicUser: string | null;
  basicPassword: string | null;
  mailgunSigningKey: string | null;
};

/** Loads an email inbox (null when unknown, not an email inbox, or without `settings.email`). */
export async function loadEmailInbox(db: Db | Tx, inboxId: string): Promise<EmailInbox | null> {
  // crosses workspaces: a provider's webhook names the inbox; its workspace is read from it.
  const [r] = await privileged('email-inbox', () => db.rows<{ id: string; workspace_id: string; name: string; channel: string; settings: Record<string, unknown>; secret: string; basic_user: string | null; basic_password: string | null; mailgun_signing_key: string | null }>(sql`
    select i.id, i.workspace_id, i.name, i.channel, i.settings, i.secret, s.basic_user, s.basic_password, s.mailgun_signing_key
    from inboxes i left join email_inbox_secrets s on s.inbox_id = i.id where i.id = ${inboxId}::uuid`));
  if (!r || r.channel !== 'email') return null;
  const email = emailInboxSettingsSchema.safeParse(r.settings.email);
  if (!email.success) return null;
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    secret: r.secret,
    email: email.data,
    basicUser: r.basic_user,
    basicPassword: r.basic_password,
    mailgunSigningKey: r.mailgun_signing_key,
  };
}

/** The email inbox a workspace sends chat-continuity mail from: its oldest email inbox. */
export async function defaultEmailInboxId(db: Db | Tx, workspaceId: string): Promise<string | null> {
  const [r] = await db.rows<{ id: string }>(sql`select id from inboxes where workspace_id = ${workspaceId}::uuid and channel = 'email'
    order by created_at, id limit 1`);
  return r?.id ?? null;
}

/**
 * Creates an email inbox (in the caller's transaction, or in one of its own): public settings
 * (address, display name) plus the webhook credentials (Basic auth for raw MIME, SendGrid and
 * Postmark; the Mailgun signing key). Refuses a name already used by an inbox of the workspace
 * (INBOX_NAME_TAKEN) or an address already used by one of its email inboxes
 * (INBOX_ADDRESS_TAKEN), case-insensitively. The check holds under concurrency: creations
 * in one workspace take a transaction lock first, so two cannot both pass it; unique indexes
 * back it.
 */
export async function createEmailInbox(
  db: Db | Tx,
  o: { workspaceId: string; name: string; email: EmailInboxSettings; basicUser?: string; basicPassword?: string; mailgunSigningKey?: string },
): Promise<string> {
  if ('transaction' in db) return db.transaction((tx) => createEmailInbox(tx, o));
  const tx = db;
  const email = emailInboxSettingsSchema.parse(o.email);
  await lockInboxNames(tx, o);
  await assertAddressFree(tx, { workspaceId: o.workspaceId, address: email.address });
  const id = await createInbox(tx, { workspaceId: o.workspaceId, name: o.name, channel: 'email', settings: { email } });
  await tx.rows(sql`insert into email_inbox_secrets (inbox_id, workspace_id, basic_user, basic_password, mailgun_signing_key)
    values (${id}::uuid, ${o.workspaceId}::uuid, ${o.basicUser ?? null}, ${o.basicPassword ?? null}, ${o.mailgunSigningKey ?? null})`);
  return id;
}

/**
 * Refuses an address another email inbox of the workspace (other than `exceptId`) has,
 * case-insensitively: 409 INBOX_ADDRESS_TAKEN, `details.field` "address". Call after
 * `lockInboxNames`, in the same transaction.
 */
export async function assertAddressFree(tx: Tx, o: { workspaceId: string; address: string; exceptId?: string }): Promise<void> {
  const [taken] = await tx.rows(sql`select 1 from inboxes where workspace_id = ${o.workspaceId}::uuid
    and channel = 'email' and lower(settings->'email'->>'address') = lower(${o.address})
    ${o.exceptId ? sql`and id <> ${o.exceptId}::uuid` : sql``}`);
  if (taken) throw new AppError('INBOX_ADDRESS_TAKEN', `an inbox with the address ${o.address} already exists`, { field: 'address' });
}

/** The domain of an inbox's reply address. */
export const replyDomainOf = (s: EmailInboxSettings) => s.replyDomain ?? s.address.split('@')[1]!;
