import type { TicketStatus } from '@support/protocol';
import { STATUSES, type ListFilter } from './ticket-list.js';

/** The list filter of a fresh inbox: every open ticket. Defaults are left out of URLs. */
export const DEFAULT_FILTER: ListFilter = { view: 'all', sort: 'updated', status: 'open', inboxId: null, q: '' };

const VIEWS: ListFilter['view'][] = ['mine', 'unassigned', 'all'];
const isStatus = (s: string): s is TicketStatus => (STATUSES as readonly string[]).includes(s);
/** What a ticket path may hold: checked before asking the server (anything else is "not found"). */
const TICKET_ID = /^tkt_[0-9a-z]{26}$/;

/**
 * The inbox's place, as its URL says it: `/inbox/` or `/inbox/t/<ticket id>`, with the list's
 * filter in the query (`view`, `status` — `any` for every status —, `inbox`, `q`, `sort`). Unknown or
 * malformed values fall back to the defaults. `ticket` is what the ticket path holds (null on
 * the list); `ticketId` is that when it is a well-formed ticket id (else "not found").
 */
export function readUrl(pathname: string, search: string): { filter: ListFilter; ticket: string | null; ticketId: string | null } {
  const p = new URLSearchParams(search);
  const view = p.get('view') as ListFilter['view'] | null;
  const status = p.get('status');
  const inbox = p.get('inbox');
  const filter: ListFilter = {
    view: view && VIEWS.includes(view) ? view : DEFAULT_FILTER.view,
    sort: p.get('sort') === 'sla' ? 'sla' : DEFAULT_FILTER.sort,
    status: status === 'any' ? null : status && isStatus(status) ? status : DEFAULT_FILTER.status,
    inboxId: inbox && /^inb_[0-9a-z]{26}$/.test(inbox) ? inbox : null,
    q: (p.get('q') ?? '').slice(0, 200),
  };
  const m = /^\/inbox\/t\/([^/]*)\/?$/.exec(pathname);
  const ticket = m ? decode(m[1]!) : null;
  return { filter, ticket, ticketId: ticket && TICKET_ID.test(ticket) ? ticket : null };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The URL of a place: the path of the open ticket (or the list) and the filter's non-default values. */
export function urlOf(filter: ListFilter, ticketId: string | null): string {
  const p = new URLSearchParams();
  if (filter.view !== DEFAULT_FILTER.view) p.set('view', filter.view);
  if (filter.status !== DEFAULT_FILTER.status) p.set('status', filter.status ?? 'any');
  if (filter.inboxId) p.set('inbox', filter.inboxId);
  if (filter.q.trim()) p.set('q', filter.q.trim());
  if (filter.sort !== DEFAULT_FILTER.sort) p.set('sort', filter.sort);
  const query = p.toString();
  return `${ticketId ? `/inbox/t/${encodeURIComponent(ticketId)}` : '/inbox/'}${query ? `?${query}` : ''}`;
}

/** Whether two filters ask the server for the same list. */
export const sameFilter = (a: ListFilter, b: ListFilter) => a.view === b.view && a.sort === b.sort && a.status === b.status && a.inboxId === b.inboxId && a.q.trim() === b.q.trim();
