import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import {
  emailInboxSettingsSchema, type Channel, type EmailInboxSettings, type InboxDetail, type InboxListItem, type SmtpTls,
} from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { toWire } from '../db/ids.js';
import { notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit, type AuditActor, type AuditRequest } from '../audit/audit.service.js';
import { widgetSettingsOf } from '../widget/widget.service.js';
import { createInbox, DEFAULT_CHAT_SETTINGS, inboxConflict } from '../workspaces/workspaces.service.js';
import { createEmailInbox } from '../email/inboxes.js';

/**
 * The Inboxes settings: list, read, create; `inbox.edit.ts` changes, `inbox.delete.ts`
 * deletes, `inbox.secrets.ts` reveals and rotates. Every function takes the workspace and
 * filters on it; secrets leave only as hints (last four characters), except where a route
 * says otherwise (and audits it).
 */

/** An inbox row with its email secrets, as the settings read it (one statement). */
export type InboxRow = {
  id: string;
  workspace_id: string;
  name: string;
  channel: Channel;
  settings: Record<string, unknown>;
  secret: string;
  allowed_origins: string[];
  created_at: Date;
  updated_at: Date;
  ticket_count: number;
  basic_user: string | null;
  basic_password: string | null;
  mailgun_signing_key: string | null;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_user: string | null;
  smtp_password: string | null;
  smtp_tls: SmtpTls | null;
};

/** Where the server is reached from outside (PUBLIC_URL, else the request's own origin), without a trailing slash. */
export type PublicBase = string;

const inboxSql = (ws: string) => sql`select i.id, i.workspace_id, i.name, i.channel, i.settings, i.secret, i.allowed_origins, i.created_at, i.updated_at,
    (select count(*) from tickets t where t.inbox_id = i.id and t.workspace_id = i.workspace_id)::int as ticket_count,
    s.basic_user, s.basic_password, s.mailgun_signing_key, s.smtp_host, s.smtp_port, s.smtp_user, s.smtp_password, s.smtp_tls
  from inboxes i left join email_inbox_secrets s on s.inbox_id = i.id
  where i.workspace_id = ${ws}::uuid`;

/** The inbox (NOT_FOUND when the workspace has none with that id); `lock` holds its row until the transaction ends. */
export async function loadInbox(db: Db | Tx, o: { workspaceId: string; inboxId: string; lock?: boolean }): Promise<InboxRow> {
  const [r] = await db.rows<InboxRow>(sql`${inboxSql(o.workspaceId)} and i.id = ${o.inboxId}::uuid ${o.lock ? sql`for update of i` : sql``}`);
  if (!r) throw notFound('inbox');
  return r;
}

/** A secret as settings show it: its last four characters ("…x9Qa"), null when not set. */
export const hint = (secret: string | null | undefined): string | null => (secret ? `…${secret.slice(-4)}` : null);

/** The email settings of a row (null when it is not a readable email inbox). */
export const emailOf = (r: Pick<InboxRow, 'channel' | 'settings'>): EmailInboxSettings | null => {
  if (r.channel !== 'email') return null;
  const e = emailInboxSettingsSchema.safeParse(r.settings.email);
  return e.success ? e.data : null;
};

/** The `<script>` tag that embeds a chat inbox's widget. */
export const embedSnippet = (base: PublicBase, inboxWire: string) => `<script src="${base}/widget.js" data-inbox="${inboxWire}" async></script>`;

/** The webhook URL of an email inbox. */
export const webhookUrl = (base: PublicBase, inboxWire: string) => `${base}/webhooks/email/${inboxWire}`;

/** The settings page's view of a row. */
export function inboxDetail(r: InboxRow, o: { base: PublicBase; globalSmtp: boolean }): InboxDetail {
  const wire = toWire('inbox', r.id);
  const email = emailOf(r);
  return {
    id: wire,
    name: r.name,
    channel: r.channel,
    ticketCount: Number(r.ticket_count),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    chat:
      r.channel === 'chat'
        ? { widget: widgetSettingsOf(r.settings), allowedOrigins: r.allowed_origins ?? [], embed: embedSnippet(o.base, wire), secretHint: hint(r.secret)! }
        : null,
    email:
      r.channel === 'email'
        ? {
            address: email?.address ?? '',
            fromName: email?.fromName ?? null,
            replyDomain: email?.replyDomain ?? null,
            webhook: { url: webhookUrl(o.base, wire), basicUser: r.basic_user, basicPasswordHint: hint(r.basic_password), mailgunSigningKeyHint: hint(r.mailgun_signing_key) },
            smtp: r.smtp_host
              ? { host: r.smtp_host, port: Number(r.smtp_port), user: r.smtp_user, passwordHint: hint(r.smtp_password), tls: r.smtp_tls ?? 'starttls' }
              : null,
            globalSmtp: o.globalSmtp,
          }
        : null,
  };
}

/**
 * What the audit log compares before and after a change: every setting, secrets under
 * secret-looking keys (so `auditDiff` redacts them).
 */
export function auditView(r: InboxRow): Record<string, unknown> {
  const email = emailOf(r);
  return {
    name: r.name,
    ...(r.channel === 'chat' ? { widget: widgetSettingsOf(r.settings), allowedOrigins: r.allowed_origins ?? [] } : {}),
    ...(r.channel === 'email'
      ? {
          address: email?.address ?? null,
          fromName: email?.fromName ?? null,
          replyDomain: email?.replyDomain ?? null,
          mailgunSigningKey: r.mailgun_signing_key,
          smtp: r.smtp_host ? { host: r.smtp_host, port: r.smtp_port, user: r.smtp_user, password: r.smtp_password, tls: r.smtp_tls } : null,
        }
      : {}),
  };
}

/** The workspace's inboxes for the settings list, by name, with their ticket counts. */
export async function listInboxSettings(ctx: Pick<ServiceContext, 'db'>, o: { workspaceId: string }): Promise<InboxListItem[]> {
  const rows = await ctx.db.rows<InboxRow>(sql`${inboxSql(o.workspaceId)} order by lower(i.name), i.id`);
  return rows.map((r) => ({
    id: toWire('inbox', r.id),
    name: r.name,
    channel: r.channel,
    address: emailOf(r)?.address ?? null,
    ticketCount: Number(r.ticket_count),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }));
}

/** Runs `fn` in a transaction, answering 409 INBOX_NAME_TAKEN / INBOX_ADDRESS_TAKEN for a unique-index violation (the backstop of `lockInboxNames`). */
export async function inboxTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(fn);
  } catch (err) {
    throw inboxConflict(err) ?? err;
  }
}

export type Audited = { actor: AuditActor; request?: AuditRequest | undefined };

/**
 * Creates a chat inbox (default widget settings) or an email inbox (Basic-auth webhook user
 * `webhook` with a generated password, and the Mailgun key when given), audited
 * `inbox.created`, in one transaction. Names and addresses are unique per workspace (409).
 * Returns the new row and, for email, the generated password (the only time it is shown).
 */
export async function createInboxSettings(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
  o: Audited & {
    workspaceId: string;
    name: string;
    channel: Channel;
    email?: EmailInboxSettings;
    mailgunSigningKey?: string | undefined;
  },
): Promise<{ row: InboxRow; basicPassword: string | null }> {
  const basicPassword = o.channel === 'email' ? randomBytes(24).toString('base64url') : null;
  const row = await inboxTransaction(ctx.db, async (tx) => {
    let id: string;
    let after: Record<string, unknown>;
    if (o.channel === 'email') {
      const secrets = { basicUser: 'webhook', basicPassword: basicPassword!, ...(o.mailgunSigningKey ? { mailgunSigningKey: o.mailgunSigningKey } : {}) };
      id = await createEmailInbox(tx, { workspaceId: o.workspaceId, name: o.name, email: o.email!, ...secrets });
      after = { name: o.name, channel: 'email', ...o.email, ...secrets };
    } else {
      id = await createInbox(tx, { workspaceId: o.workspaceId, name: o.name, channel: 'chat', settings: DEFAULT_CHAT_SETTINGS });
      after = { name: o.name, channel: 'chat' };
    }
    const at = ctx.clock.now();
    await tx.rows(sql`update inboxes set created_at = ${at}::timestamptz, updated_at = ${at}::timestamptz where id = ${id}::uuid`);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: o.actor, action: 'inbox.created', object: { type: 'inbox', id }, after, request: o.request, at });
    return loadInbox(tx, { workspaceId: o.workspaceId, inboxId: id });
  });
  return { row, basicPassword };
}

/** Publishes that the workspace's inboxes changed (live `inboxes:list` consumers fetch it again). */
export function publishInboxChanged(ctx: Pick<ServiceContext, 'bus'>, o: { workspaceId: string; inboxId: string; change: 'created' | 'updated' | 'deleted' }): void {
  ctx.bus.publish('inbox.changed', { workspaceId: toWire('workspace', o.workspaceId), inboxId: toWire('inbox', o.inboxId), change: o.change });
}
