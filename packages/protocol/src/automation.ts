import { z } from 'zod';
import { jsonText } from './text.js';
import { idSchema } from './ids.js';
import { tagNameSchema } from './agent.js';
import { templateSchema } from './templates.js';
import { conditionSchemaFor, type Condition, type ConditionTraceEntry } from './conditions/index.js';
import { ticketPrioritySchema, ticketStatusSchema } from './model.js';

/**
 * Automation (server/src/automation, docs/automation.md): rules that act on tickets when
 * something happens (event rules) or when time passes (time rules), and macros that apply the
 * same actions in one click. Both use one action catalogue (AUTOMATION_ACTIONS).
 */

// ------------------------------------------------------------------ actions

/** The longest a snooze lasts: a year, in minutes. */
export const SNOOZE_MAX_MINUTES = 366 * 24 * 60;
/** The most actions one rule or macro holds. */
export const MAX_ACTIONS = 20;

const tagsSchema = z.array(tagNameSchema).min(1, 'name at least one tag').max(20, 'at most 20 tags');

/**
 * One action. Templates (`body`, `message`) take placeholders (templates.ts).
 * - `set_status` … `set_assignee`: as an agent would; `assigneeId: null` unassigns.
 * - `route`: hand the ticket to routing (its rules and its team's policy), as "Route now".
 * - `add_note`: an internal note; `send_message`: a public reply (a chat message, or an email
 *   reply on an email ticket, sent from its inbox).
 * - `notify`: an inbox notification, and an email, to the members named, the members of the
 *   teams named and/or the ticket's assignee.
 * - `apply_sla`: hold the ticket to this SLA policy instead of the one its conditions select.
 * - `snooze`: set the ticket pending for this many minutes; it opens again then, or when the
 *   customer writes.
 * Setting a custom field arrives with custom fields (issue "Finding and shaping tickets").
 */
export const automationActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('set_status'), status: ticketStatusSchema }),
  z.strictObject({ type: z.literal('set_priority'), priority: ticketPrioritySchema }),
  z.strictObject({ type: z.literal('set_team'), teamId: idSchema('team').nullable() }),
  z.strictObject({ type: z.literal('set_assignee'), assigneeId: idSchema('user').nullable() }),
  z.strictObject({ type: z.literal('route') }),
  z.strictObject({ type: z.literal('add_tags'), tags: tagsSchema }),
  z.strictObject({ type: z.literal('remove_tags'), tags: tagsSchema }),
  z.strictObject({ type: z.literal('add_note'), body: templateSchema }),
  z.strictObject({ type: z.literal('send_message'), body: templateSchema }),
  z
    .strictObject({
      type: z.literal('notify'),
      userIds: z.array(idSchema('user')).max(50).default([]),
      teamIds: z.array(idSchema('team')).max(20).default([]),
      /** Also the ticket's assignee (nobody when unassigned). */
      assignee: z.boolean().default(false),
      message: templateSchema,
    })
    .refine((a) => a.userIds.length + a.teamIds.length > 0 || a.assignee, { message: 'name at least one person or team to notify', path: ['userIds'] }),
  z.strictObject({ type: z.literal('apply_sla'), policyId: idSchema('slaPolicy') }),
  z.strictObject({ type: z.literal('snooze'), minutes: z.number().int('a whole number of minutes').min(1, 'at least a minute').max(SNOOZE_MAX_MINUTES, 'at most a year') }),
]);
export type AutomationAction = z.infer<typeof automationActionSchema>;
export type AutomationActionType = AutomationAction['type'];
export const AUTOMATION_ACTION_TYPES = [
  'set_status',
  'set_priority',
  'set_team',
  'set_assignee',
  'route',
  'add_tags',
  'remove_tags',
  'add_note',
  'send_message',
  'notify',
  'apply_sla',
  'snooze',
] as const satisfies readonly AutomationActionType[];

/** Labels of the actions, for builders and timelines. */
export const AUTOMATION_ACTION_LABELS: Record<AutomationActionType, string> = {
  set_status: 'Set status',
  set_priority: 'Set priority',
  set_team: 'Set team',
  set_assignee: 'Assign to',
  route: 'Hand to routing',
  add_tags: 'Add tags',
  remove_tags: 'Remove tags',
  add_note: 'Add an internal note',
  send_message: 'Send a reply',
  notify: 'Notify',
  apply_sla: 'Apply SLA policy',
  snooze: 'Snooze',
};

export const automationActionsSchema = z.array(automationActionSchema).min(1, 'add at least one action').max(MAX_ACTIONS, `at most ${MAX_ACTIONS} actions`);

/**
 * What one action did (or would do, in a test or a macro preview). `changed: false` with
 * `ok: true` is an action that found nothing to do (status already pending). A failing action
 * does not stop the others.
 */
export type ActionOutcome = {
  type: AutomationActionType;
  ok: boolean;
  changed: boolean;
  /** One sentence for people: "Status set to pending", "Could not assign: Ann is not a member". */
  summary: string;
  /** Error code when `ok` is false (NOT_FOUND, FORBIDDEN, VALIDATION_FAILED, ...). */
  code?: string;
};

// ------------------------------------------------------------------ rules

/**
 * The events an event rule listens to. Message events come from `message.created` by author
 * and visibility; the `ticket.*_changed` ones from each change of `ticket.updated`.
 */
export const AUTOMATION_EVENTS = [
  'ticket.created',
  'message.customer',
  'message.agent',
  'message.note',
  'ticket.status_changed',
  'ticket.priority_changed',
  'ticket.assignee_changed',
  'ticket.team_changed',
  'ticket.tags_changed',
  'sla.warning',
  'sla.breached',
  'contact.updated',
] as const;
export const automationEventSchema = z.enum(AUTOMATION_EVENTS);
export type AutomationEvent = z.infer<typeof automationEventSchema>;

export const AUTOMATION_EVENT_LABELS: Record<AutomationEvent, string> = {
  'ticket.created': 'Ticket created',
  'message.customer': 'Customer message',
  'message.agent': 'Agent reply',
  'message.note': 'Internal note',
  'ticket.status_changed': 'Status changed',
  'ticket.priority_changed': 'Priority changed',
  'ticket.assignee_changed': 'Assignee changed',
  'ticket.team_changed': 'Team changed',
  'ticket.tags_changed': 'Tags changed',
  'sla.warning': 'SLA warning',
  'sla.breached': 'SLA breached',
  'contact.updated': 'Contact updated',
};

export const AUTOMATION_TRIGGERS = ['event', 'time'] as const;
export type AutomationTrigger = (typeof AUTOMATION_TRIGGERS)[number];

/** How deep rules may trigger rules: a change made by a rule at depth 3 triggers nothing. */
export const AUTOMATION_MAX_DEPTH = 3;

const nameSchema = jsonText(z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'));
const descriptionSchema = jsonText(z.string().trim().max(500, 'at most 500 characters'));

const eventConditions = conditionSchemaFor('automation_event');
const timeConditions = conditionSchemaFor('automation_time');

/**
 * A rule as saved.
 * - `trigger: 'event'`: runs, in `position` order, on each of `events` (at least one); its
 *   conditions are in the `automation_event` context (changed_to and the message fields).
 * - `trigger: 'time'`: `events` is empty; its conditions (the `automation_time` context) must
 *   name at least one duration ("minutes since …"); the rule fires once per ticket when they
 *   come to hold, and again only after they stopped holding.
 * Every rule runs on every event it listens to (an event rule does not stop the ones after it).
 */
export const automationRuleFieldsSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.default(''),
    enabled: z.boolean(),
    trigger: z.enum(AUTOMATION_TRIGGERS),
    events: z.array(automationEventSchema).max(AUTOMATION_EVENTS.length).default([]),
    conditions: z.unknown(),
    actions: automationActionsSchema,
  })
  .superRefine((r, ctx) => {
    if (r.trigger === 'event' && r.events.length === 0) ctx.addIssue({ code: 'custom', path: ['events'], message: 'pick at least one event' });
    if (r.trigger === 'time' && r.events.length > 0) ctx.addIssue({ code: 'custom', path: ['events'], message: 'a time rule runs on time, not on events' });
    const parsed = (r.trigger === 'time' ? timeConditions : eventConditions).safeParse(r.conditions);
    if (!parsed.success) for (const i of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['conditions', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message });
  });
export type AutomationRuleFields = {
  name: string;
  description: string;
  enabled: boolean;
  trigger: AutomationTrigger;
  events: AutomationEvent[];
  conditions: Condition;
  actions: AutomationAction[];
};

/** A rule as the settings read it. */
export type AutomationRule = AutomationRuleFields & {
  id: string;
  position: number;
  runCount: number;
  /** Runs whose conditions held (the rule acted). */
  matchCount: number;
  errorCount: number;
  lastRunAt: string | null;
  updatedAt: string;
};

export const automationRuleCreateSchema = automationRuleFieldsSchema;
/** A PATCH: any fields; `trigger`, `events` and `conditions` are checked together with the stored rule. */
export const automationRuleUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  enabled: z.boolean().optional(),
  trigger: z.enum(AUTOMATION_TRIGGERS).optional(),
  events: z.array(automationEventSchema).max(AUTOMATION_EVENTS.length).optional(),
  conditions: z.unknown().optional(),
  actions: automationActionsSchema.optional(),
  expectedUpdatedAt: z.string().datetime().optional(),
});
export const automationRuleParamSchema = z.strictObject({ ruleId: idSchema('automationRule') });
export const automationRuleOrderSchema = z.strictObject({ ids: z.array(idSchema('automationRule')).max(500) });

/**
 * `POST /api/settings/automation/rules/test`: what a rule (saved or not) would do on a ticket,
 * changing nothing. `event` picks the event to simulate for an event rule (default: the rule's
 * first); the ticket's latest message stands in for a message event's message.
 */
export const automationRuleTestSchema = z.strictObject({
  rule: z.unknown(),
  ticketNumber: z.number().int().positive(),
  event: automationEventSchema.optional(),
});
export type AutomationRuleTestResult = {
  ticketId: string;
  ticketNumber: number;
  event: AutomationEvent | null;
  matched: boolean;
  trace: ConditionTraceEntry[];
  /** What each action would do, when matched (empty otherwise). */
  actions: ActionOutcome[];
};

/** One run of a rule on a ticket, as the run log keeps it. */
export type AutomationRun = {
  id: string;
  ruleId: string | null;
  ruleName: string;
  ticketId: string;
  ticketNumber: number;
  /** The event, or null for a time rule. */
  event: AutomationEvent | null;
  /** 0 for an event from people or channels; n for a change made by a rule at depth n − 1. */
  depth: number;
  matched: boolean;
  trace: ConditionTraceEntry[];
  actions: ActionOutcome[];
  /** Why the run failed as a whole (a rule that could not be read), else null. */
  error: string | null;
  createdAt: string;
};
export const automationRunsQuerySchema = z.strictObject({
  ruleId: idSchema('automationRule').optional(),
  ticketId: idSchema('ticket').optional(),
  /** Only runs whose conditions held, or that had a failing action. */
  only: z.enum(['matched', 'errors']).optional(),
  before: z.string().datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The `automation` activity's `newValue`: which rule acted on the ticket and what each action did. */
export type AutomationActivity = {
  ruleId: string;
  ruleName: string;
  runId: string;
  event: AutomationEvent | null;
  actions: ActionOutcome[];
};

// ------------------------------------------------------------------ macros

/** Who sees a macro or canned response: its author, a team's members, or everyone in the workspace. */
export const SHARING = ['personal', 'team', 'workspace'] as const;
export const sharingSchema = z.enum(SHARING);
export type Sharing = z.infer<typeof sharingSchema>;

export const macroFieldsSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.default(''),
    sharing: sharingSchema,
    /** The team, when `sharing` is `team`. */
    teamId: idSchema('team').nullable().default(null),
    actions: automationActionsSchema,
  })
  .superRefine((m, ctx) => {
    if (m.sharing === 'team' && !m.teamId) ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'pick the team to share with' });
    if (m.sharing !== 'team' && m.teamId) ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'only a team macro names a team' });
  });
export type MacroFields = z.infer<typeof macroFieldsSchema>;
export type Macro = MacroFields & { id: string; ownerId: string | null; usageCount: number; updatedAt: string };

export const macroUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  sharing: sharingSchema.optional(),
  teamId: idSchema('team').nullable().optional(),
  actions: automationActionsSchema.optional(),
  expectedUpdatedAt: z.string().datetime().optional(),
});
export const macroParamSchema = z.strictObject({ macroId: idSchema('macro') });
export const macroTicketParamSchema = z.strictObject({ macroId: idSchema('macro'), ticketId: idSchema('ticket') });
/** `POST /api/macros/:macroId/apply`: on many tickets at once, at most 100; each reported on its own. */
export const macroBulkApplySchema = z.strictObject({ ticketIds: z.array(idSchema('ticket')).min(1).max(100) });
export type MacroApplyResult = { ticketId: string; ok: boolean; code?: string; message?: string; actions: ActionOutcome[] };
