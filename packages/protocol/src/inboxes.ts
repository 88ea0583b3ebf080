import { z } from 'zod';
import { idSchema } from './ids.js';
import { jsonText } from './text.js';
import type { Channel } from './model.js';
import { widgetSettingsInputSchema, type WidgetSettings } from './widget.js';

/** Bodies and answers of `/api/settings/inboxes` (routes.ts): the Inboxes settings. */

const nameSchema = jsonText(z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'));
const addressSchema = z.string().trim().toLowerCase().pipe(z.email('must be an email address such as support@example.com').max(254));
const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain name such as mail.example.com');
const fromNameSchema = jsonText(z.string().trim().min(1).max(200, 'at most 200 characters'));
const mailgunKeySchema = jsonText(z.string().trim().min(8, 'at least 8 characters').max(200, 'at most 200 characters'));
/** The `updatedAt` the client read: when no longer current the change is refused with 409 STALE. */
const expectedSchema = z.string().datetime({ offset: true }).optional();

/**
 * A site origin the widget may run on, as a browser sends it in `Origin`: `https://shop.example`,
 * `http://localhost:3000`, or `https://*.shop.example` for every subdomain. Normalized (lower
 * case, default port dropped, no trailing slash); null when it is not one.
 */
export function normalizeOrigin(input: string): string | null {
  const s = input.trim();
  const wild = /^(https?:\/\/)\*\./i.exec(s);
  let u: URL;
  try {
    u = new URL(wild ? wild[1]! + s.slice(wild[0].length) : s);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password || u.search || u.hash || u.pathname !== '/' || /[?#]/.test(s)) return null;
  if (!/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(u.hostname)) return null;
  // A path of its own ("https://a.example/x") would be dropped by URL: refuse it instead.
  if (!/^https?:\/\/[^/]+\/?$/i.test(s)) return null;
  return wild ? `${u.protocol}//*.${u.host}` : u.origin;
}

/**
 * Whether a request's `Origin` may start the widget of an inbox with `allowed` origins: any
 * origin when the list is empty; else an exact entry, or a `*.` entry whose domain the origin's
 * host is a subdomain of (same scheme and port). A missing origin is refused when the list is set.
 */
export function originAllowedFor(allowed: readonly string[], origin: string | null | undefined): boolean {
  if (!allowed.length) return true;
  if (!origin) return false;
  const o = normalizeOrigin(origin);
  if (!o || o.includes('*')) return false;
  for (const a of allowed) {
    if (a === o) return true;
    const m = /^(https?:\/\/)\*\.(.+)$/.exec(a);
    if (!m || !o.startsWith(m[1]!)) continue;
    const host = o.slice(m[1]!.length);
    if (host.endsWith(`.${m[2]!}`)) return true;
  }
  return false;
}

export const siteOriginSchema = z
  .string()
  .max(300)
  .transform((v, ctx) => {
    const o = normalizeOrigin(v);
    if (o) return o;
    ctx.addIssue({ code: 'custom', message: `"${v.trim().slice(0, 60)}" is not a site origin such as https://shop.example (scheme, host and port only)` });
    return z.NEVER;
  });
/** Allowed site origins of a chat inbox: empty means any site. */
export const allowedOriginsSchema = z.array(siteOriginSchema).max(50, 'at most 50 origins').transform((l) => [...new Set(l)]);

/** How the inbox's SMTP connection is secured. */
export const SMTP_TLS_MODES = ['starttls', 'tls', 'none'] as const;
export type SmtpTls = (typeof SMTP_TLS_MODES)[number];

/**
 * An email inbox's own SMTP server, used for its replies instead of the global SMTP_URL.
 * `tls`: `starttls` (plain connection upgraded with STARTTLS, required; usually port 587),
 * `tls` (TLS from the start; usually 465) or `none` (no encryption: a relay on a private
 * network only). `password` is write-only: left out, the stored one is kept.
 */
export const smtpInputSchema = z.strictObject({
  host: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, 'must not be empty')
    .max(253)
    .regex(/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/, 'must be a host name such as smtp.example.com'),
  port: z.number({ error: 'must be a port number from 1 to 65535' }).int('must be a port number from 1 to 65535').min(1, 'must be a port number from 1 to 65535').max(65535, 'must be a port number from 1 to 65535'),
  user: jsonText(z.string().trim().max(254)).transform((v) => v || null).nullable().optional(),
  password: jsonText(z.string().min(1).max(500)).optional(),
  tls: z.enum(SMTP_TLS_MODES),
});
export type SmtpInput = z.input<typeof smtpInputSchema>;

/**
 * `POST /api/settings/inboxes`: a new chat inbox (default widget settings) or email inbox
 * (its webhook's Basic-auth password is generated and answered once).
 */
export const inboxCreateSchema = z.discriminatedUnion('channel', [
  z.strictObject({ channel: z.literal('chat'), name: nameSchema }),
  z.strictObject({
    channel: z.literal('email'),
    name: nameSchema,
    address: addressSchema,
    fromName: fromNameSchema.optional(),
    replyDomain: domainSchema.optional(),
    mailgunSigningKey: mailgunKeySchema.optional(),
  }),
]);
export type InboxCreate = z.input<typeof inboxCreateSchema>;

/**
 * `PATCH /api/settings/inboxes/:inboxId`: what to change (what is left out stays). `widget`
 * and `allowedOrigins` are for chat inboxes; `address`, `fromName`, `replyDomain`,
 * `mailgunSigningKey` and `smtp` for email inboxes (400 on the other channel). `fromName`,
 * `replyDomain` and `mailgunSigningKey` null clear them; `smtp` null goes back to the
 * global SMTP_URL.
 */
export const inboxUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  widget: widgetSettingsInputSchema.optional(),
  allowedOrigins: allowedOriginsSchema.optional(),
  address: addressSchema.optional(),
  fromName: fromNameSchema.nullable().optional(),
  replyDomain: domainSchema.nullable().optional(),
  mailgunSigningKey: mailgunKeySchema.nullable().optional(),
  smtp: smtpInputSchema.nullable().optional(),
  expectedUpdatedAt: expectedSchema,
});
export type InboxUpdate = z.input<typeof inboxUpdateSchema>;

export const inboxParamSchema = z.strictObject({ inboxId: idSchema('inbox') });

/**
 * `DELETE /api/settings/inboxes/:inboxId?tickets=move&moveTo=inb_…` (or `tickets=delete`):
 * what happens to the inbox's tickets. Needed when it has any (409 INBOX_HAS_TICKETS otherwise).
 */
export const inboxDeleteQuerySchema = z
  .strictObject({ tickets: z.enum(['move', 'delete']).optional(), moveTo: idSchema('inbox').optional() })
  .refine((q) => (q.tickets === 'move') === Boolean(q.moveTo), { path: ['moveTo'], message: 'moveTo goes with tickets=move, and only with it' });
export type InboxDeleteQuery = z.input<typeof inboxDeleteQuerySchema>;

/** `POST /api/settings/inboxes/:inboxId/credentials/regenerate`: which webhook credential. */
export const credentialRegenerateSchema = z.strictObject({ credential: z.enum(['basicPassword']) });

/** A secret as settings show it after creation: its last four characters, e.g. "…x9Qa" (null: not set). */
export type SecretHint = string | null;

/** One row of the Inboxes list. */
export type InboxListItem = {
  id: string;
  name: string;
  channel: Channel;
  /** The email address of an email inbox, else null. */
  address: string | null;
  ticketCount: number;
  createdAt: string;
  updatedAt: string;
};

export type ChatInboxSettings = {
  /** The stored widget settings, defaults filled in (`teamName` null: the inbox name). */
  widget: WidgetSettings;
  allowedOrigins: string[];
  /** The `<script>` tag a site pastes to embed the widget. */
  embed: string;
  /** The identity-verification secret, hidden: reveal with `POST …/secret/reveal`. */
  secretHint: string;
};

export type EmailInboxDetail = {
  address: string;
  fromName: string | null;
  replyDomain: string | null;
  webhook: { url: string; basicUser: string | null; basicPasswordHint: SecretHint; mailgunSigningKeyHint: SecretHint };
  /** This inbox's own SMTP server (null: the global SMTP_URL); the password by its hint only. */
  smtp: { host: string; port: number; user: string | null; passwordHint: SecretHint; tls: SmtpTls } | null;
  /** Whether a global SMTP_URL is configured (used when `smtp` is null). */
  globalSmtp: boolean;
};

/** An inbox as its settings page shows it. Never a secret in full. */
export type InboxDetail = {
  id: string;
  name: string;
  channel: Channel;
  ticketCount: number;
  createdAt: string;
  updatedAt: string;
  chat: ChatInboxSettings | null;
  email: EmailInboxDetail | null;
};

/** `POST /api/settings/inboxes` (201): the inbox, and for an email inbox its webhook password, shown this once. */
export type InboxCreated = { inbox: InboxDetail; webhook: { url: string; basicUser: string; basicPassword: string } | null };
/** `POST …/secret/reveal` and `POST …/secret/rotate`: the identity-verification secret (each call audited). */
export type InboxSecret = { secret: string; inbox: InboxDetail };
/** `POST …/credentials/regenerate`: the new credential, shown this once. */
export type CredentialsRegenerated = { basicUser: string; basicPassword: string; inbox: InboxDetail };
/**
 * `POST …/test-mail`: a mail sent from the inbox's address to the signed-in member, through
 * the inbox's SMTP (`via: inbox`) or the global one (`global`); `none` when neither is set.
 * `response` is the SMTP server's last answer; `error` why it failed.
 */
export type TestMailResult = { sent: boolean; to: string; via: 'inbox' | 'global' | 'none'; response: string | null; error: string | null };
/** Sent to every agent of the workspace after an inbox was created, renamed or deleted: fetch `inboxes:list` again. */
export type InboxesChangedEvent = { inboxId: string; change: 'created' | 'updated' | 'deleted' };
