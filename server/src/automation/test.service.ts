import { sql } from 'drizzle-orm';
import { conditionSchemaFor, evaluateCondition, type AutomationEvent, type AutomationRuleTestResult, type ConditionFacts } from '@support/protocol';
import { newId, toWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { runActions } from '../actions/actions.service.js';
import { calendarsOf } from '../routing/rules.js';
import { factsBefore, type LoggedActivity } from './events.js';
import { latestMessageId, messageFacts, ticketFacts } from './facts.js';
import { parseRuleFields } from './settings.service.js';

/** The activity kinds each change event stands for (the newest of them is the change simulated). */
const KINDS: Partial<Record<AutomationEvent, string[]>> = {
  'ticket.status_changed': ['status_changed'],
  'ticket.priority_changed': ['priority_changed'],
  'ticket.assignee_changed': ['assigned'],
  'ticket.team_changed': ['team_changed'],
  'ticket.tags_changed': ['tag_added', 'tag_removed'],
};

/** The message a message event stands for: the ticket's newest one of that kind (its first, for ticket.created). */
const MESSAGE_OF: Partial<Record<AutomationEvent, { visibility: 'public' | 'internal'; authorType?: 'contact' | 'agent' }>> = {
  'ticket.created': { visibility: 'public' },
  'message.customer': { visibility: 'public', authorType: 'contact' },
  'message.agent': { visibility: 'public', authorType: 'agent' },
  'message.note': { visibility: 'internal' },
};

/** The time facts duration fields read (minutes since …), from the ticket's messages and activities. */
async function timeFacts(ctx: ServiceContext, ws: string, ticketId: string) {
  const [r] = await ctx.db.rows<{ customer: Date | null; agent: Date | null; status: Date | null }>(sql`select
      (select max(created_at) from messages where ticket_id = ${ticketId}::uuid and author_type = 'contact' and visibility = 'public') as customer,
      (select max(created_at) from messages where ticket_id = ${ticketId}::uuid and author_type = 'agent' and visibility = 'public') as agent,
      coalesce((select max(created_at) from ticket_activities where ticket_id = ${ticketId}::uuid and kind = 'status_changed'),
               (select created_at from tickets where id = ${ticketId}::uuid and workspace_id = ${ws}::uuid)) as status`);
  return { lastCustomerMessageAt: r?.customer ?? null, lastAgentReplyAt: r?.agent ?? null, statusChangedAt: r?.status ?? null };
}

/**
 * What a rule (saved or not) would do on ticket #`ticketNumber`, changing nothing: its body is
 * validated as on save (VALIDATION_FAILED with paths under `rule`), its conditions evaluated on
 * the ticket as it is (for a message event, on its newest message of that kind; for a change
 * event, the newest such change stands for the event, so `changed_to` can hold), and its
 * actions run as a dry run.
 */
export async function testAutomationRule(
  ctx: ServiceContext,
  o: { workspaceId: string; rule: unknown; ticketNumber: number; event?: AutomationEvent | undefined; ruleId?: string | null },
): Promise<AutomationRuleTestResult> {
  const rule = parseRuleFields(o.rule, ['rule']);
  const event = rule.trigger === 'time' ? null : (o.event ?? rule.events[0]!);
  if (event && rule.trigger === 'event' && !rule.events.includes(event))
    throw new AppError('VALIDATION_FAILED', 'event: the rule does not listen to this event', [{ path: 'event', message: 'the rule does not listen to this event' }]);
  const [t] = await ctx.db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${o.workspaceId}::uuid and number = ${o.ticketNumber}`);
  if (!t) throw notFound('ticket');
  const facts = (await ticketFacts(ctx.db, o.workspaceId, [t.id])).get(t.id)!;
  const after: ConditionFacts = { ...facts, ticket: { ...facts.ticket, ...(await timeFacts(ctx, o.workspaceId, t.id)) } };
  let before: ConditionFacts | null = null;
  const want = event ? MESSAGE_OF[event] : undefined;
  if (want) {
    const id = await latestMessageId(ctx.db, o.workspaceId, t.id, want.visibility, want.authorType, event === 'ticket.created');
    const m = id ? await messageFacts(ctx.db, o.workspaceId, id) : null;
    if (m) after.message = m;
  }
  const kinds = event ? KINDS[event] : undefined;
  if (kinds) {
    const acts = await ctx.db.rows<{ kind: string; actor_type: string; actor_id: string | null; old_value: unknown; new_value: unknown }>(sql`
      select kind, actor_type, actor_id, old_value, new_value from ticket_activities where ticket_id = ${t.id}::uuid
        and kind = any(${`{${kinds.join(',')}}`}::activity_kind[]) order by created_at desc, id desc limit 1`);
    const a: LoggedActivity[] = acts.map((x) => ({ kind: x.kind, actorType: x.actor_type, actorId: x.actor_id, oldValue: x.old_value, newValue: x.new_value }));
    before = factsBefore(after, a);
  }
  const now = ctx.clock.now();
  const uses = JSON.stringify(rule.conditions).includes('"time.now"');
  const isOpen = uses ? await calendarsOf(ctx.db, o.workspaceId, now) : undefined;
  // The conditions parse in their context (parseRuleFields checked it); evaluated as validated.
  const conditions = conditionSchemaFor(rule.trigger === 'time' ? 'automation_time' : 'automation_event').parse(rule.conditions);
  const r = evaluateCondition(conditions, after, { now, previous: before, ...(isOpen ? { isOpen } : {}) });
  const actions = r.matched
    ? await runActions(ctx, {
        workspaceId: o.workspaceId, ticketId: t.id, actions: rule.actions, dryRun: true,
        actor: { type: 'automation', ruleId: o.ruleId ?? newId(), ruleName: rule.name, runId: newId(), depth: 0 },
      })
    : [];
  return { ticketId: toWire('ticket', t.id), ticketNumber: o.ticketNumber, event, matched: r.matched, trace: r.trace, actions };
}
