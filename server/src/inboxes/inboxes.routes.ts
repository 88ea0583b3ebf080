import type { Request } from 'express';
import type { CredentialsRegenerated, InboxCreated, InboxSecret } from '@support/protocol';
import { fromWire, toWire } from '../db/ids.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import type { AgentIdentity } from '../agents/agents.service.js';
import { userActor } from '../audit/audit.service.js';
import { auditRequest } from '../audit/audit.request.js';
import { sendTestMail } from '../email/test-mail.js';
import { createInboxSettings, inboxDetail, listInboxSettings, loadInbox, publishInboxChanged, webhookUrl, type InboxRow } from './inboxes.service.js';
import { updateInboxSettings } from './inbox.edit.js';
import { deleteInboxSettings } from './inbox.delete.js';
import { regenerateWebhookPassword, revealInboxSecret, rotateInboxSecret } from './inbox.secrets.js';

type InboxRoute =
  | 'settings.inboxes.list' | 'settings.inboxes.create' | 'settings.inboxes.get' | 'settings.inboxes.update' | 'settings.inboxes.delete'
  | 'settings.inboxes.secret.reveal' | 'settings.inboxes.secret.rotate' | 'settings.inboxes.credentials.regenerate' | 'settings.inboxes.testMail';

/** Where clients reach this server: PUBLIC_URL, else the request's own origin (no trailing slash). */
export const publicBase = (ctx: Pick<ServiceContext, 'config'>, req: Request): string =>
  (ctx.config.PUBLIC_URL ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '');

/**
 * `/api/settings/inboxes`: the Inboxes settings (every route `settings.inboxes`, declared in
 * the protocol's ROUTES). Answers carry secrets by their last four characters only, except
 * the reveal and rotation of the identity secret and a new webhook password (each audited).
 * Responses that carry a secret are not cached.
 */
export function inboxSettingsRoutes(ctx: ServiceContext): Pick<RouteHandlers, InboxRoute> {
  const who = (me: AgentIdentity, req: Request) => ({ workspaceId: me.workspaceId, actor: userActor(me), request: auditRequest(req) });
  const target = (me: AgentIdentity, req: Request, inboxId: string) => ({ ...who(me, req), inboxId: fromWire('inbox', inboxId) });
  const detail = (req: Request, row: InboxRow) => inboxDetail(row, { base: publicBase(ctx, req), globalSmtp: Boolean(ctx.config.SMTP_URL) });
  return {
    'settings.inboxes.list': ({ me }) => listInboxSettings(ctx, { workspaceId: me.workspaceId }),
    'settings.inboxes.get': async ({ req, me, params }) => detail(req, await loadInbox(ctx.db, { workspaceId: me.workspaceId, inboxId: fromWire('inbox', params.inboxId) })),
    'settings.inboxes.create': async ({ req, res, me, body }) => {
      const email =
        body.channel === 'email'
          ? { address: body.address, ...(body.fromName ? { fromName: body.fromName } : {}), ...(body.replyDomain ? { replyDomain: body.replyDomain } : {}) }
          : undefined;
      const { row, basicPassword } = await createInboxSettings(ctx, {
        ...who(me, req),
        name: body.name,
        channel: body.channel,
        ...(email ? { email } : {}),
        mailgunSigningKey: body.channel === 'email' ? body.mailgunSigningKey : undefined,
      });
      publishInboxChanged(ctx, { workspaceId: me.workspaceId, inboxId: row.id, change: 'created' });
      res.status(201).setHeader('Cache-Control', 'no-store');
      const created: InboxCreated = {
        inbox: detail(req, row),
        webhook: basicPassword ? { url: webhookUrl(publicBase(ctx, req), toWire('inbox', row.id)), basicUser: 'webhook', basicPassword } : null,
      };
      return created;
    },
    'settings.inboxes.update': async ({ req, me, params, body }) => detail(req, await updateInboxSettings(ctx, { ...target(me, req, params.inboxId), patch: body })),
    'settings.inboxes.delete': async ({ req, me, params, query }) =>
      deleteInboxSettings(ctx, { ...target(me, req, params.inboxId), tickets: query.tickets, moveTo: query.moveTo && fromWire('inbox', query.moveTo) }),
    'settings.inboxes.secret.reveal': async ({ req, res, me, params }) => {
      const { secret, row } = await revealInboxSecret(ctx, target(me, req, params.inboxId));
      res.setHeader('Cache-Control', 'no-store');
      const body: InboxSecret = { secret, inbox: detail(req, row) };
      return body;
    },
    'settings.inboxes.secret.rotate': async ({ req, res, me, params }) => {
      const { secret, row } = await rotateInboxSecret(ctx, target(me, req, params.inboxId));
      res.setHeader('Cache-Control', 'no-store');
      const body: InboxSecret = { secret, inbox: detail(req, row) };
      return body;
    },
    'settings.inboxes.credentials.regenerate': async ({ req, res, me, params }) => {
      const { basicUser, basicPassword, row } = await regenerateWebhookPassword(ctx, target(me, req, params.inboxId));
      res.setHeader('Cache-Control', 'no-store');
      const body: CredentialsRegenerated = { basicUser, basicPassword, inbox: detail(req, row) };
      return body;
    },
    'settings.inboxes.testMail': ({ req, me, params }) => sendTestMail(ctx, { ...target(me, req, params.inboxId), to: me.email }),
  };
}
