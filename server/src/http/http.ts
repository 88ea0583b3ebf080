import express, { type ErrorRequestHandler, type Express } from 'express';
import { LIMITS } from '@support/protocol';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { AppError, toErrorBody } from './errors.js';

/** Whether to trust the proxy at `addr`, the `i`-th hop from us (Express's compiled `trust proxy`). */
export type TrustFn = (addr: string, i: number) => boolean;

/** Express with JSON parsing limits and no framework fingerprint. */
export function baseApp(trustProxy: Config['TRUST_PROXY']): Express {
  const app = express();
  app.disable('x-powered-by');
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  // Webhooks and uploads read their own bodies, with their own limits.
  const ownBody = (url: string) => url.startsWith('/webhooks/') || url.startsWith('/api/attachments');
  app.use(
    express.json({
      limit: LIMITS.restBodyBytes,
      strict: true,
      type: (req) => !ownBody(req.url ?? '') && /^application\/json\s*(;|$)/i.test(String(req.headers['content-type'] ?? '')),
    }),
  );
  return app;
}

/** The one error handler: AppError → its status and code; body-parser errors → 4xx; the rest → 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: unknown = err;
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') e = new AppError('INVALID_JSON', 'request body is not valid JSON');
    else if (type === 'entity.too.large') e = new AppError('PAYLOAD_TOO_LARGE', `request body over ${LIMITS.restBodyBytes} bytes`);
    else if (type === 'encoding.unsupported' || type === 'charset.unsupported')
      e = new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
    const { body, status, internal } = toErrorBody(e);
    if (internal) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({ error: body });
  };
}
