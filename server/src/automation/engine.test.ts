import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AUTOMATION_EVENTS, AUTOMATION_MAX_DEPTH, type AutomationEvent, type ConditionFacts, type ConditionLeaf } from '@support/protocol';
import { decide, type EngineRule } from './engine.js';
import { automationEventsOf, factsBefore, type LoggedActivity } from './events.js';

const TEAM = 'team_01890a5dac96774bbcceb302099a8059';
const USER = 'usr_01890a5dac96774bbcceb302099a805a';
const USER_2 = 'usr_01890a5dac96774bbcceb302099a805b';
const NOW = new Date('2026-12-07T12:00:00Z');

/** An open email ticket, high priority, assigned, tagged billing and vip; a contact's public message. */
const facts = (): ConditionFacts => ({
  ticket: {
    status: 'open', priority: 'high', channel: 'email', inboxId: 'inb_x', teamId: TEAM, assigneeId: USER, tags: ['billing', 'vip'],
    subject: 'Refund for order 1234', number: 42, createdAt: '2026-12-07T10:00:00Z',
  },
  contact: { name: 'Zoë Ångström', email: 'zoe@example.com', attributes: { plan: 'pro', seats: 12 } },
  message: { body: 'I want my money back, order #1234', authorType: 'contact', visibility: 'public', attachments: [] },
});

let n = 0;
const ruleOf = (over: Partial<EngineRule> = {}): EngineRule => ({
  id: `r${++n}`, name: `Rule ${n}`, position: n, events: ['message.customer'], conditions: { all: [] }, actions: [{ type: 'add_tags', tags: ['x'] }], ...over,
});
const one = (leaf: ConditionLeaf, o: { event?: AutomationEvent; before?: (f: ConditionFacts) => void; after?: (f: ConditionFacts) => void } = {}) => {
  const event = o.event ?? 'message.customer';
  const after = facts();
  o.after?.(after);
  let before: ConditionFacts | null = null;
  if (o.before) {
    before = facts();
    o.before(before);
  }
  const runs = decide({ events: [event], before, after, rules: [ruleOf({ events: [event], conditions: { all: [leaf] } })], cause: null, now: NOW });
  return runs[0]!.matched;
};

type Row = [string, ConditionLeaf['op'], ConditionLeaf['value'] | undefined, boolean];
const leaf = (field: string, op: ConditionLeaf['op'], value: ConditionLeaf['value'] | undefined): ConditionLeaf => (value === undefined ? { field, op } : { field, op, value });

/** [field, op, value, matched] on the message event of `facts()`. */
const TABLE: Row[] = [
  ['ticket.status', 'is', 'open', true], ['ticket.status', 'is', 'pending', false], ['ticket.status', 'is_not', 'closed', true],
  ['ticket.status', 'in', ['open', 'pending'], true], ['ticket.status', 'not_in', ['open'], false],
  ['ticket.priority', 'is', 'high', true], ['ticket.priority', 'gt', 'normal', true], ['ticket.priority', 'gt', 'high', false],
  ['ticket.priority', 'gte', 'high', true], ['ticket.priority', 'lt', 'urgent', true], ['ticket.priority', 'lte', 'normal', false],
  ['ticket.priority', 'in', ['urgent'], false], ['ticket.priority', 'not_in', ['low', 'normal'], true],
  ['ticket.channel', 'is', 'email', true], ['ticket.channel', 'is', 'chat', false], ['ticket.channel', 'in', ['chat'], false],
  ['ticket.team', 'is', TEAM, true], ['ticket.team', 'is', null, false], ['ticket.team', 'is_set', undefined, true], ['ticket.team', 'is_empty', undefined, false],
  ['ticket.assignee', 'is', USER, true], ['ticket.assignee', 'is_not', USER_2, true], ['ticket.assignee', 'in', [USER_2, null], false],
  ['ticket.assignee', 'not_in', [USER_2], true], ['ticket.assignee', 'is_empty', undefined, false],
  ['ticket.tags', 'includes_any', ['vip', 'nope'], true], ['ticket.tags', 'includes_all', ['vip', 'billing'], true], ['ticket.tags', 'includes_all', ['vip', 'nope'], false],
  ['ticket.tags', 'includes_none', ['spam'], true], ['ticket.tags', 'includes_none', ['VIP'], false], ['ticket.tags', 'is_set', undefined, true],
  ['ticket.tags', 'is_empty', undefined, false],
  ['ticket.subject', 'contains', 'refund', true], ['ticket.subject', 'contains', 'invoice', false], ['ticket.subject', 'starts_with', 'REFUND', true],
  ['ticket.subject', 'ends_with', '1234', true], ['ticket.subject', 'is', 'refund for order 1234', true], ['ticket.subject', 'is_not', 'x', true],
  ['ticket.subject', 'not_contains', 'order', false], ['ticket.subject', 'matches', 'order \\d{4}$', true], ['ticket.subject', 'matches', '^order', false],
  ['ticket.subject', 'in', ['a', 'Refund for order 1234'], true],
  ['ticket.number', 'is', 42, true], ['ticket.number', 'gt', 41, true], ['ticket.number', 'lt', 42, false], ['ticket.number', 'gte', 42, true], ['ticket.number', 'lte', 41, false],
  ['ticket.created_at', 'lt', '2026-12-07T11:00:00Z', true], ['ticket.created_at', 'gt', '2026-12-07T11:00:00Z', false],
  ['ticket.age', 'gte', 120, true], ['ticket.age', 'gt', 120, false], ['ticket.age', 'lt', 121, true],
  ['contact.name', 'contains', 'ångström', true], ['contact.name', 'starts_with', 'zoe', false], ['contact.name', 'is_set', undefined, true],
  ['contact.name', 'matches', '^zo.\\s', true], ['contact.name', 'is_empty', undefined, false],
  ['contact.email', 'ends_with', '@example.com', true], ['contact.email', 'matches', '@example\\.(com|org)$', true], ['contact.email', 'is', 'ZOE@EXAMPLE.COM', true],
  ['contact.email', 'not_contains', 'example', false],
  ['contact.email_domain', 'is', 'example.com', true], ['contact.email_domain', 'in', ['example.org'], false], ['contact.email_domain', 'matches', '^ex', true],
  ['contact.attributes.plan', 'is', 'Pro', true], ['contact.attributes.plan', 'is_not', 'pro', false], ['contact.attributes.seats', 'gt', 10, true],
  ['contact.attributes.seats', 'lte', 11, false], ['contact.attributes.missing', 'is_empty', undefined, true], ['contact.attributes.plan', 'contains', 'r', true],
  ['message.body', 'contains', 'money back', true], ['message.body', 'contains', 'refund', false], ['message.body', 'not_contains', 'refund', true],
  ['message.body', 'starts_with', 'i want', true], ['message.body', 'ends_with', '#1234', true], ['message.body', 'matches', 'refund|money back', true],
  ['message.body', 'matches', '#\\d+', true], ['message.body', 'matches', '^\\d', false], ['message.body', 'is', 'i want my money back, order #1234', true],
  ['message.author_type', 'is', 'contact', true], ['message.author_type', 'is', 'agent', false], ['message.author_type', 'in', ['agent', 'system'], false],
  ['message.visibility', 'is', 'public', true], ['message.visibility', 'is_not', 'public', false],
  ['message.channel', 'is', 'email', true], ['message.channel', 'is', 'chat', false],
  ['message.has_attachments', 'is', false, true], ['message.has_attachments', 'is', true, false],
];

describe('engine: fields and operators on one event', () => {
  it.each(TABLE)('%s %s %j → %s', (field, op, value, expected) => {
    expect(one(leaf(field, op, value))).toBe(expected);
  });
});

/** [field, op, value, before, after, matched] on ticket change events. */
const CHANGES: [string, ConditionLeaf['op'], ConditionLeaf['value'] | undefined, (f: ConditionFacts) => void, boolean][] = [
  ['ticket.status', 'changed', undefined, (f) => (f.ticket.status = 'pending'), true],
  ['ticket.status', 'changed', undefined, () => {}, false],
  ['ticket.status', 'changed_to', 'open', (f) => (f.ticket.status = 'pending'), true],
  ['ticket.status', 'changed_to', 'pending', (f) => (f.ticket.status = 'open'), false],
  ['ticket.status', 'changed_from', 'pending', (f) => (f.ticket.status = 'pending'), true],
  ['ticket.status', 'changed_from', 'resolved', (f) => (f.ticket.status = 'pending'), false],
  ['ticket.priority', 'changed_to', 'high', (f) => (f.ticket.priority = 'low'), true],
  ['ticket.priority', 'changed_from', 'low', (f) => (f.ticket.priority = 'low'), true],
  ['ticket.priority', 'changed_to', 'high', (f) => (f.ticket.priority = 'high'), false],
  ['ticket.assignee', 'changed_to', USER, (f) => (f.ticket.assigneeId = null), true],
  ['ticket.assignee', 'changed_from', null, (f) => (f.ticket.assigneeId = null), true],
  ['ticket.assignee', 'changed_to', USER_2, (f) => (f.ticket.assigneeId = null), false],
  ['ticket.team', 'changed', undefined, (f) => (f.ticket.teamId = null), true],
  ['ticket.team', 'changed_from', TEAM, (f) => (f.ticket.teamId = null), false],
  ['ticket.tags', 'changed', undefined, (f) => (f.ticket.tags = ['billing']), true],
  ['ticket.tags', 'changed', undefined, (f) => (f.ticket.tags = ['vip', 'billing']), false],
  ['ticket.subject', 'changed', undefined, (f) => (f.ticket.subject = 'Old'), true],
  ['contact.name', 'changed_to', 'zoë ångström', (f) => (f.contact!.name = 'Zoe'), true],
  ['contact.email', 'changed', undefined, () => {}, false],
  ['contact.attributes.plan', 'changed_from', 'free', (f) => (f.contact!.attributes = { plan: 'free' }), true],
];

describe('engine: change operators read the facts before the event', () => {
  it.each(CHANGES)('%s %s %j', (field, op, value, before, expected) => {
    expect(one(leaf(field, op, value), { event: 'ticket.status_changed', before })).toBe(expected);
  });
  it('without a before, change operators never hold', () => {
    expect(one(leaf('ticket.status', 'changed', undefined), { event: 'message.customer' })).toBe(false);
  });
});

describe('engine: which rules run', () => {
  const base = { before: null, after: facts(), now: NOW, cause: null };
  it('in position order (ties by id), only those listening to the event, each once even when the event holds several changes', () => {
    const r1 = ruleOf({ id: 'b', position: 2, events: ['ticket.status_changed', 'ticket.priority_changed'] });
    const r2 = ruleOf({ id: 'a', position: 2, events: ['ticket.priority_changed'] });
    const r3 = ruleOf({ id: 'c', position: 1, events: ['ticket.tags_changed'] });
    const r4 = ruleOf({ id: 'd', position: 0, events: ['message.note'] });
    const runs = decide({ ...base, events: ['ticket.status_changed', 'ticket.priority_changed', 'ticket.tags_changed'], rules: [r1, r2, r3, r4, r1] });
    expect(runs.map((r) => [r.rule.id, r.event])).toEqual([['c', 'ticket.tags_changed'], ['a', 'ticket.priority_changed'], ['b', 'ticket.status_changed']]);
  });
  it('a rule never runs on its own change (by cause or by a system actor with its id)', () => {
    const r = ruleOf({ id: 'self', events: ['ticket.priority_changed'] });
    expect(decide({ ...base, events: ['ticket.priority_changed'], rules: [r], cause: { ruleId: 'self', depth: 1 } })).toEqual([]);
    expect(decide({ ...base, events: ['ticket.priority_changed'], rules: [r], actor: { type: 'system', id: 'self' } })).toEqual([]);
    expect(decide({ ...base, events: ['ticket.priority_changed'], rules: [r], actor: { type: 'agent', id: 'self' } })).toHaveLength(1);
  });
  it('depth comes from the cause; at AUTOMATION_MAX_DEPTH nothing runs', () => {
    const r = ruleOf({ events: ['ticket.tags_changed'] });
    expect(decide({ ...base, events: ['ticket.tags_changed'], rules: [r], cause: { ruleId: 'other', depth: 2 } })[0]!.depth).toBe(2);
    expect(decide({ ...base, events: ['ticket.tags_changed'], rules: [r], cause: { ruleId: 'other', depth: AUTOMATION_MAX_DEPTH } })).toEqual([]);
  });
  it('an unmatched rule is reported with its trace and no actions', () => {
    const r = ruleOf({ conditions: { all: [{ field: 'ticket.status', op: 'is', value: 'closed' }] } });
    const [run] = decide({ ...base, events: ['message.customer'], rules: [r] });
    expect(run).toMatchObject({ matched: false, actions: [], trace: [{ field: 'ticket.status', op: 'is', expected: 'closed', actual: 'open', held: false }] });
  });
  it('business hours come from isOpen', () => {
    const r = ruleOf({ conditions: { all: [{ field: 'time.now', op: 'within_business_hours' }] } });
    expect(decide({ ...base, events: ['message.customer'], rules: [r], isOpen: () => true })[0]!.matched).toBe(true);
    expect(decide({ ...base, events: ['message.customer'], rules: [r], isOpen: () => false })[0]!.matched).toBe(false);
  });
});

describe('log entries to automation events', () => {
  it.each([
    [{ name: 'ticket.created', payload: {} }, ['ticket.created']],
    [{ name: 'message.created', payload: { visibility: 'public', authorType: 'contact' } }, ['message.customer']],
    [{ name: 'message.created', payload: { visibility: 'public', authorType: 'agent' } }, ['message.agent']],
    [{ name: 'message.created', payload: { visibility: 'public', authorType: 'system' } }, ['message.agent']],
    [{ name: 'message.created', payload: { visibility: 'internal', authorType: 'agent' } }, ['message.note']],
    [{ name: 'ticket.updated', payload: { activities: [{ kind: 'status_changed' }, { kind: 'tag_added' }, { kind: 'tag_removed' }, { kind: 'routed' }] } }, ['ticket.status_changed', 'ticket.tags_changed']],
    [{ name: 'ticket.updated', payload: { activities: [{ kind: 'assigned' }, { kind: 'team_changed' }, { kind: 'priority_changed' }] } }, ['ticket.assignee_changed', 'ticket.team_changed', 'ticket.priority_changed']],
    [{ name: 'ticket.updated', payload: { activities: [{ kind: 'automation' }] } }, []],
    [{ name: 'sla.warning', payload: {} }, ['sla.warning']],
    [{ name: 'sla.breached', payload: {} }, ['sla.breached']],
    [{ name: 'contact.updated', payload: {} }, ['contact.updated']],
    [{ name: 'routing.changed', payload: {} }, []],
  ] as const)('%j', (e, expected) => {
    expect(automationEventsOf(e as never)).toEqual(expected);
  });

  it('factsBefore undoes the changes, newest first', () => {
    const after = facts();
    const acts: LoggedActivity[] = [
      { kind: 'status_changed', actorType: 'agent', actorId: null, oldValue: 'pending', newValue: 'open' },
      { kind: 'assigned', actorType: 'agent', actorId: null, oldValue: USER_2, newValue: USER },
      { kind: 'team_changed', actorType: 'agent', actorId: null, oldValue: null, newValue: TEAM },
      { kind: 'tag_added', actorType: 'agent', actorId: null, oldValue: null, newValue: 'VIP' },
      { kind: 'tag_removed', actorType: 'agent', actorId: null, oldValue: 'spam', newValue: null },
      { kind: 'priority_changed', actorType: 'agent', actorId: null, oldValue: 'low', newValue: 'normal' },
      { kind: 'priority_changed', actorType: 'agent', actorId: null, oldValue: 'normal', newValue: 'high' },
    ];
    const before = factsBefore(after, acts);
    expect(before.ticket).toMatchObject({ status: 'pending', assigneeId: USER_2, teamId: null, tags: ['billing', 'spam'], priority: 'low' });
    expect(after.ticket.tags).toEqual(['billing', 'vip']);
  });
});

// ---------------------------------------------------------------- properties

const eventArb = fc.constantFrom(...AUTOMATION_EVENTS);
const ruleArb = fc.record({
  id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6'),
  position: fc.integer({ min: 0, max: 5 }),
  events: fc.uniqueArray(eventArb, { minLength: 1, maxLength: 4 }),
  matches: fc.boolean(),
});
const toRule = (r: { id: string; position: number; events: AutomationEvent[]; matches: boolean }): EngineRule => ({
  id: r.id, name: r.id, position: r.position, events: r.events,
  conditions: r.matches ? { all: [] } : { all: [{ field: 'ticket.status', op: 'is', value: 'closed' }] },
  actions: [{ type: 'add_tags', tags: ['t'] }],
});

describe('engine properties', () => {
  it('no rule runs twice for one event, and every run listens to one of its events', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 12 }), fc.uniqueArray(eventArb, { minLength: 1, maxLength: 4 }), fc.option(fc.record({ ruleId: fc.constantFrom('r1', 'r2', 'x'), depth: fc.integer({ min: 0, max: 5 }) }), { nil: null }), (rules, events, cause) => {
        const runs = decide({ events, before: null, after: facts(), rules: rules.map(toRule), cause, now: NOW });
        const ids = runs.map((r) => r.rule.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const r of runs) {
          expect(events).toContain(r.event);
          expect(r.rule.events).toContain(r.event);
          expect(r.rule.id).not.toBe(cause?.ruleId);
        }
        if ((cause?.depth ?? 0) >= AUTOMATION_MAX_DEPTH) expect(runs).toEqual([]);
      }),
    );
  });

  it('cascades end: simulating rules that each cause new events, the number of runs is bounded by depth', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 8 }), eventArb, (raw, first) => {
        const rules = raw.map(toRule);
        // Every matched run causes one event of each kind it listens to, carrying its cause.
        let frontier: { events: AutomationEvent[]; cause: { ruleId: string; depth: number } | null }[] = [{ events: [first], cause: null }];
        let total = 0;
        for (let round = 0; frontier.length && round < 10; round++) {
          const next: typeof frontier = [];
          for (const f of frontier) {
            for (const run of decide({ events: f.events, before: null, after: facts(), rules, cause: f.cause, now: NOW })) {
              total++;
              expect(run.rule.id).not.toBe(f.cause?.ruleId);
              if (run.matched) next.push({ events: [...run.rule.events], cause: { ruleId: run.rule.id, depth: run.depth + 1 } });
            }
          }
          frontier = next;
        }
        expect(frontier).toEqual([]);
        // At most rules^depth runs per level: finite, and no level past AUTOMATION_MAX_DEPTH.
        expect(total).toBeLessThanOrEqual(rules.length + rules.length ** 2 + rules.length ** 3);
      }),
    );
  });
});
