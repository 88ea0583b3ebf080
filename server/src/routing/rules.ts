import { sql } from 'drizzle-orm';
import { conditionMatches, type Condition, type ConditionFacts, type RoutingActions } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { fromWire, toWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { loadTickets } from '../sla/facts.js';
import { compiledCalendar } from '../calendars/calendars.service.js';
import { isOpen, type CompiledCalendar } from '../business-time/business-time.js';
import { addTicketTag, assignTicket, setTicketPriority } from '../tickets/tickets.service.js';
import { SYSTEM } from './routing.service.js';

type RuleRow = { id: string; name: string; conditions: Condition; actions: RoutingActions };

/** Calendars conditions may test (`within_business_hours`), compiled: the default (null) and each by wire id. */
export async function calendarsOf(db: Db | Tx, ws: string, now: Date): Promise<(id: string | null, at: Date) => boolean> {
  const map = new Map<string | null, CompiledCalendar>();
  map.set(null, (await compiledCalendar(db, { workspaceId: ws, calendarId: null, now })).calendar);
  for (const r of await db.rows<{ id: string }>(sql`select id from calendars where workspace_id = ${ws}::uuid`))
    map.set(toWire('calendar', r.id), (await compiledCalendar(db, { workspaceId: ws, calendarId: r.id, now })).calendar);
  return (id, at) => {
    const c = map.get(id);
    return c ? isOpen(c, at) : false;
  };
}

/**
 * The first enabled rule (in order) whose conditions hold for the ticket (and the message that
 * opened it), or null. Facts are read fresh: ticket, tags, requester, message.
 */
export async function matchRule(ctx: ServiceContext, o: { workspaceId: string; ticketId: string; messageId?: string | null }): Promise<RuleRow | null> {
  const rules = await ctx.db.rows<RuleRow>(sql`select id, name, conditions, actions from routing_rules
    where workspace_id = ${o.workspaceId}::uuid and enabled order by position, id`);
  if (!rules.length) return null;
  const [t] = await loadTickets(ctx.db, o.workspaceId, [o.ticketId]);
  if (!t) return null;
  const facts: ConditionFacts = { ...t.facts };
  if (o.messageId) {
    const [m] = await ctx.db.rows<{ body: string; author_type: 'contact' | 'agent' | 'system'; visibility: 'public' | 'internal'; attachments: unknown[] | null }>(sql`
      select body, author_type, visibility, attachments from messages where id = ${o.messageId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    if (m) facts.message = { body: m.body, authorType: m.author_type, visibility: m.visibility, attachments: m.attachments ?? [] };
  }
  const now = ctx.clock.now();
  const open = await calendarsOf(ctx.db, o.workspaceId, now);
  return rules.find((r) => conditionMatches(r.conditions, facts, { now, isOpen: open })) ?? null;
}

/**
 * Does what a rule says to a ticket, as the system: team, priority, tags (each a ticket change
 * with its activity). Returns the agent the rule names (uuid), whom routing then tries first.
 * A team or agent that no longer exists is skipped, not an error.
 */
export async function applyRule(ctx: ServiceContext, o: { workspaceId: string; ticketId: string; rule: RuleRow }): Promise<string | null> {
  const a = o.rule.actions;
  const base = { workspaceId: o.workspaceId, ticketId: o.ticketId, actor: SYSTEM };
  const soft = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      if ((err as { code?: string }).code !== 'NOT_FOUND') throw err;
      ctx.logger.warn({ rule: o.rule.id, err }, 'routing rule action skipped: its target is gone');
    }
  };
  if (a.teamId !== undefined) await soft(assignTicket(ctx, { ...base, teamId: a.teamId ? fromWire('team', a.teamId) : null }));
  if (a.priority) await setTicketPriority(ctx, { ...base, priority: a.priority });
  for (const tag of a.addTags ?? []) await addTicketTag(ctx, { ...base, tag });
  return a.assigneeId ? fromWire('user', a.assigneeId) : null;
}
