import type { AuthorType, Channel, TicketPriority, TicketStatus, Visibility } from '../model.js';

/**
 * An instant in facts: a `Date` (what a database row holds) or an ISO 8601 string (what a
 * wire DTO holds). Anything that does not parse to a time counts as absent.
 */
export type ConditionInstant = Date | string;

/**
 * What conditions know of a ticket. Ids are wire ids (`inb_…`, `team_…`, `usr_…`); tags are tag
 * names. A wire `Ticket` (model.ts) fits as is; the `…At` fields the wire DTO lacks are for
 * time-based rules and may be left out (they then count as "never").
 */
export interface TicketFacts {
  status: TicketStatus;
  priority: TicketPriority;
  channel: Channel;
  inboxId: string;
  teamId: string | null;
  assigneeId: string | null;
  tags: readonly string[];
  subject: string;
  number?: number;
  createdAt: ConditionInstant;
  updatedAt?: ConditionInstant;
  /** When the customer last wrote (public message by the contact). */
  lastCustomerMessageAt?: ConditionInstant | null;
  /** When an agent last replied in public (internal notes do not count). */
  lastAgentReplyAt?: ConditionInstant | null;
  /** When the status last changed (the ticket's creation if it never did). */
  statusChangedAt?: ConditionInstant | null;
  /** The requester as the wire Ticket carries it; contact name/email fall back to it when `contact` is absent. */
  requester?: { name: string | null; email: string | null } | null;
}

/** What conditions know of the ticket's requester. A wire `Contact` fits as is. */
export interface ContactFacts {
  name: string | null;
  email: string | null;
  attributes: Readonly<Record<string, unknown>>;
}

/** The message an event rule or routing decision is about. */
export interface MessageFacts {
  body: string;
  authorType: AuthorType;
  visibility: Visibility;
  /** The channel it travelled by; the ticket's channel when absent. */
  channel?: Channel;
  attachments?: readonly unknown[];
}

/** Everything a condition may read. `contact` and `message` are optional: fields on them are then "not set". */
export interface ConditionFacts {
  ticket: TicketFacts;
  contact?: ContactFacts | null;
  message?: MessageFacts | null;
}
