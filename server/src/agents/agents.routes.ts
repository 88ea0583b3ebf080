import { Router, type Request } from 'express';
import { parse as parseCookie, serialize } from 'cookie';
import { loginSchema } from '@support/protocol';
import { AppError, parse } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { authenticate, getAgent, login, logout } from './agents.service.js';
import type { CounterFactory } from '../lib/window-limiter.js';
import { recordLoginFailure } from '../audit/audit.service.js';
import { auditRequest } from '../audit/audit.request.js';

export const SESSION_COOKIE = 'sd_session';

/** The bearer token of a request: `Authorization: Bearer …`, else the session cookie. */
export function requestToken(req: Request): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  const c = req.headers.cookie;
  return c ? (parseCookie(c)[SESSION_COOKIE] ?? null) : null;
}

/** Failed logins allowed per account and per client address (offices share one) in the window. */
export const LOGIN_LIMITS = { perAccount: 10, perAddress: 100, windowMs: 15 * 60_000 };

/**
 * POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me. Login attempts are counted
 * before the password is checked (with Redis, across every node), so concurrent guesses
 * cannot all pass a check made before any of them failed.
 */
export function agentsRouter(ctx: ServiceContext, counters: CounterFactory): Router {
  const r = Router();
  const secure = ctx.config.PUBLIC_URL?.startsWith('https://') ?? false;

  const byAccount = counters('login:account', LOGIN_LIMITS.perAccount, LOGIN_LIMITS.windowMs);
  const byAddress = counters('login:address', LOGIN_LIMITS.perAddress, LOGIN_LIMITS.windowMs);
  r.post('/auth/login', async (req, res) => {
    const input = parse(loginSchema, req.body);
    const ip = req.ip ?? 'unknown';
    const limited = () => new AppError('RATE_LIMITED', 'too many failed logins; try again later');
    if (!(await byAddress.take(ip))) throw limited();
    if (!(await byAccount.take(input.email))) {
      await byAddress.release(ip);
      throw limited();
    }
    // A failure keeps both hits; a success clears the account and gives the address its hit back.
    const request = auditRequest(req);
    const result = await login(ctx, input, request).catch((err: unknown) => {
      // Recorded once the answer is sent: its timing must not tell whether the address exists.
      if (err instanceof AppError && err.code === 'INVALID_CREDENTIALS')
        res.once('close', () => {
          recordLoginFailure(ctx.db, { email: input.email, request, at: ctx.clock.now() }).catch((e: unknown) =>
            ctx.logger.error({ err: e }, 'could not record a failed sign-in'),
          );
        });
      throw err;
    });
    await Promise.all([byAccount.clear(input.email), byAddress.release(ip)]);
    res.setHeader(
      'Set-Cookie',
      serialize(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: new Date(result.expiresAt) }),
    );
    res.json(result);
  });

  r.post('/auth/logout', async (req, res) => {
    const token = requestToken(req);
    if (token) await logout(ctx, token, auditRequest(req));
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
