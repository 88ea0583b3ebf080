import { z } from 'zod';

/** The payload of an event that takes none: `{}`, or nothing at all (`undefined` / `null`). */
export const emptyPayloadSchema = z.union([z.strictObject({}), z.undefined(), z.null()]);
import { idSchema } from './ids.js';
import { attachmentSchema, emailMetaSchema } from './email.js';
import { memberRoleSchema, type MemberRole } from './permissions.js';

/** Enumerations shared by the database, the server and every client. */
export const TICKET_STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const CHANNELS = ['chat', 'email'] as const;
export const AUTHOR_TYPES = ['contact', 'agent', 'system'] as const;
export const VISIBILITIES = ['public', 'internal'] as const;
export const AVAILABILITIES = ['online', 'away', 'offline'] as const;
export const ACTIVITY_KINDS = [
  'created',
  'status_changed',
  'priority_changed',
  'assigned',
  'team_changed',
  'tag_added',
  'tag_removed',
  /** A routing decision (protocol routing.ts `RoutingDecision` in `newValue`). */
  'routed',
  /** An automation rule acted (protocol automation.ts `AutomationActivity` in `newValue`); its changes follow as their own activities. */
  'automation',
  /** A macro was applied (`{ macroId, macroName, actions: ActionOutcome[] }` in `newValue`). */
  'macro',
  /** Snoozed until `newValue.until` (ISO), or woken (`newValue` null; `oldValue.until`). */
  'snoozed',
] as const;

export const ticketStatusSchema = z.enum(TICKET_STATUSES);
export const ticketPrioritySchema = z.enum(TICKET_PRIORITIES);
export const channelSchema = z.enum(CHANNELS);
export const authorTypeSchema = z.enum(AUTHOR_TYPES);
export const visibilitySchema = z.enum(VISIBILITIES);
export const availabilitySchema = z.enum(AVAILABILITIES);
export const activityKindSchema = z.enum(ACTIVITY_KINDS);

export type TicketStatus = z.infer<typeof ticketStatusSchema>;
export type TicketPriority = z.infer<typeof ticketPrioritySchema>;
export type Channel = z.infer<typeof channelSchema>;
export type AuthorType = z.infer<typeof authorTypeSchema>;
export type Visibility = z.infer<typeof visibilitySchema>;
/** A member's role in a workspace (permissions.ts). */
export type Role = MemberRole;
export type Availability = z.infer<typeof availabilitySchema>;

const isoDate = z.string();

/** A message as every client sees it. Visitors only ever receive `visibility: "public"`. */
export const messageSchema = z.object({
  id: idSchema('message'),
  ticketId: idSchema('ticket'),
  conversationId: idSchema('conversation'),
  seq: z.number().int().positive(),
  authorType: authorTypeSchema,
  /** `ct_…` for a contact, `usr_…` for an agent, null for system messages. */
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  html: z.string().nullable(),
  visibility: visibilitySchema,
  clientMessageId: z.string().nullable(),
  /** Email metadata (subject, from/to, delivery state…) when the message travelled by email; null for chat. */
  email: emailMetaSchema.nullable(),
  /** Files attached to the message (empty for most). */
  attachments: z.array(attachmentSchema),
  createdAt: isoDate,
});
export type Message = z.infer<typeof messageSchema>;

export const contactSchema = z.object({
  id: idSchema('contact'),
  name: z.string().nullable(),
  email: z.string().nullable(),
  externalRef: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
});
export type Contact = z.infer<typeof contactSchema>;

/** The fields of a ticket that change on every message; sent with `message:new` to agents. */
export const ticketPatchSchema = z.object({
  id: idSchema('ticket'),
  status: ticketStatusSchema,
  updatedAt: isoDate,
  lastMessageAt: isoDate.nullable(),
  lastMessagePreview: z.string().nullable(),
  firstResponseAt: isoDate.nullable(),
  resolvedAt: isoDate.nullable(),
});
export type TicketPatch = z.infer<typeof ticketPatchSchema>;

/** What an SLA promises, per ticket: the first public reply, each next reply, the resolution (sla.ts). */
export const SLA_METRICS = ['first_response', 'next_response', 'resolution'] as const;
export const slaMetricSchema = z.enum(SLA_METRICS);
export type SlaMetric = z.infer<typeof slaMetricSchema>;

/**
 * A ticket's soonest SLA target: what list rows count down to and sort by (the earliest due
 * time of its running clocks, else an open breach); null when no clock runs. `warnAt`: when
 * the countdown turns amber; `breached`: it is red.
 */
export const ticketSlaSchema = z.object({
  metric: slaMetricSchema,
  dueAt: isoDate,
  warnAt: isoDate.nullable(),
  breached: z.boolean(),
});
export type TicketSla = z.infer<typeof ticketSlaSchema>;

export const ticketSchema = ticketPatchSchema.extend({
  number: z.number().int().positive(),
  subject: z.string(),
  priority: ticketPrioritySchema,
  channel: channelSchema,
  inboxId: idSchema('inbox'),
  requester: z.object({ id: idSchema('contact'), name: z.string().nullable(), email: z.string().nullable() }),
  assigneeId: idSchema('user').nullable(),
  teamId: idSchema('team').nullable(),
  tags: z.array(z.string()),
  createdAt: isoDate,
  closedAt: isoDate.nullable(),
  sla: ticketSlaSchema.nullable(),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const activitySchema = z.object({
  id: idSchema('activity'),
  ticketId: idSchema('ticket'),
  kind: activityKindSchema,
  actorType: authorTypeSchema,
  actorId: z.string().nullable(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
  createdAt: isoDate,
});
export type Activity = z.infer<typeof activitySchema>;

export const conversationSchema = z.object({
  id: idSchema('conversation'),
  ticketId: idSchema('ticket'),
  channel: channelSchema,
  lastSeq: z.number().int().nonnegative(),
  contactLastReadSeq: z.number().int().nonnegative(),
  agentLastReadSeq: z.number().int().nonnegative(),
  createdAt: isoDate,
});
export type Conversation = z.infer<typeof conversationSchema>;

export const agentSchema = z.object({
  id: idSchema('user'),
  workspaceId: idSchema('workspace'),
  email: z.string(),
  name: z.string(),
  role: memberRoleSchema,
  /** The custom role (`role_…`) when `role` is `custom`, else null. */
  roleId: idSchema('role').nullable(),
  availability: availabilitySchema,
  /** `/api/avatars/<id>?v=…` when they uploaded an avatar (members of a workspace they share can read it), else null. */
  avatarUrl: z.string().nullable(),
});
export type Agent = z.infer<typeof agentSchema>;
