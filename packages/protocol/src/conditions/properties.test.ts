import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wellFormed } from '../text.js';
import { evaluateCondition, type EvaluationContext } from './evaluate.js';
import type { ConditionFacts } from './facts.js';
import { CONDITION_FIELDS, CONDITION_LIST_OPERATORS, CONDITION_VALUELESS_OPERATORS, conditionField, type ConditionFieldDef } from './fields.js';
import { INBOX, INBOX_2, NOW, TEAM, USER, USER_2 } from './fixtures.test-support.js';
import { CONDITION_CONTEXTS, type Condition, type ConditionLeaf, type ConditionScalar, type ConditionNode, type ConditionOperator } from './types.js';
import { conditionSchema, conditionSchemaFor, validateCondition } from './validate.js';

// ---------------------------------------------------------------- arbitraries

const CAL = 'cal_01h2xcejqtf2nbrexx3vqjhp41';
const TAGS = ['vip', 'billing', 'größe', 'a b', 'ﬁnance'];
const ATTR_KEYS = ['plan', 'seats', 'beta', 'Plan Name'];

const text = fc
  .oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), fc.constantFrom('Straße', 'STRASSE', 'é', 'e\u0301', 'Pro', 'example.com'))
  .filter((s) => s.length > 0 && s.length <= 500 && wellFormed(s) && !s.includes('\u0000'));
const instant = fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true });
const iso = instant.map((d) => d.toISOString());

/** A valid pattern for `matches`: text with the regular expression's special characters escaped, perhaps anchored. */
const pattern = fc.tuple(text, fc.boolean()).map(([t, anchored]) => `${anchored ? '^' : ''}${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

function scalar(def: ConditionFieldDef, op: ConditionOperator): fc.Arbitrary<unknown> {
  if (op === 'matches') return pattern;
  switch (def.type) {
    case 'enum':
      return fc.constantFrom(...def.values!);
    case 'id': {
      const ids = def.idKind === 'inbox' ? [INBOX, INBOX_2] : def.idKind === 'team' ? [TEAM] : [USER, USER_2, 'me'];
      return fc.constantFrom(...ids, ...(def.nullable ? [null] : []));
    }
    case 'text':
      return text;
    case 'number':
      return fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'boolean':
      return fc.boolean();
    case 'duration':
      return fc.integer({ min: 0, max: 1_000_000 });
    case 'timestamp':
      return iso;
    case 'tags':
      return fc.constantFrom(...TAGS);
    case 'attribute':
      if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') return fc.integer({ min: -5, max: 20 });
      if (op === 'contains' || op === 'not_contains' || op === 'starts_with' || op === 'ends_with') return text;
      return fc.oneof(text, fc.integer({ min: 0, max: 20 }), fc.boolean());
    case 'moment':
      return fc.constant(undefined);
  }
}

function valueFor(def: ConditionFieldDef, op: ConditionOperator): fc.Arbitrary<unknown> {
  if (CONDITION_VALUELESS_OPERATORS.includes(op)) return fc.constant(undefined);
  if (op === 'within_business_hours' || op === 'outside_business_hours') return fc.constantFrom(undefined, CAL);
  if (CONDITION_LIST_OPERATORS.includes(op)) return fc.array(scalar(def, op), { minLength: 1, maxLength: 4 });
  return scalar(def, op);
}

const defs: ConditionFieldDef[] = [...Object.values(CONDITION_FIELDS), ...ATTR_KEYS.map((k) => conditionField(`contact.attributes.${k}`)!)];

/** A leaf valid in some context, on a field and operator drawn from the catalogue. */
const leafOf = (pick: (def: ConditionFieldDef) => readonly ConditionOperator[]) =>
  fc
    .constantFrom(...defs.filter((d) => pick(d).length > 0))
    .chain((def) => fc.constantFrom(...pick(def)).chain((op) => valueFor(def, op).map((value) => (value === undefined ? { field: def.key, op } : { field: def.key, op, value }) as ConditionLeaf)));
const validLeaf = leafOf((d) => d.operators);

const { group: validCondition } = fc.letrec<{ group: Condition; node: ConditionNode }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', maxDepth: 3 }, validLeaf, tie('group')),
  group: fc.oneof(
    fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ all: fc.array(tie('node'), { maxLength: 2 }), any: fc.array(tie('node'), { maxLength: 2 }) }),
  ),
}));

const maybeInstant = fc.option(fc.oneof(instant, iso, fc.constant('garbage')), { nil: null });
const factsArb: fc.Arbitrary<ConditionFacts> = fc.record({
  ticket: fc.record({
    status: fc.constantFrom(...CONDITION_FIELDS['ticket.status']!.values!),
    priority: fc.constantFrom(...CONDITION_FIELDS['ticket.priority']!.values!),
    channel: fc.constantFrom('chat', 'email'),
    inboxId: fc.constantFrom(INBOX, INBOX_2),
    teamId: fc.constantFrom(TEAM, null),
    assigneeId: fc.constantFrom(USER, USER_2, null),
    tags: fc.subarray(TAGS.map((t) => (t === 'vip' ? 'VIP' : t))),
    subject: fc.oneof(text, fc.constant('')),
    number: fc.integer({ min: 1, max: 100 }),
    createdAt: fc.oneof(instant, iso),
    updatedAt: fc.oneof(instant, iso),
    lastCustomerMessageAt: maybeInstant,
    lastAgentReplyAt: maybeInstant,
    statusChangedAt: maybeInstant,
  }),
  contact: fc.option(
    fc.record({
      name: fc.option(text, { nil: null }),
      email: fc.option(fc.tuple(text, fc.constantFrom('example.com', 'EXAMPLE.com', 'acme.io', '')).map(([a, b]) => `${a}@${b}`), { nil: null }),
      attributes: fc.dictionary(fc.constantFrom(...ATTR_KEYS), fc.oneof(text, fc.integer({ min: -5, max: 20 }), fc.boolean(), fc.constant(null), fc.constant('12'))),
    }),
    { nil: undefined },
  ),
  message: fc.option(
    fc.record({
      body: fc.oneof(text, fc.constant('')),
      authorType: fc.constantFrom('contact', 'agent', 'system'),
      visibility: fc.constantFrom('public', 'internal'),
      attachments: fc.array(fc.constant({}), { maxLength: 2 }),
    }),
    { nil: null },
  ),
}) as fc.Arbitrary<ConditionFacts>;

const ctxArb: fc.Arbitrary<EvaluationContext> = fc.record({
  now: fc.constant(NOW),
  previous: fc.option(factsArb, { nil: undefined }),
  isOpen: fc.constantFrom(undefined, () => true, () => false),
  currentUserId: fc.constantFrom(undefined, USER),
});

const matched = (c: Condition, f: ConditionFacts, ctx: EvaluationContext) => evaluateCondition(c, f, ctx).matched;

// ---------------------------------------------------------------- properties

describe('properties', () => {
  it('what the arbitraries build is valid (so the properties below are about valid conditions)', () => {
    fc.assert(
      fc.property(validCondition, (c) => {
        expect(validateCondition(c)).toEqual([]);
      }),
    );
  });

  it('{ all: [c] } ≡ c ≡ { any: [c] }, for groups and single leaves', () => {
    fc.assert(
      fc.property(validCondition, validLeaf, factsArb, ctxArb, (c, l, f, ctx) => {
        const m = matched(c, f, ctx);
        expect(matched({ all: [c] }, f, ctx)).toBe(m);
        expect(matched({ any: [c] }, f, ctx)).toBe(m);
        expect(matched({ all: [l] }, f, ctx)).toBe(matched({ any: [l] }, f, ctx));
      }),
    );
  });

  const NEGATION: Partial<Record<ConditionOperator, ConditionOperator>> = {
    is: 'is_not',
    in: 'not_in',
    contains: 'not_contains',
    includes_any: 'includes_none',
    is_set: 'is_empty',
  };
  const negatable = leafOf((d) => d.operators.filter((op) => NEGATION[op] && d.operators.includes(NEGATION[op])));
  const negate = (l: ConditionLeaf): ConditionLeaf => ({ ...l, op: NEGATION[l.op]! });

  it('is/is_not, in/not_in, contains/not_contains, includes_any/includes_none, is_set/is_empty are exact complements', () => {
    fc.assert(
      fc.property(negatable, factsArb, ctxArb, (l, f, ctx) => {
        expect(matched({ all: [negate(l)] }, f, ctx)).toBe(!matched({ all: [l] }, f, ctx));
      }),
    );
  });

  it('De Morgan: not (a and b) ≡ (not a) or (not b), and in [v] ≡ is v', () => {
    fc.assert(
      fc.property(negatable, negatable, factsArb, ctxArb, (a, b, f, ctx) => {
        expect(matched({ any: [negate(a), negate(b)] }, f, ctx)).toBe(!matched({ all: [a, b] }, f, ctx));
        expect(matched({ all: [negate(a), negate(b)] }, f, ctx)).toBe(!matched({ any: [a, b] }, f, ctx));
      }),
    );
    const isLeaf = leafOf((d) => (d.operators.includes('in') ? ['is'] : []));
    fc.assert(
      fc.property(isLeaf, factsArb, ctxArb, (l, f, ctx) => {
        expect(matched({ all: [{ ...l, op: 'in', value: [l.value as ConditionScalar] }] }, f, ctx)).toBe(matched({ all: [l] }, f, ctx));
      }),
    );
  });

  it('changed_to v implies is v; without previous facts no change operator holds', () => {
    const changeTo = leafOf((d) => (d.operators.includes('changed_to') ? ['changed_to'] : []));
    fc.assert(
      fc.property(changeTo, factsArb, ctxArb, (l, f, ctx) => {
        if (matched({ all: [l] }, f, ctx)) expect(matched({ all: [{ ...l, op: 'is' }] }, f, ctx)).toBe(true);
        expect(matched({ all: [l] }, f, { ...ctx, previous: undefined })).toBe(false);
        expect(matched({ all: [{ field: l.field, op: 'changed' }] }, f, { ...ctx, previous: f })).toBe(false);
      }),
    );
  });

  it('evaluation never throws, on realistic facts or on anything at all, and its trace is JSON', () => {
    const anyFacts = fc.oneof(factsArb, fc.anything(), fc.record({ ticket: fc.anything(), contact: fc.anything(), message: fc.anything() })) as fc.Arbitrary<ConditionFacts>;
    const anyCtx = fc.oneof(ctxArb, fc.record({ now: fc.oneof(fc.constant(NOW), fc.constant(new Date(NaN))), previous: fc.anything() })) as fc.Arbitrary<EvaluationContext>;
    fc.assert(
      fc.property(validCondition, anyFacts, anyCtx, (c, f, ctx) => {
        const r = evaluateCondition(c, f, ctx);
        expect(typeof r.matched).toBe('boolean');
        expect(() => JSON.stringify(r.trace)).not.toThrow();
      }),
    );
  });

  it('the trace lists only leaves that were evaluated, and trace: false changes nothing but the trace', () => {
    fc.assert(
      fc.property(validCondition, factsArb, ctxArb, (c, f, ctx) => {
        const r = evaluateCondition(c, f, ctx);
        expect(evaluateCondition(c, f, { ...ctx, trace: false })).toEqual({ matched: r.matched, trace: [] });
        for (const e of r.trace) expect(typeof e.held).toBe('boolean');
      }),
    );
  });

  it('validation never throws on arbitrary JSON or values, and only returns issues', () => {
    const nearlyValid = validCondition.chain((c) =>
      fc.tuple(fc.constant(c), fc.jsonValue()).map(([c, junk]) => {
        const copy = JSON.parse(JSON.stringify(c)) as { all?: unknown[]; any?: unknown[] };
        (copy.all ??= []).push(junk);
        return copy;
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything(), nearlyValid), fc.constantFrom(undefined, ...CONDITION_CONTEXTS), (input, context) => {
        const issues = validateCondition(input, context);
        expect(Array.isArray(issues)).toBe(true);
        for (const i of issues) expect(Array.isArray(i.path) && typeof i.message === 'string').toBe(true);
        const schema = context ? conditionSchemaFor(context) : conditionSchema;
        expect(schema.safeParse(input).success).toBe(issues.length === 0);
      }),
    );
  });
});
