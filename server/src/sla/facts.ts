import { sql } from 'drizzle-orm';
import { conditionMatches, type ConditionFacts, type TicketPriority, type TicketStatus } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { toWire, toWireOrNull } from '../db/ids.js';
import { addBusinessSeconds, businessSecondsBetween, isOpen, type CompiledCalendar } from '../business-time/business-time.js';
import { CALENDAR_TIME, type TimeCounter } from './clock.js';
import type { AppliedPolicy } from './engine.js';
import type { PolicyRow } from './policies.service.js';
import { compiledCalendar } from '../calendars/calendars.service.js';

/** A ticket as SLA policy selection and the engine see it. */
export type TicketRow = {
  id: string;
  workspace_id: string;
  inbox_id: string;
  status: TicketStatus;
  priority: TicketPriority;
  team_id: string | null;
  assignee_id: string | null;
  /** The policy an automation rule or macro applied to it (`apply_sla`, sla/pin.ts), which selection keeps to. */
  pinned_policy_id?: string | null;
  facts: ConditionFacts;
};

/** The columns of a ticket row (with its inbox's channel, tags and requester) that condition facts come from. */
export type FactsRow = {
  number: number; subject: string; status: TicketStatus; priority: TicketPriority; inbox_id: string; channel: 'chat' | 'email';
  team_id: string | null; assignee_id: string | null; created_at: Date; updated_at: Date; tags: string[] | null;
  contact_name: string | null; contact_email: string | null; contact_attributes: Record<string, unknown> | null;
};

/** Condition facts of a ticket row: SLA selection's, and the base of time rules' (which add the `…At` times). */
export function factsOfRow(r: FactsRow): ConditionFacts {
  return {
    ticket: {
      status: r.status,
      priority: r.priority,
      channel: r.channel,
      inboxId: toWire('inbox', r.inbox_id),
      teamId: toWireOrNull('team', r.team_id),
      assigneeId: toWireOrNull('user', r.assignee_id),
      tags: r.tags ?? [],
      subject: r.subject,
      number: r.number,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    },
    contact: { name: r.contact_name, email: r.contact_email, attributes: r.contact_attributes ?? {} },
  };
}

type Raw = FactsRow & { id: string; workspace_id: string; pinned_policy_id: string | null };

/** The pinned policy of ticket `t` (sla/pin.ts): the newest SLA event a pin wrote. One index probe. */
const PINNED_POLICY = sql.raw(`(select e.policy_id from sla_events e where e.ticket_id = t.id and e.data ? 'pinned' order by e.at desc, e.id desc limit 1)`);

/** Loads tickets of one workspace with the facts SLA conditions read (ticket, tags, requester). */
export async function loadTickets(tx: Tx | Db, workspaceId: string, ticketIds: string[]): Promise<TicketRow[]> {
  if (!ticketIds.length) return [];
  const rows = await tx.rows<Raw>(sql`select t.id, t.workspace_id, t.number, t.subject, t.status, t.priority, t.inbox_id, i.channel,
      t.team_id, t.assignee_id, t.created_at, t.updated_at,
      (select array_agg(g.name order by g.name) from ticket_tags tt join tags g on g.id = tt.tag_id where tt.ticket_id = t.id) as tags,
      c.name as contact_name, c.email as contact_email, c.attributes as contact_attributes, ${PINNED_POLICY} as pinned_policy_id
    from tickets t join inboxes i on i.id = t.inbox_id join contacts c on c.id = t.requester_id
    where t.workspace_id = ${workspaceId}::uuid and t.id = any(${`{${ticketIds.join(',')}}`}::uuid[])`);
  return rows.map((r) => ({
    id: r.id,
    workspace_id: r.workspace_id,
    inbox_id: r.inbox_id,
    status: r.status,
    priority: r.priority,
    team_id: r.team_id,
    assignee_id: r.assignee_id,
    pinned_policy_id: r.pinned_policy_id,
    facts: factsOfRow(r),
  }));
}

/** Counts business time in a calendar. */
export function businessCounter(calendar: CompiledCalendar): TimeCounter {
  return {
    add: (start, seconds) => addBusinessSeconds(calendar, start, seconds),
    // Whole seconds: clocks store used time as an integer.
    between: (a, b) => Math.floor(businessSecondsBetween(calendar, a, b)),
  };
}

/**
 * Resolves policies for counting, within one unit of work (an event batch, a re-plan batch):
 * calendars are read and compiled once each, policy rows once per workspace.
 */
export class PolicyResolver {
  private readonly calendars = new Map<string, { compiled: CompiledCalendar; counter: TimeCounter }>();
  private readonly defaults = new Map<string, string>();

  constructor(
    private readonly tx: Tx | Db,
    private readonly now: Date,
  ) {}

  private async calendar(workspaceId: string, calendarId: string | null) {
    const key = calendarId ?? this.defaults.get(workspaceId) ?? `default:${workspaceId}`;
    const hit = this.calendars.get(key);
    if (hit) return hit;
    const c = await compiledCalendar(this.tx, { workspaceId, calendarId, now: this.now });
    if (!calendarId) this.defaults.set(workspaceId, c.id);
    const compiled = c.calendar;
    const entry = { compiled, counter: businessCounter(compiled) };
    this.calendars.set(key, entry);
    this.calendars.set(c.id, entry);
    return entry;
  }

  /** Whether a calendar of the workspace (null: its default) is open at `at`; for `within_business_hours`. */
  async isOpenFn(workspaceId: string): Promise<(calendarId: string | null, at: Date) => boolean> {
    const def = await this.calendar(workspaceId, null);
    return (calendarId, at) => {
      if (calendarId === null) return isOpen(def.compiled, at);
      const c = this.calendars.get(calendarId);
      return c ? isOpen(c.compiled, at) : false;
    };
  }

  /** The policy as the engine counts with it. */
  async applied(row: PolicyRow): Promise<AppliedPolicy> {
    const counter = row.business_hours ? (await this.calendar(row.workspace_id, row.calendar_id)).counter : CALENDAR_TIME;
    return { policyId: row.id, targets: row.targets, warnLeadSeconds: row.warn_lead_seconds, pauseStatuses: row.pause_statuses, reopen: row.reopen, counter };
  }

  /**
   * The policy that applies to a ticket: the one pinned to it (apply_sla) while it exists, else the first enabled one whose conditions hold, else the
   * default one when enabled; null when none does (no SLA for the ticket).
   */
  async select(policies: readonly PolicyRow[], ticket: TicketRow): Promise<PolicyRow | null> {
    const pinned = ticket.pinned_policy_id ? policies.find((p) => p.id === ticket.pinned_policy_id) : undefined;
    if (pinned) return pinned;
    const ctx = { now: this.now, trace: false, isOpen: await this.isOpenFn(ticket.workspace_id) };
    for (const p of policies) {
      if (!p.enabled) continue;
      if (p.is_default || conditionMatches(p.conditions, ticket.facts, ctx)) return p;
    }
    return null;
  }
}
