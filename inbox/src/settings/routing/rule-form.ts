import type { Condition, RoutingActions, RoutingRule } from '@support/protocol';
import type { FormValues } from '../form/form-controller.js';
import { humanize, type ConditionChoices } from '../sla/condition-text.js';
import type { RoutingData } from './routing-data.js';

/**
 * The form values of a rule (a new one when null): flat, as FormController keeps them, named
 * by their path in the body so the server's issues land on them (`actions.addTags`); the
 * condition as JSON; `actions` holds no value, only the "give at least one action" message.
 */
export function ruleValues(r: RoutingRule | null): FormValues {
  const a = r?.actions ?? {};
  return {
    name: r?.name ?? '',
    enabled: r?.enabled ?? true,
    conditions: JSON.stringify(r?.conditions ?? { all: [] }),
    actions: true,
    'actions.teamId': a.teamId ?? '',
    'actions.priority': a.priority ?? '',
    'actions.addTags': (a.addTags ?? []).join(', '),
    'actions.assigneeId': a.assigneeId ?? '',
  };
}

/** The request body of a rule form's values (without `expectedUpdatedAt`): empty actions are left out. */
export function ruleBody(v: FormValues): Record<string, unknown> {
  const tags = String(v['actions.addTags'] ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const actions: Record<string, unknown> = {};
  if (v['actions.teamId']) actions.teamId = v['actions.teamId'];
  if (v['actions.priority']) actions.priority = v['actions.priority'];
  if (tags.length) actions.addTags = tags;
  if (v['actions.assigneeId']) actions.assigneeId = v['actions.assigneeId'];
  return { name: v.name, enabled: v.enabled === true, conditions: JSON.parse(String(v.conditions || '{"all":[]}')) as Condition, actions };
}

/** What a rule does, in words: "Team Billing · Priority high · Tags billing, refund · Agent Ada". */
export function describeActions(a: RoutingActions, data: RoutingData): string {
  const name = (xs: { id: string; name: string }[], id: string) => xs.find((x) => x.id === id)?.name ?? 'someone removed';
  const parts: string[] = [];
  if (a.teamId) parts.push(`Team ${name(data.teams, a.teamId)}`);
  if (a.priority) parts.push(`Priority ${a.priority}`);
  if (a.addTags?.length) parts.push(`Tags ${a.addTags.join(', ')}`);
  if (a.assigneeId) parts.push(`Agent ${name(data.agents, a.assigneeId)}`);
  return parts.join(' · ') || 'Nothing';
}

/** The names the condition builder offers for ids. */
export const choicesOf = (d: RoutingData): ConditionChoices => ({ inbox: d.inboxes, team: d.teams, user: d.agents, calendar: d.calendars });

/** A menu's options with a first choice that leaves the thing as it is. */
export const withNone = (none: string, xs: { id: string; name: string }[]) => [{ value: '', label: none }, ...xs.map((x) => ({ value: x.id, label: x.name }))];

export const priorityOptions = (priorities: readonly string[]) => [{ value: '', label: 'Leave as it is' }, ...priorities.map((p) => ({ value: p, label: humanize(p) }))];
