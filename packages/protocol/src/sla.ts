import { z } from 'zod';
import { jsonText } from './text.js';
import { idSchema } from './ids.js';
import { calendarSchema, type Calendar } from './calendars.js';
import { conditionSchemaFor, type Condition } from './conditions/index.js';

/** An SLA policy's conditions: the shared language, without message fields or change operators. */
const slaConditionSchema = conditionSchemaFor('sla');
import { slaMetricSchema, TICKET_PRIORITIES, ticketStatusSchema, type SlaMetric } from './model.js';


/**
 * The states of a clock. Open: `running` (counting, due at a time), `paused` (a pause status;
 * the used time is kept), `breached` (its due time passed without the target being met).
 * Closed: `fulfilled`, `fulfilled_after_breach`, `cancelled` (the target stopped applying).
 */
export const SLA_CLOCK_STATES = ['running', 'paused', 'breached', 'fulfilled', 'fulfilled_after_breach', 'cancelled'] as const;
export const slaClockStateSchema = z.enum(SLA_CLOCK_STATES);
export type SlaClockState = z.infer<typeof slaClockStateSchema>;

/** What is written to `sla_events` for each transition of a clock. */
export const SLA_EVENT_KINDS = ['started', 'paused', 'resumed', 'replanned', 'warned', 'breached', 'fulfilled', 'cancelled'] as const;
export const slaEventKindSchema = z.enum(SLA_EVENT_KINDS);
export type SlaEventKind = z.infer<typeof slaEventKindSchema>;

/** The longest target: a year. Targets are whole minutes on the wire, in seconds. */
export const SLA_MAX_TARGET_SECONDS = 365 * 86_400;

const targetSchema = z
  .number()
  .int('must be whole seconds')
  .min(60, 'at least one minute')
  .max(SLA_MAX_TARGET_SECONDS, 'at most a year')
  .refine((s) => s % 60 === 0, 'must be whole minutes')
  .nullable();

/** The targets for one priority, in seconds; null where that metric has no target. */
export const slaMetricTargetsSchema = z.strictObject({
  first_response: targetSchema,
  next_response: targetSchema,
  resolution: targetSchema,
});
export type SlaMetricTargets = z.infer<typeof slaMetricTargetsSchema>;

export const slaTargetsSchema = z.strictObject(
  Object.fromEntries(TICKET_PRIORITIES.map((p) => [p, slaMetricTargetsSchema])) as Record<(typeof TICKET_PRIORITIES)[number], typeof slaMetricTargetsSchema>,
);
export type SlaTargets = z.infer<typeof slaTargetsSchema>;

/** What a reopened ticket's resolution clock does: start again with the whole target, or go on from the time used. */
export const SLA_REOPEN_MODES = ['restart', 'resume'] as const;

/** The parts of an SLA policy every form edits (its conditions are validated by the condition language). */
export const slaPolicyFieldsSchema = z.strictObject({
  name: jsonText(z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters')),
  enabled: z.boolean(),
  /** Count the calendar's business hours (true) or every hour (false). */
  businessHours: z.boolean(),
  /** The calendar (`cal_…`); null for the workspace's default calendar. */
  calendarId: z.string().nullable(),
  /** Statuses in which every clock of the ticket pauses. */
  pauseStatuses: z.array(ticketStatusSchema.extract(['pending'])).max(1),
  /** How long before a due time `sla.warning` fires; 0 for no warning. */
  warnLeadSeconds: z.number().int().min(0).max(7 * 86_400, 'at most a week').refine((s) => s % 60 === 0, 'must be whole minutes'),
  reopen: z.enum(SLA_REOPEN_MODES),
  targets: slaTargetsSchema,
});
export type SlaPolicyFields = z.infer<typeof slaPolicyFieldsSchema>;

/** Targets a new policy starts with: a day to answer, three to resolve, faster for urgent ones. */
export function defaultSlaTargets(): SlaTargets {
  const h = 3600;
  return {
    low: { first_response: 24 * h, next_response: 24 * h, resolution: 5 * 24 * h },
    normal: { first_response: 8 * h, next_response: 8 * h, resolution: 3 * 24 * h },
    high: { first_response: 4 * h, next_response: 4 * h, resolution: 24 * h },
    urgent: { first_response: h, next_response: h, resolution: 8 * h },
  };
}

/** The `updatedAt` the client read: when no longer current the change is refused with 409 STALE. */
const expectedSchema = z.string().datetime({ offset: true }).optional();

/* ---------- Calendars (`/api/settings/calendars`) ---------- */

const calendarNameSchema = jsonText(z.string().trim().min(1, 'must not be empty').max(80, 'at most 80 characters'));

export const calendarParamSchema = z.strictObject({ calendarId: idSchema('calendar') });
export const calendarCreateSchema = z.strictObject({ name: calendarNameSchema, definition: calendarSchema });
export const calendarUpdateSchema = z.strictObject({
  name: calendarNameSchema.optional(),
  definition: calendarSchema.optional(),
  /** Make it the workspace's default (the old default stops being one). */
  isDefault: z.literal(true).optional(),
  expectedUpdatedAt: expectedSchema,
});
/** The largest iCalendar file `POST /api/settings/calendars/holidays/ics` reads (the body is the file, `text/calendar`). */
export const CALENDAR_ICS_MAX_BYTES = 1_000_000;

/** A calendar as the settings list and edit it; `policyCount`: SLA policies counting in it. */
export type CalendarRecord = { id: string; name: string; isDefault: boolean; definition: Calendar; policyCount: number; createdAt: string; updatedAt: string };

/* ---------- SLA policies (`/api/settings/sla-policies`) ---------- */

export const slaPolicyParamSchema = z.strictObject({ policyId: idSchema('slaPolicy') });
export const slaPolicyCreateSchema = slaPolicyFieldsSchema.extend({ conditions: slaConditionSchema, calendarId: idSchema('calendar').nullable() });
export const slaPolicyUpdateSchema = slaPolicyFieldsSchema
  .extend({ conditions: slaConditionSchema, calendarId: idSchema('calendar').nullable() })
  .partial()
  .extend({ expectedUpdatedAt: expectedSchema });
/** `PUT /api/settings/sla-policies/order`: every policy but the default, in the order they are tried. */
export const slaPolicyOrderSchema = z.strictObject({ ids: z.array(idSchema('slaPolicy')).max(200) });

/** A policy as the settings list and edit it. The default one has `isDefault` and always comes last. */
export type SlaPolicyRecord = z.output<typeof slaPolicyFieldsSchema> & {
  id: string;
  position: number;
  isDefault: boolean;
  conditions: Condition;
  createdAt: string;
  updatedAt: string;
};

/* ---------- Clocks as the inbox shows them ---------- */

export type SlaClockRecord = {
  id: string;
  metric: SlaMetric;
  state: SlaClockState;
  policyId: string | null;
  policyName: string | null;
  targetSeconds: number;
  usedSeconds: number;
  dueAt: string | null;
  warnAt: string | null;
  breachedAt: string | null;
  stoppedAt: string | null;
  createdAt: string;
};
export type SlaEventRecord = { id: string; clockId: string; metric: SlaMetric; kind: SlaEventKind; at: string; data: Record<string, unknown> };
/** `GET /api/tickets/:ticketId/sla`: each clock with its history. */
export type TicketSlaDetail = { clocks: SlaClockRecord[]; events: SlaEventRecord[] };

/* ---------- Compliance (`/api/sla/compliance`) ---------- */

export const slaComplianceQuerySchema = z
  .strictObject({
    from: z.string().datetime({ offset: true }),
    to: z.string().datetime({ offset: true }),
    groupBy: z.enum(['policy', 'team', 'agent']).default('policy'),
  })
  .refine((q) => new Date(q.from) < new Date(q.to), { path: ['to'], message: 'must be after from' })
  .refine((q) => new Date(q.to).getTime() - new Date(q.from).getTime() <= 366 * 86_400_000, { path: ['to'], message: 'at most a year after from' });
/**
 * A row of the compliance table: of the targets decided in the range (met, or breached), the
 * share met; per metric too. `key` is the policy, team or agent id (null: no team / unassigned).
 */
export type SlaComplianceRow = {
  key: string | null;
  name: string;
  met: number;
  breached: number;
  share: number | null;
  byMetric: Record<SlaMetric, { met: number; breached: number }>;
};
