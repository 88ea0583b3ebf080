import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import express, { Router, type Response } from 'express';
import type { WidgetConfig } from '@support/protocol';
import { teamHours } from '../calendars/team-hours.js';
import { fromWire, toWire } from '../db/ids.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import { anyAgentOnline, findChatInbox, publicWidgetSettings } from './widget.service.js';
import { workspaceBrand } from '../workspaces/settings.service.js';
import { scopeToWorkspace } from '../db/scope.js';

/** Where `npm run build -w widget` writes the loader (`widget.js`) and its lazy chunks (`widget/`). */
export const WIDGET_DIST = fileURLToPath(new URL('../../../widget/dist', import.meta.url));

/** Any site may embed the widget: its files and its config are readable cross-origin, without credentials. */
export const open = (res: Response) => {
  res.removeHeader('Access-Control-Allow-Credentials');
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
};

/**
 * The widget's public HTTP surface: `GET /widget.js` (the loader, short cache), `GET /widget/*`
 * (content-hashed chunks, cached for a year: `widgetChunks`, a middleware) and
 * `GET /api/widget/config?inbox=inb_…` (the inbox's widget settings, whether an agent is
 * online, the workspace's logo and language; cacheable for 30 s, per `Origin`; 403
 * WIDGET_ORIGIN_NOT_ALLOWED on a site the inbox does not allow), and `GET /widget/preview`
 * (the settings' live preview page: framed by the inbox only, no connection allowed).
 */
export function widgetRoutes(ctx: ServiceContext, dist = WIDGET_DIST): Pick<RouteHandlers, 'widget.loader' | 'widget.config' | 'widget.preview'> {
  // The preview is framed by the inbox: this origin, PUBLIC_URL's, AGENT_ORIGINS.
  const framers = ["'self'", ...(ctx.config.PUBLIC_URL ? [new URL(ctx.config.PUBLIC_URL).origin] : []), ...ctx.config.AGENT_ORIGINS].join(' ');
  const previewCsp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // No connection at all: the preview can neither start a session nor send anything.
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${framers}`,
  ].join('; ');
  return {
    'widget.preview': ({ req, res }) => {
      res.setHeader('Content-Security-Policy', previewCsp);
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.sendFile(join(dist, 'preview.html'), (err) => {
        if (err && !res.headersSent) res.status(404).type('text/plain').send(`Not found: ${req.path}\n`);
      });
    },
    'widget.loader': ({ res, req }) => {
      open(res);
      res.sendFile(join(dist, 'widget.js'), { headers: { 'Cache-Control': 'public, max-age=300' } }, (err) => {
        if (err && !res.headersSent) res.status(404).type('text/plain').send(`Not found: ${req.path}\n`);
      });
    },
    // Opened to every site by `widgetChunks` (errors included).
    'widget.config': async ({ req, res, query }) => {
      // The answer depends on the page's origin when the inbox lists allowed origins.
      res.setHeader('Vary', 'Origin');
      const inbox = await findChatInbox(ctx.db, fromWire('inbox', query.inbox), { origin: req.headers.origin ?? null });
      scopeToWorkspace(inbox.workspace_id);
      const body: WidgetConfig = {
        inboxId: toWire('inbox', inbox.id),
        name: inbox.name,
        settings: publicWidgetSettings(inbox),
        agentsOnline: await anyAgentOnline(ctx.db, inbox.workspace_id),
        hours: publicWidgetSettings(inbox).awayOutsideHours ? await teamHours(ctx.db, { workspaceId: inbox.workspace_id, now: ctx.clock.now() }) : null,
        attachmentMaxBytes: ctx.config.ATTACHMENT_MAX_BYTES,
        ...(await workspaceBrand(ctx.db, inbox.workspace_id)),
      };
      res.setHeader('Cache-Control', 'public, max-age=30');
      return body;
    },
  };
}

/**
 * `GET /widget/*`: the widget's content-hashed chunks, cached for a year, readable from any
 * site; and the cross-origin headers of `/api/widget/config`, errors included. Mount after
 * the inbox's credentialed CORS for `/api` (app.ts), which this overrides there.
 */
export function widgetChunks(dist = WIDGET_DIST): Router {
  const router = Router();
  router.use('/api/widget/config', (_req, res, next) => {
    open(res);
    next();
  });
  router.use(
    '/widget',
    express.static(join(dist, 'widget'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
      setHeaders: (res) => open(res as Response),
    }),
  );
  return router;
}
