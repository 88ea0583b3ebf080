import { defaultSlaTargets, TICKET_PRIORITIES, type Condition, type SlaPolicyRecord, type SlaTargets } from '@support/protocol';
import type { FormValues } from '../form/form-controller.js';
import type { Schema } from '../form/form-errors.js';
import { formatDuration, parseDuration } from './duration.js';

/** The metrics of a policy's targets, in the order the targets table shows them, with their column names. */
export const METRICS = [
  ['first_response', 'First response'],
  ['next_response', 'Next response'],
  ['resolution', 'Resolution'],
] as const;
export type MetricKey = (typeof METRICS)[number][0];

/** The form field of one target: `targets.urgent.first_response`, the path the server's issues name. */
export const targetField = (priority: string, metric: string) => `targets.${priority}.${metric}`;
const WARN = 'warnLeadSeconds';
const DURATION_FIELDS = [WARN, ...TICKET_PRIORITIES.flatMap((p) => METRICS.map(([m]) => targetField(p, m)))];

/** What a new policy starts with: enabled, business hours of the default calendar, paused while pending, a warning an hour ahead. */
export function newPolicy(): Omit<SlaPolicyRecord, 'id' | 'position' | 'isDefault' | 'createdAt' | 'updatedAt'> {
  return {
    name: '', enabled: true, businessHours: true, calendarId: null, pauseStatuses: ['pending'], warnLeadSeconds: 3600, reopen: 'restart',
    conditions: { all: [] }, targets: defaultSlaTargets(),
  };
}

/**
 * The form values of a policy (a new one when null): flat, as FormController keeps them;
 * durations as text ("1h 30m", empty for no target), the condition as JSON.
 */
export function policyValues(p: Omit<SlaPolicyRecord, 'id' | 'position' | 'isDefault' | 'createdAt' | 'updatedAt'> | null): FormValues {
  const q = p ?? newPolicy();
  const values: FormValues = {
    name: q.name,
    enabled: q.enabled,
    businessHours: q.businessHours ? 'business' : 'calendar',
    calendarId: q.calendarId ?? '',
    pauseStatuses: q.pauseStatuses.includes('pending'),
    [WARN]: formatDuration(q.warnLeadSeconds),
    reopen: q.reopen,
    conditions: JSON.stringify(q.conditions),
  };
  for (const pr of TICKET_PRIORITIES) for (const [m] of METRICS) values[targetField(pr, m)] = formatDuration(q.targets[pr][m]);
  return values;
}

/** A duration field's seconds, or its text when it cannot be read (the schema wrapper says why). */
function seconds(text: string | boolean | undefined, empty: number | null): number | null | string {
  const r = parseDuration(String(text ?? ''));
  if (!r.ok) return String(text);
  return r.seconds ?? empty;
}

/** The request body of a policy form's values (without `expectedUpdatedAt`); `isDefault` leaves the conditions out. */
export function policyBody(v: FormValues, isDefault: boolean): Record<string, unknown> {
  const targets = Object.fromEntries(
    TICKET_PRIORITIES.map((p) => [p, Object.fromEntries(METRICS.map(([m]) => [m, seconds(v[targetField(p, m)], null)]))]),
  ) as unknown as SlaTargets;
  return {
    name: v.name,
    enabled: v.enabled === true,
    businessHours: v.businessHours === 'business',
    calendarId: v.calendarId ? v.calendarId : null,
    pauseStatuses: v.pauseStatuses === true ? ['pending'] : [],
    warnLeadSeconds: seconds(v[WARN], 0),
    reopen: v.reopen,
    targets,
    ...(isDefault ? {} : { conditions: JSON.parse(String(v.conditions || '{"all":[]}')) as Condition }),
  };
}

type Issue = { path: PropertyKey[]; message: string };

function get(o: unknown, path: string[]): unknown {
  return path.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
}
function set(o: unknown, path: string[], value: unknown) {
  const parent = get(o, path.slice(0, -1));
  if (parent && typeof parent === 'object') (parent as Record<string, unknown>)[path.at(-1)!] = value;
}

/**
 * The protocol's schema with one more check first: a duration typed as text that does not read
 * (left as text in the body by `policyBody`) is refused on its field with a message that says
 * how to write one; the rest of the body is held to `schema` as the server holds it.
 */
export function withDurations(schema: Schema): Schema {
  return {
    safeParse(body: unknown) {
      const copy = structuredClone(body) as Record<string, unknown>;
      const issues: Issue[] = [];
      for (const f of DURATION_FIELDS) {
        const path = f.split('.');
        const v = get(copy, path);
        if (typeof v !== 'string') continue;
        const r = parseDuration(v);
        issues.push({ path, message: r.ok ? 'Must be a duration' : r.message });
        set(copy, path, f === WARN ? 0 : null);
      }
      const r = schema.safeParse(copy);
      const all = [...issues, ...(r.success ? [] : r.error.issues)];
      return all.length ? { success: false as const, error: { issues: all } } : { success: true as const };
    },
  };
}
