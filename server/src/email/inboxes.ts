import { sql } from 'drizzle-orm';
import { emailInboxSettingsSchema, type EmailInboxSettings } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { createInbox } from '../workspaces/workspaces.service.js';

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
  const [r] = await db.rows<{ id: string; workspace_id: string; name: string; channel: string; settings: Record<string, unknown>; secret: string; basic_user: string | null; basic_password: string | null; mailgun_signing_key: string | null }>(sql`
    select i.id, i.workspace_id, i.name, i.channel, i.settings, i.secret, s.basic_user, s.basic_password, s.mailgun_signing_key
    from inboxes i left join email_inbox_secrets s on s.inbox_id = i.id where i.id = ${inboxId}::uuid`);
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
 * Creates an email inbox: public settings (address, display name) plus the webhook
 * credentials (Basic auth for raw MIME, SendGrid and Postmark; the Mailgun signing key).
 */
export async function createEmailInbox(
  db: Db | Tx,
  o: { workspaceId: string; name: string; email: EmailInboxSettings; basicUser?: string; basicPassword?: string; mailgunSigningKey?: string },
): Promise<string> {
  const email = emailInboxSettingsSchema.parse(o.email);
  const id = await createInbox(db, { workspaceId: o.workspaceId, name: o.name, channel: 'email', settings: { email } });
  await db.rows(sql`insert into email_inbox_secrets (inbox_id, workspace_id, basic_user, basic_password, mailgun_signing_key)
    values (${id}::uuid, ${o.workspaceId}::uuid, ${o.basicUser ?? null}, ${o.basicPassword ?? null}, ${o.mailgunSigningKey ?? null})`);
  return id;
}

/** The domain of an inbox's reply address. */
export const replyDomainOf = (s: EmailInboxSettings) => s.replyDomain ?? s.address.split('@')[1]!;
