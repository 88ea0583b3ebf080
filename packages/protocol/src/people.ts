import { z } from 'zod';
import { idSchema } from './ids.js';
import { jsonText } from './text.js';
import { memberRoleSchema, type MemberRole } from './permissions.js';

/**
 * Invitations, accounts and password resets: the bodies and answers of `/api/settings/invitations`,
 * `/api/account` and the public `/api/auth/invitation/…` and `/api/auth/password/…` routes.
 */

/** How long links last unless the server is configured otherwise (INVITATION_TTL_DAYS, PASSWORD_RESET_TTL_MINUTES). */
export const INVITATION_TTL_DAYS_DEFAULT = 7;
export const PASSWORD_RESET_TTL_MINUTES_DEFAULT = 60;
/** The largest avatar image, bytes. */
export const AVATAR_MAX_BYTES = 1024 * 1024;
/** Image types an avatar may have (never SVG: it can carry script). */
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
/** The longest email signature, characters. */
export const SIGNATURE_MAX = 2000;
/** The shortest password a new password may be. */
export const PASSWORD_MIN = 8;

const email = z.string().trim().toLowerCase().email('Enter an email address such as name@example.com').max(254);
const personName = jsonText(z.string().trim().min(1).max(100));

/** A password being chosen: at least PASSWORD_MIN characters, not only spaces. */
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
  .max(1024)
  .refine((p) => p.trim().length > 0, 'A password cannot be only spaces');

/** A single-use link token (43 base64url characters) as a body field. */
export const linkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'This link is not valid');
export const linkTokenBodySchema = z.strictObject({ token: linkTokenSchema });

const roleRefine = <S extends z.ZodType<{ role?: MemberRole | undefined; roleId?: string | null | undefined }>>(s: S) =>
  s.refine((v) => (v.role === 'custom') === Boolean(v.roleId), { path: ['roleId'], message: 'Choose a custom role' });

/** `POST /api/settings/invitations`: who to invite, with which role and teams. */
export const invitationCreateSchema = roleRefine(
  z.strictObject({
    email,
    role: memberRoleSchema,
    roleId: idSchema('role').nullable().optional(),
    teamIds: z.array(idSchema('team')).max(100).default([]),
  }),
);
export type InvitationCreate = z.input<typeof invitationCreateSchema>;
export const invitationParamSchema = z.strictObject({ invitationId: idSchema('invitation') });

/** The state of the mail that carries a link: as the ticket outbox's, plus `cancelled` (revoked, re-sent or used before it went). */
export type SystemMailState = { status: 'queued' | 'sending' | 'sent' | 'failed' | 'not_sent' | 'cancelled'; error: string | null; at: string };

/** A pending invitation as the People screen lists it (`expired`: past `expiresAt`, re-send or revoke it). */
export type Invitation = {
  id: string;
  email: string;
  role: MemberRole;
  roleId: string | null;
  teamIds: string[];
  invitedBy: { id: string; name: string } | null;
  expiresAt: string;
  expired: boolean;
  /** The latest mail of this invitation, or null. */
  mail: SystemMailState | null;
  createdAt: string;
  updatedAt: string;
};
/**
 * What creating or re-sending an invitation answers. `link` is the acceptance link when no
 * SMTP server is configured (the mail is recorded as not sent, and the admin passes the link
 * on); null when the mail went to the outbox. The server keeps no copy of the link.
 */
export type InvitationIssued = { invitation: Invitation; link: string | null };

/** `POST /api/auth/invitation/preview`: what the acceptance page shows before asking anything. */
export type InvitationPreview = {
  workspace: { name: string };
  email: string;
  role: MemberRole;
  /** The custom role's name, or the built-in role's. */
  roleName: string;
  invitedBy: string | null;
  expiresAt: string;
  /** The address has an account already: accepting asks for its password and adds the membership. */
  hasAccount: boolean;
};

/** `POST /api/auth/invitation/accept`: the token, and a name and new password (no account yet) or the account's password. */
export const invitationAcceptSchema = z.strictObject({
  token: linkTokenSchema,
  name: personName.optional(),
  password: z.string().min(1).max(1024),
});
/** The acceptance form for an address without an account (the inbox validates with it; the server applies the same rules). */
export const invitationJoinSchema = z.strictObject({ name: personName, password: newPasswordSchema });
/** The acceptance form for an address with an account. */
export const invitationSignInSchema = z.strictObject({ password: z.string().min(1).max(1024) });

/** `POST /api/auth/password/forgot`. */
export const passwordForgotSchema = z.strictObject({ email });
/** `POST /api/auth/password/reset`. */
export const passwordResetSchema = z.strictObject({ token: linkTokenSchema, password: newPasswordSchema });
/** The reset page's form (the token comes from the URL). */
export const passwordResetFormSchema = z.strictObject({ password: newPasswordSchema });
/** `POST /api/auth/password/check`: the link is usable until `expiresAt`. */
export type PasswordResetCheck = { expiresAt: string };

/** What the inbox notifies an agent of (the header's bell turns notifications on for a browser; these choose which). */
export const notificationPrefsSchema = z.strictObject({
  /** A new ticket arrives in what they see. */
  newTicket: z.boolean(),
  /** A customer writes on a ticket assigned to them. */
  myTickets: z.boolean(),
  /** A sound with each notification. */
  sound: z.boolean(),
});
export type NotificationPrefs = z.infer<typeof notificationPrefsSchema>;
export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = { newTicket: true, myTickets: true, sound: true };

/** The signed-in person's account (across workspaces). */
export type Account = {
  id: string;
  email: string;
  name: string;
  avatarUrl: string | null;
  signature: string;
  notificationPrefs: NotificationPrefs;
  updatedAt: string;
};

/** `PATCH /api/account`: any of name, signature (plain text, '' for none), notification preferences. */
export const accountUpdateSchema = z.strictObject({
  name: personName.optional(),
  signature: jsonText(z.string().max(SIGNATURE_MAX, `At most ${SIGNATURE_MAX} characters`)).optional(),
  notificationPrefs: notificationPrefsSchema.optional(),
  /** The `updatedAt` the client read: 409 STALE when someone (another tab) saved since. */
  expectedUpdatedAt: z.string().datetime({ offset: true }).optional(),
});
export type AccountUpdate = z.input<typeof accountUpdateSchema>;

/** `POST /api/account/password`. */
export const passwordChangeSchema = z
  .strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: newPasswordSchema })
  .refine((v) => v.currentPassword !== v.newPassword, { path: ['newPassword'], message: 'Choose a password other than your current one' });
