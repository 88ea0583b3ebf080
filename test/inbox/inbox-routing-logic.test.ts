import { describe, expect, it } from 'vitest';
import type { Activity, Agent, RoutingDecision } from '@support/protocol';
import { isDecision, loadText, queueName, reasonText, routeOutcomeText, routedText, waitingQueues, waitText, type Places } from '../../inbox/src/lib/routing.js';
import { activityText } from '../../inbox/src/components/ib-conversation/timeline.js';

const places: Places = { teams: [{ id: 'team_billing', name: 'Billing' }], inboxes: [{ id: 'inb_web', name: 'Website' }] };
const agents = new Map<string, Agent>([['usr_ann', { id: 'usr_ann', name: 'Ann' } as Agent]]);
const ann = { userId: 'usr_ann', name: 'Ann', load: 1, capacity: 3, reason: 'chosen' as const };
const bo = { userId: 'usr_bo', name: 'Bo', load: 3, capacity: 3, reason: 'at_capacity' as const };
const policy = { id: 'rpol_1', mode: 'balanced' as const, teamId: 'team_billing', inboxId: null };
const decision = (o: Partial<RoutingDecision> = {}): RoutingDecision => ({
  trigger: 'created',
  outcome: 'assigned',
  policy,
  rule: null,
  assigneeId: 'usr_ann',
  candidates: [ann, bo],
  ...o,
});

describe('routing decisions in words', () => {
  it('says who got the ticket, by which policy and rule', () => {
    expect(routedText(decision(), agents, places)).toBe('Routed to Ann by Balanced (team Billing)');
    expect(routedText(decision({ rule: { id: 'rrul_1', name: 'VIP' } }), agents, places)).toBe('Routed to Ann by Balanced (team Billing), rule VIP');
    expect(routedText(decision({ policy: { ...policy, mode: 'round_robin', teamId: null, inboxId: 'inb_web' } }), agents, places)).toBe(
      'Routed to Ann by Round robin (inbox Website)',
    );
    expect(routedText(decision({ trigger: 'drain' }), agents, places)).toBe('Routed to Ann from the queue by Balanced (team Billing)');
  });

  it('says why a ticket waits, is left alone or stays', () => {
    expect(routedText(decision({ outcome: 'queued', assigneeId: null }), agents, places)).toBe('Queued: nobody free in team Billing');
    expect(routedText(decision({ outcome: 'manual', assigneeId: null, policy: { ...policy, mode: 'manual' } }), agents, places)).toBe(
      'Left for manual assignment (team Billing)',
    );
    expect(routedText(decision({ outcome: 'manual', assigneeId: null, policy: null, candidates: [] }), agents, places)).toBe('Not routed: no routing policy applies');
    expect(routedText(decision({ outcome: 'kept', trigger: 'reopened' }), agents, places)).toBe('Kept with Ann on reopening');
  });

  it('renders a routed activity through activityText, and a malformed one safely', () => {
    const a = { kind: 'routed', actorType: 'system', actorId: null, oldValue: null, newValue: decision(), createdAt: '2026-01-01T10:00:00Z' } as unknown as Activity;
    expect(activityText(a, agents, places)).toBe('Routed to Ann by Balanced (team Billing)');
    expect(activityText({ ...a, newValue: 'nonsense' }, agents, places)).toBe('Routed');
    expect(isDecision(null)).toBe(false);
  });

  it('says what "Route now" did, for its toast', () => {
    const open = { assigneeId: null, status: 'open' as const };
    expect(routeOutcomeText('assigned', { assigneeId: 'usr_ann', status: 'open' }, agents)).toBe('Given to Ann');
    expect(routeOutcomeText('queued', open, agents)).toBe('Waiting in the queue: nobody has room');
    expect(routeOutcomeText('manual', open, agents)).toBe('This ticket is assigned by hand: no routing policy gives it out');
    expect(routeOutcomeText('kept', { assigneeId: 'usr_ann', status: 'pending' }, agents)).toBe('Already with Ann: nothing changed');
    expect(routeOutcomeText('skipped', { assigneeId: null, status: 'closed' }, agents)).toBe('Not routed: the ticket is closed');
  });

  it('names each candidate reason and the load in the channel unit', () => {
    expect(['chosen', 'offline', 'away', 'at_capacity', 'outside_hours', 'not_next', 'busy'].map(reasonText)).toEqual([
      'chosen',
      'offline',
      'away',
      'at capacity',
      'outside working hours',
      'not next in turn',
      'busy',
    ]);
    expect(loadText(bo, 'chat')).toBe('3 of 3 chats');
    expect(loadText(bo, 'email')).toBe('3 of 3 emails');
  });
});

describe('queues', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  it('says how long the oldest ticket has waited', () => {
    expect(waitText('2026-01-01T11:59:30Z', now)).toBe('waiting less than a minute');
    expect(waitText('2026-01-01T11:57:00Z', now)).toBe('waiting 3 min');
    expect(waitText('2026-01-01T10:00:00Z', now)).toBe('waiting 2 h');
    expect(waitText('2026-01-01T09:55:00Z', now)).toBe('waiting 2 h 5 min');
    expect(waitText('2026-01-01T12:00:30Z', now)).toBe('waiting less than a minute');
  });

  it('lists the queues someone waits in, longest wait first, and names them', () => {
    const { list, total } = waitingQueues([
      { teamId: 'team_billing', inboxId: null, length: 2, oldestSince: '2026-01-01T11:58:00Z' },
      { teamId: 'team_gone', inboxId: null, length: 0, oldestSince: null },
      { teamId: null, inboxId: 'inb_web', length: 1, oldestSince: '2026-01-01T11:50:00Z' },
    ]);
    expect(total).toBe(3);
    expect(list.map((q) => queueName(q, places))).toEqual(['Website (inbox)', 'Billing']);
    expect(queueName({ teamId: 'team_gone', inboxId: null }, places)).toBe('A removed team');
    expect(waitingQueues([]).total).toBe(0);
  });
});

describe('moreText', () => {
  it('sums up the candidates a decision did not list, by reason', async () => {
    const { moreText } = await import('../../inbox/src/lib/routing.js');
    expect(moreText({ not_next: 150, offline: 30 })).toBe('and 180 more: 150 not next in turn, 30 offline');
  });
});
