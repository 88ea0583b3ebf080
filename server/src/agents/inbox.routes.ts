import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

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
 * Serves the built agent inbox (`inbox/dist`) at the mount point: hashed files under
 * `assets/` are cached for a year, `index.html` is revalidated on every load, and any other
 * GET (a deep link such as `/inbox/t/tkt_…`) gets `index.html` so the app routes it, with a
 * strict Content-Security-Policy.
 */
export function inboxRouter(distDir: string): Router {
  const router = Router();
  const index = join(distDir, 'index.html');
  router.use('/assets', express.static(join(distDir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  // A missing hashed file (an old build's) is a plain 404, never the app's HTML.
  router.use('/assets', (_req, res) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
  router.use(express.static(distDir, { index: false, maxAge: 0 }));
  router.get('/{*path}', (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The inbox is not built: run `npm run build:web`.\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.sendFile(index);
  });
  return router;
}
