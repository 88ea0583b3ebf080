import { z } from 'zod';
import { decodeId, ID_PREFIX } from '../ids.js';
import { wellFormed } from '../text.js';
import { CONDITION_CHANGE_OPERATORS, conditionField, CONTACT_ATTRIBUTE_PREFIX, CONDITION_LIST_OPERATORS, conditionOperatorAllowedIn, CONDITION_VALUELESS_OPERATORS, conditionAttributeKeyProblem, type ConditionFieldDef } from './fields.js';
import { compilePattern } from './regex.js';
import { CONDITION_LIMITS, CONDITION_OPERATORS, type Condition, type ConditionContext, type ConditionOperator } from './types.js';

/** Why a condition was refused, and where: `path` leads from the root to the offending member. */
export interface ConditionIssue {
  code: 'invalid_shape' | 'unknown_field' | 'invalid_operator' | 'invalid_value' | 'not_allowed_in_context' | 'too_deep' | 'too_many' | 'too_long';
  path: (string | number)[];
  message: string;
}

/** The value a user-id field accepts for "the agent looking at the list" (saved views only). */
export const CONDITION_CURRENT_USER = 'me';

/** Past this many issues validation stops: a builder shows the first ones, and arbitrary input stays cheap to refuse. */
const MAX_ISSUES = 20;
const WIRE_ID_RE = /^[a-z]{1,8}_[0-7][0-9a-hjkmnp-tv-z]{25}$/;
const ISO_DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const TAG_RE = /^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u;
const TAG_MAX = 50;
const OPERATOR_SET = new Set<string>(CONDITION_OPERATORS);

type Path = (string | number)[];

class Walker {
  issues: ConditionIssue[] = [];
  leaves = 0;
  groups = 0;
  constructor(readonly context: ConditionContext | undefined) {}

  add(code: ConditionIssue['code'], path: Path, message: string) {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ code, path, message });
  }
  get full() {
    return this.issues.length >= MAX_ISSUES;
  }

  group(node: unknown, path: Path, depth: number) {
    if (!isPlainObject(node) || !('all' in node || 'any' in node) || 'field' in node) {
      this.add('invalid_shape', path, depth === 1 ? 'must be a group: { all: [...] } or { any: [...] }' : 'must be a condition { field, op, value } or a group { all: [...] }');
      return;
    }
    if (depth > CONDITION_LIMITS.maxDepth) {
      this.add('too_deep', path, `groups nest at most ${CONDITION_LIMITS.maxDepth} deep`);
      return;
    }
    if (++this.groups > CONDITION_LIMITS.maxGroups) {
      if (this.groups === CONDITION_LIMITS.maxGroups + 1) this.add('too_many', path, `at most ${CONDITION_LIMITS.maxGroups} groups`);
      return;
    }
    for (const key of Object.keys(node)) {
      if (key !== 'all' && key !== 'any') this.add('invalid_shape', [...path, key], `unknown key "${truncate(key)}": a group has only all and any`);
    }
    for (const key of ['all', 'any'] as const) {
      if (!(key in node)) continue;
      const list = node[key];
      if (!Array.isArray(list)) {
        this.add('invalid_shape', [...path, key], 'must be a list');
        continue;
      }
      if (list.length > CONDITION_LIMITS.maxLeaves) {
        this.add('too_many', [...path, key], `at most ${CONDITION_LIMITS.maxLeaves} conditions`);
        continue;
      }
      for (let i = 0; i < list.length && !this.full; i++) this.node(list[i], [...path, key, i], depth + 1);
    }
  }

  node(node: unknown, path: Path, depth: number) {
    if (isPlainObject(node) && 'field' in node) this.leaf(node, path);
    else this.group(node, path, depth);
  }

  leaf(node: Record<string, unknown>, path: Path) {
    if (++this.leaves > CONDITION_LIMITS.maxLeaves) {
      if (this.leaves === CONDITION_LIMITS.maxLeaves + 1) this.add('too_many', path, `at most ${CONDITION_LIMITS.maxLeaves} conditions in all`);
      return;
    }
    for (const key of Object.keys(node)) {
      if (key !== 'field' && key !== 'op' && key !== 'value') this.add('invalid_shape', [...path, key], `unknown key "${truncate(key)}": a condition has field, op and value`);
    }
    const def = this.field(node.field, [...path, 'field']);
    const op = this.op(node.op, def, [...path, 'op']);
    if (def && op) this.value(def, op, node.value, [...path, 'value']);
  }

  field(field: unknown, path: Path): ConditionFieldDef | null {
    if (typeof field !== 'string') {
      this.add('unknown_field', path, 'must be a field name');
      return null;
    }
    const def = conditionField(field);
    if (!def) {
      const problem = field.startsWith(CONTACT_ATTRIBUTE_PREFIX) ? conditionAttributeKeyProblem(field.slice(CONTACT_ATTRIBUTE_PREFIX.length)) : null;
      this.add('unknown_field', path, problem ?? `unknown field "${truncate(field)}"`);
      return null;
    }
    if (this.context && !def.contexts.includes(this.context)) {
      this.add('not_allowed_in_context', path, `${def.label} cannot be used in ${this.context.replace('_', ' ')} conditions`);
      return null;
    }
    return def;
  }

  op(op: unknown, def: ConditionFieldDef | null, path: Path): ConditionOperator | null {
    if (typeof op !== 'string' || !OPERATOR_SET.has(op)) {
      this.add('invalid_operator', path, typeof op === 'string' ? `unknown operator "${truncate(op)}"` : 'must be an operator');
      return null;
    }
    const o = op as ConditionOperator;
    if (!def) return null;
    if (!def.operators.includes(o)) {
      this.add('invalid_operator', path, `${def.label} does not take "${o}"; it takes ${def.operators.join(', ')}`);
      return null;
    }
    if (this.context && !conditionOperatorAllowedIn(o, this.context)) {
      this.add('not_allowed_in_context', path, o === 'matches'
        ? `"matches" cannot be used in ${this.context.replace('_', ' ')} conditions`
        : `"${o}" needs an event with a before and after; ${this.context.replace('_', ' ')} conditions have none`);
      return null;
    }
    return o;
  }

  value(def: ConditionFieldDef, op: ConditionOperator, value: unknown, path: Path) {
    if (CONDITION_VALUELESS_OPERATORS.includes(op)) {
      if (value !== undefined && value !== null) this.add('invalid_value', path, `"${op}" takes no value`);
      return;
    }
    if (op === 'within_business_hours' || op === 'outside_business_hours') {
      if (value !== undefined && value !== null && !(typeof value === 'string' && WIRE_ID_RE.test(value)))
        this.add('invalid_value', path, 'must be a calendar id, or absent for the workspace default calendar');
      return;
    }
    if (CONDITION_LIST_OPERATORS.includes(op)) {
      if (!Array.isArray(value)) return this.add('invalid_value', path, 'must be a list of values');
      if (value.length === 0) return this.add('invalid_value', path, 'pick at least one value');
      if (value.length > CONDITION_LIMITS.maxListValues) return this.add('too_many', path, `at most ${CONDITION_LIMITS.maxListValues} values`);
      for (let i = 0; i < value.length && !this.full; i++) this.scalar(def, op, value[i], [...path, i]);
      return;
    }
    if (value === undefined) return this.add('invalid_value', path, 'a value is required');
    this.scalar(def, op, value, path);
  }

  scalar(def: ConditionFieldDef, op: ConditionOperator, v: unknown, path: Path) {
    const bad = (message: string, code: ConditionIssue['code'] = 'invalid_value') => this.add(code, path, message);
    switch (def.type) {
      case 'enum': {
        if (typeof v !== 'string' || !def.values!.includes(v)) bad(`must be one of ${def.values!.join(', ')}`);
        return;
      }
      case 'id': {
        const kind = def.idKind!;
        if (v === null) {
          if (!def.nullable) bad(`must be an id starting with ${ID_PREFIX[kind]}_`);
          return;
        }
        if (kind === 'user' && v === CONDITION_CURRENT_USER) {
          if (this.context && this.context !== 'view') bad('"me" (the viewing agent) can only be used in saved views');
          return;
        }
        if (typeof v !== 'string' || v.length > 64 || decodeId(kind, v) === null) bad(`must be an id starting with ${ID_PREFIX[kind]}_${def.nullable ? ', or null for none' : ''}`);
        return;
      }
      case 'text': {
        if (op !== 'matches') return this.text(v, path);
        if (typeof v !== 'string' || v.length === 0) return bad('must be a regular expression');
        const c = compilePattern(v);
        if (!c.ok) bad(c.message);
        return;
      }
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) bad('must be a number');
        return;
      case 'boolean':
        if (typeof v !== 'boolean') bad('must be true or false');
        return;
      case 'duration':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > CONDITION_LIMITS.maxDurationMinutes)
          bad(`must be a whole number of minutes from 0 to ${CONDITION_LIMITS.maxDurationMinutes}`);
        return;
      case 'timestamp':
        if (typeof v !== 'string' || !ISO_DATE_TIME_RE.test(v) || Number.isNaN(Date.parse(v))) bad('must be an ISO 8601 date-time with a zone, e.g. 2026-12-07T09:00:00Z');
        return;
      case 'tags':
        if (typeof v !== 'string' || v.length === 0 || v.length > TAG_MAX || !TAG_RE.test(v)) bad(`must be a tag name (1–${TAG_MAX} letters, digits, space, _ . -)`);
        return;
      case 'attribute': {
        if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') {
          if (typeof v !== 'number' || !Number.isFinite(v)) bad('must be a number');
          return;
        }
        if (op === 'contains' || op === 'not_contains' || op === 'starts_with' || op === 'ends_with') return this.text(v, path);
        if (typeof v === 'string') return this.text(v, path);
        if (!(typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) bad('must be text, a number, or true/false');
        return;
      }
      case 'moment':
        return;
    }
  }

  text(v: unknown, path: Path) {
    if (typeof v !== 'string') return this.add('invalid_value', path, 'must be text');
    if (v.length === 0) return this.add('invalid_value', path, 'must not be empty (use is_empty to match no value)');
    if (v.length > CONDITION_LIMITS.maxTextLength) return this.add('too_long', path, `at most ${CONDITION_LIMITS.maxTextLength} characters`);
    if (v.includes('\u0000') || !wellFormed(v)) this.add('invalid_value', path, 'must be well-formed text without NUL characters');
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function truncate(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}

/**
 * Checks a condition (any JSON) and returns every problem found, up to 20, each with the path
 * of the offending member (`['all', 2, 'value']`); an empty list means it is valid. Never
 * throws. With a `context`, fields and operators that context cannot use are refused too
 * (and `"me"` is accepted as a user id only in `view`). Without one, anything valid in some
 * context passes.
 */
export function validateCondition(input: unknown, context?: ConditionContext): ConditionIssue[] {
  const w = new Walker(context);
  w.group(input, [], 1);
  return w.issues;
}

/** Type guard over {@link validateCondition}. */
export function isValidCondition(input: unknown, context?: ConditionContext): input is Condition {
  return validateCondition(input, context).length === 0;
}

function schema(context: ConditionContext | undefined): z.ZodType<Condition, unknown> {
  return z.unknown().superRefine((value, ctx) => {
    for (const issue of validateCondition(value, context)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, params: { condition: issue.code } });
  }) as unknown as z.ZodType<Condition, unknown>;
}

/**
 * zod schema of a condition valid in some context (see {@link conditionSchemaFor} to hold it
 * to one). Its issues carry paths into the condition (prefixed by zod with the enclosing
 * object's path when nested) and `params.condition` holding the {@link ConditionIssue} code.
 */
export const conditionSchema = schema(undefined);

const BY_CONTEXT = new Map<ConditionContext, z.ZodType<Condition, unknown>>();
/**
 * zod schema of a condition valid in `context`: a saved view refuses change operators,
 * business hours and message fields; an SLA policy refuses message fields, durations and
 * change operators; and so on (each field's `contexts` in CONDITION_FIELDS).
 */
export function conditionSchemaFor(context: ConditionContext): z.ZodType<Condition, unknown> {
  let s = BY_CONTEXT.get(context);
  if (!s) BY_CONTEXT.set(context, (s = schema(context)));
  return s;
}

/** Whether a condition uses an operator that reads `ctx.previous` (so a caller knows to load it). */
export function usesChangeOperators(condition: Condition): boolean {
  const visit = (n: unknown): boolean => {
    if (!isPlainObject(n)) return false;
    if ('field' in n) return CONDITION_CHANGE_OPERATORS.includes(n.op as ConditionOperator);
    return [n.all, n.any].some((l) => Array.isArray(l) && l.some(visit));
  };
  return visit(condition);
}
