import { describe, expect, it } from 'vitest';
import { evaluateCondition, conditionMatches, type EvaluationContext } from './evaluate.js';
import type { ConditionFacts } from './facts.js';
import { facts, INBOX, INBOX_2, NOW, TEAM, USER, USER_2 } from './fixtures.test-support.js';
import type { ConditionLeaf } from './types.js';
import { validateCondition } from './validate.js';

const ctx: EvaluationContext = { now: NOW };
const holds = (leaf: ConditionLeaf, f: ConditionFacts = facts(), c: EvaluationContext = ctx) => evaluateCondition({ all: [leaf] }, f, c).matched;
const leaf = (field: string, op: ConditionLeaf['op'], value?: ConditionLeaf['value']): ConditionLeaf => (value === undefined ? { field, op } : { field, op, value });

/** [field, op, value, expected] on the facts of fixtures.test-support.ts. */
const TABLE: [string, ConditionLeaf['op'], ConditionLeaf['value'] | undefined, boolean][] = [
  // enum
  ['ticket.status', 'is', 'open', true],
  ['ticket.status', 'is', 'pending', false],
  ['ticket.status', 'is_not', 'pending', true],
  ['ticket.status', 'is_not', 'open', false],
  ['ticket.status', 'in', ['pending', 'open'], true],
  ['ticket.status', 'in', ['closed'], false],
  ['ticket.status', 'not_in', ['closed', 'resolved'], true],
  ['ticket.status', 'not_in', ['open'], false],
  ['ticket.channel', 'is', 'email', true],
  ['ticket.channel', 'is', 'chat', false],
  // ordered enum (priority high)
  ['ticket.priority', 'gt', 'normal', true],
  ['ticket.priority', 'gt', 'high', false],
  ['ticket.priority', 'gte', 'high', true],
  ['ticket.priority', 'gte', 'urgent', false],
  ['ticket.priority', 'lt', 'urgent', true],
  ['ticket.priority', 'lt', 'high', false],
  ['ticket.priority', 'lte', 'high', true],
  ['ticket.priority', 'lte', 'normal', false],
  ['ticket.priority', 'in', ['high', 'urgent'], true],
  ['ticket.priority', 'not_in', ['high', 'urgent'], false],
  // ids
  ['ticket.assignee', 'is', USER, true],
  ['ticket.assignee', 'is', USER_2, false],
  ['ticket.assignee', 'is_not', USER_2, true],
  ['ticket.assignee', 'is_not', USER, false],
  ['ticket.assignee', 'in', [USER_2, USER], true],
  ['ticket.assignee', 'in', [null, USER_2], false],
  ['ticket.assignee', 'not_in', [USER_2], true],
  ['ticket.assignee', 'not_in', [USER], false],
  ['ticket.assignee', 'is_set', undefined, true],
  ['ticket.assignee', 'is_empty', undefined, false],
  ['ticket.assignee', 'is', null, false],
  ['ticket.team', 'is', TEAM, true],
  ['ticket.team', 'is_empty', undefined, false],
  ['ticket.inbox', 'is', INBOX, true],
  ['ticket.inbox', 'in', [INBOX_2], false],
  // text: case-insensitive, Unicode-folded
  ['ticket.subject', 'is', 'REFUND FOR STRASSE ORDER', true],
  ['ticket.subject', 'is', 'refund', false],
  ['ticket.subject', 'is_not', 'refund', true],
  ['ticket.subject', 'is_not', 'refund for straße order', false],
  ['ticket.subject', 'in', ['x', 'Refund for Strasse Order'], true],
  ['ticket.subject', 'in', ['x', 'y'], false],
  ['ticket.subject', 'not_in', ['x'], true],
  ['ticket.subject', 'not_in', ['refund for straße ORDER'], false],
  ['ticket.subject', 'contains', 'STRASSE', true],
  ['ticket.subject', 'contains', 'invoice', false],
  ['ticket.subject', 'not_contains', 'invoice', true],
  ['ticket.subject', 'not_contains', 'ReFuNd', false],
  ['ticket.subject', 'starts_with', 'refund ', true],
  ['ticket.subject', 'starts_with', 'order', false],
  ['ticket.subject', 'ends_with', 'ORDER', true],
  ['ticket.subject', 'ends_with', 'refund', false],
  ['ticket.subject', 'changed', undefined, false],
  ['contact.name', 'is', 'zoë ångström', true],
  ['contact.name', 'is', 'Zoe\u0308 A\u030angstro\u0308m', true],
  ['contact.name', 'is', 'zoe angstrom', false],
  ['contact.name', 'is_set', undefined, true],
  ['contact.email', 'is', 'ZOE@example.com', true],
  ['contact.email', 'ends_with', '@example.com', true],
  ['contact.email', 'is_empty', undefined, false],
  ['contact.email_domain', 'is', 'example.com', true],
  ['contact.email_domain', 'in', ['acme.com', 'EXAMPLE.com'], true],
  ['contact.email_domain', 'not_in', ['example.com'], false],
  ['contact.email_domain', 'ends_with', '.org', false],
  // number
  ['ticket.number', 'is', 42, true],
  ['ticket.number', 'is', 41, false],
  ['ticket.number', 'is_not', 41, true],
  ['ticket.number', 'is_not', 42, false],
  ['ticket.number', 'gt', 41, true],
  ['ticket.number', 'gt', 42, false],
  ['ticket.number', 'gte', 42, true],
  ['ticket.number', 'gte', 43, false],
  ['ticket.number', 'lt', 43, true],
  ['ticket.number', 'lt', 42, false],
  ['ticket.number', 'lte', 42, true],
  ['ticket.number', 'lte', 41, false],
  // durations in minutes to NOW (12:00): created 10:00, customer 11:00, status 11:50, agent never
  ['ticket.age', 'gt', 119, true],
  ['ticket.age', 'gt', 120, false],
  ['ticket.age', 'gte', 120, true],
  ['ticket.age', 'gte', 121, false],
  ['ticket.age', 'lt', 121, true],
  ['ticket.age', 'lt', 120, false],
  ['ticket.age', 'lte', 120, true],
  ['ticket.age', 'lte', 119, false],
  ['ticket.since_customer_message', 'gte', 60, true],
  ['ticket.since_customer_message', 'gt', 60, false],
  ['ticket.since_customer_message', 'is_set', undefined, true],
  ['ticket.since_status_change', 'lt', 15, true],
  ['ticket.since_status_change', 'gte', 15, false],
  ['ticket.since_agent_reply', 'is_empty', undefined, true],
  ['ticket.since_agent_reply', 'is_set', undefined, false],
  ['ticket.since_agent_reply', 'gt', 0, false],
  ['ticket.since_agent_reply', 'lt', 100_000, false],
  // timestamps (ISO strings and Dates in facts; values with any zone)
  ['ticket.created_at', 'gt', '2026-12-07T09:59:59Z', true],
  ['ticket.created_at', 'gt', '2026-12-07T10:00:00Z', false],
  ['ticket.created_at', 'gte', '2026-12-07T11:00:00+01:00', true],
  ['ticket.created_at', 'gte', '2026-12-07T10:00:01Z', false],
  ['ticket.created_at', 'lt', '2026-12-07T10:00:01Z', true],
  ['ticket.created_at', 'lt', '2026-12-07T05:00:00-05:00', false],
  ['ticket.created_at', 'lte', '2026-12-07T10:00:00.000Z', true],
  ['ticket.created_at', 'lte', '2026-12-07T09:00:00Z', false],
  ['ticket.updated_at', 'gt', '2026-12-07T11:00:00Z', true],
  ['ticket.updated_at', 'lt', '2026-12-07T11:00:00Z', false],
  // tags
  ['ticket.tags', 'includes_any', ['VIP', 'urgent'], true],
  ['ticket.tags', 'includes_any', ['urgent'], false],
  ['ticket.tags', 'includes_all', ['billing', 'Vip'], true],
  ['ticket.tags', 'includes_all', ['billing', 'urgent'], false],
  ['ticket.tags', 'includes_none', ['urgent', 'spam'], true],
  ['ticket.tags', 'includes_none', ['spam', 'billing'], false],
  ['ticket.tags', 'is_set', undefined, true],
  ['ticket.tags', 'is_empty', undefined, false],
  // boolean
  ['message.has_attachments', 'is', true, true],
  ['message.has_attachments', 'is', false, false],
  // contact attributes
  ['contact.attributes.plan', 'is', 'pro', true],
  ['contact.attributes.plan', 'is', 'basic', false],
  ['contact.attributes.plan', 'is_not', 'basic', true],
  ['contact.attributes.plan', 'is_not', 'PRO', false],
  ['contact.attributes.plan', 'in', ['basic', 'PRO'], true],
  ['contact.attributes.plan', 'in', ['basic'], false],
  ['contact.attributes.plan', 'not_in', ['basic'], true],
  ['contact.attributes.plan', 'not_in', ['pro'], false],
  ['contact.attributes.plan', 'starts_with', 'p', true],
  ['contact.attributes.plan', 'ends_with', 'x', false],
  ['contact.attributes.Plan Name', 'contains', 'OL', true],
  ['contact.attributes.Plan Name', 'not_contains', 'ol', false],
  ['contact.attributes.seats', 'is', 12, true],
  ['contact.attributes.seats', 'is', '12', true],
  ['contact.attributes.seats', 'is', 13, false],
  ['contact.attributes.seats', 'gt', 10, true],
  ['contact.attributes.seats', 'gt', 12, false],
  ['contact.attributes.seats', 'gte', 12, true],
  ['contact.attributes.seats', 'lt', 12, false],
  ['contact.attributes.seats', 'lte', 12, true],
  ['contact.attributes.score', 'gte', 7.5, true],
  ['contact.attributes.score', 'lt', 7, false],
  ['contact.attributes.plan', 'gt', 1, false],
  ['contact.attributes.beta', 'is', true, true],
  ['contact.attributes.beta', 'is', false, false],
  ['contact.attributes.nested', 'is_set', undefined, true],
  ['contact.attributes.nested', 'contains', 'a', false],
  ['contact.attributes.missing', 'is_empty', undefined, true],
  ['contact.attributes.missing', 'is_set', undefined, false],
  ['contact.attributes.missing', 'is_not', 'x', true],
  ['contact.attributes.constructor', 'is_set', undefined, false],
  // message
  ['message.body', 'contains', 'invoice #123', true],
  ['message.body', 'contains', 'refund', false],
  ['message.body', 'not_contains', 'refund', true],
  ['message.body', 'starts_with', 'hello', true],
  ['message.author_type', 'is', 'contact', true],
  ['message.author_type', 'in', ['agent', 'system'], false],
  ['message.visibility', 'is', 'public', true],
  ['message.visibility', 'is', 'internal', false],
  ['message.channel', 'is', 'email', true],
  ['message.channel', 'is', 'chat', false],
];

describe('every operator on every type', () => {
  it.each(TABLE)('%s %s %j → %s', (field, op, value, expected) => {
    const l = leaf(field, op, value);
    expect(validateCondition({ all: [l] }), 'the table only holds valid leaves').toEqual([]);
    expect(holds(l)).toBe(expected);
  });
});

describe('missing and null facts', () => {
  const unassigned = (): ConditionFacts => {
    const f = facts();
    f.ticket.assigneeId = null;
    f.ticket.teamId = null;
    return f;
  };
  it('an unassigned ticket: is null, is_empty and is_not hold; is and is_set do not', () => {
    expect(holds(leaf('ticket.assignee', 'is', null), unassigned())).toBe(true);
    expect(holds(leaf('ticket.assignee', 'in', [null, USER]), unassigned())).toBe(true);
    expect(holds(leaf('ticket.assignee', 'is_empty'), unassigned())).toBe(true);
    expect(holds(leaf('ticket.assignee', 'is_set'), unassigned())).toBe(false);
    expect(holds(leaf('ticket.assignee', 'is', USER), unassigned())).toBe(false);
    expect(holds(leaf('ticket.assignee', 'is_not', USER), unassigned())).toBe(true);
    expect(holds(leaf('ticket.assignee', 'not_in', [USER]), unassigned())).toBe(true);
    expect(holds(leaf('ticket.team', 'is_empty'), unassigned())).toBe(true);
  });

  it('a contact without email: email fields are empty, contains never holds and not_contains does', () => {
    const f = facts();
    f.contact = { name: null, email: null, attributes: {} };
    expect(holds(leaf('contact.email', 'is_empty'), f)).toBe(true);
    expect(holds(leaf('contact.email', 'is_set'), f)).toBe(false);
    expect(holds(leaf('contact.email', 'contains', '@'), f)).toBe(false);
    expect(holds(leaf('contact.email', 'not_contains', '@'), f)).toBe(true);
    expect(holds(leaf('contact.email_domain', 'is', 'example.com'), f)).toBe(false);
    expect(holds(leaf('contact.email_domain', 'is_empty'), f)).toBe(true);
    expect(holds(leaf('contact.name', 'is_not', 'bob'), f)).toBe(true);
  });

  it('an empty string counts as empty, and an email without a domain has none', () => {
    const f = facts();
    f.contact = { name: '', email: 'bob@', attributes: { plan: '' } };
    expect(holds(leaf('contact.name', 'is_empty'), f)).toBe(true);
    expect(holds(leaf('contact.email_domain', 'is_empty'), f)).toBe(true);
    expect(holds(leaf('contact.attributes.plan', 'is_empty'), f)).toBe(true);
  });

  it('without contact facts, name and email fall back to the ticket requester (the wire Ticket)', () => {
    const f = facts();
    f.contact = undefined;
    f.ticket.requester = { name: 'Bob', email: 'bob@acme.io' };
    expect(holds(leaf('contact.email_domain', 'is', 'ACME.io'), f)).toBe(true);
    expect(holds(leaf('contact.name', 'is', 'bob'), f)).toBe(true);
    expect(holds(leaf('contact.attributes.plan', 'is_empty'), f)).toBe(true);
    f.ticket.requester = null;
    expect(holds(leaf('contact.email', 'is_empty'), f)).toBe(true);
  });

  it('without a message, message fields never hold and their negations do', () => {
    const f = facts();
    f.message = null;
    expect(holds(leaf('message.body', 'contains', 'hello'), f)).toBe(false);
    expect(holds(leaf('message.body', 'not_contains', 'hello'), f)).toBe(true);
    expect(holds(leaf('message.author_type', 'is', 'contact'), f)).toBe(false);
    expect(holds(leaf('message.author_type', 'is_not', 'contact'), f)).toBe(true);
    expect(holds(leaf('message.has_attachments', 'is', false), f)).toBe(false);
    expect(holds(leaf('message.channel', 'is', 'email'), f)).toBe(false);
  });

  it("a message's own channel wins over the ticket's; no attachments reads as false", () => {
    const f = facts();
    f.message = { body: 'hi', authorType: 'agent', visibility: 'internal', channel: 'chat' };
    expect(holds(leaf('message.channel', 'is', 'chat'), f)).toBe(true);
    expect(holds(leaf('message.has_attachments', 'is', false), f)).toBe(true);
  });

  it('timestamps that are missing or do not parse count as never', () => {
    const f = facts();
    f.ticket.lastCustomerMessageAt = 'not a date';
    f.ticket.updatedAt = undefined;
    expect(holds(leaf('ticket.since_customer_message', 'is_empty'), f)).toBe(true);
    expect(holds(leaf('ticket.since_customer_message', 'gte', 0), f)).toBe(false);
    expect(holds(leaf('ticket.updated_at', 'lt', '2030-01-01T00:00:00Z'), f)).toBe(false);
  });

  it('a timestamp in the future (clock skew) reads as 0 minutes, never negative', () => {
    const f = facts();
    f.ticket.createdAt = '2026-12-07T12:05:00Z';
    expect(holds(leaf('ticket.age', 'lte', 0), f)).toBe(true);
  });

  it('"me" is the agent the view is evaluated for, and nobody without one', () => {
    expect(holds(leaf('ticket.assignee', 'is', 'me'), facts(), { now: NOW, currentUserId: USER })).toBe(true);
    expect(holds(leaf('ticket.assignee', 'is', 'me'), facts(), { now: NOW, currentUserId: USER_2 })).toBe(false);
    expect(holds(leaf('ticket.assignee', 'in', ['me', null]), facts(), { now: NOW })).toBe(false);
    const f = facts();
    f.ticket.assigneeId = null;
    expect(holds(leaf('ticket.assignee', 'in', ['me', null]), f, { now: NOW, currentUserId: USER })).toBe(true);
    expect(holds(leaf('ticket.assignee', 'is', 'me'), f, { now: NOW })).toBe(false);
  });
});

describe('Unicode case folding', () => {
  const subject = (s: string) => {
    const f = facts();
    f.ticket.subject = s;
    return f;
  };
  it.each([
    ['Straße', 'is', 'STRASSE', true],
    ['ΟΔΥΣΣΕΥΣ', 'is', 'οδυσσευς', true],
    ['ﬁnance', 'is', 'FINANCE', true],
    ['ＡＢＣ full width', 'starts_with', 'abc', true],
    ['Café', 'is', 'cafe\u0301', true],
    ['CAFÉ', 'contains', 'é', true],
    ['Café', 'is', 'cafe', false],
    ['Ǆ digraph', 'starts_with', 'ǆ', true],
    ['Ⅻ', 'is', 'xii', true],
  ] as const)('%s %s %s → %s', (actual, op, value, expected) => {
    expect(holds(leaf('ticket.subject', op, value), subject(actual))).toBe(expected);
  });

  it('several leaves on one long body agree (the body is folded once per evaluation)', () => {
    const f = facts();
    f.message!.body = 'Ä'.repeat(5000) + ' Straße';
    const c = { all: [leaf('message.body', 'contains', 'STRASSE'), leaf('message.body', 'starts_with', 'ää'), leaf('message.body', 'not_contains', 'x'), leaf('message.body', 'ends_with', 'SSE')] };
    expect(evaluateCondition(c, f, ctx).matched).toBe(true);
    expect(evaluateCondition(c, f, ctx).trace.map((e) => e.held)).toEqual([true, true, true, true]);
  });

  it('tags and text lists fold too', () => {
    const f = facts();
    f.ticket.tags = ['Größe'];
    expect(holds(leaf('ticket.tags', 'includes_any', ['grösse', 'GRÖSSE']), f)).toBe(true);
    expect(holds(leaf('contact.email_domain', 'in', ['ＥＸＡＭＰＬＥ.com']))).toBe(true);
  });
});

describe('changed, changed_to, changed_from', () => {
  const before = (): ConditionFacts => {
    const f = facts();
    f.ticket.status = 'pending';
    f.ticket.assigneeId = null;
    f.ticket.tags = ['vip', 'billing'];
    f.contact!.attributes = { ...f.contact!.attributes, plan: 'PRO', seats: 10 };
    return f;
  };
  const withPrev: EvaluationContext = { now: NOW, previous: before() };

  it.each([
    ['ticket.status', 'changed', undefined, true],
    ['ticket.status', 'changed_to', 'open', true],
    ['ticket.status', 'changed_to', 'pending', false],
    ['ticket.status', 'changed_from', 'pending', true],
    ['ticket.status', 'changed_from', 'open', false],
    ['ticket.priority', 'changed', undefined, false],
    ['ticket.priority', 'changed_to', 'high', false],
    ['ticket.assignee', 'changed_from', null, true],
    ['ticket.assignee', 'changed_to', USER, true],
    ['ticket.assignee', 'changed_to', USER_2, false],
    ['ticket.team', 'changed', undefined, false],
    ['ticket.tags', 'changed', undefined, false],
    ['contact.attributes.plan', 'changed', undefined, false],
    ['contact.attributes.seats', 'changed', undefined, true],
    ['contact.attributes.seats', 'changed_to', 12, true],
    ['contact.attributes.seats', 'changed_from', 10, true],
    ['contact.email', 'changed', undefined, false],
  ] as const)('%s %s %j with previous facts → %s', (field, op, value, expected) => {
    expect(holds(leaf(field, op, value), facts(), withPrev)).toBe(expected);
  });

  it('tags changed when one is added, whatever the order or case', () => {
    const f = facts();
    f.ticket.tags = ['VIP', 'billing', 'refund'];
    expect(holds(leaf('ticket.tags', 'changed'), f, withPrev)).toBe(true);
  });

  it('without previous facts no change operator holds', () => {
    for (const l of [leaf('ticket.status', 'changed'), leaf('ticket.status', 'changed_to', 'open'), leaf('ticket.status', 'changed_from', 'pending'), leaf('ticket.assignee', 'changed_from', null)]) {
      expect(holds(l, facts(), { now: NOW })).toBe(false);
      expect(holds(l, facts(), { now: NOW, previous: null })).toBe(false);
    }
  });

  it('the trace shows from and to', () => {
    const r = evaluateCondition({ all: [leaf('ticket.status', 'changed_to', 'open')] }, facts(), withPrev);
    expect(r.trace).toEqual([{ path: ['all', 0], field: 'ticket.status', op: 'changed_to', expected: 'open', actual: { from: 'pending', to: 'open' }, held: true }]);
  });
});

describe('business hours through an injected isOpen', () => {
  const CAL = 'cal_01h2xcejqtf2nbrexx3vqjhp41';
  const calls: [string | null, Date][] = [];
  const isOpen = (id: string | null, at: Date) => {
    calls.push([id, at]);
    return id === CAL ? at.getUTCHours() >= 9 && at.getUTCHours() < 17 : false;
  };
  it('within holds when the calendar is open at ctx.now, outside when it is closed', () => {
    expect(holds(leaf('time.now', 'within_business_hours', CAL), facts(), { now: NOW, isOpen })).toBe(true);
    expect(holds(leaf('time.now', 'outside_business_hours', CAL), facts(), { now: NOW, isOpen })).toBe(false);
    const night = new Date('2026-12-07T22:00:00Z');
    expect(holds(leaf('time.now', 'within_business_hours', CAL), facts(), { now: night, isOpen })).toBe(false);
    expect(holds(leaf('time.now', 'outside_business_hours', CAL), facts(), { now: night, isOpen })).toBe(true);
    expect(calls.at(-1)).toEqual([CAL, night]);
  });
  it('without a calendar id the workspace default (null) is asked', () => {
    expect(holds(leaf('time.now', 'outside_business_hours'), facts(), { now: NOW, isOpen })).toBe(true);
    expect(calls.at(-1)![0]).toBeNull();
  });
  it('without isOpen, or when it throws, neither operator holds', () => {
    for (const c of [{ now: NOW }, { now: NOW, isOpen: () => { throw new Error('calendar gone'); } }]) {
      expect(holds(leaf('time.now', 'within_business_hours'), facts(), c)).toBe(false);
      expect(holds(leaf('time.now', 'outside_business_hours'), facts(), c)).toBe(false);
    }
    const r = evaluateCondition({ all: [leaf('time.now', 'within_business_hours')] }, facts(), { now: NOW });
    expect(r.trace[0]!.actual).toBe('unknown: no calendar available');
  });
});

describe('groups', () => {
  const T = leaf('ticket.status', 'is', 'open');
  const F = leaf('ticket.status', 'is', 'closed');
  const m = (c: Parameters<typeof evaluateCondition>[0]) => evaluateCondition(c, facts(), ctx).matched;
  it('an empty group matches everything; empty lists place no constraint', () => {
    expect(m({ all: [] })).toBe(true);
    expect(m({ any: [] })).toBe(true);
    expect(m({ all: [], any: [] })).toBe(true);
  });
  it('all needs every node, any needs one, both keys need both', () => {
    expect(m({ all: [T, T] })).toBe(true);
    expect(m({ all: [T, F] })).toBe(false);
    expect(m({ any: [F, T] })).toBe(true);
    expect(m({ any: [F, F] })).toBe(false);
    expect(m({ all: [T], any: [F, T] })).toBe(true);
    expect(m({ all: [T], any: [F] })).toBe(false);
    expect(m({ all: [F], any: [T] })).toBe(false);
  });
  it('nests four deep', () => {
    expect(m({ all: [T, { any: [F, { all: [T, { any: [F, T] }] }] }] })).toBe(true);
    expect(m({ all: [T, { any: [F, { all: [T, { any: [F, F] }] }] }] })).toBe(false);
    expect(m({ any: [{ all: [F] }, { all: [{ any: [T] }] }] })).toBe(true);
  });
});

describe('the trace', () => {
  it('lists each evaluated leaf with its path, expected and actual value, and stops where a group is decided', () => {
    const r = evaluateCondition(
      {
        all: [leaf('ticket.priority', 'gte', 'high'), { any: [leaf('ticket.tags', 'includes_any', ['spam']), leaf('ticket.age', 'gt', 60)] }, leaf('ticket.status', 'is', 'closed'), leaf('ticket.subject', 'contains', 'x')],
      },
      facts(),
      ctx,
    );
    expect(r.matched).toBe(false);
    expect(r.trace).toEqual([
      { path: ['all', 0], field: 'ticket.priority', op: 'gte', expected: 'high', actual: 'high', held: true },
      { path: ['all', 1, 'any', 0], field: 'ticket.tags', op: 'includes_any', expected: ['spam'], actual: ['billing', 'vip'], held: false },
      { path: ['all', 1, 'any', 1], field: 'ticket.age', op: 'gt', expected: 60, actual: 120, held: true },
      { path: ['all', 2], field: 'ticket.status', op: 'is', expected: 'closed', actual: 'open', held: false },
    ]);
    expect(JSON.parse(JSON.stringify(r.trace))).toEqual(r.trace);
  });

  it('cuts long strings and lists, shows timestamps as ISO and valueless operators without expected', () => {
    const f = facts();
    f.message!.body = 'x'.repeat(10_000);
    const many = Array.from({ length: 30 }, (_, i) => `t${i}`);
    const r = evaluateCondition(
      { all: [leaf('message.body', 'starts_with', 'xx'), leaf('ticket.tags', 'includes_none', many), leaf('ticket.updated_at', 'gt', '2026-01-01T00:00:00Z')] },
      f,
      ctx,
    );
    expect(r.trace[0]).toEqual({ path: ['all', 0], field: 'message.body', op: 'starts_with', expected: 'xx', actual: 'x'.repeat(100) + '…', held: true });
    expect(evaluateCondition({ all: [leaf('ticket.status', 'is_set')] }, f, ctx).trace[0]).not.toHaveProperty('expected');
    expect(r.trace[1]!.expected).toEqual([...many.slice(0, 10), '… 20 more']);
    expect(r.trace[2]!.actual).toBe('2026-12-07T11:30:00.000Z');
    expect(JSON.stringify(r.trace).length).toBeLessThan(1000);
  });

  it('trace: false and conditionMatches build none', () => {
    const c = { all: [leaf('ticket.status', 'is', 'open')] };
    expect(evaluateCondition(c, facts(), { now: NOW, trace: false })).toEqual({ matched: true, trace: [] });
    expect(conditionMatches(c, facts(), ctx)).toBe(true);
  });

  it('a condition evaluated twice, or edited into a new object, gives fresh answers', () => {
    const c = { all: [leaf('ticket.status', 'is', 'open')] };
    expect(conditionMatches(c, facts(), ctx)).toBe(true);
    expect(conditionMatches(c, facts(), ctx)).toBe(true);
    expect(conditionMatches({ all: [leaf('ticket.status', 'is', 'closed')] }, facts(), ctx)).toBe(false);
  });
});

describe('robustness', () => {
  it('odd facts read as absent instead of throwing', () => {
    const c = { all: [leaf('ticket.subject', 'not_contains', 'x'), leaf('ticket.tags', 'includes_none', ['a']), leaf('contact.attributes.plan', 'is_empty')] };
    for (const odd of [null, undefined, 5, 'str', [], {}, { ticket: null }, { ticket: { tags: 'a,b', subject: 7 } }, { contact: { attributes: null } }])
      expect(evaluateCondition(c, odd as unknown as ConditionFacts, ctx).matched).toBe(true);
  });
  it('an unvalidated condition with unknown fields or operators does not hold, and does not throw', () => {
    const bad = [{ field: 'ticket.nope', op: 'is', value: 1 }, { field: 'ticket.status', op: 'regex', value: '.*' }, { field: 'ticket.status', op: 'gt', value: 'open' }, 42, null];
    for (const b of bad) expect(evaluateCondition({ all: [b] } as never, facts(), ctx).matched).toBe(false);
    expect(evaluateCondition(null as never, facts(), ctx).matched).toBe(false);
  });
});
