import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import express, { Router, type Response } from 'express';
import { widgetConfigQuerySchema, type WidgetConfig } from '@support/protocol';
import { fromWire, toWire } from '../db/ids.js';
import { parse } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { anyAgentOnline, findChatInbox, publicWidgetSettings } from './widget.service.js';

/** Where `npm run build -w widget` writes the loader (`widget.js`) and its lazy chunks (`widget/`). */
export const WIDGET_DIST = fileURLToPath(new URL('../../../widget/dist', import.meta.url));

/** Any site may embed the widget: its files and its config are readable cross-origin, without credentials. */
const open = (res: Response) => {
  res.removeHeader('Access-Control-Allow-Credentials');
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
};

/**
 * The widget's public HTTP surface: `GET /widget.js` (the loader, short cache), `GET /widget/*`
 * (content-hashed chunks, cached for a year) and `GET /api/widget/config?inbox=inb_…`
 * (the inbox's widget settings and whether an agent is online; cacheable for 30 s).
 */
export function widgetRouter(ctx: ServiceContext, dist = WIDGET_DIST): Router {
  const router = Router();
  router.get('/widget.js', (_req, res, next) => {
    open(res);
    res.sendFile(join(dist, 'widget.js'), { headers: { 'Cache-Control': 'public, max-age=300' } }, (err) => err && next());
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
  router.get('/api/widget/config', async (req, res, next) => {
    try {
      open(res);
      const q = parse(widgetConfigQuerySchema, req.query);
      const inbox = await findChatInbox(ctx.db, fromWire('inbox', q.inbox));
      const body: WidgetConfig = {
        inboxId: toWire('inbox', inbox.id),
        name: inbox.name,
        settings: publicWidgetSettings(inbox),
        agentsOnline: await anyAgentOnline(ctx.db, inbox.workspace_id),
        attachmentMaxBytes: ctx.config.ATTACHMENT_MAX_BYTES,
      };
      res.setHeader('Cache-Control', 'public, max-age=30');
      res.json(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
