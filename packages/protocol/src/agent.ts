import { z } from 'zod';
import type { RoutingQueueEvent } from './routing.js';
import type { NotificationEvent } from './notifications.js';
import { idSchema } from './ids.js';
import { LIMITS } from './limits.js';
import { noNul, seqSchema } from './text.js';
import {
  activitySchema,
  availabilitySchema,
  contactSchema,
  conversationSchema,
  emptyPayloadSchema,
  messageSchema,
  ticketPrioritySchema,
  ticketStatusSchema,
  visibilitySchema,
  type Activity,
  type Agent,
  type Availability,
  type Channel,
  type Message,
  type SlaMetric,
  type Ticket,
  type TicketPatch,
  type TicketSla,
} from './model.js';
import type { TicketSlaDetail } from './sla.js';
import { clientMessageIdSchema, messageBodySchema, type ReadEvent, type SyncEvent } from './widget.js';
import type { AckFn } from './errors.js';
import { attachmentIdsSchema, type MessageDeliveryEvent } from './email.js';
import type { Access } from './permissions.js';
import type { AccessChangedEvent, TicketRemovedEvent } from './access.js';
import type { InboxesChangedEvent } from './inboxes.js';

export const ticketViewSchema = z.enum(['mine', 'unassigned', 'all']);
/**
 * The order of `tickets:list`: `updated`, latest activity first (the default); `sla`, time to
 * breach: the soonest SLA due time first (`Ticket.sla.dueAt`, breached ones at the top as
 * their due time has passed), then the tickets without a running SLA target by id. A cursor
 * belongs to the order that returned it.
 */
export const ticketSortSchema = z.enum(['updated', 'sla']);
export type TicketSort = z.infer<typeof ticketSortSchema>;
export const ticketsListSchema = z.strictObject({
  view: ticketViewSchema.default('all'),
  sort: ticketSortSchema.default('updated'),
  status: z.union([ticketStatusSchema, z.array(ticketStatusSchema).min(1).max(4)]).optional(),
  inboxId: idSchema('inbox').optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(LIMITS.ticketPage).default(50),
  /** Text filter: subject, contact name or email (substring, case-insensitive) or ticket number (`42`); `#42` is the number only. */
  q: noNul(z.string().trim().max(200)).optional(),
});
export const ticketRefSchema = z.strictObject({ ticketId: idSchema('ticket') });
export const ticketGetSchema = z.strictObject({
  ticketId: idSchema('ticket'),
  limit: z.number().int().min(1).max(LIMITS.historyPage).default(200),
});
export const messagesListSchema = z
  .strictObject({
    conversationId: idSchema('conversation'),
    afterSeq: seqSchema.optional(),
    beforeSeq: seqSchema.positive().optional(),
    limit: z.number().int().min(1).max(LIMITS.historyPage).default(100),
  })
  .refine((v) => v.afterSeq === undefined || v.beforeSeq === undefined, 'give afterSeq or beforeSeq, not both');
export const agentMessageSendSchema = z.strictObject({
  ticketId: idSchema('ticket'),
  body: messageBodySchema,
  clientMessageId: clientMessageIdSchema,
  visibility: visibilitySchema.default('public'),
  attachmentIds: attachmentIdsSchema.optional(),
});
export const agentTypingSchema = z.strictObject({
  ticketId: idSchema('ticket'),
  on: z.boolean(),
  visibility: visibilitySchema.default('public'),
});
export const ticketAssignSchema = z
  .strictObject({
    ticketId: idSchema('ticket'),
    assigneeId: idSchema('user').nullable().optional(),
    teamId: idSchema('team').nullable().optional(),
    /** Assign even when it puts the agent over their routing capacity (otherwise OVER_CAPACITY). */
    force: z.boolean().optional(),
  })
  .refine((v) => v.assigneeId !== undefined || v.teamId !== undefined, 'give assigneeId, teamId or both');
export const ticketSetStatusSchema = z.strictObject({ ticketId: idSchema('ticket'), status: ticketStatusSchema });
export const ticketSetPrioritySchema = z.strictObject({ ticketId: idSchema('ticket'), priority: ticketPrioritySchema });
export const tagNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(LIMITS.tagName)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u, 'letters, digits, space, _ . -');
export const ticketTagSchema = z.strictObject({ ticketId: idSchema('ticket'), tag: tagNameSchema });
export const presenceSetSchema = z.strictObject({ status: availabilitySchema });
export const agentReadSchema = z.strictObject({
  conversationId: idSchema('conversation'),
  seq: seqSchema,
});

export const contactGetSchema = z.strictObject({ contactId: idSchema('contact') });
/** Which ticket this agent socket has on screen (`null`: none); drives the collision notice. */
export const ticketViewingSchema = z.strictObject({ ticketId: idSchema('ticket').nullable() });

export type TicketsListInput = z.input<typeof ticketsListSchema>;
/** A `tickets:list` row: the ticket plus what the list needs to render it without more calls. */
export type TicketListItem = Ticket & {
  /** The ticket's latest conversation (`read` events name conversations). */
  conversationId: string | null;
  /**
   * That conversation's last seq when the row was read: the unread count covers every message
   * up to it, so a `message:new` at or below it is already counted.
   */
  lastSeq: number;
  /** Contact messages after the shared agent read marker, over the ticket's conversations. */
  unreadCount: number;
};
export type TicketsPage = { items: TicketListItem[]; nextCursor: string | null };
export type Team = { id: string; name: string; memberIds: string[] };
export type InboxSummary = { id: string; name: string; channel: Channel };
/** The contact sidebar: the contact with its attributes and its tickets, newest first (≤ 20). */
export type ContactDetail = { contact: z.infer<typeof contactSchema>; tickets: Ticket[] };
/** Another agent started (`on`) or stopped viewing a ticket. */
export type ViewingEvent = { ticketId: string; userId: string; on: boolean };
export type TicketDetail = {
  ticket: Ticket;
  contact: z.infer<typeof contactSchema>;
  conversations: z.infer<typeof conversationSchema>[];
  messages: Message[];
  hasMoreBefore: boolean;
  activities: Activity[];
};
export type MessagesPage = { messages: Message[]; hasMore: boolean };
export type TicketChange = { ticket: Ticket; activities: Activity[] };
/** `ticket:sla`: the ticket's new countdown (null: none runs) and the warning or breach that fired, if any. */
export type TicketSlaEvent = { ticketId: string; sla: TicketSla | null; alert: { kind: 'warning' | 'breached'; metric: SlaMetric; dueAt: string } | null };

export const ticketDetailSchema = z.object({
  ticket: z.unknown(),
  contact: contactSchema,
  conversations: z.array(conversationSchema),
  messages: z.array(messageSchema),
  hasMoreBefore: z.boolean(),
  activities: z.array(activitySchema),
});

export type AgentTypingEvent = {
  ticketId: string;
  conversationId: string | null;
  authorType: 'contact' | 'agent';
  authorId: string;
  visibility: 'public' | 'internal';
  on: boolean;
};
export type PresenceEvent = { userId: string; status: Availability };
/** A new message, the ticket fields it changed, and any activity it caused (a reopen). */
export type AgentMessageEvent = { message: Message; ticket: TicketPatch; activities: Activity[] };

/** Events an agent's client emits on the `/agent` namespace; each takes an ack. */
export interface AgentClientToServer {
  'tickets:list': (p: TicketsListInput, ack: AckFn<TicketsPage>) => void;
  'ticket:get': (p: z.input<typeof ticketGetSchema>, ack: AckFn<TicketDetail>) => void;
  'messages:list': (p: z.input<typeof messagesListSchema>, ack: AckFn<MessagesPage>) => void;
  'message:send': (p: z.input<typeof agentMessageSendSchema>, ack: AckFn<Message>) => void;
  typing: (p: z.input<typeof agentTypingSchema>, ack?: AckFn<null>) => void;
  'ticket:assign': (p: z.input<typeof ticketAssignSchema>, ack: AckFn<TicketChange>) => void;
  'ticket:setStatus': (p: z.input<typeof ticketSetStatusSchema>, ack: AckFn<TicketChange>) => void;
  'ticket:setPriority': (p: z.input<typeof ticketSetPrioritySchema>, ack: AckFn<TicketChange>) => void;
  'ticket:addTag': (p: z.input<typeof ticketTagSchema>, ack: AckFn<TicketChange>) => void;
  'ticket:removeTag': (p: z.input<typeof ticketTagSchema>, ack: AckFn<TicketChange>) => void;
  'presence:set': (p: z.input<typeof presenceSetSchema>, ack?: AckFn<PresenceEvent>) => void;
  'agents:list': (p: Record<string, never>, ack: AckFn<Agent[]>) => void;
  read: (p: z.input<typeof agentReadSchema>, ack?: AckFn<null>) => void;
  'contact:get': (p: z.input<typeof contactGetSchema>, ack: AckFn<ContactDetail>) => void;
  'teams:list': (p: Record<string, never>, ack: AckFn<Team[]>) => void;
  'inboxes:list': (p: Record<string, never>, ack: AckFn<InboxSummary[]>) => void;
  'ticket:view': (p: z.input<typeof ticketViewingSchema>, ack?: AckFn<{ viewers: string[] }>) => void;
  'sla:get': (p: z.input<typeof ticketGetSchema>, ack: AckFn<TicketSlaDetail>) => void;
}

/** Events the server pushes to every agent of the workspace. */
export interface AgentServerToClient {
  'ticket:new': (e: { ticket: Ticket; message: Message | null }) => void;
  'ticket:updated': (e: TicketChange) => void;
  'message:new': (e: AgentMessageEvent) => void;
  typing: (e: AgentTypingEvent) => void;
  presence: (e: PresenceEvent) => void;
  read: (e: ReadEvent) => void;
  sync: (e: SyncEvent) => void;
  viewing: (e: ViewingEvent) => void;
  /** The delivery state of an outbound email changed (see email.ts). */
  'message:delivery': (e: MessageDeliveryEvent) => void;
  /** A visitor changed their contact (identify, attributes:set): the full contact, to refresh a sidebar. */
  'contact:updated': (c: z.infer<typeof contactSchema>) => void;
  /** A ticket this socket could see left its sight (reassigned, another team): drop it from lists and screens. */
  'ticket:removed': (e: TicketRemovedEvent) => void;
  /** A ticket's SLA countdown changed, and/or a warning or breach fired (`alert`). */
  'ticket:sla': (e: TicketSlaEvent) => void;
  /** This member's role, permissions, teams or team inboxes changed: reload lists and the open ticket. */
  'access:changed': (e: AccessChangedEvent) => void;
  /** An inbox of the workspace was created, renamed or deleted: fetch `inboxes:list` again (after a deletion, the ticket list too). */
  'inboxes:changed': (e: InboxesChangedEvent) => void;
  /** Routing queues changed (length, oldest wait): to members with `reports.read`. */
  'routing:queue': (e: RoutingQueueEvent) => void;
  /** A notification for this member (automation's `notify`), with their unread count. */
  'notification:new': (e: NotificationEvent) => void;
}

/** A socket event's declaration: the schema its payload is parsed with and what it needs (permissions.ts). */
export type EventDecl = { schema: z.ZodType; permission: Access };

/**
 * Every `/agent` event with its payload schema and the permission it needs: the server
 * registers handlers only from this table, checks the permission before parsing, and the role
 * matrix test is generated from it. Ticket reads need `tickets.read.mine` (which every ticket
 * sight implies) and then see only the tickets of the member's scope (`ticketScope`).
 */
export const AGENT_EVENTS = {
  'tickets:list': { schema: ticketsListSchema, permission: 'tickets.read.mine' },
  'ticket:get': { schema: ticketGetSchema, permission: 'tickets.read.mine' },
  'messages:list': { schema: messagesListSchema, permission: 'tickets.read.mine' },
  'message:send': { schema: agentMessageSendSchema, permission: 'tickets.write' },
  typing: { schema: agentTypingSchema, permission: 'tickets.write' },
  'ticket:assign': { schema: ticketAssignSchema, permission: 'tickets.assign' },
  'ticket:setStatus': { schema: ticketSetStatusSchema, permission: 'tickets.write' },
  'ticket:setPriority': { schema: ticketSetPrioritySchema, permission: 'tickets.write' },
  'ticket:addTag': { schema: ticketTagSchema, permission: 'tickets.write' },
  'ticket:removeTag': { schema: ticketTagSchema, permission: 'tickets.write' },
  'presence:set': { schema: presenceSetSchema, permission: 'member' },
  'agents:list': { schema: emptyPayloadSchema, permission: 'member' },
  read: { schema: agentReadSchema, permission: 'tickets.read.mine' },
  'contact:get': { schema: contactGetSchema, permission: 'contacts.read' },
  'teams:list': { schema: emptyPayloadSchema, permission: 'member' },
  'inboxes:list': { schema: emptyPayloadSchema, permission: 'member' },
  'ticket:view': { schema: ticketViewingSchema, permission: 'tickets.read.mine' },
  'sla:get': { schema: ticketGetSchema, permission: 'tickets.read.mine' },
} as const satisfies { [E in keyof AgentClientToServer]: EventDecl };
export type AgentEventName = keyof typeof AGENT_EVENTS;
