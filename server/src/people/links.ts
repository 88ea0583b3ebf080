import type { Request } from 'express';
import type { Config } from '../config.js';
import { AppError } from '../http/errors.js';

/** Where an issued link points (without its token) and whether a mail server will carry it. */
export type LinkOptions = { linkBase: string; smtp: boolean };

export type LinkReason = 'unknown' | 'expired' | 'used' | 'revoked';

/** 410 LINK_INVALID: an invitation or reset link that cannot be used, and why (`details.reason`). */
export const linkInvalid = (reason: LinkReason, message: string) => new AppError('LINK_INVALID', message, { reason });

/**
 * The base of the links the server mails (`<origin>/inbox/<page>/`): PUBLIC_URL's origin. Without
 * PUBLIC_URL, a request made by a signed-in admin (`trusted`) gives its own origin (it is the
 * address the admin uses); a public request (a password reset, where anyone chooses the Host
 * header) never does: the link then points at localhost and the docs ask for PUBLIC_URL.
 */
export function linkOptions(config: Pick<Config, 'PUBLIC_URL' | 'PORT' | 'SMTP_URL'>, page: 'accept' | 'reset', req?: Request, trusted = false): LinkOptions {
  const origin = config.PUBLIC_URL
    ? new URL(config.PUBLIC_URL).origin
    : trusted && req?.get('host')
      ? `${req.protocol}://${req.get('host')}`
      : `http://localhost:${config.PORT}`;
  return { linkBase: `${origin}/inbox/${page}/`, smtp: Boolean(config.SMTP_URL) };
}
