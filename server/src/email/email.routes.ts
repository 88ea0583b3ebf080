import type { Request } from 'express';
import { sql } from 'drizzle-orm';
import { decodeId, type EmailInboxCreated, type EmailOriginal } from '@support/protocol';
import { notFound } from '../http/errors.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import type { AgentIdentity } from '../agents/agents.service.js';
import { attachmentRef } from '../attachments/attachments.service.js';
import { visibleTicketSql } from '../tickets/visibility.js';
import { toWire } from '../db/ids.js';
import { userActor } from '../audit/audit.service.js';
import { createInboxSettings, publishInboxChanged, webhookUrl } from '../inboxes/inboxes.service.js';
import { publicBase } from '../inboxes/inboxes.routes.js';
import { auditRequest } from '../audit/audit.request.js';

type EmailRow = {
  message_id: string; direction: 'in' | 'out'; rfc_message_id: string; subject: string; headers: Record<string, string>;
  full_text: string; full_html: string | null; has_raw: boolean;
};

/**
 * Agent routes of the email domain:
 * `GET /api/email/messages/:messageId/original` (the full text and sanitized HTML, headers,
 * attachments) and `GET /api/email/messages/:messageId/raw` (the RFC 822 source, as a
 * download). Both answer only for a message of a ticket the member may see (NOT_FOUND
 * otherwise). And `POST /api/email/inboxes` (`settings.inboxes`) creates an email inbox with
 * generated webhook credentials (409 INBOX_NAME_TAKEN / INBOX_ADDRESS_TAKEN when the
 * workspace has one with that name or address).
 */
export function emailRoutes(ctx: ServiceContext): Pick<RouteHandlers, 'email.original' | 'email.raw' | 'email.inboxes.create'> {
  const load = async (req: Request, me: AgentIdentity) => {
    const id = decodeId('message', String(req.params.messageId));
    if (!id) throw notFound('email message');
    const [row] = await ctx.db.rows<EmailRow>(sql`select e.message_id, e.direction, e.rfc_message_id, e.subject, e.headers, e.full_text, e.full_html,
        e.raw is not null as has_raw
      from email_messages e join tickets t on t.id = e.ticket_id
      where e.message_id = ${id}::uuid and e.workspace_id = ${me.workspaceId}::uuid and ${visibleTicketSql(me)}`);
    if (!row) throw notFound('email message');
    return { row, id };
  };
  return {
    'email.original': async ({ req, res, me }) => {
      const { row, id } = await load(req, me);
      const files = await ctx.db.rows<{ id: string; filename: string; content_type: string; size: number; inline: boolean }>(sql`select id, filename,
          content_type, size, inline from attachments where message_id = ${id}::uuid and workspace_id = ${me.workspaceId}::uuid order by created_at, id`);
      const body: EmailOriginal = {
        messageId: toWire('message', row.message_id),
        direction: row.direction,
        rfcMessageId: row.rfc_message_id,
        subject: row.subject,
        headers: row.headers,
        text: row.full_text,
        html: row.full_html,
        hasRaw: row.has_raw,
        attachments: files.map(attachmentRef),
      };
      res.setHeader('Cache-Control', 'private, no-store');
      return body;
    },
    'email.inboxes.create': async ({ req, res, me, body: p }) => {
      const email = { address: p.address, ...(p.fromName ? { fromName: p.fromName } : {}), ...(p.replyDomain ? { replyDomain: p.replyDomain } : {}) };
      const { row, basicPassword } = await createInboxSettings(ctx, {
        workspaceId: me.workspaceId, actor: userActor(me), request: auditRequest(req), name: p.name, channel: 'email', email, mailgunSigningKey: p.mailgunSigningKey,
      });
      publishInboxChanged(ctx, { workspaceId: me.workspaceId, inboxId: row.id, change: 'created' });
      const id = toWire('inbox', row.id);
      const body: EmailInboxCreated = {
        inbox: { id, name: p.name, settings: { email } },
        webhook: { url: webhookUrl(publicBase(ctx, req), id), basicUser: 'webhook', basicPassword: basicPassword!, mailgunSigningKey: p.mailgunSigningKey ?? null },
      };
      res.status(201).setHeader('Cache-Control', 'no-store');
      return body;
    },
    'email.raw': async ({ req, res, me }) => {
      const { id } = await load(req, me);
      const [raw] = await ctx.db.rows<{ raw: Buffer | Uint8Array | null }>(sql`select raw from email_messages
        where message_id = ${id}::uuid and workspace_id = ${me.workspaceId}::uuid`);
      if (!raw?.raw) throw notFound('raw source');
      res.setHeader('Content-Type', 'message/rfc822');
      res.setHeader('Content-Disposition', `attachment; filename="${toWire('message', id)}.eml"`);
      res.setHeader('Cache-Control', 'private, no-store');
      res.end(Buffer.from(raw.raw));
    },
  };
}
