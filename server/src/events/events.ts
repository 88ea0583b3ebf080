import { z } from 'zod';
import {
  activitySchema,
  availabilitySchema,
  contactSchema,
  emailDeliverySchema,
  messageSchema,
  NOTIFICATION_KINDS,
  ticketPatchSchema,
  ticketSchema,
  ticketSlaSchema,
  slaMetricSchema,
  widgetConversationSchema,
} from '@support/protocol';

/**
 * Where a ticket is, for who may see it (realtime/rooms.ts `ticketRooms`): the events about a
 * ticket carry it, so listeners route them to the sockets that see the ticket and no others.
 */
const place = {
  inboxId: z.string(),
  teamId: z.string().nullable(),
  assigneeId: z.string().nullable(),
};

/**
 * Every domain event, by dotted name, with its payload schema. Services publish these after
 * commit; listeners (realtime, and later SLA, routing, email out, webhooks) react to them.
 * Ids inside payloads are wire ids; `workspaceId` is always present for tenant routing.
 */
export const domainEvents = {
  'ticket.created': z.object({
    workspaceId: z.string(),
    ticket: ticketSchema,
    message: messageSchema.nullable(),
    conversation: widgetConversationSchema,
    contactId: z.string(),
  }),
  'ticket.updated': z.object({
    workspaceId: z.string(),
    ticket: ticketSchema,
    activities: z.array(activitySchema),
    /** Where it was before the change: sockets that saw it there and no longer do are told to drop it. */
    before: z.object({ teamId: z.string().nullable(), assigneeId: z.string().nullable() }),
  }),
  'message.created': z.object({
    workspaceId: z.string(),
    message: messageSchema,
    ticket: ticketPatchSchema,
    requesterId: z.string(),
    /** The ticket's place; its inbox is also where visitors receive the message (sockets of that inbox only). */
    ...place,
    activities: z.array(activitySchema),
  }),
  /** The delivery state of an outbound email changed (queued → sent / failed / not_sent). */
  'message.delivery': z.object({
    workspaceId: z.string(),
    messageId: z.string(),
    ticketId: z.string(),
    ...place,
    delivery: emailDeliverySchema,
  }),
  'conversation.read': z.object({
    workspaceId: z.string(),
    conversationId: z.string(),
    requesterId: z.string(),
    ...place,
    side: z.enum(['contact', 'agent']),
    seq: z.number().int(),
  }),
  /** A contact's profile or attributes changed (widget identify, attributes:set). */
  'contact.updated': z.object({ workspaceId: z.string(), contact: contactSchema }),
  /** An inbox was created, renamed or deleted (settings): agents fetch their inbox lists again. */
  'inbox.changed': z.object({ workspaceId: z.string(), inboxId: z.string(), change: z.enum(['created', 'updated', 'deleted']) }),
  /**
   * A ticket's SLA summary changed (a clock started, moved, ended) and/or a warning or breach
   * fired (`alert`): agents who see the ticket update its countdown and may be notified.
   */
  'sla.changed': z.object({
    workspaceId: z.string(),
    ticketId: z.string(),
    ...place,
    sla: ticketSlaSchema.nullable(),
    alert: z.object({ kind: z.enum(['warning', 'breached']), metric: slaMetricSchema, dueAt: z.string() }).nullable(),
  }),
  /** Routing settings were saved (a policy or a capacity): wakes the event log's consumers at once, so the queue drains now rather than at their next poll. */
  'routing.changed': z.object({ workspaceId: z.string() }),
  /** Routing queues of a workspace changed: each queue's length and oldest wait (supervisors, live). */
  'routing.queue': z.object({
    workspaceId: z.string(),
    queues: z.array(z.object({ teamId: z.string().nullable(), inboxId: z.string().nullable(), length: z.number().int(), oldestSince: z.string().nullable() })),
  }),
  /** Visitors' places in routing queues (position null: no longer waiting), told to their widgets. */
  'routing.positions': z.object({
    workspaceId: z.string(),
    entries: z.array(z.object({
      contactId: z.string(), inboxId: z.string(), ticketId: z.string(),
      position: z.number().int().nullable(), expectedWaitSeconds: z.number().int().nullable(),
    })),
  }),
  'agent.session_ended': z.object({ workspaceId: z.string(), sessionId: z.string() }),
  'agent.presence_changed': z.object({
    workspaceId: z.string(),
    userId: z.string(),
    status: availabilitySchema,
  }),
  /** A member was told something (notifications.service.ts): to that member's own sockets, with their unread count. */
  'notification.new': z.object({
    workspaceId: z.string(),
    userId: z.string(),
    notification: z.object({
      id: z.string(), kind: z.enum(NOTIFICATION_KINDS), ticketId: z.string().nullable(), ticketNumber: z.number().int().nullable(),
      message: z.string(), source: z.string(), readAt: z.string().nullable(), createdAt: z.string(),
    }),
    unread: z.number().int(),
  }),
} as const;

export type DomainEventName = keyof typeof domainEvents;
export type DomainEventPayload<N extends DomainEventName> = z.infer<(typeof domainEvents)[N]>;
export type DomainEvent = { [N in DomainEventName]: { name: N; payload: DomainEventPayload<N> } }[DomainEventName];
