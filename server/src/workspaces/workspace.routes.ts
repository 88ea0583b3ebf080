import { LOGO_MAX_BYTES } from '@support/protocol';
import { fromWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import { auditRequest } from '../audit/audit.request.js';
import { userActor } from '../audit/audit.service.js';
import { readBody } from '../email/webhook-body.js';
import { open } from '../widget/widget.routes.js';
import { readWorkspaceLogo, setWorkspaceLogo } from './logo.service.js';
import { getWorkspaceSettings, updateWorkspace } from './settings.service.js';
import { withWorkspace } from '../db/scope.js';

type WorkspaceRoute = 'settings.workspace.get' | 'settings.workspace.update' | 'settings.workspace.logo.set' | 'settings.workspace.logo.delete' | 'workspaces.logo';

/**
 * The Workspace settings (`settings.workspace`): `GET|PATCH /api/settings/workspace` (name,
 * time zone, default language, audit retention; STALE-checked, audited),
 * `PUT /api/settings/workspace/logo` (the body is the image: PNG, JPEG, GIF or WebP up to
 * LOGO_MAX_BYTES), `DELETE /api/settings/workspace/logo`; and the public
 * `GET /api/workspaces/:workspaceId/logo/:logoId` the widget header and the inbox load (any
 * site, cached for good: a new upload has a new URL).
 */
export function workspaceRoutes(ctx: ServiceContext): Pick<RouteHandlers, WorkspaceRoute> {
  return {
    'settings.workspace.get': ({ me, res }) => {
      res.setHeader('Cache-Control', 'private, no-store');
      return getWorkspaceSettings(ctx, { workspaceId: me.workspaceId });
    },
    'settings.workspace.update': ({ me, req, body }) => updateWorkspace(ctx, { workspaceId: me.workspaceId, actor: userActor(me), request: auditRequest(req), ...body }),
    'settings.workspace.logo.set': async ({ me, req, query }) => {
      if (Number(req.headers['content-length'] ?? 0) > LOGO_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `the logo must be at most ${LOGO_MAX_BYTES / 1024} KB`);
      const content = await readBody(req, LOGO_MAX_BYTES);
      if (!content.length) throw new AppError('VALIDATION_FAILED', 'the body must be the logo image', [{ path: 'logo', message: 'choose an image' }]);
      return setWorkspaceLogo(ctx, { workspaceId: me.workspaceId, content, actor: userActor(me), request: auditRequest(req), expectedUpdatedAt: query.expectedUpdatedAt });
    },
    'settings.workspace.logo.delete': ({ me, req, query }) =>
      setWorkspaceLogo(ctx, { workspaceId: me.workspaceId, content: null, actor: userActor(me), request: auditRequest(req), expectedUpdatedAt: query.expectedUpdatedAt }),
    'workspaces.logo': async ({ res, params }) => {
      open(res);
      // The path names the workspace, so the lookup stays inside it.
      const workspaceId = fromWire('workspace', params.workspaceId);
      const logo = await withWorkspace(workspaceId, () => readWorkspaceLogo(ctx, { workspaceId, logoId: fromWire('logo', params.logoId) }));
      res.setHeader('Content-Type', logo.contentType);
      res.setHeader('Content-Length', String(logo.content.length));
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.setHeader('ETag', `"${logo.sha256}"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.end(logo.content);
    },
  };
}
