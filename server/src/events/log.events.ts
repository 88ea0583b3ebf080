import { z } from 'zod';
import { activityKindSchema, availabilitySchema, slaMetricSchema, authorTypeSchema, channelSchema, ticketPrioritySchema, ticketStatusSchema, visibilitySchema } from '@support/protocol';

/**
 * The events of the durable log (`domain_events`), by the dotted names of the bus's events
 * (events.ts), with payloads of their own: small, built inside the writing statement (the chat
 * hot path builds `message.created` in SQL), and carrying database uuids, since the consumers
 * are server code that reads the rows again. Times are ISO strings.
 */
const activity = z.object({
  kind: activityKindSchema,
  actorType: authorTypeSchema,
  actorId: z.string().nullable(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
});

/** The ticket's fields reactions select on, as the change left them. */
const ticketState = z.object({
  status: ticketStatusSchema,
  priority: ticketPrioritySchema,
  inboxId: z.string(),
  teamId: z.string().nullable(),
  assigneeId: z.string().nullable(),
});

/** A change made by an automation rule (lib/context.ts ChangeCause); absent for people and channels. */
const cause = z.object({ ruleId: z.string(), depth: z.number().int().min(0) });

export const logEvents = {
  /** A ticket was opened with its first message (which gets no `message.created` of its own). */
  'ticket.created': z.object({
    ticketId: z.string(),
    messageId: z.string(),
    conversationId: z.string(),
    requesterId: z.string(),
    channel: channelSchema,
    authorType: authorTypeSchema,
    createdAt: z.string(),
    ticket: ticketState,
  }),
  /** Status, priority, assignee, team or tags changed: one activity per change, in order. */
  'ticket.updated': z.object({ ticketId: z.string(), activities: z.array(activity), ticket: ticketState, cause: cause.optional() }),
  'message.created': z.object({
    ticketId: z.string(),
    conversationId: z.string(),
    messageId: z.string(),
    seq: z.number().int(),
    authorType: authorTypeSchema,
    authorId: z.string().nullable(),
    visibility: visibilitySchema,
    createdAt: z.string(),
    /** The ticket's status after the message (a customer message reopens a pending ticket). */
    status: ticketStatusSchema,
    /** Written only by automation's own messages (the chat hot path never sets it). */
    cause: cause.optional(),
  }),
  /** A contact's profile or attributes changed. */
  'contact.updated': z.object({ contactId: z.string() }),
  /** An SLA target was missed: the clock's due time passed while it ran (recorded once, at its due time). */
  'sla.breached': z.object({ ticketId: z.string(), clockId: z.string(), metric: slaMetricSchema, dueAt: z.string() }),
  /** An SLA clock reached its warning time, still running. */
  'sla.warning': z.object({ ticketId: z.string(), clockId: z.string(), metric: slaMetricSchema, dueAt: z.string() }),
  /** A member's availability changed (online, away, offline): routing drains or hands back their work. */
  'agent.availability_changed': z.object({ userId: z.string(), status: availabilitySchema }),
  /**
   * Routing settings changed (a policy, a capacity, rules): routing drains the queues named, or
   * every queue of the workspace when `queueIds` is null (team or inbox uuids).
   */
  'routing.changed': z.object({ queueIds: z.array(z.string()).nullable() }),
} as const;

export type LogEventName = keyof typeof logEvents;
export type LogEventPayload<N extends LogEventName> = z.infer<(typeof logEvents)[N]>;

/** One event as a consumer receives it. `position` is unique; order is (xid, position). */
export type LoggedEvent = {
  [N in LogEventName]: {
    position: number;
    id: string;
    xid: string;
    workspaceId: string;
    name: N;
    payload: LogEventPayload<N>;
    occurredAt: Date;
    imported: boolean;
  };
}[LogEventName];
