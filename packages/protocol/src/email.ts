import { z } from 'zod';
import { idSchema } from './ids.js';
import { jsonText } from './text.js';

/** Outbound delivery states of an email (an agent reply on an email ticket, or a chat reply emailed to an offline visitor). */
export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'failed', 'not_sent'] as const;
export const deliveryStatusSchema = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const emailAddressSchema = z.object({ name: z.string().nullable(), address: z.string() });
export type EmailAddress = z.infer<typeof emailAddressSchema>;

/**
 * Where an outbound email stands. `not_sent` is final: no SMTP server is configured
 * (reason `"no SMTP configured"`), or the recipient is unknown. `failed` is final after the
 * last retry (reason: the SMTP error, or `bounced: …` when a bounce came back).
 */
export const emailDeliverySchema = z.object({
  status: deliveryStatusSchema,
  attempts: z.number().int().nonnegative(),
  reason: z.string().nullable(),
  /** When the next attempt is due (queued after a failure), else null. */
  nextAttemptAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type EmailDelivery = z.infer<typeof emailDeliverySchema>;

/**
 * The email side of a message (`Message.email`), null for chat messages. `direction: "in"`
 * for mail received through the webhook, `"out"` for replies we sent. `hasOriginal` says
 * whether the full original (unstripped) text/HTML can be fetched with
 * `GET /api/email/messages/:messageId/original`.
 */
export const emailMetaSchema = z.object({
  direction: z.enum(['in', 'out']),
  messageId: z.string(),
  subject: z.string(),
  from: emailAddressSchema,
  to: z.array(emailAddressSchema),
  cc: z.array(emailAddressSchema),
  /** Quoted text or a signature was stripped from `body`: the original shows more. */
  stripped: z.boolean(),
  hasOriginal: z.boolean(),
  /** Automatic mail (Auto-Submitted, Precedence bulk/list/junk, X-Loop…): never auto-replied to, never reopens. */
  auto: z.boolean(),
  /** Outbound only: delivery state, updated live by `message:delivery`. */
  delivery: emailDeliverySchema.nullable(),
});
export type EmailMeta = z.infer<typeof emailMetaSchema>;

/** A file attached to a message. Download with `url` (agent session, or the owning visitor's token). */
export const attachmentSchema = z.object({
  id: idSchema('attachment'),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  /** An inline image of an HTML email (referenced by cid:), already rewritten to `url` in `html`. */
  inline: z.boolean(),
  url: z.string(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** Uploaded attachments to send with a message (`message:send` on both namespaces): ids from `POST /api/attachments`. */
export const attachmentIdsSchema = z.array(idSchema('attachment')).max(10, 'at most 10 attachments per message');

/** `message:delivery` on `/agent`: the delivery state of an outbound email changed. */
export const messageDeliveryEventSchema = z.object({
  messageId: idSchema('message'),
  ticketId: idSchema('ticket'),
  delivery: emailDeliverySchema,
});
export type MessageDeliveryEvent = z.infer<typeof messageDeliveryEventSchema>;

/** `GET /api/email/messages/:messageId/original`: the full email as received or sent. */
export const emailOriginalSchema = z.object({
  messageId: idSchema('message'),
  direction: z.enum(['in', 'out']),
  rfcMessageId: z.string(),
  subject: z.string(),
  /** Selected headers (from, to, cc, date, message-id, in-reply-to, references, auto-submitted…). */
  headers: z.record(z.string(), z.string()),
  /** The whole text part, quotes and signature included. */
  text: z.string(),
  /** The whole HTML part, sanitized; remote images carry `data-remote-src` instead of `src`. */
  html: z.string().nullable(),
  /** Whether `GET …/raw` has the raw RFC 822 source. */
  hasRaw: z.boolean(),
  attachments: z.array(attachmentSchema),
});
export type EmailOriginal = z.infer<typeof emailOriginalSchema>;

/** Inbox `settings.email` of an email inbox (public: shown to agents). */
export const emailInboxSettingsSchema = z.object({
  /** The support address customers write to, e.g. support@example.com. */
  address: z.email(),
  /** Display name of outgoing mail; defaults to the inbox name. */
  fromName: z.string().max(200).optional(),
  /** Domain of the signed reply address reply+<token>@domain; defaults to the address's domain. */
  replyDomain: z.string().max(253).optional(),
});
export type EmailInboxSettings = z.infer<typeof emailInboxSettingsSchema>;

/** `POST /api/email/inboxes` (owners and admins): a new email inbox and its webhook credentials. */
export const emailInboxCreateSchema = z.strictObject({
  name: jsonText(z.string().trim().min(1).max(100)),
  address: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  fromName: jsonText(z.string().trim().min(1).max(200)).optional(),
  replyDomain: z.string().trim().toLowerCase().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a domain name').max(253).optional(),
  /** Mailgun's HTTP webhook signing key, when Mailgun delivers to this inbox. */
  mailgunSigningKey: jsonText(z.string().min(8).max(200)).optional(),
});
export type EmailInboxCreate = z.input<typeof emailInboxCreateSchema>;
/** The answer: the only time the generated Basic-auth password is shown. */
export type EmailInboxCreated = {
  inbox: { id: string; name: string; settings: { email: EmailInboxSettings } };
  webhook: { url: string; basicUser: string; basicPassword: string; mailgunSigningKey: string | null };
};

/** Postmark inbound JSON (the fields we read; everything else is ignored). */
export const postmarkInboundSchema = z.object({
  From: z.string().optional(),
  FromFull: z.object({ Email: z.string(), Name: z.string().optional() }).optional(),
  ToFull: z.array(z.object({ Email: z.string(), Name: z.string().optional() })).optional(),
  CcFull: z.array(z.object({ Email: z.string(), Name: z.string().optional() })).optional(),
  To: z.string().optional(),
  Cc: z.string().optional(),
  OriginalRecipient: z.string().optional(),
  Subject: z.string().optional(),
  MessageID: z.string().optional(),
  Date: z.string().optional(),
  TextBody: z.string().optional(),
  HtmlBody: z.string().optional(),
  RawEmail: z.string().optional(),
  Headers: z.array(z.object({ Name: z.string(), Value: z.string() })).optional(),
  Attachments: z
    .array(z.object({ Name: z.string(), Content: z.string(), ContentType: z.string(), ContentLength: z.number().optional(), ContentID: z.string().optional() }))
    .optional(),
});
export type PostmarkInbound = z.infer<typeof postmarkInboundSchema>;
