import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { LIMITS } from '@support/protocol';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { AppError, toErrorBody } from './errors.js';

/**
 * True when a browser request's `Origin` may act with the agent's cookie: one of
 * `allowedOrigins` (PUBLIC_URL's origin, AGENT_ORIGINS) or the server's own origin (the
 * `Host` the request was sent to, over either scheme: TLS may end at a proxy).
 */
export function originAllowed(origin: string, host: string | undefined, allowedOrigins: Set<string>): boolean {
  return allowedOrigins.has(origin) || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence beyond SameSite=Strict (which lets sibling subdomains through): a
 * state-changing request that does not carry `Authorization: Bearer` (so the browser may
 * have attached the session cookie, or it is a login) must come from the page's own origin
 * (`Sec-Fetch-Site: same-origin` or `none`) or from an allowed origin (`Origin` header).
 * A request with neither header (a non-browser client, a very old browser) passes: SameSite
 * still covers those. Refused: 403 ORIGIN_NOT_ALLOWED.
 */
export function sameOriginGuard(allowedOrigins: Set<string>): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || req.headers.authorization?.startsWith('Bearer ')) return next();
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    if (site === 'same-origin' || site === 'none') return next();
    if (origin ? originAllowed(origin, req.headers.host, allowedOrigins) : !site) return next();
    next(new AppError('ORIGIN_NOT_ALLOWED', 'cross-site request refused: send it from the inbox origin, or with Authorization: Bearer'));
  };
}

/** Whether to trust the proxy at `addr`, the `i`-th hop from us (Express's compiled `trust proxy`). */
export type TrustFn = (addr: string, i: number) => boolean;

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * Express with JSON parsing limits and no framework fingerprint. Every request gets an id
 * (`res.locals.requestId`, answered in `X-Request-Id`, kept in audit events and error logs):
 * the `X-Request-Id` a trusted proxy sent (TRUST_PROXY), else a new UUID.
 */
export function baseApp(trustProxy: Config['TRUST_PROXY']): Express {
  const app = express();
  app.disable('x-powered-by');
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  const trust = app.get('trust proxy fn') as TrustFn;
  app.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const given = req.headers['x-request-id'];
    const fromProxy = typeof given === 'string' && REQUEST_ID.test(given) && trust(req.socket.remoteAddress ?? '', 0);
    res.locals.requestId = fromProxy ? given : randomUUID();
    res.setHeader('X-Request-Id', res.locals.requestId as string);
    next();
  });
  // Webhooks and uploads read their own bodies, with their own limits.
  const ownBody = (url: string) =>
    url.startsWith('/webhooks/') || url.startsWith('/api/attachments') || url.startsWith('/api/settings/workspace/logo') || url.startsWith('/api/account/avatar') ||
    url.startsWith('/api/settings/calendars/holidays/ics');
  app.use(
    express.json({
      limit: LIMITS.restBodyBytes,
      strict: true,
      type: (req) => !ownBody(req.url ?? '') && /^application\/json\s*(;|$)/i.test(String(req.headers['content-type'] ?? '')),
    }),
  );
  return app;
}

/**
 * Express's and body-parser's own errors as AppErrors: what the client sent could not be read
 * (JSON, size, encoding, a body that does not decompress, a URL that does not percent-decode).
 * Anything else is returned as is.
 */
function requestError(err: unknown): unknown {
  if (err instanceof AppError || !(err instanceof Error)) return err;
  const { type, status } = err as { type?: string; status?: number };
  if (type === 'entity.parse.failed') return new AppError('INVALID_JSON', 'request body is not valid JSON');
  if (type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', `request body over ${LIMITS.restBodyBytes} bytes`);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
  // The router marks a path parameter it cannot decode (URIError) with status 400.
  if (err instanceof URIError || (status === 400 && /failed to decode param/i.test(err.message)))
    return new AppError('VALIDATION_FAILED', 'the URL has malformed percent-encoding');
  // body-parser: a gzip/deflate/br body that does not decompress, a body cut short or longer than
  // its Content-Length (http-errors with a 4xx status).
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError('INVALID_BODY', 'request body could not be read (bad Content-Encoding data or length)');
  return err;
}

/** The one error handler: AppError → its status and code; request errors (body-parser, URL) → 4xx; the rest → 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { body, status, internal } = toErrorBody(requestError(err));
    if (internal) logger.error({ err, method: req.method, url: req.originalUrl, requestId: res.locals.requestId }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({ error: body });
  };
}
