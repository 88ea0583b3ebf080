import type { Response } from 'express';
import { serialize } from 'cookie';
import type { LoginResult } from '@support/protocol';
import { AppError } from '../http/errors.js';
import { requestToken, SESSION_COOKIE, type RouteHandlers } from '../http/routes.js';
import { fromWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import type { CounterFactory, HitCounter } from '../lib/window-limiter.js';
import { createOwnedWorkspace } from '../workspaces/workspaces.service.js';
import { login, logout, sessionInfo, switchWorkspace } from './agents.service.js';
import { recordLoginFailure } from '../audit/audit.service.js';
import { auditRequest } from '../audit/audit.request.js';
import { privileged } from '../db/scope.js';

/** Failed logins allowed per account and per client address (offices share one) in the window. */
export const LOGIN_LIMITS = { perAccount: 10, perAddress: 100, windowMs: 15 * 60_000 };

/** The failed-login counters: per account and per client address. Made once per app: every password check shares them. */
export type LoginLimiters = { byAccount: HitCounter; byAddress: HitCounter };
export const loginLimiters = (counters: CounterFactory): LoginLimiters => ({
  byAccount: counters('login:account', LOGIN_LIMITS.perAccount, LOGIN_LIMITS.windowMs),
  byAddress: counters('login:address', LOGIN_LIMITS.perAddress, LOGIN_LIMITS.windowMs),
});

/** Sets the session cookie of a login, switch or accepted invitation (Secure when PUBLIC_URL is https). */
export function setSessionCookie(ctx: ServiceContext, res: Response, result: LoginResult): void {
  const secure = ctx.config.PUBLIC_URL?.startsWith('https://') ?? false;
  res.setHeader(
    'Set-Cookie',
    serialize(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: new Date(result.expiresAt) }),
  );
}

/**
 * The auth routes (`/api/auth/login`, `logout`, `me`, `switch`) and `POST /api/workspaces`.
 * Login attempts are counted before the password is checked (with Redis, across every node),
 * so concurrent guesses cannot all pass a check made before any of them failed. Login and
 * switch set the session cookie of the workspace they chose.
 */
export function authRoutes(
  ctx: ServiceContext,
  limits: LoginLimiters,
): Pick<RouteHandlers, 'auth.login' | 'auth.logout' | 'auth.me' | 'auth.switch' | 'workspaces.create'> {
  const secure = ctx.config.PUBLIC_URL?.startsWith('https://') ?? false;
  const setSession = (res: Response, result: LoginResult) => setSessionCookie(ctx, res, result);
  const { byAccount, byAddress } = limits;

  return {
    'auth.login': async ({ req, res, body }) => {
      const ip = req.ip ?? 'unknown';
      const limited = () => new AppError('RATE_LIMITED', 'too many failed logins; try again later');
      if (!(await byAddress.take(ip))) throw limited();
      if (!(await byAccount.take(body.email))) {
        await byAddress.release(ip);
        throw limited();
      }
      // A failure keeps both hits; a success clears the account and gives the address its hit back.
      const request = auditRequest(req);
      const credentials = { email: body.email, password: body.password, workspaceId: body.workspaceId && fromWire('workspace', body.workspaceId) };
      // crosses workspaces: an address and a password name an account, in whichever workspaces it is a member of.
      const result = await privileged('login', () => login(ctx, credentials, request)).catch((err: unknown) => {
        // Recorded once the answer is sent: its timing must not tell whether the address exists.
        if (err instanceof AppError && err.code === 'INVALID_CREDENTIALS')
          res.once('close', () => {
            // crosses workspaces: a failed sign-in is logged in every workspace of the account named.
            privileged('login', () => recordLoginFailure(ctx.db, { email: body.email, request, at: ctx.clock.now() })).catch((e: unknown) =>
              ctx.logger.error({ err: e }, 'could not record a failed sign-in'),
            );
          });
        throw err;
      });
      await Promise.all([byAccount.clear(body.email), byAddress.release(ip)]);
      setSession(res, result);
      return result;
    },
    'auth.logout': async ({ req, res }) => {
      const token = requestToken(req);
      // crosses workspaces: the token names the session to end before its workspace is known.
      if (token) await privileged('session', () => logout(ctx, token, auditRequest(req)));
      res.setHeader('Set-Cookie', serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 0 }));
      res.status(204).end();
    },
    // crosses workspaces: the workspace switcher lists every workspace the account is a member of.
    'auth.me': ({ me }) => privileged('account', () => sessionInfo(ctx, me)),
    'auth.switch': async ({ me, req, res, body }) => {
      // crosses workspaces: from the session's workspace to another of the account's (its membership is checked).
      const result = await privileged('switch-workspace', () => switchWorkspace(ctx, me, fromWire('workspace', body.workspaceId), auditRequest(req)));
      setSession(res, result);
      return result;
    },
    'workspaces.create': async ({ me, req, res, body }) => {
      res.status(201);
      // crosses workspaces: being an owner of any workspace allows it, and it writes a workspace that is not the session's.
      return privileged('create-workspace', () => createOwnedWorkspace(ctx, { userId: me.userId, name: body.name, request: auditRequest(req) }));
    },
  };
}
