import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';
import type { RouteHandlers } from '../http/routes.js';

/**
 * Scripts only from this origin (a second wall behind rendering everything agents and
 * visitors typed as text); sockets to this origin; never framed (clickjacking).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The built agent inbox (`inbox/dist`) under `/inbox`: hashed files under `assets/` are cached
 * for a year (a missing one is a plain 404, never the app's HTML), other files are served
 * revalidated. A middleware: mount it at `/inbox`, before the routes.
 */
export function inboxFiles(distDir: string): Router {
  const router = Router();
  router.use('/assets', express.static(join(distDir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  // A missing hashed file (an old build's) is a plain 404, never the app's HTML.
  router.use('/assets', (_req, res) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
  router.use(express.static(distDir, { index: false, maxAge: 0 }));
  return router;
}

/**
 * `GET /inbox{/*path}`: any other GET under /inbox (a deep link such as `/inbox/t/tkt_…`)
 * gets `index.html`, revalidated on every load, so the app routes it, with a strict
 * Content-Security-Policy.
 */
export function inboxRoutes(distDir: string): Pick<RouteHandlers, 'inbox.app'> {
  const index = join(distDir, 'index.html');
  return {
    'inbox.app': ({ res }) => {
      if (!existsSync(index)) {
        res.status(503).type('text/plain').send('The inbox is not built: run `npm run build:web`.\n');
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('Content-Security-Policy', CSP);
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('Referrer-Policy', 'same-origin');
      res.sendFile(index);
    },
  };
}
