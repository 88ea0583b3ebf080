import { describe, expect, it } from 'vitest';
import { evaluateCondition } from './evaluate.js';
import { facts, NOW } from './fixtures.test-support.js';
import { conditionOperatorsFor, CONDITION_FIELDS } from './fields.js';
import { compilePattern } from './regex.js';
import { conditionSchemaFor, validateCondition } from './validate.js';

const holds = (field: string, value: unknown, f = facts()) => evaluateCondition({ all: [{ field, op: 'matches', value } as never] }, f, { now: NOW }).matched;

describe('matches: a regular expression on text fields', () => {
  it.each([
    ['message.body', 'invoice #\\d+', true],
    ['message.body', '^hello', true],
    ['message.body', '^invoice', false],
    ['message.body', 'refund|money back', false],
    ['message.body', 'wrong$', true],
    ['message.body', '\\bINVOICE\\b', true],
    ['ticket.subject', 'refund', true],
    ['ticket.subject', 'stra(ß|ss)e', true],
    ['ticket.subject', '^order', false],
    ['contact.email', '@example\\.com$', true],
    ['contact.email', '@example\\.org$', false],
    ['contact.email_domain', '^example\\.', true],
    ['contact.name', '^zo', true],
    ['contact.name', 'ångström$', true],
    ['contact.name', '^\\d+$', false],
  ])('%s matches %s → %s', (field, pattern, expected) => {
    expect(holds(field, pattern)).toBe(expected);
  });

  it('does not hold on an absent value, nor on an unvalidated bad pattern', () => {
    const f = facts();
    f.contact = { name: null, email: null, attributes: {} };
    expect(holds('contact.email', '.*', f)).toBe(false);
    expect(holds('message.body', '(unclosed')).toBe(false);
    expect(holds('message.body', 42)).toBe(false);
  });

  it('runs in linear time: a pattern that backtracks exponentially elsewhere returns at once on a long text', () => {
    const f = facts();
    f.message = { body: 'a'.repeat(50_000) + '!', authorType: 'contact', visibility: 'public' };
    // (a+)+$ takes exponential time in a backtracking engine; RE2 does not backtrack.
    expect(holds('message.body', '^(a+)+$', f)).toBe(false);
    expect(holds('message.body', '(a|aa)*b', f)).toBe(false);
  });

  it('is validated when saved: a bad pattern is a clear issue at its path', () => {
    const issues = validateCondition({ all: [{ field: 'message.body', op: 'matches', value: '(refund' }] }, 'automation_event');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['all', 0, 'value']);
    expect(issues[0]!.message).toMatch(/not a valid regular expression: missing closing \)/);
    expect(validateCondition({ all: [{ field: 'message.body', op: 'matches', value: '(a)\\1' }] })[0]!.message).toMatch(/invalid escape/);
    expect(validateCondition({ all: [{ field: 'message.body', op: 'matches', value: '' }] })[0]!.message).toBe('must be a regular expression');
    expect(validateCondition({ all: [{ field: 'message.body', op: 'matches', value: 'x'.repeat(501) }] })[0]!.message).toMatch(/at most 500/);
    expect(validateCondition({ all: [{ field: 'message.body', op: 'matches', value: ['a'] }] })).toHaveLength(1);
    expect(conditionSchemaFor('automation_event').safeParse({ all: [{ field: 'message.body', op: 'matches', value: 'refund|money back' }] }).success).toBe(true);
  });

  it('is for text fields only, and not in saved views (they filter in SQL)', () => {
    expect(validateCondition({ all: [{ field: 'ticket.status', op: 'matches', value: 'open' }] })[0]!.code).toBe('invalid_operator');
    expect(validateCondition({ all: [{ field: 'contact.attributes.plan', op: 'matches', value: 'pro' }] })[0]!.code).toBe('invalid_operator');
    expect(validateCondition({ all: [{ field: 'ticket.subject', op: 'matches', value: 'x' }] }, 'view')[0]!.code).toBe('not_allowed_in_context');
    expect(conditionOperatorsFor(CONDITION_FIELDS['ticket.subject']!, 'view')).not.toContain('matches');
    expect(conditionOperatorsFor(CONDITION_FIELDS['ticket.subject']!, 'routing')).toContain('matches');
  });

  it('compilePattern says why a pattern is refused', () => {
    expect(compilePattern('a(?=b)')).toMatchObject({ ok: false });
    expect(compilePattern('[a-z]+')).toMatchObject({ ok: true });
  });
});
