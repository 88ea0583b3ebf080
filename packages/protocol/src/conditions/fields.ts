import { AUTHOR_TYPES, CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES, VISIBILITIES } from '../model.js';
import { CONDITION_CONTEXTS, CONDITION_LIMITS, type ConditionContext, type ConditionOperator } from './types.js';

/**
 * The type of a field, which decides its operators and the values they take.
 * - `enum`: one of `values` (`ordered` enums such as priority also compare with gt/lt by position).
 * - `id`: a wire id of `idKind` (`inb_…`, `team_…`, `usr_…`); `nullable` ids accept `null` ("none").
 * - `text`: a string compared case-insensitively after Unicode normalization.
 * - `number`, `boolean`: as in JSON.
 * - `duration`: whole minutes elapsed from a timestamp of the facts to `ctx.now` (business
 *   durations: whole minutes the workspace's default calendar was open in between).
 * - `timestamp`: an instant; values are ISO 8601 date-times.
 * - `tags`: a set of tag names.
 * - `attribute`: a contact attribute, a string, number or boolean set by the widget or an agent.
 * - `moment`: the time of evaluation, tested against business hours.
 */
export type ConditionFieldType = 'enum' | 'id' | 'text' | 'number' | 'boolean' | 'duration' | 'timestamp' | 'tags' | 'attribute' | 'moment';

/** The fact a field reads, for code that maps fields elsewhere (a saved view's SQL filter). */
export interface ConditionFieldSource {
  entity: 'ticket' | 'contact' | 'message' | 'time';
  /** The property of that entity's facts (ConditionFacts), e.g. `assigneeId`, `createdAt`. */
  property: string;
  /** How the value is derived from the property: the domain of an email, minutes since an instant. */
  derive?: 'email_domain' | 'minutes_since' | 'business_minutes_since' | 'attribute';
}

/** One entry of the field catalogue. */
export interface ConditionFieldDef {
  /** The name a leaf's `field` holds, e.g. `ticket.status`. */
  key: string;
  /** Short label for a rule builder. */
  label: string;
  type: ConditionFieldType;
  /** For `enum` fields: the values, in order. */
  values?: readonly string[];
  /** For `enum` fields: whether gt/gte/lt/lte compare by position in `values` (priority). */
  ordered?: boolean;
  /** For `id` fields: the kind of id (its wire prefix comes from ID_PREFIX). */
  idKind?: 'inbox' | 'team' | 'user';
  /** Whether the fact may be absent (unassigned, no email); such fields accept is_set / is_empty. */
  nullable: boolean;
  operators: readonly ConditionOperator[];
  contexts: readonly ConditionContext[];
  source: ConditionFieldSource;
}

const CHANGE_OPS = ['changed', 'changed_to', 'changed_from'] as const;
const ORDER_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
const PRESENCE_OPS = ['is_set', 'is_empty'] as const;
const TEXT_OPS = ['is', 'is_not', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'ends_with'] as const;

/** Operators that read `ctx.previous`: only event rules have a "before" to compare with. */
export const CONDITION_CHANGE_OPERATORS: readonly ConditionOperator[] = CHANGE_OPS;
/** Operators that take no value (business hours take an optional calendar id). */
export const CONDITION_VALUELESS_OPERATORS: readonly ConditionOperator[] = ['is_set', 'is_empty', 'changed'];
/** Operators whose value is a list. */
export const CONDITION_LIST_OPERATORS: readonly ConditionOperator[] = ['in', 'not_in', 'includes_any', 'includes_all', 'includes_none'];

const ALL = CONDITION_CONTEXTS;
const NOT_SLA: readonly ConditionContext[] = ['routing', 'automation_event', 'automation_time', 'view', 'csat'];
const EVENT_ONLY: readonly ConditionContext[] = ['routing', 'automation_event'];
/** Business durations: where the evaluator is handed the workspace's calendar (EvaluationContext.businessSecondsBetween). */
const BUSINESS: readonly ConditionContext[] = ['automation_event', 'automation_time', 'view'];
const NOT_VIEW: readonly ConditionContext[] = ['sla', 'routing', 'automation_event', 'automation_time', 'csat'];

type Def = Omit<ConditionFieldDef, 'key'>;
const ticket = (property: string) => ({ entity: 'ticket', property }) as const;
const contact = (property: string, derive?: ConditionFieldSource['derive']) => ({ entity: 'contact', property, ...(derive ? { derive } : {}) }) as const;
const message = (property: string) => ({ entity: 'message', property }) as const;
const since = (property: string) => ({ entity: 'ticket', property, derive: 'minutes_since' }) as const;

function enumField(label: string, values: readonly string[], source: ConditionFieldSource, contexts: readonly ConditionContext[], opts: { ordered?: boolean; changes?: boolean } = {}): Def {
  const ops: ConditionOperator[] = ['is', 'is_not', 'in', 'not_in'];
  if (opts.ordered) ops.push(...ORDER_OPS);
  if (opts.changes !== false) ops.push(...CHANGE_OPS);
  return { label, type: 'enum', values, ...(opts.ordered ? { ordered: true } : {}), nullable: false, operators: ops, contexts, source };
}
function idField(label: string, idKind: 'inbox' | 'team' | 'user', nullable: boolean, source: ConditionFieldSource): Def {
  const ops: ConditionOperator[] = ['is', 'is_not', 'in', 'not_in', ...(nullable ? PRESENCE_OPS : []), ...CHANGE_OPS];
  return { label, type: 'id', idKind, nullable, operators: ops, contexts: ALL, source };
}
function textField(label: string, source: ConditionFieldSource, contexts: readonly ConditionContext[], opts: { nullable: boolean; changes: boolean }): Def {
  const ops: ConditionOperator[] = [...TEXT_OPS, 'matches', ...(opts.nullable ? PRESENCE_OPS : []), ...(opts.changes ? CHANGE_OPS : [])];
  return { label, type: 'text', nullable: opts.nullable, operators: ops, contexts, source };
}
function durationField(label: string, source: ConditionFieldSource, nullable: boolean): Def {
  return { label, type: 'duration', nullable, operators: [...ORDER_OPS, ...(nullable ? PRESENCE_OPS : [])], contexts: NOT_SLA, source };
}
/**
 * Business minutes since a timestamp. Ordering operators only: whether the timestamp is there
 * at all is the plain duration's is_set / is_empty (a business duration is also absent when no
 * calendar was injected, which must not read as "never").
 */
function businessDurationField(label: string, property: string, nullable: boolean): Def {
  return { label, type: 'duration', nullable, operators: ORDER_OPS, contexts: BUSINESS, source: { entity: 'ticket', property, derive: 'business_minutes_since' } };
}

const DEFS: Record<string, Def> = {
  'ticket.status': enumField('Status', TICKET_STATUSES, ticket('status'), ALL),
  'ticket.priority': enumField('Priority', TICKET_PRIORITIES, ticket('priority'), ALL, { ordered: true }),
  'ticket.channel': enumField('Channel', CHANNELS, ticket('channel'), ALL, { changes: false }),
  'ticket.inbox': idField('Inbox', 'inbox', false, ticket('inboxId')),
  'ticket.team': idField('Team', 'team', true, ticket('teamId')),
  'ticket.assignee': idField('Assignee', 'user', true, ticket('assigneeId')),
  'ticket.tags': { label: 'Tags', type: 'tags', nullable: false, operators: ['includes_any', 'includes_all', 'includes_none', ...PRESENCE_OPS, 'changed'], contexts: ALL, source: ticket('tags') },
  'ticket.subject': textField('Subject', ticket('subject'), ALL, { nullable: false, changes: true }),
  'ticket.number': { label: 'Ticket number', type: 'number', nullable: false, operators: ['is', 'is_not', ...ORDER_OPS], contexts: ALL, source: ticket('number') },
  'ticket.created_at': { label: 'Created at', type: 'timestamp', nullable: false, operators: ORDER_OPS, contexts: NOT_SLA, source: ticket('createdAt') },
  'ticket.updated_at': { label: 'Last activity at', type: 'timestamp', nullable: false, operators: ORDER_OPS, contexts: NOT_SLA, source: ticket('updatedAt') },
  'ticket.age': durationField('Minutes since created', since('createdAt'), false),
  'ticket.since_customer_message': durationField('Minutes since last customer message', since('lastCustomerMessageAt'), true),
  'ticket.since_agent_reply': durationField('Minutes since last agent reply', since('lastAgentReplyAt'), true),
  'ticket.since_status_change': durationField('Minutes since status changed', since('statusChangedAt'), true),
  'ticket.business_age': businessDurationField('Business minutes since created', 'createdAt', false),
  'ticket.business_since_customer_message': businessDurationField('Business minutes since last customer message', 'lastCustomerMessageAt', true),
  'ticket.business_since_agent_reply': businessDurationField('Business minutes since last agent reply', 'lastAgentReplyAt', true),
  'ticket.business_since_status_change': businessDurationField('Business minutes since status changed', 'statusChangedAt', true),
  'contact.name': textField('Contact name', contact('name'), ALL, { nullable: true, changes: true }),
  'contact.email': textField('Contact email', contact('email'), ALL, { nullable: true, changes: true }),
  'contact.email_domain': textField('Contact email domain', contact('email', 'email_domain'), ALL, { nullable: true, changes: true }),
  'message.body': textField('Message text', message('body'), EVENT_ONLY, { nullable: false, changes: false }),
  'message.author_type': enumField('Message author', AUTHOR_TYPES, message('authorType'), EVENT_ONLY, { changes: false }),
  'message.visibility': enumField('Message visibility', VISIBILITIES, message('visibility'), EVENT_ONLY, { changes: false }),
  'message.channel': enumField('Message channel', CHANNELS, message('channel'), EVENT_ONLY, { changes: false }),
  'message.has_attachments': { label: 'Message has attachments', type: 'boolean', nullable: false, operators: ['is'], contexts: EVENT_ONLY, source: message('attachments') },
  'time.now': { label: 'Time of evaluation', type: 'moment', nullable: false, operators: ['within_business_hours', 'outside_business_hours'], contexts: NOT_VIEW, source: { entity: 'time', property: 'now' } },
};

/**
 * The field catalogue: every fixed field a condition may name, keyed by its name. Contact
 * attributes are open-ended and described by {@link CONTACT_ATTRIBUTE_FIELD} instead
 * (`contact.attributes.<key>`); {@link conditionField} resolves both.
 * The organization of a contact is not in the model yet, so no `organization.*` field exists.
 */
export const CONDITION_FIELDS: Readonly<Record<string, ConditionFieldDef>> = Object.freeze(
  Object.fromEntries(Object.entries(DEFS).map(([key, def]) => [key, Object.freeze({ key, ...def })])),
);

/** The prefix of contact attribute fields: `contact.attributes.plan`, `contact.attributes.Plan Name`. */
export const CONTACT_ATTRIBUTE_PREFIX = 'contact.attributes.';

/** The template of every `contact.attributes.<key>` field (its `key` is the prefix). */
export const CONTACT_ATTRIBUTE_FIELD: ConditionFieldDef = Object.freeze({
  key: CONTACT_ATTRIBUTE_PREFIX,
  label: 'Contact attribute',
  type: 'attribute',
  nullable: true,
  operators: [...TEXT_OPS, ...PRESENCE_OPS, ...ORDER_OPS, ...CHANGE_OPS],
  contexts: ALL,
  source: contact('attributes', 'attribute'),
});

/**
 * Why an attribute key is refused, or null when it is fine. A key is what the widget may set
 * (1–100 characters) minus what would make rules unreadable or unstorable: control
 * characters, lone surrogates, or whitespace at either end. Keys may hold dots and spaces; the
 * whole remainder after `contact.attributes.` is the key.
 */
export function conditionAttributeKeyProblem(key: string): string | null {
  if (key.length === 0) return 'attribute key is empty';
  if (key.length > CONDITION_LIMITS.maxAttributeKeyLength) return `attribute key is longer than ${CONDITION_LIMITS.maxAttributeKeyLength} characters`;
  if (key.trim() !== key) return 'attribute key starts or ends with whitespace';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return 'attribute key holds a control character';
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = key.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return 'attribute key is not well-formed Unicode';
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return 'attribute key is not well-formed Unicode';
  }
  return null;
}

/**
 * The definition of a field name, or null when no such field exists (unknown name, or an
 * attribute field whose key is refused by {@link conditionAttributeKeyProblem}). Attribute fields get
 * the template with their own `key`.
 */
export function conditionField(field: string): ConditionFieldDef | null {
  if (typeof field !== 'string') return null;
  const fixed = Object.prototype.hasOwnProperty.call(CONDITION_FIELDS, field) ? CONDITION_FIELDS[field] : undefined;
  if (fixed) return fixed;
  if (field.startsWith(CONTACT_ATTRIBUTE_PREFIX) && conditionAttributeKeyProblem(field.slice(CONTACT_ATTRIBUTE_PREFIX.length)) === null)
    return { ...CONTACT_ATTRIBUTE_FIELD, key: field };
  return null;
}

/** Whether an operator may be used in a context, whatever the field: change operators need an event with a "before". */
export function conditionOperatorAllowedIn(op: ConditionOperator, context: ConditionContext): boolean {
  if (CONDITION_CHANGE_OPERATORS.includes(op)) return context === 'automation_event';
  // Saved views filter in SQL, which has no linear-time regular expressions.
  if (op === 'matches') return context !== 'view';
  return true;
}

/**
 * The operators a builder should offer for a field in a context (empty when the field is not
 * allowed there).
 */
export function conditionOperatorsFor(field: ConditionFieldDef, context?: ConditionContext): ConditionOperator[] {
  if (!context) return [...field.operators];
  if (!field.contexts.includes(context)) return [];
  return field.operators.filter((op) => conditionOperatorAllowedIn(op, context));
}

/** The fields a builder should offer in a context (attribute fields are offered through {@link CONTACT_ATTRIBUTE_FIELD}). */
export function conditionFieldsFor(context: ConditionContext): ConditionFieldDef[] {
  return Object.values(CONDITION_FIELDS).filter((f) => f.contexts.includes(context));
}

/** How a builder asks for an operator's value: none, one value of the field's type, a list, or an optional calendar. */
export type ConditionValueShape = 'none' | 'one' | 'list' | 'calendar';

/** Labels and value shapes of the operators, for a rule builder. */
export const CONDITION_OPERATOR_INFO: Readonly<Record<ConditionOperator, { label: string; value: ConditionValueShape }>> = Object.freeze({
  is: { label: 'is', value: 'one' },
  is_not: { label: 'is not', value: 'one' },
  in: { label: 'is any of', value: 'list' },
  not_in: { label: 'is none of', value: 'list' },
  contains: { label: 'contains', value: 'one' },
  not_contains: { label: 'does not contain', value: 'one' },
  starts_with: { label: 'starts with', value: 'one' },
  ends_with: { label: 'ends with', value: 'one' },
  matches: { label: 'matches the pattern', value: 'one' },
  is_set: { label: 'is set', value: 'none' },
  is_empty: { label: 'is empty', value: 'none' },
  gt: { label: 'is more than', value: 'one' },
  gte: { label: 'is at least', value: 'one' },
  lt: { label: 'is less than', value: 'one' },
  lte: { label: 'is at most', value: 'one' },
  includes_any: { label: 'include any of', value: 'list' },
  includes_all: { label: 'include all of', value: 'list' },
  includes_none: { label: 'include none of', value: 'list' },
  changed: { label: 'changed', value: 'none' },
  changed_to: { label: 'changed to', value: 'one' },
  changed_from: { label: 'changed from', value: 'one' },
  within_business_hours: { label: 'is within business hours', value: 'calendar' },
  outside_business_hours: { label: 'is outside business hours', value: 'calendar' },
});
