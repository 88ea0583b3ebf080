import { describe, expect, it } from 'vitest';
import type { Activity, Agent } from '@support/protocol';
import { actionIssues, describeAction, durationText, newAction } from '../../inbox/src/components/ib-action-builder/actions.js';
import { ruleBody, ruleSchema, ruleValues } from '../../inbox/src/settings/automation/rule-values.js';
import { activityText } from '../../inbox/src/components/ib-conversation/timeline.js';
import { ruleActors } from '../../inbox/src/components/ib-conversation/activity-automation.js';
import type { ActionChoices } from '../../inbox/src/lib/named.js';

const choices: ActionChoices = { teams: [{ id: 'team_1', name: 'Billing' }], agents: [{ id: 'usr_1', name: 'Ann' }], policies: [] };
const act = (o: Partial<Activity>): Activity => ({ id: 'act_1', ticketId: 'tkt_1', kind: 'priority_changed', actorType: 'system', actorId: null, oldValue: 'normal', newValue: 'high', createdAt: '2026-12-07T10:00:00.000Z', ...o });

describe('the action builder', () => {
  it('starts each action type with sensible choices, a template empty (it must be written)', () => {
    expect(newAction('set_team', choices)).toEqual({ type: 'set_team', teamId: 'team_1' });
    expect(newAction('add_note', choices)).toEqual({ type: 'add_note', body: '' });
    expect(newAction('snooze', choices)).toEqual({ type: 'snooze', minutes: 1440 });
  });

  it("says what is wrong on each field with the server's schema", () => {
    expect(actionIssues({ type: 'add_note', body: '' })).toEqual({ body: 'Must not be empty' });
    expect(actionIssues({ type: 'add_note', body: 'Hi {{contact.nmae}}' })).toEqual({ body: 'Unknown placeholder {{contact.nmae}}' });
    expect(actionIssues({ type: 'add_tags', tags: [] })).toEqual({ tags: 'Name at least one tag' });
    expect(actionIssues({ type: 'snooze', minutes: 'soon' })).toEqual({ minutes: 'Enter a whole number' });
    expect(actionIssues({ type: 'apply_sla', policyId: '' })).toEqual({ policyId: 'Pick an SLA policy' });
    expect(actionIssues({ type: 'notify', userIds: [], teamIds: [], assignee: false, message: 'Look' })).toEqual({ userIds: 'Name at least one person or team to notify' });
    expect(actionIssues({ type: 'set_priority', priority: 'high' })).toEqual({});
  });

  it('describes actions in words', () => {
    expect(describeAction({ type: 'notify', userIds: ['usr_1'], teamIds: ['team_1'], assignee: true, message: 'x' }, choices)).toBe('Notify Ann, team Billing, the assignee');
    expect(describeAction({ type: 'set_assignee', assigneeId: null }, choices)).toBe('Unassign');
    expect(durationText(90)).toBe('90 minutes');
    expect(durationText(120)).toBe('2 hours');
    expect(durationText(1440)).toBe('1 day');
  });
});

describe('the rule form', () => {
  it('round-trips a rule; a time rule sends no events', () => {
    const v = ruleValues(null);
    expect(ruleBody(v)).toMatchObject({ trigger: 'event', events: ['message.customer'], conditions: { all: [] }, actions: [] });
    expect(ruleBody({ ...v, trigger: 'time' }).events).toEqual([]);
  });

  it('is held to the server schema, expectedUpdatedAt aside', () => {
    const body = { ...ruleBody(ruleValues(null)), name: 'Refunds', actions: [{ type: 'add_tags', tags: ['refund'] }], expectedUpdatedAt: '2026-12-07T10:00:00.000Z' };
    expect(ruleSchema.safeParse(body).success).toBe(true);
    const r = ruleSchema.safeParse({ ...body, events: [] });
    expect(r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['events', 'pick at least one event']]);
  });
});

describe('timeline', () => {
  const agents = new Map<string, Agent>([['usr_1', { id: 'usr_1', name: 'Ann' } as Agent]]);
  it("names the rule behind a change, not 'the system'", () => {
    const run = act({ id: 'act_run', kind: 'automation', createdAt: '2026-12-07T10:00:01.000Z', newValue: {
      ruleId: 'aur_1', ruleName: 'Refunds', runId: 'arun_1', event: 'message.customer',
      actions: [{ type: 'set_priority', ok: true, changed: true, summary: 'Priority set to high' }],
    } });
    const item = (a: Activity) => ({ kind: 'activity' as const, key: a.id, activity: a });
    const change = act({ id: 'act_change', actorId: 'aur_1' });
    // A system change without a rule (an SLA or routing change) stays the system's.
    const tagLater = act({ id: 'act_tag', kind: 'tag_added', newValue: 'x', createdAt: '2026-12-07T10:00:30.000Z' });
    const rules = ruleActors([item(change), item(run), item(tagLater)]);
    expect(activityText(change, agents, undefined, rules)).toBe('Rule ‘Refunds’ changed the priority from normal to high');
    expect(activityText(tagLater, agents, undefined, rules)).toBe('The system added the tag x');
    expect(activityText(act({ actorId: 'aur_9' }), agents)).toBe('A rule changed the priority from normal to high');
    expect(activityText(act({}), agents)).toBe('The system changed the priority from normal to high');
  });

  it('says when a ticket was snoozed and woke up', () => {
    expect(activityText(act({ kind: 'snoozed', actorType: 'agent', actorId: 'usr_1', newValue: { until: '2026-12-08T09:00:00.000Z' } }), agents)).toMatch(/^Ann snoozed this until /);
    expect(activityText(act({ kind: 'snoozed', newValue: null, oldValue: { until: '2026-12-08T09:00:00.000Z' } }), agents)).toBe('Woke up from snooze');
  });
});
