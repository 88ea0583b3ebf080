import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteHandlers } from '../http/routes.js';
import { idSchema } from '@support/protocol';

const inboxIdSchema = idSchema('inbox');

/** Scripts and styles from this origin only (the page's own and the widget's); never framed. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The pages a newcomer opens first. `GET /`: a small product page with the chat widget
 * embedded (the inbox of `?inbox=inb_…`, else `demoInbox()`, the demo workspace's chat inbox
 * when this server seeded one, else none and a note on how to choose one) and links to the
 * agent inbox, under a strict CSP, which the widget needs nothing beyond. `GET /debug`: a
 * minimal client of the socket protocol. Both come from `publicDir` (`demo.html`, `debug.html`).
 */
export function demoRoutes(publicDir: string, demoInbox: () => string | undefined): Pick<RouteHandlers, 'demo.page' | 'demo.debug'> {
  const template = readFileSync(join(publicDir, 'demo.html'), 'utf8');
  const page: RouteHandlers['demo.page'] = ({ req, res }) => {
    // A valid inbox id is [a-z0-9_] only, so it goes into the HTML as it is.
    const q = inboxIdSchema.safeParse(req.query.inbox);
    const fallback = inboxIdSchema.safeParse(demoInbox());
    const inbox = q.success ? q.data : fallback.success ? fallback.data : null;
    const html = template
      .replaceAll('%INBOX%', inbox ?? 'inb_…')
      .replace('%NO_INBOX%', inbox ? 'hidden' : '')
      .replace('<!--widget-->', inbox ? `<script src="/widget.js" data-inbox="${inbox}" async></script>` : '');
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html);
  };
  return {
    'demo.page': page,
    'demo.debug': ({ res }) => res.sendFile(join(publicDir, 'debug.html')),
  };
}
