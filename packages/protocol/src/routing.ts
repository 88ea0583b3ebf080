import { z } from 'zod';
import { jsonText } from './text.js';
import { idSchema } from './ids.js';
import { tagNameSchema } from './agent.js';
import { conditionSchemaFor, type Condition } from './conditions/index.js';
import { ticketPrioritySchema, ticketStatusSchema, type Channel, type TicketPriority } from './model.js';

/**
 * Routing (server/src/routing): who gets a new ticket. A policy belongs to a team, or to an inbox
 * for the tickets that have no team; a ticket with neither is assigned by hand.
 *
 * - `manual`: nobody is picked; the ticket waits in its team's (inbox's) list.
 * - `round_robin`: the eligible agent who was given a ticket least recently.
 * - `balanced`: the eligible agent with the fewest assigned tickets in the load statuses, ties to
 *   whoever has waited longest since their last assignment.
 *
 * Eligible: an active member, online (not away), in the team (for an inbox policy: in a team that
 * works the inbox, or anyone when no team does), under capacity for the ticket's channel, and
 * within the policy's working hours when it has a calendar. When nobody is, the ticket joins the
 * queue of its team (inbox): priority first, then the SLA due soonest, then age.
 */
export const ROUTING_MODES = ['manual', 'round_robin', 'balanced'] as const;
export const routingModeSchema = z.enum(ROUTING_MODES);
export type RoutingMode = z.infer<typeof routingModeSchema>;

/** The most tickets of one channel routing gives one agent. */
export const ROUTING_MAX_CAPACITY = 500;
const capacitySchema = z.number().int('a whole number').min(0, 'at least 0').max(ROUTING_MAX_CAPACITY, `at most ${ROUTING_MAX_CAPACITY}`);

/** The settings of one policy (team or inbox). */
export const routingPolicyFieldsSchema = z.strictObject({
  mode: routingModeSchema,
  /** The statuses whose assigned tickets count as an agent's load (open by default). */
  loadStatuses: z.array(ticketStatusSchema.extract(['open', 'pending'])).min(1, 'pick at least one status').max(2),
  /** The team default: how many chats / emails routing gives one agent at most. */
  chatCapacity: capacitySchema,
  emailCapacity: capacitySchema,
  /** How long an agent who went away or offline keeps their unanswered chats before they go back to the queue. */
  awayGraceSeconds: z.number().int().min(0).max(86_400, 'at most a day'),
  /** A reopened ticket goes back to its previous assignee, if eligible, within this long of being resolved. */
  reopenWindowSeconds: z.number().int().min(0).max(30 * 86_400, 'at most 30 days'),
  /** Working hours (`cal_…`): outside them nobody of the team is given tickets. Null: any time. */
  calendarId: idSchema('calendar').nullable(),
});
export type RoutingPolicyFields = z.infer<typeof routingPolicyFieldsSchema>;

/** Where a policy applies: a team's tickets, or an inbox's tickets without a team. */
export const routingTargetSchema = z.union([
  z.strictObject({ teamId: idSchema('team'), inboxId: z.null().optional() }),
  z.strictObject({ inboxId: idSchema('inbox'), teamId: z.null().optional() }),
]);
export type RoutingTarget = { teamId: string; inboxId?: null } | { inboxId: string; teamId?: null };

/** A stored policy as the settings read it. */
export type RoutingPolicy = RoutingPolicyFields & {
  id: string;
  teamId: string | null;
  inboxId: string | null;
  updatedAt: string;
};

/** What a new policy starts with. */
export const DEFAULT_ROUTING_POLICY: RoutingPolicyFields = {
  mode: 'balanced',
  loadStatuses: ['open'],
  chatCapacity: 3,
  emailCapacity: 10,
  awayGraceSeconds: 300,
  reopenWindowSeconds: 3 * 86_400,
  calendarId: null,
};

/** `PUT /api/settings/routing/policies`: create or replace the policy of a team or inbox. */
export const routingPolicyPutSchema = routingPolicyFieldsSchema.extend({ target: routingTargetSchema });
/** `DELETE /api/settings/routing/policies/:policyId`. */
export const routingPolicyParamSchema = z.strictObject({ policyId: idSchema('routingPolicy') });

/** A per-agent override of the team default; null fields use the team's. */
export const routingCapacityFieldsSchema = z.strictObject({
  chatCapacity: capacitySchema.nullable(),
  emailCapacity: capacitySchema.nullable(),
});
export type RoutingCapacity = z.infer<typeof routingCapacityFieldsSchema> & { userId: string };
export const routingCapacityParamSchema = z.strictObject({ userId: idSchema('user') });

/** A rule's conditions: the shared language in the routing context. */
const routingConditionSchema = conditionSchemaFor('routing');

/** What a matching rule does. At least one action. */
export const routingActionsSchema = z
  .strictObject({
    teamId: idSchema('team').nullable().optional(),
    priority: ticketPrioritySchema.optional(),
    addTags: z.array(tagNameSchema).max(20).optional(),
    /** A specific agent: given the ticket when eligible; otherwise the ticket is routed as usual. */
    assigneeId: idSchema('user').optional(),
  })
  .refine((a) => a.teamId !== undefined || a.priority !== undefined || (a.addTags?.length ?? 0) > 0 || a.assigneeId !== undefined, 'give at least one action');
export type RoutingActions = z.infer<typeof routingActionsSchema>;

export const routingRuleFieldsSchema = z.strictObject({
  name: jsonText(z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters')),
  enabled: z.boolean(),
  conditions: routingConditionSchema,
  actions: routingActionsSchema,
});
export type RoutingRuleFields = { name: string; enabled: boolean; conditions: Condition; actions: RoutingActions };
export type RoutingRule = RoutingRuleFields & { id: string; position: number; updatedAt: string };

export const routingRuleCreateSchema = routingRuleFieldsSchema;
export const routingRuleUpdateSchema = routingRuleFieldsSchema.partial().extend({ expectedUpdatedAt: z.string().datetime().optional() });
export const routingRuleParamSchema = z.strictObject({ ruleId: idSchema('routingRule') });
/** The rules' ids in the order they are tried. */
export const routingRuleOrderSchema = z.strictObject({ ids: z.array(idSchema('routingRule')).max(500) });

/** Why a candidate was or was not chosen. */
export const ROUTING_REASONS = ['chosen', 'offline', 'away', 'at_capacity', 'outside_hours', 'not_next', 'busy'] as const;
export type RoutingReason = (typeof ROUTING_REASONS)[number];

/** What started a routing decision. */
export const ROUTING_TRIGGERS = ['created', 'drain', 'reopened', 'away', 'on_demand', 'team_changed'] as const;
export type RoutingTrigger = (typeof ROUTING_TRIGGERS)[number];

/**
 * A routing decision as the `routed` activity's `newValue` holds it (the ticket timeline shows
 * it): the policy, the rule that matched, each candidate with their load and why they were or
 * were not chosen, and the outcome.
 */
export type RoutingDecision = {
  trigger: RoutingTrigger;
  outcome: 'assigned' | 'queued' | 'manual' | 'kept';
  policy: { id: string; mode: RoutingMode; teamId: string | null; inboxId: string | null } | null;
  rule: { id: string; name: string } | null;
  assigneeId: string | null;
  /** The chosen one and the next best first, then the others, at most ROUTING_LISTED_CANDIDATES. */
  candidates: { userId: string; name: string; load: number; capacity: number; reason: RoutingReason }[];
  /** How many more candidates were considered than listed, by reason (absent when none). */
  more?: Partial<Record<RoutingReason, number>>;
};

/** The most candidates a decision lists (a team of 200 is summed up past them, by reason). */
export const ROUTING_LISTED_CANDIDATES = 20;

/** `POST /api/tickets/:ticketId/route`: run the rules and the policy again now. */
export const ticketRouteParamSchema = z.strictObject({ ticketId: idSchema('ticket') });

/** One queue as supervisors see it. */
export type RoutingQueueSummary = {
  teamId: string | null;
  inboxId: string | null;
  length: number;
  /** When the ticket waiting longest joined; null when empty. */
  oldestSince: string | null;
};

/** `GET /api/routing/queue` and the `routing:queue` socket event (members with reports.read). */
export type RoutingQueueEvent = { queues: RoutingQueueSummary[] };

/** Queue order: a higher priority first. */
export const PRIORITY_RANK: Record<TicketPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
/** The capacity field of a channel. */
export const capacityField = (channel: Channel) => (channel === 'chat' ? 'chatCapacity' : 'emailCapacity');
