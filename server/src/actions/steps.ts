import { sql } from 'drizzle-orm';
import type { ActionOutcome, AutomationAction } from '@support/protocol';
import { fromWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { newId } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import type { AgentIdentity } from '../agents/agents.service.js';
import { addTicketTag, assignTicket, removeTicketTag, setTicketPriority, setTicketStatus, type ChangeOpts } from '../tickets/tickets.service.js';
import { sendAgentMessage } from '../tickets/tickets.read.js';
import { snoozeTicket } from '../tickets/snooze.service.js';
import { notifyMembers } from '../notifications/notifications.service.js';
import { applyRule, matchRule } from '../routing/rules.js';
import { routeTicket } from '../routing/routing.service.js';
import { RoutingNotes } from '../routing/notify.js';
import { applySlaPolicy } from '../sla/pin.js';
import type { ActionActor } from './actions.service.js';
import { loadTicketState, namesOf, type TicketState } from './ticket-state.js';
import { writeRuleMessage } from './messages.js';

/** One action to run: where, as whom, and the ticket as the actions before it left it. */
export type Step = {
  ctx: ServiceContext;
  workspaceId: string;
  ticketId: string;
  /** The action's place in its list (keys a rule's message, so a re-run writes it once). */
  index: number;
  actor: ActionActor;
  dryRun: boolean;
  state: TicketState;
  change: ChangeOpts;
  fill: (template: string) => string;
};
/** What an action did, and (in a dry run) the ticket as it would be after it. */
export type StepResult = { outcome: ActionOutcome; next?: TicketState };

const done = (type: AutomationAction['type'], changed: boolean, summary: string, next?: TicketState): StepResult => ({ outcome: { type, ok: true, changed, summary }, ...(next ? { next } : {}) });
const quote = (s: string) => `“${s.length > 80 ? `${s.slice(0, 79)}…` : s}”`;
const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

async function activeMember(s: Step, userId: string): Promise<string> {
  const [u] = await s.ctx.db.rows<{ name: string }>(sql`select u.name from memberships m join users u on u.id = m.user_id
    where m.user_id = ${userId}::uuid and m.workspace_id = ${s.workspaceId}::uuid and m.status = 'active' and u.status = 'active'`);
  if (!u) throw notFound('agent');
  return u.name;
}

async function teamName(s: Step, teamId: string): Promise<string> {
  const name = (await namesOf(s.ctx.db, s.workspaceId, { teams: [teamId] })).get(teamId);
  if (!name) throw notFound('team');
  return name;
}

/** Runs (or, in a dry run, describes) one action. Throws AppError for a refusal; the caller reports it. */
export async function runOne(s: Step, a: AutomationAction): Promise<StepResult> {
  const t = s.state;
  switch (a.type) {
    case 'set_status': {
      if (t.status === a.status) return done(a.type, false, `Status is already ${a.status}`);
      if (s.dryRun) return done(a.type, true, `Status would change from ${t.status} to ${a.status}`, { ...t, status: a.status });
      const r = await setTicketStatus(s.ctx, { ...s.change, status: a.status });
      return done(a.type, r.activities.length > 0, r.activities.length ? `Status changed from ${t.status} to ${a.status}` : `Status is already ${a.status}`);
    }
    case 'set_priority': {
      if (t.priority === a.priority) return done(a.type, false, `Priority is already ${a.priority}`);
      if (s.dryRun) return done(a.type, true, `Priority would change from ${t.priority} to ${a.priority}`, { ...t, priority: a.priority });
      const r = await setTicketPriority(s.ctx, { ...s.change, priority: a.priority });
      return done(a.type, r.activities.length > 0, r.activities.length ? `Priority changed from ${t.priority} to ${a.priority}` : `Priority is already ${a.priority}`);
    }
    case 'set_team': {
      const id = a.teamId ? fromWire('team', a.teamId) : null;
      const name = id ? await teamName(s, id) : null;
      const from = t.teamName ?? 'no team';
      if (t.teamId === id) return done(a.type, false, id ? `Team is already ${name}` : 'The ticket has no team already');
      if (s.dryRun) return done(a.type, true, `Team would change from ${from} to ${name ?? 'no team'}`, { ...t, teamId: id, teamName: name });
      const r = await assignTicket(s.ctx, { ...s.change, teamId: id });
      return done(a.type, r.activities.length > 0, `Team changed from ${from} to ${name ?? 'no team'}`);
    }
    case 'set_assignee': {
      const id = a.assigneeId ? fromWire('user', a.assigneeId) : null;
      const name = id ? await activeMember(s, id) : null;
      if (t.assigneeId === id) return done(a.type, false, id ? `Already assigned to ${name}` : 'The ticket is unassigned already');
      const sentence = id ? `assigned to ${name}` : `unassigned from ${t.assigneeName ?? 'its assignee'}`;
      if (s.dryRun) return done(a.type, true, `Would be ${sentence}`, { ...t, assigneeId: id, assigneeName: name });
      const r = await assignTicket(s.ctx, { ...s.change, assigneeId: id });
      return done(a.type, r.activities.length > 0, sentence[0]!.toUpperCase() + sentence.slice(1));
    }
    case 'route':
      return route(s);
    case 'add_tags': {
      const have = new Set(t.tags.map((x) => x.toLowerCase()));
      const add = a.tags.filter((x, i) => !have.has(x.toLowerCase()) && a.tags.findIndex((y) => y.toLowerCase() === x.toLowerCase()) === i);
      if (!add.length) return done(a.type, false, `Already tagged ${a.tags.join(', ')}`);
      if (s.dryRun) return done(a.type, true, `Would add ${add.length > 1 ? 'tags' : 'tag'} ${add.join(', ')}`, { ...t, tags: [...t.tags, ...add] });
      const added: string[] = [];
      for (const tag of add) if ((await addTicketTag(s.ctx, { ...s.change, tag })).activities.length) added.push(tag);
      return done(a.type, added.length > 0, added.length ? `Added ${added.length > 1 ? 'tags' : 'tag'} ${added.join(', ')}` : `Already tagged ${a.tags.join(', ')}`);
    }
    case 'remove_tags': {
      const want = new Set(a.tags.map((x) => x.toLowerCase()));
      const remove = t.tags.filter((x) => want.has(x.toLowerCase()));
      if (!remove.length) return done(a.type, false, `Not tagged ${a.tags.join(', ')}`);
      if (s.dryRun) return done(a.type, true, `Would remove ${remove.length > 1 ? 'tags' : 'tag'} ${remove.join(', ')}`, { ...t, tags: t.tags.filter((x) => !want.has(x.toLowerCase())) });
      const removed: string[] = [];
      for (const tag of remove) if ((await removeTicketTag(s.ctx, { ...s.change, tag })).activities.length) removed.push(tag);
      return done(a.type, removed.length > 0, removed.length ? `Removed ${removed.length > 1 ? 'tags' : 'tag'} ${removed.join(', ')}` : `Not tagged ${a.tags.join(', ')}`);
    }
    case 'add_note':
    case 'send_message':
      return message(s, a.type, a.body);
    case 'notify':
      return notify(s, a);
    case 'apply_sla': {
      const r = await applySlaPolicy(s.ctx, { workspaceId: s.workspaceId, ticketId: s.ticketId, policyId: fromWire('slaPolicy', a.policyId), actor: s.change.actor, dryRun: s.dryRun });
      return done(a.type, r.changed, r.summary);
    }
    case 'snooze': {
      const until = new Date(s.ctx.clock.now().getTime() + a.minutes * 60_000);
      if (s.dryRun) return done(a.type, true, `Would snooze until ${when(until)}${t.status === 'pending' ? '' : ` (status ${t.status} → pending)`}`, { ...t, status: 'pending', snoozedUntil: until });
      await snoozeTicket(s.ctx, { ...s.change, until });
      return done(a.type, true, `Snoozed until ${when(until)}`);
    }
  }
}

async function route(s: Step): Promise<StepResult> {
  const t = s.state;
  if (t.assigneeId) return done('route', false, `Already assigned to ${t.assigneeName ?? 'someone'}; routing keeps it`);
  if (t.status === 'resolved' || t.status === 'closed') return done('route', false, `The ticket is ${t.status}; routing leaves it`);
  if (s.dryRun) return done('route', true, 'Would hand the ticket to routing');
  const notes = new RoutingNotes();
  const rule = await matchRule(s.ctx, { workspaceId: s.workspaceId, ticketId: s.ticketId });
  const prefer = rule ? await applyRule(s.ctx, { workspaceId: s.workspaceId, ticketId: s.ticketId, rule }) : null;
  const outcome = await routeTicket(s.ctx, { workspaceId: s.workspaceId, ticketId: s.ticketId, trigger: 'on_demand', notes, rule, prefer });
  await notes.flush(s.ctx, s.workspaceId);
  if (outcome === 'assigned') {
    const after = await loadTicketState(s.ctx.db, s.workspaceId, s.ticketId);
    return done('route', true, `Routing assigned it to ${after?.assigneeName ?? 'an agent'}`);
  }
  if (outcome === 'queued') return done('route', true, 'Routing put it in the queue: nobody has room now');
  if (outcome === 'manual') return done('route', !!rule, 'Routing leaves it for people to pick (no automatic assignment)');
  return done('route', false, 'Routing kept it as it is');
}

async function message(s: Step, type: 'add_note' | 'send_message', template: string): Promise<StepResult> {
  const body = s.fill(template).trim();
  if (!body) throw new AppError('VALIDATION_FAILED', 'the text is empty once its placeholders are filled');
  const note = type === 'add_note';
  const email = !note && s.state.channel === 'email';
  if (s.dryRun) return done(type, true, note ? `Would add an internal note: ${quote(body)}` : `Would send ${email ? 'an email reply' : 'a reply'}: ${quote(body)}`);
  const visibility = note ? 'internal' : 'public';
  if (s.actor.type === 'agent') {
    const [u] = await s.ctx.db.rows<{ name: string; email: string }>(sql`select name, email from users where id = ${s.actor.userId}::uuid`);
    // The message path reads the author's id and name only.
    const agent = { userId: s.actor.userId, workspaceId: s.workspaceId, name: u?.name ?? '', email: u?.email ?? '', permissions: [...s.actor.permissions] } as unknown as AgentIdentity;
    await sendAgentMessage(s.ctx, { workspaceId: s.workspaceId, ticketId: s.ticketId, agent, body, clientMessageId: `macro:${newId()}`, visibility });
  } else {
    const a = s.actor;
    await writeRuleMessage(s.ctx, {
      workspaceId: s.workspaceId, ticketId: s.ticketId, rule: { id: a.ruleId, name: a.ruleName }, cause: { ruleId: a.ruleId, depth: a.depth + 1 },
      body, visibility, email, clientMessageId: `auto:${a.runId}:${s.index}`,
    });
  }
  return done(type, true, note ? `Added an internal note: ${quote(body)}` : `Sent ${email ? 'an email reply' : 'a reply'}: ${quote(body)}`);
}

async function notify(s: Step, a: Extract<AutomationAction, { type: 'notify' }>): Promise<StepResult> {
  const userIds = a.userIds.map((u) => fromWire('user', u));
  if (a.assignee && s.state.assigneeId && !userIds.includes(s.state.assigneeId)) userIds.push(s.state.assigneeId);
  const teamIds = a.teamIds.map((x) => fromWire('team', x));
  if (!userIds.length && !teamIds.length) return done(a.type, false, 'Nobody to notify: the ticket is unassigned');
  const text = s.fill(a.message).trim();
  const names = await namesOf(s.ctx.db, s.workspaceId, { users: userIds, teams: teamIds });
  const who = [...userIds, ...teamIds].map((id) => names.get(id)).filter((n): n is string => !!n);
  const list = who.length ? who.join(', ') : 'nobody found';
  if (s.dryRun) return done(a.type, who.length > 0, `Would notify ${list}: ${quote(text)}`);
  const source = s.actor.type === 'agent' ? (s.actor.macro?.name ?? 'Macro') : s.actor.ruleName;
  const r = await notifyMembers(s.ctx, { workspaceId: s.workspaceId, ticketId: s.ticketId, userIds, teamIds, message: text, source, kind: 'automation' });
  return done(a.type, r.notified > 0, r.notified > 0 ? `Notified ${r.notified} ${r.notified === 1 ? 'member' : 'members'} (${list})` : `Nobody was notified (${list})`);
}
