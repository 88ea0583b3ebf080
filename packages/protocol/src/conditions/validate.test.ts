import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONDITION_FIELDS, CONDITION_OPERATOR_INFO, CONTACT_ATTRIBUTE_FIELD, CONDITION_LIST_OPERATORS, CONDITION_VALUELESS_OPERATORS, conditionField, conditionFieldsFor, conditionOperatorsFor } from './fields.js';
import { INBOX, TEAM, USER } from './fixtures.test-support.js';
import { CONDITION_CONTEXTS, CONDITION_LIMITS, CONDITION_OPERATORS, type ConditionLeaf } from './types.js';
import { conditionSchema, conditionSchemaFor, isValidCondition, usesChangeOperators, validateCondition } from './validate.js';

const one = (leaf: unknown) => ({ all: [{ field: 'ticket.status', op: 'is', value: 'open' }, leaf] });
const issuesOf = (input: unknown, context?: Parameters<typeof validateCondition>[1]) => validateCondition(input, context).map((i) => [i.code, i.path]);

describe('valid conditions', () => {
  it.each([
    ['empty', { all: [] }],
    ['empty any', { any: [] }],
    ['both lists', { all: [{ field: 'ticket.channel', op: 'is', value: 'chat' }], any: [{ field: 'ticket.priority', op: 'gte', value: 'high' }] }],
    ['unassigned', { all: [{ field: 'ticket.assignee', op: 'is', value: null }] }],
    ['ids', { all: [{ field: 'ticket.inbox', op: 'in', value: [INBOX] }, { field: 'ticket.team', op: 'is_not', value: TEAM }, { field: 'ticket.assignee', op: 'in', value: [USER, null] }] }],
    ['attribute with spaces and dots', { all: [{ field: 'contact.attributes.Plan Name.v2', op: 'is', value: 'Gold' }] }],
    ['attribute number', { all: [{ field: 'contact.attributes.seats', op: 'gt', value: 10 }] }],
    ['tags', { all: [{ field: 'ticket.tags', op: 'includes_all', value: ['vip', 'größe', 'a b-c_d.e'] }] }],
    ['durations', { all: [{ field: 'ticket.since_agent_reply', op: 'gte', value: 30 }, { field: 'ticket.since_agent_reply', op: 'is_empty' }] }],
    ['timestamp', { all: [{ field: 'ticket.created_at', op: 'gte', value: '2026-12-01T00:00:00+01:00' }] }],
    ['business hours', { all: [{ field: 'time.now', op: 'within_business_hours' }, { field: 'time.now', op: 'outside_business_hours', value: 'cal_01h2xcejqtf2nbrexx3vqjhp41' }] }],
    ['valueless with null value', { all: [{ field: 'ticket.assignee', op: 'is_set', value: null }] }],
    ['four deep', { all: [{ any: [{ all: [{ any: [{ field: 'ticket.status', op: 'is', value: 'open' }] }] }] }] }],
  ])('%s', (_name, c) => {
    expect(validateCondition(c)).toEqual([]);
    expect(conditionSchema.safeParse(c).success).toBe(true);
    expect(conditionSchema.parse(c)).toEqual(c);
  });
});

describe('each refusal points at its leaf', () => {
  it.each<[string, unknown, string, (string | number)[]]>([
    ['unknown field', one({ field: 'ticket.mood', op: 'is', value: 'x' }), 'unknown_field', ['all', 1, 'field']],
    ['field not a string', one({ field: 5, op: 'is', value: 'x' }), 'unknown_field', ['all', 1, 'field']],
    ['organization (not in the model)', one({ field: 'organization.name', op: 'is', value: 'x' }), 'unknown_field', ['all', 1, 'field']],
    ['attribute without key', one({ field: 'contact.attributes.', op: 'is', value: 'x' }), 'unknown_field', ['all', 1, 'field']],
    ['attribute key with control char', one({ field: 'contact.attributes.a\nb', op: 'is', value: 'x' }), 'unknown_field', ['all', 1, 'field']],
    ['attribute key with edge space', one({ field: 'contact.attributes. plan', op: 'is', value: 'x' }), 'unknown_field', ['all', 1, 'field']],
    ['attribute key too long', one({ field: 'contact.attributes.' + 'k'.repeat(101), op: 'is', value: 'x' }), 'unknown_field', ['all', 1, 'field']],
    ['attribute key lone surrogate', one({ field: 'contact.attributes.\ud800', op: 'is', value: 'x' }), 'unknown_field', ['all', 1, 'field']],
    ['unknown operator', one({ field: 'ticket.subject', op: 'regex', value: '.*' }), 'invalid_operator', ['all', 1, 'op']],
    ['no regex operator', one({ field: 'ticket.subject', op: 'regex', value: '(a+)+$' }), 'invalid_operator', ['all', 1, 'op']],
    ['operator for another type', one({ field: 'ticket.status', op: 'contains', value: 'op' }), 'invalid_operator', ['all', 1, 'op']],
    ['order on an unordered enum', one({ field: 'ticket.status', op: 'gt', value: 'open' }), 'invalid_operator', ['all', 1, 'op']],
    ['is_empty on a non-nullable field', one({ field: 'ticket.inbox', op: 'is_empty' }), 'invalid_operator', ['all', 1, 'op']],
    ['priority not in the enum', one({ field: 'ticket.priority', op: 'is', value: 'critical' }), 'invalid_value', ['all', 1, 'value']],
    ['enum value of another case', one({ field: 'ticket.status', op: 'is', value: 'Open' }), 'invalid_value', ['all', 1, 'value']],
    ['missing value', one({ field: 'ticket.status', op: 'is' }), 'invalid_value', ['all', 1, 'value']],
    ['value on a valueless operator', one({ field: 'ticket.assignee', op: 'is_set', value: USER }), 'invalid_value', ['all', 1, 'value']],
    ['id of another kind', one({ field: 'ticket.assignee', op: 'is', value: TEAM }), 'invalid_value', ['all', 1, 'value']],
    ['null on a non-nullable id', one({ field: 'ticket.inbox', op: 'is', value: null }), 'invalid_value', ['all', 1, 'value']],
    ['list for a scalar operator', one({ field: 'ticket.status', op: 'is', value: ['open'] }), 'invalid_value', ['all', 1, 'value']],
    ['scalar for a list operator', one({ field: 'ticket.status', op: 'in', value: 'open' }), 'invalid_value', ['all', 1, 'value']],
    ['empty list', one({ field: 'ticket.status', op: 'in', value: [] }), 'invalid_value', ['all', 1, 'value']],
    ['bad item in a list', one({ field: 'ticket.priority', op: 'in', value: ['low', 'meh'] }), 'invalid_value', ['all', 1, 'value', 1]],
    ['empty text', one({ field: 'ticket.subject', op: 'contains', value: '' }), 'invalid_value', ['all', 1, 'value']],
    ['text with NUL', one({ field: 'ticket.subject', op: 'contains', value: 'a\u0000' }), 'invalid_value', ['all', 1, 'value']],
    ['number as text', one({ field: 'ticket.number', op: 'gt', value: '5' }), 'invalid_value', ['all', 1, 'value']],
    ['infinite number', one({ field: 'ticket.number', op: 'gt', value: Infinity }), 'invalid_value', ['all', 1, 'value']],
    ['fractional minutes', one({ field: 'ticket.age', op: 'gt', value: 1.5 }), 'invalid_value', ['all', 1, 'value']],
    ['negative minutes', one({ field: 'ticket.age', op: 'gt', value: -1 }), 'invalid_value', ['all', 1, 'value']],
    ['date without zone', one({ field: 'ticket.created_at', op: 'gt', value: '2026-12-01T00:00:00' }), 'invalid_value', ['all', 1, 'value']],
    ['impossible date', one({ field: 'ticket.created_at', op: 'gt', value: '2026-13-45T00:00:00Z' }), 'invalid_value', ['all', 1, 'value']],
    ['bad tag name', one({ field: 'ticket.tags', op: 'includes_any', value: ['ok', '#nope'] }), 'invalid_value', ['all', 1, 'value', 1]],
    ['boolean as string', one({ field: 'message.has_attachments', op: 'is', value: 'true' }), 'invalid_value', ['all', 1, 'value']],
    ['attribute object value', one({ field: 'contact.attributes.plan', op: 'is', value: { a: 1 } }), 'invalid_value', ['all', 1, 'value']],
    ['attribute order on text', one({ field: 'contact.attributes.plan', op: 'gt', value: 'a' }), 'invalid_value', ['all', 1, 'value']],
    ['calendar not an id', one({ field: 'time.now', op: 'within_business_hours', value: 'office' }), 'invalid_value', ['all', 1, 'value']],
    ['text too long', one({ field: 'ticket.subject', op: 'contains', value: 'x'.repeat(501) }), 'too_long', ['all', 1, 'value']],
    ['too many values', one({ field: 'ticket.subject', op: 'in', value: Array.from({ length: 101 }, (_, i) => `s${i}`) }), 'too_many', ['all', 1, 'value']],
    ['unknown key in a leaf', one({ field: 'ticket.status', op: 'is', value: 'open', negate: true }), 'invalid_shape', ['all', 1, 'negate']],
    ['unknown key in a group', { all: [], none: [] }, 'invalid_shape', ['none']],
    ['list not an array', { all: { field: 'ticket.status' } }, 'invalid_shape', ['all']],
    ['a leaf as the root', { field: 'ticket.status', op: 'is', value: 'open' }, 'invalid_shape', []],
    ['a node that is neither', one({ op: 'is' }), 'invalid_shape', ['all', 1]],
    ['a node that is an array', one([]), 'invalid_shape', ['all', 1]],
    ['nested too deep', { all: [{ any: [{ all: [{ any: [{ all: [] }] }] }] }] }, 'too_deep', ['all', 0, 'any', 0, 'all', 0, 'any', 0]],
  ])('%s', (_name, input, code, path) => {
    const issues = validateCondition(input);
    expect(issues.map((i) => [i.code, i.path])).toEqual([[code, path]]);
    expect(issues[0]!.message.length).toBeGreaterThan(5);
    const parsed = conditionSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path)).toEqual([path]);
  });

  it('reports every bad leaf at once, each at its own path', () => {
    const c = {
      any: [
        { field: 'ticket.priority', op: 'is', value: 'critical' },
        { all: [{ field: 'ticket.status', op: 'is', value: 'open' }, { field: 'ticket.nope', op: 'is', value: 1 }] },
        { field: 'ticket.status', op: 'contains', value: 'x' },
      ],
    };
    expect(issuesOf(c)).toEqual([
      ['invalid_value', ['any', 0, 'value']],
      ['unknown_field', ['any', 1, 'all', 1, 'field']],
      ['invalid_operator', ['any', 2, 'op']],
    ]);
  });

  it('inside another schema, zod prefixes the paths', () => {
    const rule = z.strictObject({ name: z.string(), conditions: conditionSchemaFor('automation_event') });
    const r = rule.safeParse({ name: 'x', conditions: one({ field: 'ticket.priority', op: 'is', value: 'critical' }) });
    expect(r.error!.issues[0]!.path).toEqual(['conditions', 'all', 1, 'value']);
    expect(r.error!.issues[0]).toMatchObject({ code: 'custom', params: { condition: 'invalid_value' } });
  });
});

describe('caps', () => {
  const leafN = (i: number) => ({ field: 'ticket.number', op: 'is', value: i });
  it(`at most ${CONDITION_LIMITS.maxLeaves} leaves in all, counted across groups`, () => {
    expect(validateCondition({ all: Array.from({ length: 50 }, (_, i) => leafN(i)) })).toEqual([]);
    expect(issuesOf({ all: Array.from({ length: 51 }, (_, i) => leafN(i)) })).toEqual([['too_many', ['all']]]);
    const split = { all: [{ all: Array.from({ length: 30 }, (_, i) => leafN(i)) }, { any: Array.from({ length: 21 }, (_, i) => leafN(i)) }] };
    expect(issuesOf(split)).toEqual([['too_many', ['all', 1, 'any', 20]]]);
  });
  it('at most 50 groups, even empty ones', () => {
    const groups = { all: Array.from({ length: 10 }, () => ({ any: Array.from({ length: 5 }, () => ({ all: [] })) })) };
    expect(issuesOf(groups)[0]![0]).toBe('too_many');
  });
  it('at most 100 values per list, 500 characters per text', () => {
    expect(validateCondition(one({ field: 'ticket.subject', op: 'in', value: Array.from({ length: 100 }, (_, i) => `s${i}`) }))).toEqual([]);
    expect(validateCondition(one({ field: 'ticket.subject', op: 'contains', value: 'x'.repeat(500) }))).toEqual([]);
  });
  it('a huge input is refused quickly and with few issues', () => {
    const t = performance.now();
    const huge = { all: Array.from({ length: 100_000 }, () => ({ field: 'nope' })) };
    expect(validateCondition(huge)).toHaveLength(1);
    const manyBad = { all: Array.from({ length: 50 }, () => ({ field: 'nope', op: 'nope', extra: 1 })) };
    expect(validateCondition(manyBad).length).toBeLessThanOrEqual(20);
    let deep: unknown = { all: [] };
    for (let i = 0; i < 10_000; i++) deep = { all: [deep] };
    expect(issuesOf(deep)).toEqual([['too_deep', ['all', 0, 'all', 0, 'all', 0, 'all', 0]]]);
    expect(performance.now() - t).toBeLessThan(500);
  });
});

describe('contexts', () => {
  const body = { field: 'message.body', op: 'contains', value: 'refund' };
  const changed = { field: 'ticket.status', op: 'changed_to', value: 'open' };
  const age = { field: 'ticket.age', op: 'gt', value: 60 };
  const hours = { field: 'time.now', op: 'within_business_hours' };
  const me = { field: 'ticket.assignee', op: 'is', value: 'me' };
  const ok = (c: (typeof CONDITION_CONTEXTS)[number], leaf: unknown) => conditionSchemaFor(c).safeParse({ all: [leaf] }).success;

  it.each([
    ['sla', [], [body, changed, age, me]],
    ['routing', [body, age, hours], [changed, me]],
    ['automation_event', [body, changed, age, hours], [me]],
    ['automation_time', [age, hours], [body, changed, me]],
    ['view', [age, me], [body, changed, hours]],
    ['csat', [age, hours], [body, changed, me]],
  ] as const)('%s', (context, allowed, refused) => {
    for (const l of allowed) expect(ok(context, l), JSON.stringify(l)).toBe(true);
    for (const l of refused) expect(ok(context, l), JSON.stringify(l)).toBe(false);
    expect(ok(context, { field: 'ticket.status', op: 'is', value: 'open' })).toBe(true);
  });

  it('a saved view may not use changed_to: refused at the operator with a reason', () => {
    expect(validateCondition({ all: [changed] }, 'view')).toEqual([{ code: 'not_allowed_in_context', path: ['all', 0, 'op'], message: expect.stringContaining('before and after') }]);
  });
  it('an SLA policy may not use message fields: refused at the field', () => {
    expect(issuesOf({ all: [body] }, 'sla')).toEqual([['not_allowed_in_context', ['all', 0, 'field']]]);
  });
  it('"me" only in saved views', () => {
    expect(issuesOf({ all: [me] }, 'automation_event')).toEqual([['invalid_value', ['all', 0, 'value']]]);
  });
});

describe('the examples of docs/conditions.md', () => {
  it.each([
    ['sla', { all: [{ field: 'ticket.channel', op: 'is', value: 'email' }, { field: 'ticket.tags', op: 'includes_any', value: ['vip'] }, { field: 'time.now', op: 'within_business_hours' }] }],
    ['routing', { all: [{ field: 'contact.email_domain', op: 'in', value: ['acme.com', 'acme.de'] }, { any: [{ field: 'ticket.subject', op: 'contains', value: 'invoice' }, { field: 'message.body', op: 'contains', value: 'refund' }] }] }],
    ['automation_event', { all: [{ field: 'ticket.status', op: 'changed_from', value: 'resolved' }, { field: 'message.author_type', op: 'is', value: 'contact' }, { field: 'time.now', op: 'outside_business_hours' }] }],
    ['automation_time', { all: [{ field: 'ticket.status', op: 'is', value: 'pending' }, { field: 'ticket.since_status_change', op: 'gte', value: 4320 }] }],
    ['view', { all: [{ field: 'ticket.assignee', op: 'in', value: ['me', null] }, { field: 'ticket.priority', op: 'is', value: 'urgent' }, { field: 'ticket.status', op: 'not_in', value: ['resolved', 'closed'] }] }],
    ['csat', { all: [{ field: 'contact.attributes.plan', op: 'is', value: 'enterprise' }, { field: 'contact.attributes.seats', op: 'gt', value: 10 }] }],
  ] as const)('%s', (context, c) => {
    expect(validateCondition(c, context)).toEqual([]);
  });
});

describe('the catalogue', () => {
  it('every field has a label, operators of its own type and at least one context', () => {
    for (const f of [...Object.values(CONDITION_FIELDS), CONTACT_ATTRIBUTE_FIELD]) {
      expect(f.label.length).toBeGreaterThan(2);
      expect(f.operators.length).toBeGreaterThan(0);
      expect(f.contexts.length).toBeGreaterThan(0);
      for (const op of f.operators) expect(CONDITION_OPERATORS).toContain(op);
      if (f.type === 'enum') expect(f.values!.length).toBeGreaterThan(1);
      if (f.type === 'id') expect(f.idKind).toBeDefined();
      if (f.operators.includes('is_empty')) expect(f.nullable || f.type === 'tags').toBe(true);
      expect(['ticket', 'contact', 'message', 'time']).toContain(f.source.entity);
    }
  });
  it('covers what SLA, routing, automation and views ask for', () => {
    for (const key of ['ticket.status', 'ticket.priority', 'ticket.inbox', 'ticket.channel', 'ticket.team', 'ticket.assignee', 'ticket.tags', 'ticket.subject', 'contact.email', 'contact.name', 'contact.email_domain', 'ticket.age', 'ticket.since_customer_message', 'ticket.since_agent_reply', 'ticket.since_status_change', 'message.body', 'message.author_type', 'message.visibility', 'message.channel', 'time.now'])
      expect(CONDITION_FIELDS[key], key).toBeDefined();
  });
  it('conditionField resolves attribute fields and nothing from the prototype', () => {
    expect(conditionField('contact.attributes.plan')).toMatchObject({ key: 'contact.attributes.plan', type: 'attribute' });
    expect(conditionField('toString')).toBeNull();
    expect(conditionField('__proto__')).toBeNull();
  });
  it('conditionOperatorsFor and conditionFieldsFor give a builder what a context allows', () => {
    expect(conditionOperatorsFor(CONDITION_FIELDS['ticket.status']!, 'view')).toEqual(['is', 'is_not', 'in', 'not_in']);
    expect(conditionOperatorsFor(CONDITION_FIELDS['ticket.status']!, 'automation_event')).toContain('changed_to');
    expect(conditionOperatorsFor(CONDITION_FIELDS['message.body']!, 'sla')).toEqual([]);
    expect(conditionFieldsFor('sla').map((f) => f.key)).not.toContain('message.body');
    expect(conditionFieldsFor('view').map((f) => f.key)).not.toContain('time.now');
  });
  it('every operator has a label and a value shape that matches validation', () => {
    for (const op of CONDITION_OPERATORS) {
      const info = CONDITION_OPERATOR_INFO[op];
      expect(info.label.length).toBeGreaterThan(1);
      expect(info.value === 'list').toBe(CONDITION_LIST_OPERATORS.includes(op));
      expect(info.value === 'none').toBe(CONDITION_VALUELESS_OPERATORS.includes(op));
    }
  });
  it('the catalogue is plain JSON a client can ship', () => {
    expect(JSON.parse(JSON.stringify(CONDITION_FIELDS))).toEqual(CONDITION_FIELDS);
  });
  it('usesChangeOperators tells whether previous facts are needed', () => {
    expect(usesChangeOperators({ all: [{ any: [{ field: 'ticket.status', op: 'changed' }] }] })).toBe(true);
    expect(usesChangeOperators({ all: [{ field: 'ticket.status', op: 'is', value: 'open' }] })).toBe(false);
    expect(isValidCondition({ all: [] })).toBe(true);
  });
});

// Type-level: a leaf literal fits ConditionLeaf.
const _typed: ConditionLeaf = { field: 'ticket.status', op: 'in', value: ['open', 'pending'] };
void _typed;
