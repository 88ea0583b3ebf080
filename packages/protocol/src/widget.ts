import { z } from 'zod';
import { idSchema } from './ids.js';
import { LIMITS } from './limits.js';
import { jsonText, noNul, seqSchema } from './text.js';
import { emptyPayloadSchema, messageSchema, type Message, type TicketStatus } from './model.js';
import type { AckFn } from './errors.js';
import { attachmentIdsSchema } from './email.js';

/** Opaque visitor session token: 32 random bytes, base64url. */
export const visitorTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'malformed session token');
export const clientMessageIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.clientMessageId)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'only letters, digits and _ . : -');
export const messageBodySchema = noNul(
  z
    .string()
    .max(LIMITS.messageBody, `at most ${LIMITS.messageBody} characters`)
    .refine((s) => s.trim().length > 0, 'must not be empty'),
);

export const widgetSessionStartSchema = z.strictObject({
  inboxId: idSchema('inbox'),
  token: visitorTokenSchema.optional(),
});
export const widgetMessageSendSchema = z.strictObject({
  body: messageBodySchema,
  clientMessageId: clientMessageIdSchema,
  attachmentIds: attachmentIdsSchema.optional(),
});
export const widgetTypingSchema = z.strictObject({ on: z.boolean() });
export const widgetReadSchema = z.strictObject({ seq: seqSchema });
export const widgetHistorySchema = z.strictObject({
  conversationId: idSchema('conversation').optional(),
  afterSeq: seqSchema.default(0),
  limit: z.number().int().min(1).max(LIMITS.historyPage).default(100),
});

export type WidgetSessionStart = z.input<typeof widgetSessionStartSchema>;
export type WidgetMessageSend = z.input<typeof widgetMessageSendSchema>;
export type WidgetHistory = z.input<typeof widgetHistorySchema>;

export const widgetConversationSchema = z.object({
  id: idSchema('conversation'),
  ticketId: idSchema('ticket'),
  lastSeq: z.number().int().nonnegative(),
  contactLastReadSeq: z.number().int().nonnegative(),
  agentLastReadSeq: z.number().int().nonnegative(),
});
export type WidgetConversation = z.infer<typeof widgetConversationSchema>;

const fieldMode = z.enum(['off', 'optional', 'required']);
const text = (max: number, fallback: string) => z.string().max(max).default(fallback).catch(fallback);

/**
 * The widget-visible part of an inbox's `settings` jsonb. Every field has a default, and a
 * stored value that does not fit falls back to it, so a bad setting never breaks the widget.
 * Keys not listed here are never sent to visitors.
 */
export const widgetSettingsSchema = z.object({
  /** Shown in the header; null means the inbox name. */
  teamName: z.string().max(80).nullable().default(null).catch(null),
  greeting: text(500, 'Hi! How can we help?'),
  /** Expected reply time, as words: "a few minutes", "within a day". */
  replyTime: text(80, 'a few minutes'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#4f46e5').catch('#4f46e5'),
  position: z.enum(['left', 'right']).default('right').catch('right'),
  /**
   * Light or dark panel. `auto` follows the host page (its `color-scheme`, else the luminance
   * of its background), not the visitor's system alone. An embed's `data-color-scheme`
   * attribute overrides it for that page.
   */
  colorScheme: z.enum(['auto', 'light', 'dark']).default('auto').catch('auto'),
  /** Pre-chat form fields, asked before the first message when not `off`. */
  preChat: z
    .object({ name: fieldMode.default('off').catch('off'), email: fieldMode.default('off').catch('off') })
    .default({ name: 'off', email: 'off' })
    .catch({ name: 'off', email: 'off' }),
  /** Shown when no agent is online, with an email field so the reply can reach the visitor. */
  awayMessage: text(500, "We're away right now. Leave your email and we'll get back to you."),
  /** Away outside the workspace's default business hours too (not only when no agent is online), saying when the team is back. */
  awayOutsideHours: z.boolean().default(false).catch(false),
});
export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;

const required = (max: number) => jsonText(z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`));

/**
 * What an admin may set (`PATCH /api/settings/inboxes/:inboxId`, field `widget`): the same keys
 * as `widgetSettingsSchema`, strict (a wrong value is a field error, not a fallback), each
 * optional (what is left out keeps its stored value). A test keeps the two key lists equal.
 */
export const widgetSettingsInputSchema = z.strictObject({
  /** Empty or null: the inbox name. */
  teamName: jsonText(z.string().trim().max(80, 'at most 80 characters'))
    .transform((v) => v || null)
    .nullable()
    .optional(),
  greeting: required(500).optional(),
  replyTime: required(80).optional(),
  color: z
    .string()
    .trim()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #4f46e5')
    .transform((v) => v.toLowerCase())
    .optional(),
  position: z.enum(['left', 'right']).optional(),
  colorScheme: z.enum(['auto', 'light', 'dark']).optional(),
  preChat: z.strictObject({ name: fieldMode, email: fieldMode }).optional(),
  awayMessage: required(500).optional(),
  awayOutsideHours: z.boolean().optional(),
});
export type WidgetSettingsInput = z.input<typeof widgetSettingsInputSchema>;
/** What visitors are sent (`session:start`, `GET /api/widget/config`): `teamName` resolved to the inbox name when unset. */
export const widgetPublicSettingsSchema = widgetSettingsSchema.extend({ teamName: z.string() });
export type WidgetPublicSettings = z.infer<typeof widgetPublicSettingsSchema>;

/**
 * The team's business hours as the widget needs them, when the inbox's widget follows them
 * (`awayOutsideHours`; else null): `open` now; `closesAt` when the current open stretch ends
 * (null when closed, or open around the clock); `backAt` when it opens next (null while open).
 * The widget reads the config again at either time.
 */
export const teamHoursSchema = z.object({ open: z.boolean(), closesAt: z.string().nullable(), backAt: z.string().nullable() }).nullable();
export type TeamHours = z.infer<typeof teamHoursSchema>;

/**
 * The widget's `queue` event and `session.queue` (server/src/routing): the visitor's place in
 * line (1 = next) and the expected wait in seconds (null when there is too little history to
 * say). `position` null: not waiting (an agent has the conversation, or it is not routed).
 */
export const widgetQueueSchema = z.object({ position: z.number().int().min(1).nullable(), expectedWaitSeconds: z.number().int().min(0).nullable() });
export type WidgetQueue = z.infer<typeof widgetQueueSchema>;

export const widgetSessionSchema = z.object({
  token: visitorTokenSchema,
  expiresAt: z.string(),
  contactId: idSchema('contact'),
  inbox: z.object({ id: idSchema('inbox'), name: z.string(), settings: widgetPublicSettingsSchema }),
  conversation: widgetConversationSchema.nullable(),
  agentsOnline: z.boolean(),
  hours: teamHoursSchema,
  /** Where the open conversation waits for an agent; null when it does not. */
  queue: widgetQueueSchema.nullable(),
});
export type WidgetSession = z.infer<typeof widgetSessionSchema>;

export const widgetHistoryResultSchema = z.object({
  conversationId: idSchema('conversation').nullable(),
  messages: z.array(messageSchema),
  hasMore: z.boolean(),
});
export type WidgetHistoryResult = z.infer<typeof widgetHistoryResultSchema>;

export type WidgetTypingEvent = { conversationId: string; on: boolean; authorType: 'agent'; authorName: string | null };
export type ReadEvent = { conversationId: string; side: 'contact' | 'agent'; seq: number };
/**
 * The server may have missed live events for this client: fetch what came after the last
 * seq you saw (and, for agents, reload the ticket list), at a random moment within `withinMs`.
 */
export type SyncEvent = { reason: 'events-gap'; withinMs: number };

/** `GET /api/widget/config?inbox=inb_…`: what the loader needs to draw the bubble. */
export const widgetConfigQuerySchema = z.object({ inbox: idSchema('inbox') });
export type WidgetConfig = {
  inboxId: string;
  name: string;
  settings: WidgetPublicSettings;
  agentsOnline: boolean;
  hours: TeamHours;
  /** The largest file `POST /api/attachments` takes, in bytes (ATTACHMENT_MAX_BYTES). */
  attachmentMaxBytes: number;
  /** The workspace's logo (a path of the server, to resolve against its base URL), shown in the panel's header; null for none. */
  logoUrl: string | null;
  /** The workspace's default language (a BCP 47 tag of WORKSPACE_LANGUAGES). */
  language: string;
};

/**
 * `identify`: `id` + `hash` (hex HMAC-SHA256 of `id` keyed with the inbox secret) binds the
 * session to the contact with that external id; without `hash` only name and email are set,
 * on the visitor's own contact; a wrong `hash` is FORBIDDEN.
 */
export const widgetIdentifySchema = z
  .strictObject({
    id: noNul(z.string().min(1).max(200)).optional(),
    hash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters').optional(),
    name: noNul(z.string().trim().min(1).max(200)).optional(),
    email: z.string().trim().toLowerCase().pipe(z.email().max(254)).optional(),
  })
  .refine((o) => !o.hash || o.id, { message: 'hash needs id', path: ['hash'] });
export type WidgetIdentify = z.input<typeof widgetIdentifySchema>;
export type WidgetIdentity = {
  contactId: string;
  verified: boolean;
  name: string | null;
  email: string | null;
  conversation: WidgetConversation | null;
};

const attributeValue = z.union([jsonText(z.string().max(1000)), z.number().finite(), z.boolean(), z.null()]);
/** `attributes:set`: merged into the contact's attributes; a null value removes the key. */
export const widgetAttributesSchema = z.strictObject({
  attributes: z
    .record(jsonText(z.string().min(1).max(100)), attributeValue)
    .refine((a) => Object.keys(a).length <= 50, 'at most 50 attributes per call'),
});
export const widgetSessionEndSchema = emptyPayloadSchema;

/** Pushed to every widget socket of a workspace when "is any agent online" flips. */
export type WidgetAvailabilityEvent = { agentsOnline: boolean };
/** Pushed to the contact's sockets when one of their tickets changes status. */
export type WidgetTicketStatusEvent = { ticketId: string; status: TicketStatus };

/** Events a visitor's client emits on the `/widget` namespace; each takes an ack. */
export interface WidgetClientToServer {
  'session:start': (p: WidgetSessionStart, ack: AckFn<WidgetSession>) => void;
  'message:send': (p: WidgetMessageSend, ack: AckFn<Message>) => void;
  typing: (p: { on: boolean }, ack?: AckFn<null>) => void;
  read: (p: { seq: number }, ack?: AckFn<null>) => void;
  history: (p: WidgetHistory, ack: AckFn<WidgetHistoryResult>) => void;
  identify: (p: WidgetIdentify, ack: AckFn<WidgetIdentity>) => void;
  'attributes:set': (p: { attributes: Record<string, string | number | boolean | null> }, ack: AckFn<null>) => void;
  'session:end': (p: Record<string, never>, ack: AckFn<null>) => void;
}

/** Events the server pushes to a visitor. Only public messages ever reach this namespace. */
export interface WidgetServerToClient {
  'message:new': (m: Message) => void;
  typing: (e: WidgetTypingEvent) => void;
  read: (e: ReadEvent) => void;
  'conversation:new': (c: WidgetConversation) => void;
  sync: (e: SyncEvent) => void;
  availability: (e: WidgetAvailabilityEvent) => void;
  'ticket:status': (e: WidgetTicketStatusEvent) => void;
  /** The conversation's place in the routing queue changed (position null: an agent has it). */
  queue: (e: WidgetQueue) => void;
}
