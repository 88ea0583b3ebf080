import type { ConditionFieldDef } from './fields.js';
import { foldText } from './fold.js';
import type { EvaluationContext, ConditionTraceEntry } from './evaluate.js';
import { instantMs, type Actual, type Reader } from './read.js';
import type { ConditionOperator } from './types.js';
import type { CompiledPattern } from './regex.js';
import { CONDITION_CURRENT_USER } from './validate.js';

// The operators' semantics for every field type (docs/conditions.md). Internal to the
// evaluator: a compiled leaf carries the test built here.

/** One evaluation's inputs, passed to every leaf test. */
export interface State {
  facts: unknown;
  prev: unknown;
  hasPrev: boolean;
  nowMs: number;
  ctx: EvaluationContext;
  trace: ConditionTraceEntry[] | null;
  /** Folded long texts of this evaluation, so several leaves on one message body fold it once. */
  folds: Map<string, string> | null;
}

/** A leaf's test of the value read from the facts. */
export type Test = (cur: Actual, s: State, leaf: Leaf) => boolean;
/** A compiled leaf. */
export interface Leaf {
  kind: 'leaf';
  path: (string | number)[];
  field: string;
  op: ConditionOperator;
  value: unknown;
  def: ConditionFieldDef | null;
  read: Reader;
  /** The leaf's value(s) prepared once: folded text, epoch ms, a set for lists. */
  prepared: unknown;
  test: Test;
}
/** A compiled group. */
export interface Group {
  kind: 'group';
  all: Node[];
  any: Node[];
}
export type Node = Leaf | Group;

/** The test of a leaf that cannot hold (unknown field or operator in an unvalidated condition). */
export const NEVER: Test = () => false;

// ---------------------------------------------------------------- comparisons

const FOLD_MEMO_FROM = 64;

/** Folds a text read from the facts, remembering long ones for the rest of the evaluation. */
function fold(s: State, t: string): string {
  if (t.length < FOLD_MEMO_FROM) return foldText(t);
  let f = s.folds?.get(t);
  if (f === undefined) (s.folds ??= new Map()).set(t, (f = foldText(t)));
  return f;
}

/** Text of an actual value for text comparisons: strings as they are, numbers and booleans as JSON writes them. */
function textOf(a: Actual): string | null {
  if (typeof a === 'string') return a;
  if (typeof a === 'number' || typeof a === 'boolean') return String(a);
  return null;
}

/** A number from a number or a numeric string (widget attributes often arrive as text). */
function numberOf(a: Actual): number | null {
  if (typeof a === 'number') return Number.isFinite(a) ? a : null;
  if (typeof a === 'string' && a.trim() !== '') {
    const n = Number(a);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Prepares one expected scalar for equality on a field type. */
export function prepareScalar(def: ConditionFieldDef, v: unknown): unknown {
  if (def.type === 'text' || def.type === 'tags') return typeof v === 'string' ? foldText(v) : v;
  if (def.type === 'attribute') return typeof v === 'string' ? foldText(v) : v;
  if (def.type === 'timestamp') return instantMs(v);
  return v;
}

/** Equality of an actual value with a prepared expected scalar. */
function equals(def: ConditionFieldDef, a: Actual, e: unknown, s: State): boolean {
  switch (def.type) {
    case 'text': {
      const t = textOf(a);
      return t !== null && typeof e === 'string' && fold(s, t) === e;
    }
    case 'attribute': {
      if (typeof e === 'string') {
        const t = textOf(a);
        return t !== null && fold(s, t) === e;
      }
      if (typeof e === 'number') return numberOf(a) === e;
      return a === e;
    }
    case 'id':
      if (e === CONDITION_CURRENT_USER) return a !== null && typeof s.ctx.currentUserId === 'string' && a === s.ctx.currentUserId;
      return a === e;
    default:
      return a === e;
  }
}

function inList(def: ConditionFieldDef, a: Actual, list: unknown, s: State): boolean {
  if (list instanceof Set) {
    // Text fields: a set of folded values, one lookup.
    const t = textOf(a);
    return t !== null && list.has(fold(s, t));
  }
  if (!Array.isArray(list)) return false;
  for (const e of list) if (equals(def, a, e, s)) return true;
  return false;
}

function compareOrder(def: ConditionFieldDef, a: Actual, e: unknown): number | null {
  if (def.type === 'enum') {
    const values = def.values ?? [];
    const ai = typeof a === 'string' ? values.indexOf(a) : -1;
    const ei = typeof e === 'string' ? values.indexOf(e) : -1;
    return ai < 0 || ei < 0 ? null : ai - ei;
  }
  const an = def.type === 'attribute' ? numberOf(a) : typeof a === 'number' && Number.isFinite(a) ? a : null;
  if (an === null || typeof e !== 'number' || !Number.isFinite(e)) return null;
  return an - e;
}

/** Whether a value counts as set: not null, not an empty string, not an empty list. */
function isSet(a: Actual): boolean {
  if (a === null || a === undefined) return false;
  if (typeof a === 'string') return a.length > 0;
  if (Array.isArray(a)) return a.length > 0;
  return true;
}

function tagSet(a: Actual): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(a)) for (const t of a) if (typeof t === 'string') out.add(foldText(t));
  return out;
}

/** Whether two reads of the same field differ (for `changed`). */
function differs(def: ConditionFieldDef, a: Actual, b: Actual): boolean {
  if (def.type === 'tags') {
    const x = tagSet(a);
    const y = tagSet(b);
    if (x.size !== y.size) return true;
    for (const t of x) if (!y.has(t)) return true;
    return false;
  }
  if (def.type === 'text' || (def.type === 'attribute' && typeof a === 'string' && typeof b === 'string')) {
    const ta = textOf(a);
    const tb = textOf(b);
    return ta === null || tb === null ? ta !== tb : foldText(ta) !== foldText(tb);
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return JSON.stringify(a) !== JSON.stringify(b);
  return a !== b;
}

// ---------------------------------------------------------------- operators

export function testFor(def: ConditionFieldDef, op: ConditionOperator): Test {
  const eq: Test = (a, s, l) => equals(def, a, l.prepared, s);
  const inl: Test = (a, s, l) => inList(def, a, l.prepared, s);
  const text = (f: (t: string, e: string) => boolean): Test => (a, s, l) => {
    const t = textOf(a);
    return t !== null && typeof l.prepared === 'string' && f(fold(s, t), l.prepared);
  };
  const order = (f: (d: number) => boolean): Test => (a, _s, l) => {
    const d = compareOrder(def, a, l.prepared);
    return d !== null && f(d);
  };
  const previous = (s: State, l: Leaf) => l.read(s.prev, s.nowMs);
  const not = (t: Test): Test => (a, s, l) => !t(a, s, l);
  const contains = text((t, e) => t.includes(e));
  const includesAny: Test = (a, _s, l) => {
    const have = tagSet(a);
    for (const e of l.prepared as string[]) if (have.has(e)) return true;
    return false;
  };
  const set: Test = (a) => isSet(a);
  const open = (want: boolean): Test => (_a, s, l) => calendarOpen(s, l) === want;
  switch (op) {
    case 'is':
      return eq;
    case 'is_not':
      return not(eq);
    case 'in':
      return inl;
    case 'not_in':
      return not(inl);
    case 'contains':
      return contains;
    case 'not_contains':
      return not(contains);
    case 'starts_with':
      return text((t, e) => t.startsWith(e));
    case 'ends_with':
      return text((t, e) => t.endsWith(e));
    case 'matches':
      // Unfolded text: the pattern is case-insensitive itself, and folding would move offsets the pattern names.
      return (a, _s, l) => {
        const t = textOf(a);
        return t !== null && l.prepared !== undefined && (l.prepared as CompiledPattern).test(t);
      };
    case 'is_set':
      return set;
    case 'is_empty':
      return not(set);
    case 'gt':
      return order((d) => d > 0);
    case 'gte':
      return order((d) => d >= 0);
    case 'lt':
      return order((d) => d < 0);
    case 'lte':
      return order((d) => d <= 0);
    case 'includes_any':
      return includesAny;
    case 'includes_none':
      return not(includesAny);
    case 'includes_all':
      return (a, _s, l) => {
        const have = tagSet(a);
        for (const e of l.prepared as string[]) if (!have.has(e)) return false;
        return true;
      };
    case 'changed':
      return (a, s, l) => s.hasPrev && differs(def, previous(s, l), a);
    case 'changed_to':
      return (a, s, l) => s.hasPrev && eq(a, s, l) && !eq(previous(s, l), s, l);
    case 'changed_from':
      return (a, s, l) => s.hasPrev && eq(previous(s, l), s, l) && !eq(a, s, l);
    case 'within_business_hours':
      return open(true);
    case 'outside_business_hours':
      return open(false);
  }
}

/**
 * Whether the leaf's calendar (its value, or null for the workspace default) is open at
 * `ctx.now`; null when no isOpen was injected or it threw, so that neither business-hours
 * operator holds when the answer is unknown.
 */
function calendarOpen(s: State, l: Leaf): boolean | null {
  if (typeof s.ctx.isOpen !== 'function') return null;
  try {
    const open = s.ctx.isOpen(typeof l.value === 'string' ? l.value : null, s.ctx.now);
    return typeof open === 'boolean' ? open : null;
  } catch {
    return null;
  }
}
