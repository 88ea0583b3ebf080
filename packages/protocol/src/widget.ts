import { z } from 'zod';
import { idSchema } from './ids.js';
import { LIMITS } from './limits.js';
import { messageSchema, type Message } from './model.js';
import type { AckFn } from './errors.js';

/** Opaque visitor session token: 32 random bytes, base64url. */
export const visitorTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'malformed session token');
export const clientMessageIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.clientMessageId)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'only letters, digits and _ . : -');
export const messageBodySchema = z
  .string()
  .max(LIMITS.messageBody, `at most ${LIMITS.messageBody} characters`)
  .refine((s) => s.trim().length > 0, 'must not be empty')
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

export const widgetSessionStartSchema = z.strictObject({
  inboxId: idSchema('inbox'),
  token: visitorTokenSchema.optional(),
});
export const widgetMessageSendSchema = z.strictObject({
  body: messageBodySchema,
  clientMessageId: clientMessageIdSchema,
});
export const widgetTypingSchema = z.strictObject({ on: z.boolean() });
export const widgetReadSchema = z.strictObject({ seq: z.number().int().nonnegative() });
export const widgetHistorySchema = z.strictObject({
  conversationId: idSchema('conversation').optional(),
  afterSeq: z.number().int().nonnegative().default(0),
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

export const widgetSessionSchema = z.object({
  token: visitorTokenSchema,
  expiresAt: z.string(),
  contactId: idSchema('contact'),
  inbox: z.object({ id: idSchema('inbox'), name: z.string(), settings: z.record(z.string(), z.unknown()) }),
  conversation: widgetConversationSchema.nullable(),
  agentsOnline: z.boolean(),
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

/** Events a visitor's client emits on the `/widget` namespace; each takes an ack. */
export interface WidgetClientToServer {
  'session:start': (p: WidgetSessionStart, ack: AckFn<WidgetSession>) => void;
  'message:send': (p: WidgetMessageSend, ack: AckFn<Message>) => void;
  typing: (p: { on: boolean }, ack?: AckFn<null>) => void;
  read: (p: { seq: number }, ack?: AckFn<null>) => void;
  history: (p: WidgetHistory, ack: AckFn<WidgetHistoryResult>) => void;
}

/** Events the server pushes to a visitor. Only public messages ever reach this namespace. */
export interface WidgetServerToClient {
  'message:new': (m: Message) => void;
  typing: (e: WidgetTypingEvent) => void;
  read: (e: ReadEvent) => void;
  'conversation:new': (c: WidgetConversation) => void;
  sync: (e: SyncEvent) => void;
}
