import { z } from 'zod';
import { jsonText } from './text.js';
import { TICKET_PRIORITIES, ticketStatusSchema } from './model.js';

/** What an SLA promises, per ticket: the first public reply, each next reply, the resolution. */
export const SLA_METRICS = ['first_response', 'next_response', 'resolution'] as const;
export const slaMetricSchema = z.enum(SLA_METRICS);
export type SlaMetric = z.infer<typeof slaMetricSchema>;

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
