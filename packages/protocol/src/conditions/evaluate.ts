import { conditionField } from './fields.js';
import { foldText } from './fold.js';
import { compilePattern } from './regex.js';
import type { ConditionFacts } from './facts.js';
import { NEVER, prepareScalar, testFor, type Leaf, type Node, type State } from './operators.js';
import { readerFor, type Actual, type Reader } from './read.js';
import { CONDITION_OPERATORS, type Condition, type ConditionOperator } from './types.js';

/** What evaluation needs besides the facts. */
export interface EvaluationContext {
  /** The instant durations are measured to and business hours are tested at. */
  now: Date;
  /** The facts before the event, for changed / changed_to / changed_from; without them those never hold. */
  previous?: ConditionFacts | null;
  /**
   * Whether a business-hours calendar is open at an instant (`null`: the workspace default).
   * Injected so this package does not depend on the business-time module; without it
   * within_business_hours and outside_business_hours never hold.
   */
  isOpen?: (calendarId: string | null, at: Date) => boolean;
  /**
   * Business seconds from one instant to another in the workspace's default calendar, for the
   * `ticket.business_*` durations (whole minutes of it). Injected like `isOpen`; without it
   * those durations are absent (ordering operators never hold, `is_empty` does).
   */
  businessSecondsBetween?: (from: Date, to: Date) => number;
  /** The agent a saved view is evaluated for: the user id `"me"` stands for. Without it, `"me"` matches nobody. */
  currentUserId?: string | null;
  /** False skips building the trace (SLA policy selection and other hot paths). Default true. */
  trace?: boolean;
}

/** One leaf as evaluated: which field, operator and value, what the facts held, whether it held. */
export interface ConditionTraceEntry {
  /** Where the leaf is in the condition, as in validation issues: `['all', 2]`. */
  path: (string | number)[];
  field: string;
  op: ConditionOperator;
  /** The leaf's value (lists past 10 items and strings past 100 characters are cut). Absent when the operator takes none. */
  expected?: unknown;
  /** What the facts held (durations in minutes, timestamps as ISO strings, cut like `expected`); for changes, `{ from, to }`. */
  actual: unknown;
  held: boolean;
}

export interface EvaluationResult {
  matched: boolean;
  /** The leaves evaluated, in order. Groups stop at the first leaf that decides them, so later leaves are not listed. Empty when tracing is off. */
  trace: ConditionTraceEntry[];
}

const TRACE_STRING = 100;
const TRACE_LIST = 10;
const NOTHING: Reader = () => null;
const OPS = new Set<string>(CONDITION_OPERATORS);

// ---------------------------------------------------------------- compile

function compileLeaf(raw: Record<string, unknown>, path: (string | number)[]): Leaf {
  const field = typeof raw.field === 'string' ? raw.field : String(raw.field);
  const op = (typeof raw.op === 'string' && OPS.has(raw.op) ? raw.op : 'is') as ConditionOperator;
  const def = conditionField(field);
  const value = raw.value;
  const leaf: Leaf = { kind: 'leaf', path, field, op, value, def, read: NOTHING, prepared: undefined, test: NEVER };
  // Unvalidated input: an unknown field or operator never holds rather than throwing.
  if (!def || !def.operators.includes(op) || op !== raw.op) return leaf;
  leaf.read = readerFor(def);
  leaf.test = testFor(def, op);
  if (op === 'includes_any' || op === 'includes_all' || op === 'includes_none') {
    leaf.prepared = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').map(foldText) : [];
  } else if (op === 'in' || op === 'not_in') {
    const list = Array.isArray(value) ? value : [];
    leaf.prepared = def.type === 'text' ? new Set(list.filter((v): v is string => typeof v === 'string').map(foldText)) : list.map((v) => prepareScalar(def, v));
  } else if (op === 'matches') {
    const c = typeof value === 'string' ? compilePattern(value) : null;
    leaf.prepared = c?.ok ? c.pattern : undefined;
  } else if (op === 'contains' || op === 'not_contains' || op === 'starts_with' || op === 'ends_with') {
    leaf.prepared = typeof value === 'string' ? foldText(value) : undefined;
  } else {
    leaf.prepared = prepareScalar(def, value);
  }
  return leaf;
}

function compileNode(raw: unknown, path: (string | number)[], depth: number): Node {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || depth > 16) return { kind: 'group', all: [], any: [leafNever(path)] };
  const o = raw as Record<string, unknown>;
  if ('field' in o) return compileLeaf(o, path);
  const list = (key: 'all' | 'any') => (Array.isArray(o[key]) ? (o[key] as unknown[]).map((n, i) => compileNode(n, [...path, key, i], depth + 1)) : []);
  return { kind: 'group', all: list('all'), any: list('any') };
}

function leafNever(path: (string | number)[]): Leaf {
  return { kind: 'leaf', path, field: '', op: 'is', value: undefined, def: null, read: NOTHING, prepared: undefined, test: NEVER };
}

const COMPILED = new WeakMap<object, Node>();

/**
 * Compiles a condition once (field readers, folded text, sets for long lists) and caches the
 * result on the condition object, so treat a condition as immutable once evaluated.
 */
function compiled(condition: Condition): Node {
  if (typeof condition !== 'object' || condition === null) return compileNode(condition, [], 1);
  let c = COMPILED.get(condition);
  if (!c) COMPILED.set(condition, (c = compileNode(condition, [], 1)));
  return c;
}

// ---------------------------------------------------------------- evaluate

function cut(v: unknown): unknown {
  if (typeof v === 'string') return v.length > TRACE_STRING ? v.slice(0, TRACE_STRING) + '…' : v;
  if (Array.isArray(v)) {
    const head = v.slice(0, TRACE_LIST).map(cut);
    if (v.length > TRACE_LIST) head.push(`… ${v.length - TRACE_LIST} more`);
    return head;
  }
  if (v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean') return v ?? null;
  // An attribute holding an object: its JSON, cut.
  try {
    return cut(JSON.stringify(v));
  } catch {
    return null;
  }
}

function traceActual(l: Leaf, a: Actual): unknown {
  if (l.def?.type === 'timestamp' && typeof a === 'number') return new Date(a).toISOString();
  if (l.def?.type === 'moment') return null;
  return cut(a);
}

function evalNode(n: Node, s: State): boolean {
  if (n.kind === 'leaf') {
    const a = n.read(s.facts, s.nowMs, s.ctx);
    let held: boolean;
    try {
      held = n.test(a, s, n);
    } catch {
      held = false;
    }
    if (s.trace) {
      const entry: ConditionTraceEntry = { path: n.path, field: n.field, op: n.op, actual: traceActual(n, a), held };
      if (n.value !== undefined) entry.expected = cut(n.value);
      if (n.op === 'changed' || n.op === 'changed_to' || n.op === 'changed_from')
        entry.actual = { from: s.hasPrev ? traceActual(n, n.read(s.prev, s.nowMs)) : null, to: entry.actual };
      if (n.op === 'within_business_hours' || n.op === 'outside_business_hours') entry.actual = typeof s.ctx.isOpen === 'function' && Number.isFinite(s.nowMs) ? new Date(s.nowMs).toISOString() : 'unknown: no calendar available';
      s.trace.push(entry);
    }
    return held;
  }
  for (const c of n.all) if (!evalNode(c, s)) return false;
  if (n.any.length === 0) return true;
  for (const c of n.any) if (evalNode(c, s)) return true;
  return false;
}

/**
 * Evaluates a condition against facts. Pure: reads only its arguments (time comes from
 * `ctx.now`). Never throws: facts of the wrong shape read as absent, and an unvalidated
 * condition's unknown fields or operators simply do not hold. Validate conditions with
 * conditionSchema when they are saved, not here.
 *
 * Semantics (docs/conditions.md): text compares case-insensitively after Unicode
 * normalization; a negated operator (is_not, not_in, not_contains, includes_none, is_empty)
 * holds exactly when its positive does not, so `assignee is_not usr_x` holds on an unassigned
 * ticket; ordering operators never hold on an absent value; changed_* need `ctx.previous`.
 */
export function evaluateCondition(condition: Condition, facts: ConditionFacts, ctx: EvaluationContext): EvaluationResult {
  const trace: ConditionTraceEntry[] = [];
  const matched = run(condition, facts, ctx, ctx?.trace === false ? null : trace);
  return { matched, trace };
}

/** `evaluateCondition(...).matched` without building a trace: the hot-path form (SLA policy selection). */
export function conditionMatches(condition: Condition, facts: ConditionFacts, ctx: EvaluationContext): boolean {
  return run(condition, facts, ctx, null);
}

function run(condition: Condition, facts: ConditionFacts, ctx: EvaluationContext, trace: ConditionTraceEntry[] | null): boolean {
  const nowMs = ctx?.now instanceof Date ? ctx.now.getTime() : Number.NaN;
  const s: State = {
    facts,
    prev: ctx?.previous ?? null,
    hasPrev: ctx?.previous !== undefined && ctx?.previous !== null,
    nowMs,
    ctx: ctx ?? ({ now: new Date(Number.NaN) } as EvaluationContext),
    trace,
    folds: null,
  };
  return evalNode(compiled(condition), s);
}
