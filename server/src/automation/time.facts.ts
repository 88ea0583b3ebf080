import { sql } from 'drizzle-orm';
import { decodeId, type ConditionFacts, type TicketStatus } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { addBusinessSeconds, businessSecondsBetween, isOpen, nextClose, nextOpen, type CompiledCalendar } from '../business-time/business-time.js';
import { compiledCalendar } from '../calendars/calendars.service.js';
import { factsOfRow, type FactsRow } from '../sla/facts.js';

/** A ticket as time rules see it: its status (which rules watch it) and the facts conditions read. */
export type TimeTicket = { id: string; status: TicketStatus; facts: ConditionFacts };

type Raw = FactsRow & { id: string; last_customer: Date | null; last_agent: Date | null; status_changed: Date | null };

/**
 * Loads tickets of one workspace with every fact a time rule may read, the `…At` ones included:
 * the last public customer message, the last public agent reply, the last status change (the
 * creation when it never changed). One statement for many tickets (a re-plan batch).
 */
export async function loadTimeTickets(tx: Tx | Db, workspaceId: string, ticketIds: readonly string[]): Promise<TimeTicket[]> {
  if (!ticketIds.length) return [];
  const rows = await tx.rows<Raw>(sql`select t.id, t.number, t.subject, t.status, t.priority, t.inbox_id, i.channel,
      t.team_id, t.assignee_id, t.created_at, t.updated_at,
      (select array_agg(g.name order by g.name) from ticket_tags tt join tags g on g.id = tt.tag_id where tt.ticket_id = t.id) as tags,
      c.name as contact_name, c.email as contact_email, c.attributes as contact_attributes,
      (select max(m.created_at) from conversations cv join messages m on m.conversation_id = cv.id
        where cv.ticket_id = t.id and m.author_type = 'contact' and m.visibility = 'public') as last_customer,
      (select max(m.created_at) from conversations cv join messages m on m.conversation_id = cv.id
        where cv.ticket_id = t.id and m.author_type = 'agent' and m.visibility = 'public') as last_agent,
      (select max(a.created_at) from ticket_activities a where a.ticket_id = t.id and a.kind = 'status_changed') as status_changed
    from tickets t join inboxes i on i.id = t.inbox_id join contacts c on c.id = t.requester_id
    where t.workspace_id = ${workspaceId}::uuid and t.id = any(${`{${ticketIds.join(',')}}`}::uuid[])`);
  return rows.map((r) => {
    const base = factsOfRow(r);
    return {
      id: r.id,
      status: r.status,
      facts: {
        ...base,
        ticket: { ...base.ticket, lastCustomerMessageAt: r.last_customer, lastAgentReplyAt: r.last_agent, statusChangedAt: r.status_changed ?? r.created_at },
      },
    };
  });
}

/**
 * The calendar functions conditions are handed for one workspace: `isOpen` (its default
 * calendar, or a named one among `calendars`), business seconds and their inverse in the
 * default calendar, and when the open/closed answer of each calendar next flips.
 */
export type WorkspaceTime = {
  isOpen: (calendarId: string | null, at: Date) => boolean;
  businessSecondsBetween: (from: Date, to: Date) => number;
  addBusinessSeconds: (from: Date, seconds: number) => Date | null;
  /** The next instant after `at` when any of the workspace's calendars opens or closes (null: never within reach). */
  nextHoursChange: (at: Date) => Date | null;
};

/** The calendars (wire ids) business-hours leaves of these conditions name. */
export function calendarsNamed(conditions: readonly unknown[]): string[] {
  const out = new Set<string>();
  const visit = (n: unknown, depth: number) => {
    if (typeof n !== 'object' || n === null || depth > 16) return;
    const o = n as Record<string, unknown>;
    if ((o.op === 'within_business_hours' || o.op === 'outside_business_hours') && typeof o.value === 'string') out.add(o.value);
    for (const k of ['all', 'any']) if (Array.isArray(o[k])) for (const c of o[k] as unknown[]) visit(c, depth + 1);
  };
  for (const c of conditions) visit(c, 1);
  return [...out];
}

/**
 * Builds {@link WorkspaceTime} for a workspace: its default calendar, and the calendars
 * `conditions` name (compiled once per node and version by compiledCalendar).
 */
export async function workspaceTime(tx: Tx | Db, workspaceId: string, now: Date, conditions: readonly unknown[] = []): Promise<WorkspaceTime> {
  const def = (await compiledCalendar(tx, { workspaceId, calendarId: null, now })).calendar;
  const named = new Map<string, CompiledCalendar>();
  for (const wire of calendarsNamed(conditions)) {
    const id = decodeId('calendar', wire);
    if (!id) continue;
    const c = await compiledCalendar(tx, { workspaceId, calendarId: id, now }).catch(() => null);
    if (c) named.set(wire, c.calendar);
  }
  const flip = (c: CompiledCalendar, at: Date): Date | null => {
    try {
      return isOpen(c, at) ? nextClose(c, at) : nextOpen(c, at);
    } catch {
      return null;
    }
  };
  return {
    isOpen: (calendarId, at) => {
      if (calendarId === null) return isOpen(def, at);
      const c = named.get(calendarId);
      return c ? isOpen(c, at) : false;
    },
    businessSecondsBetween: (from, to) => businessSecondsBetween(def, from, to),
    addBusinessSeconds: (from, seconds) => {
      try {
        return addBusinessSeconds(def, from, seconds);
      } catch {
        return null;
      }
    },
    nextHoursChange: (at) => {
      let best: Date | null = null;
      for (const c of [def, ...named.values()]) {
        const f = flip(c, at);
        if (f && f.getTime() > at.getTime() && (!best || f < best)) best = f;
      }
      return best;
    },
  };
}
