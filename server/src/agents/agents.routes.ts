import { Router, type Request } from 'express';
import { parse as parseCookie, serialize } from 'cookie';
import { loginSchema } from '@support/protocol';
import { AppError, parse } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { authenticate, getAgent, login, logout } from './agents.service.js';
import { WindowLimiter } from '../lib/window-limiter.js';

export const SESSION_COOKIE = 'sd_session';

/** The bearer token of a request: `Authorization: Bearer …`, else the session cookie. */
export function requestToken(req: Request): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  const c = req.headers.cookie;
  return c ? (parseCookie(c)[SESSION_COOKIE] ?? null) : null;
}

/** POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me. */
export function agentsRouter(ctx: ServiceContext): Router {
  const r = Router();
  const secure = ctx.config.PUBLIC_URL?.startsWith('https://') ?? false;

  // 10 failures per account and 100 per address (offices share one) in 15 minutes.
  const byAccount = new WindowLimiter(10);
  const byAddress = new WindowLimiter(100);
  r.post('/auth/login', async (req, res) => {
    const input = parse(loginSchema, req.body);
    const ip = req.ip ?? 'unknown';
    if (byAccount.blocked(input.email) || byAddress.blocked(ip))
      throw new AppError('RATE_LIMITED', 'too many failed logins; try again later');
    let result;
    try {
      result = await login(ctx, input);
    } catch (err) {
      if (err instanceof AppError && err.code === 'INVALID_CREDENTIALS') {
        byAccount.hit(input.email);
        byAddress.hit(ip);
      }
      throw err;
    }
    byAccount.clear(input.email);
    res.setHeader(
      'Set-Cookie',
      serialize(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: new Date(result.expiresAt) }),
    );
    res.json(result);
  });

  r.post('/auth/logout', async (req, res) => {
    const token = requestToken(req);
    if (token) await logout(ctx, token);
    res.setHeader('Set-Cookie', serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 0 }));
    res.status(204).end();
  });

  r.get('/auth/me', async (req, res) => {
    const token = requestToken(req);
    if (!token) throw new AppError('UNAUTHENTICATED', 'log in first');
    const me = await authenticate(ctx, token);
    res.json({ agent: await getAgent(ctx, me) });
  });
  return r;
}
