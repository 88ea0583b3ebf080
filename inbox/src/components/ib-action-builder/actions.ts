import { AUTOMATION_ACTION_LABELS, TICKET_PRIORITIES, TICKET_STATUSES, automationActionSchema, type AutomationAction, type AutomationActionType } from '@support/protocol';
import { nameOf, type ActionChoices } from '../../lib/named.js';

/** An action as the builder edits it: the wire shape, possibly incomplete or wrong while typed. */
export type ActionDraft = { type: AutomationActionType } & Record<string, unknown>;

const sentence = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
export const humanize = (s: string) => sentence(s.replaceAll('_', ' '));

/** A fresh action of `type`, filled with the first sensible choice (a template starts empty, so it must be written). */
export function newAction(type: AutomationActionType, c: ActionChoices): ActionDraft {
  switch (type) {
    case 'set_status': return { type, status: 'pending' };
    case 'set_priority': return { type, priority: 'high' };
    case 'set_team': return { type, teamId: c.teams[0]?.id ?? null };
    case 'set_assignee': return { type, assigneeId: c.agents[0]?.id ?? null };
    case 'route': return { type };
    case 'add_tags':
    case 'remove_tags': return { type, tags: [] };
    case 'add_note':
    case 'send_message': return { type, body: '' };
    case 'notify': return { type, userIds: [], teamIds: [], assignee: true, message: '' };
    case 'apply_sla': return { type, policyId: c.policies[0]?.id ?? '' };
    case 'snooze': return { type, minutes: 24 * 60 };
  }
}

/**
 * What is wrong with an action, by its field (`body`, `tags`, `minutes`; '' for the action as
 * a whole), checked with the server's own schema. Messages start with a capital letter.
 */
export function actionIssues(a: ActionDraft): Record<string, string> {
  const r = automationActionSchema.safeParse(a);
  if (r.success) return {};
  const out: Record<string, string> = {};
  for (const i of r.error.issues) {
    const key = typeof i.path[0] === 'string' && i.path[0] !== 'type' ? i.path[0] : '';
    if (out[key]) continue;
    let msg = i.message;
    if (key === 'minutes' && i.code === 'invalid_type') msg = 'Enter a whole number';
    else if (key === 'policyId' && !a.policyId) msg = 'Pick an SLA policy';
    else if (i.code === 'invalid_type' || i.code === 'invalid_value') msg = 'Pick one of the choices';
    out[key] = sentence(msg);
  }
  return out;
}

/** Whether every action is valid as the server checks it. */
export const actionsValid = (xs: ActionDraft[]) => xs.every((a) => automationActionSchema.safeParse(a).success);

/** Snooze lengths as people say them: "90 minutes", "2 hours", "1 day". */
export function durationText(minutes: number): string {
  const [n, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

const clip = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One action in words, for lists: "Add tags refund, vip", "Set priority High", "Notify Ann and team Billing". */
export function describeAction(a: AutomationAction, c: ActionChoices): string {
  switch (a.type) {
    case 'set_status': return `Set status ${humanize(a.status)}`;
    case 'set_priority': return `Set priority ${humanize(a.priority)}`;
    case 'set_team': return a.teamId ? `Set team ${nameOf(c.teams, a.teamId)}` : 'Clear the team';
    case 'set_assignee': return a.assigneeId ? `Assign to ${nameOf(c.agents, a.assigneeId)}` : 'Unassign';
    case 'route': return 'Hand to routing';
    case 'add_tags': return `Add tags ${a.tags.join(', ')}`;
    case 'remove_tags': return `Remove tags ${a.tags.join(', ')}`;
    case 'add_note': return `Add a note “${clip(a.body)}”`;
    case 'send_message': return `Reply “${clip(a.body)}”`;
    case 'notify': {
      const who = [...a.userIds.map((id) => nameOf(c.agents, id)), ...a.teamIds.map((id) => `team ${nameOf(c.teams, id)}`), ...(a.assignee ? ['the assignee'] : [])];
      return `Notify ${who.join(', ')}`;
    }
    case 'apply_sla': return `Apply SLA ${nameOf(c.policies, a.policyId, 'policy')}`;
    case 'snooze': return `Snooze ${durationText(a.minutes)}`;
    default: return AUTOMATION_ACTION_LABELS[(a as AutomationAction).type] ?? 'Action';
  }
}

export const STATUS_OPTIONS = TICKET_STATUSES.map((s) => ({ value: s, label: humanize(s) }));
export const PRIORITY_OPTIONS = TICKET_PRIORITIES.map((p) => ({ value: p, label: humanize(p) }));
