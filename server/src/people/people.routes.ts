import type { Request } from 'express';
import { fromWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import { hashToken } from '../lib/tokens.js';
import type { CounterFactory } from '../lib/window-limiter.js';
import { auditRequest } from '../audit/audit.request.js';
import { readBody } from '../email/webhook-body.js';
import { setSessionCookie, type LoginLimiters } from '../agents/agents.routes.js';
import { AVATAR_MAX_BYTES } from '@support/protocol';
import { acceptInvitation, inviteMember, listInvitations, previewInvitation, resendInvitation, revokeInvitation } from './invitations.service.js';
import { changePassword, checkPasswordReset, getAccount, requestPasswordReset, resetPassword, updateAccount } from './accounts.service.js';
import { readAvatar, removeAvatar, setAvatar } from './avatars.service.js';
import { linkOptions } from './links.js';
import type { SystemMailOf } from '../email/system-mail.js';
import { privileged } from '../db/scope.js';

/** Reset requests allowed per address asked about and per client address, and link checks per client address, in the window. */
export const RESET_LIMITS = { perAccount: 5, perAddress: 30, windowMs: 60 * 60_000 };

type PeopleRoute =
  | 'settings.invitations.list' | 'settings.invitations.create' | 'settings.invitations.resend' | 'settings.invitations.revoke'
  | 'auth.invitation.preview' | 'auth.invitation.accept' | 'auth.password.forgot' | 'auth.password.check' | 'auth.password.reset'
  | 'account.get' | 'account.update' | 'account.password' | 'account.avatar.set' | 'account.avatar.delete' | 'avatars.get';

const limited = () => new AppError('RATE_LIMITED', 'too many attempts; try again later');

/**
 * Invitations (`/api/settings/invitations`), their acceptance and password resets (public,
 * `/api/auth/invitation/…`, `/api/auth/password/…`), the signed-in account (`/api/account`)
 * and avatars. Password checks share the login limits; reset requests and link checks have
 * their own. `wakeMail` sends the system mail a request just queued at once, on this node.
 */
export function peopleRoutes(ctx: ServiceContext, o: { login: LoginLimiters; counters: CounterFactory; wakeMail: (only: SystemMailOf) => void }): Pick<RouteHandlers, PeopleRoute> {
  const resetByAccount = o.counters('reset:account', RESET_LIMITS.perAccount, RESET_LIMITS.windowMs);
  const resetByAddress = o.counters('reset:address', RESET_LIMITS.perAddress, RESET_LIMITS.windowMs);
  const { byAccount, byAddress } = o.login;
  const ip = (req: Request) => req.ip ?? 'unknown';
  const actorOf = (me: { userId: string }) => ({ type: 'agent' as const, id: me.userId });
  /** Runs a password check under the login limits: `key` is the account's; success gives the hits back. */
  const guarded = async <T>(req: Request, key: string, run: () => Promise<T>): Promise<T> => {
    if (!(await byAddress.take(ip(req)))) throw limited();
    if (!(await byAccount.take(key))) {
      await byAddress.release(ip(req));
      throw limited();
    }
    const out = await run();
    await Promise.all([byAccount.clear(key), byAddress.release(ip(req))]);
    return out;
  };
  const resetHit = async (req: Request) => {
    if (!(await resetByAddress.take(ip(req)))) throw limited();
  };

  return {
    'settings.invitations.list': ({ me }) => listInvitations(ctx, { workspaceId: me.workspaceId }),
    'settings.invitations.create': async ({ me, req, res, body }) => {
      const issued = await inviteMember(ctx, {
        workspaceId: me.workspaceId, actor: actorOf(me), email: body.email, role: body.role, roleId: body.roleId ? fromWire('role', body.roleId) : null,
        teamIds: body.teamIds.map((t) => fromWire('team', t)), request: auditRequest(req), ...linkOptions(ctx.config, 'accept', req, true),
      });
      o.wakeMail({ invitationId: fromWire('invitation', issued.invitation.id) });
      res.status(201);
      return issued;
    },
    'settings.invitations.resend': async ({ me, req, params }) => {
      const issued = await resendInvitation(ctx, {
        workspaceId: me.workspaceId, invitationId: fromWire('invitation', params.invitationId), actor: actorOf(me), request: auditRequest(req),
        ...linkOptions(ctx.config, 'accept', req, true),
      });
      o.wakeMail({ invitationId: fromWire('invitation', issued.invitation.id) });
      return issued;
    },
    'settings.invitations.revoke': async ({ me, req, res, params }) => {
      await revokeInvitation(ctx, { workspaceId: me.workspaceId, invitationId: fromWire('invitation', params.invitationId), actor: actorOf(me), request: auditRequest(req) });
      res.status(204).end();
    },

    'auth.invitation.preview': async ({ req, body }) => {
      await resetHit(req);
      // crosses workspaces: the token is all the caller has; it names the workspace.
      return privileged('invitation', () => previewInvitation(ctx, body.token));
    },
    'auth.invitation.accept': async ({ req, res, body }) => {
      // The invitation names one account: its hash is that account's key under the login limits.
      const result = await guarded(req, `invitation:${hashToken(body.token)}`, () =>
        // crosses workspaces: the token names the workspace joined, and an existing account's other memberships are read.
        privileged('invitation', () => acceptInvitation(ctx, { token: body.token, name: body.name, password: body.password, request: auditRequest(req) })),
      );
      setSessionCookie(ctx, res, result);
      return result;
    },
    'auth.password.forgot': async ({ req, res, body }) => {
      await resetHit(req);
      if (!(await resetByAccount.take(body.email))) throw limited();
      // Answered before anything is looked up: the answer and its timing are the same for every address.
      const request = auditRequest(req);
      res.once('finish', () => {
        // crosses workspaces: an address names an account; it is audited in each of its workspaces.
        privileged('password-reset', () => requestPasswordReset(ctx, { email: body.email, request, ...linkOptions(ctx.config, 'reset') })).then(
          (userId) => userId && o.wakeMail({ userId }),
          (err: unknown) => ctx.logger.error({ err }, 'could not handle a password-reset request'),
        );
      });
      res.status(202);
      return { ok: true };
    },
    'auth.password.check': async ({ req, body }) => {
      await resetHit(req);
      // crosses workspaces: the token names an account (password_resets is no tenant table; kept uniform).
      return privileged('password-reset', () => checkPasswordReset(ctx, body.token));
    },
    'auth.password.reset': async ({ req, res, body }) => {
      await resetHit(req);
      // crosses workspaces: the account's sessions end, and the reset is audited, in every workspace of it.
      await privileged('password-reset', () => resetPassword(ctx, { token: body.token, password: body.password, request: auditRequest(req) }));
      res.status(204).end();
    },

    'account.get': ({ me }) => getAccount(ctx.db, { userId: me.userId }),
    // crosses workspaces (the account routes below): an account's change is audited in every workspace it is a member of.
    'account.update': ({ me, req, body }) =>
      privileged('account', () => updateAccount(ctx, {
        userId: me.userId, name: body.name, signature: body.signature, notificationPrefs: body.notificationPrefs, expectedUpdatedAt: body.expectedUpdatedAt,
        request: auditRequest(req),
      })),
    'account.password': async ({ me, req, res, body }) => {
      // crosses workspaces: the account's other sessions end, and the change is audited, in every workspace of it.
      await guarded(req, me.email.toLowerCase(), () => privileged('account', () => changePassword(ctx, { me, currentPassword: body.currentPassword, newPassword: body.newPassword, request: auditRequest(req) })));
      res.status(204).end();
    },
    'account.avatar.set': async ({ me, req }) => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!type.startsWith('image/')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the image as the body, with its type (image/png, image/jpeg, image/gif or image/webp)');
      if (Number(req.headers['content-length'] ?? 0) > AVATAR_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `an avatar is at most ${AVATAR_MAX_BYTES / 1024} KB`);
      const content = await readBody(req, AVATAR_MAX_BYTES);
      // crosses workspaces: the avatar is the account's; the change is audited in every workspace of it.
      return privileged('account', () => setAvatar(ctx, { userId: me.userId, contentType: type, content, request: auditRequest(req) }));
    },
    // crosses workspaces: as above.
    'account.avatar.delete': ({ me, req }) => privileged('account', () => removeAvatar(ctx, { userId: me.userId, request: auditRequest(req) })),
    'avatars.get': async ({ me, res, params }) => {
      const a = await readAvatar(ctx, { workspaceId: me.workspaceId, userId: fromWire('user', params.userId) });
      res.setHeader('Content-Type', a.contentType);
      res.setHeader('Content-Disposition', 'inline; filename="avatar"');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      // The URL changes with each upload (`?v=`): cache it, privately.
      res.setHeader('Cache-Control', 'private, max-age=86400');
      res.end(a.data);
    },
  };
}
