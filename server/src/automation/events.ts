import type { AutomationEvent, ConditionFacts, TicketFacts } from '@support/protocol';
import { toWire } from '../db/ids.js';
import type { LoggedEvent } from '../events/log.events.js';

/** One change of a `ticket.updated` as the log keeps it. */
export type LoggedActivity = { kind: string; actorType: string; actorId: string | null; oldValue: unknown; newValue: unknown };

const ACTIVITY_EVENTS: Record<string, AutomationEvent> = {
  status_changed: 'ticket.status_changed',
  priority_changed: 'ticket.priority_changed',
  assigned: 'ticket.assignee_changed',
  team_changed: 'ticket.team_changed',
  tag_added: 'ticket.tags_changed',
  tag_removed: 'ticket.tags_changed',
};

/**
 * The automation events one log entry maps to (each once, in order): `ticket.created`; a
 * message by visibility and author (`message.note` for an internal note, `message.customer`
 * for a contact's public message, `message.agent` for an agent's or the system's public reply);
 * each kind of change of a `ticket.updated`; the SLA alerts; `contact.updated` (the consumer
 * runs it on each of the contact's open tickets). Other entries map to none.
 */
export function automationEventsOf(e: Pick<LoggedEvent, 'name' | 'payload'>): AutomationEvent[] {
  switch (e.name) {
    case 'ticket.created':
      return ['ticket.created'];
    case 'message.created': {
      const p = e.payload as { visibility: string; authorType: string };
      if (p.visibility !== 'public') return ['message.note'];
      return [p.authorType === 'contact' ? 'message.customer' : 'message.agent'];
    }
    case 'ticket.updated': {
      const out: AutomationEvent[] = [];
      for (const a of (e.payload as { activities: LoggedActivity[] }).activities) {
        const ev = ACTIVITY_EVENTS[a.kind];
        if (ev && !out.includes(ev)) out.push(ev);
      }
      return out;
    }
    case 'sla.warning':
      return ['sla.warning'];
    case 'sla.breached':
      return ['sla.breached'];
    case 'contact.updated':
      return ['contact.updated'];
    default:
      return [];
  }
}

/** The ticket state a log entry carries (uuids), laid over the loaded facts: the facts as the change left them. */
export function factsAsOf(facts: ConditionFacts, state: { status: string; priority: string; teamId: string | null; assigneeId: string | null } | undefined): ConditionFacts {
  if (!state) return facts;
  return {
    ...facts,
    ticket: {
      ...facts.ticket,
      status: state.status as TicketFacts['status'],
      priority: state.priority as TicketFacts['priority'],
      teamId: state.teamId ? toWire('team', state.teamId) : null,
      assigneeId: state.assigneeId ? toWire('user', state.assigneeId) : null,
    },
  };
}

/**
 * The facts before a `ticket.updated`: its changes undone, newest first, over the facts after
 * it. Activities hold wire ids for assignee and team, tag names for tags.
 */
export function factsBefore(after: ConditionFacts, activities: readonly LoggedActivity[]): ConditionFacts {
  const t: { -readonly [K in keyof TicketFacts]: TicketFacts[K] } = { ...after.ticket, tags: [...after.ticket.tags] };
  for (const a of [...activities].reverse()) {
    switch (a.kind) {
      case 'status_changed':
        if (typeof a.oldValue === 'string') t.status = a.oldValue as TicketFacts['status'];
        break;
      case 'priority_changed':
        if (typeof a.oldValue === 'string') t.priority = a.oldValue as TicketFacts['priority'];
        break;
      case 'assigned':
        t.assigneeId = typeof a.oldValue === 'string' ? a.oldValue : null;
        break;
      case 'team_changed':
        t.teamId = typeof a.oldValue === 'string' ? a.oldValue : null;
        break;
      case 'tag_added':
        if (typeof a.newValue === 'string') t.tags = t.tags.filter((x) => x.toLowerCase() !== (a.newValue as string).toLowerCase());
        break;
      case 'tag_removed':
        if (typeof a.oldValue === 'string' && !t.tags.some((x) => x.toLowerCase() === (a.oldValue as string).toLowerCase())) t.tags = [...t.tags, a.oldValue];
        break;
    }
  }
  return { ...after, ticket: t };
}
