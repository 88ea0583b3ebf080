/**
 * The shapes of the shared condition language (docs/conditions.md): a tree of groups
 * (`{ all: [...] }`, `{ any: [...] }`, or both keys) whose leaves compare one field of the
 * facts with one operator.
 */

/** Where a condition is used; each context allows a subset of fields and operators. */
export const CONDITION_CONTEXTS = ['sla', 'routing', 'automation_event', 'automation_time', 'view', 'csat'] as const;
export type ConditionContext = (typeof CONDITION_CONTEXTS)[number];

export const CONDITION_OPERATORS = [
  'is',
  'is_not',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  /** A regular expression (RE2 syntax, case-insensitive) found in a text field; not in saved views. */
  'matches',
  'is_set',
  'is_empty',
  'gt',
  'gte',
  'lt',
  'lte',
  'includes_any',
  'includes_all',
  'includes_none',
  'changed',
  'changed_to',
  'changed_from',
  'within_business_hours',
  'outside_business_hours',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** A single value a leaf compares with. `null` stands for "none" (unassigned, no team). */
export type ConditionScalar = string | number | boolean | null;
export type ConditionValue = ConditionScalar | ConditionScalar[];

/** One comparison: `{ field: 'ticket.status', op: 'is', value: 'open' }`. */
export interface ConditionLeaf {
  field: string;
  op: ConditionOperator;
  /** Absent for operators that take none (`is_set`, `changed`, business hours without a calendar). */
  value?: ConditionValue;
}

/**
 * A group: every node of `all` must hold and at least one node of `any` must hold. A missing
 * or empty list places no constraint, so `{ all: [] }` matches everything.
 */
export interface ConditionGroup {
  all?: ConditionNode[];
  any?: ConditionNode[];
}

export type ConditionNode = ConditionGroup | ConditionLeaf;

/** A whole condition: its root is always a group. */
export type Condition = ConditionGroup;

/** Caps every condition is validated against (a rule is data an admin types; keep it small). */
export const CONDITION_LIMITS = {
  /** Nesting of groups, the root group counting as 1. */
  maxDepth: 4,
  /** Leaves in the whole condition. */
  maxLeaves: 50,
  /** Groups in the whole condition, the root included. */
  maxGroups: 50,
  /** Values in one `in` / `not_in` / `includes_*` list. */
  maxListValues: 100,
  /** Characters in one text value. */
  maxTextLength: 500,
  /** Characters in a contact attribute key (`contact.attributes.<key>`). */
  maxAttributeKeyLength: 100,
  /** Minutes in a duration value: 10 years. */
  maxDurationMinutes: 10 * 366 * 24 * 60,
} as const;
