import { AUTOMATION_EVENTS, automationRuleFieldsSchema, type AutomationEvent, type AutomationRule, type Condition } from '@support/protocol';
import type { FormValues } from '../form/form-controller.js';
import type { Schema } from '../form/form-errors.js';
import type { ActionChoices } from '../../lib/named.js';
import type { ConditionChoices } from '../sla/condition-text.js';

/** What the automation pages choose from: the action builder's and the condition builder's names. */
export type AutomationData = { actions: ActionChoices; conditions: ConditionChoices };

/** The checkbox of an event in the form: `event:<event>`. */
export const eventKey = (e: AutomationEvent) => `event:${e}`;

/**
 * The form values of a rule (a new one when null), flat as FormController keeps them: each
 * event a checkbox, conditions and actions as JSON (their builders edit them); `events` holds
 * no value, only its error.
 */
export function ruleValues(r: AutomationRule | null): FormValues {
  const on = new Set(r?.events ?? ['message.customer']);
  return {
    name: r?.name ?? '',
    description: r?.description ?? '',
    enabled: r?.enabled ?? true,
    trigger: r?.trigger ?? 'event',
    events: true,
    ...Object.fromEntries(AUTOMATION_EVENTS.map((e) => [eventKey(e), on.has(e)])),
    conditions: JSON.stringify(r?.conditions ?? { all: [] }),
    actions: JSON.stringify(r?.actions ?? []),
  };
}

/** The rule a form's values describe (the body of a create, and of an update without `expectedUpdatedAt`). */
export function ruleBody(v: FormValues): Record<string, unknown> {
  const time = v.trigger === 'time';
  return {
    name: v.name,
    description: v.description,
    enabled: v.enabled === true,
    trigger: time ? 'time' : 'event',
    events: time ? [] : AUTOMATION_EVENTS.filter((e) => v[eventKey(e)] === true),
    conditions: JSON.parse(String(v.conditions || '{"all":[]}')) as Condition,
    actions: JSON.parse(String(v.actions || '[]')) as unknown[],
  };
}

/** The schema the server holds a rule to, on a body that may carry `expectedUpdatedAt` too. */
export const ruleSchema: Schema = {
  safeParse(body: unknown) {
    const { expectedUpdatedAt: _, ...rule } = body as Record<string, unknown>;
    return automationRuleFieldsSchema.safeParse(rule);
  },
};

const ago = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
/** "5 minutes ago", "yesterday": how long ago `iso` was, at `now`. */
export function agoText(iso: string, now = Date.now()): string {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const a = Math.abs(s);
  if (a < 60) return ago.format(Math.round(s), 'second');
  if (a < 3600) return ago.format(Math.round(s / 60), 'minute');
  if (a < 86400) return ago.format(Math.round(s / 3600), 'hour');
  return ago.format(Math.round(s / 86400), 'day');
}
