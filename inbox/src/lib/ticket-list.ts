import type { Message, Ticket, TicketListItem, TicketStatus } from '@support/protocol';

/** Every ticket status, in workflow order (written out: a value import of the protocol package would bundle zod). */
export const STATUSES: readonly TicketStatus[] = ['open', 'pending', 'resolved', 'closed'];

export type ListFilter = {
  view: 'mine' | 'unassigned' | 'all';
  /** The order: latest activity first (`updated`), or time to breach (`sla`). */
  sort: 'updated' | 'sla';
  /** `null`: every status. */
  status: TicketStatus | null;
  inboxId: string | null;
  q: string;
};

/** Whether a ticket belongs in the list for `f`, as the server's `tickets:list` decides it. */
export function matches(t: Ticket, f: ListFilter, me: string): boolean {
  if (f.view === 'mine' && t.assigneeId !== me) return false;
  if (f.view === 'unassigned' && t.assigneeId !== null) return false;
  if (f.status && t.status !== f.status) return false;
  if (f.inboxId && t.inboxId !== f.inboxId) return false;
  const q = f.q.trim().toLowerCase();
  if (q) {
    const hash = /^#(\d{1,9})$/.exec(q);
    if (hash) return t.number === Number(hash[1]);
    const hay = [t.subject, t.requester.name ?? '', t.requester.email ?? ''].map((s) => s.toLowerCase());
    if (!hay.some((s) => s.includes(q)) && !(/^\d{1,9}$/.test(q) && t.number === Number(q))) return false;
  }
  return true;
}

/**
 * What a live message means for the list row of its ticket:
 * - `seen`: at or below the seq the row was read or counted through (a message published
 *   again after a retry, or one overtaken by a later one): counted already, and its ticket
 *   state is no newer than the row's;
 * - `next`: the next seq of the row's conversation (or a message of an older conversation,
 *   not tracked by seq): count it;
 * - `hole`: seqs between the row's and this one never arrived: read them from storage
 *   after `row.lastSeq` and count what was missed, this message included.
 * A newer conversation than the row's starts from seq 0.
 */
export function rowStep(row: TicketListItem, m: Message): 'seen' | 'next' | 'hole' {
  const conv = row.conversationId;
  if (conv && m.conversationId < conv) return 'next';
  const last = m.conversationId === conv ? row.lastSeq : 0;
  return m.seq <= last ? 'seen' : m.seq === last + 1 ? 'next' : 'hole';
}

/** Whether a message counts as unread for agents (the server's rule: a contact wrote it). */
export const countsUnread = (m: Message) => m.authorType === 'contact' && m.visibility === 'public';

/** Sort order of every list: last activity first, then id (as the server's keyset). */
export function newerFirst(a: Ticket, b: Ticket): number {
  return a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Time-to-breach order (the server's `sort: 'sla'`): the soonest SLA due time first, then the
 * tickets without one, each by id ascending. Due times are ISO strings of one format, so
 * they compare as text.
 */
export function soonestDueFirst(a: Ticket, b: Ticket): number {
  const x = a.sla?.dueAt ?? null;
  const y = b.sla?.dueAt ?? null;
  if (x !== y) {
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The comparator of a list order. */
export const orderOf = (sort: ListFilter['sort']) => (sort === 'sla' ? soonestDueFirst : newerFirst);

/**
 * The rows of the current list: every ticket known to the client by id, and the ordered ids
 * of those that match the filter, in the filter's order. Live changes go through `upsert`,
 * which moves, inserts or drops the row; pages from the server go through `addPage`. While
 * `more` pages are to come, a row that would sort after the last loaded one is left out: the
 * page that holds it brings it in its place.
 */
export class TicketList {
  readonly byId = new Map<string, TicketListItem>();
  ids: string[] = [];
  /** Whether the server has rows after the loaded ones (a next cursor). */
  more = false;

  constructor(
    public filter: ListFilter,
    public me: string,
  ) {}

  /** Replaces the rows with a fresh first page (known tickets stay in `byId`). */
  reset(items: TicketListItem[]): void {
    this.ids = [];
    this.addPage(items);
  }

  addPage(items: TicketListItem[]): void {
    const seen = new Set(this.ids);
    for (const t of items) {
      this.byId.set(t.id, t);
      if (!seen.has(t.id)) {
        this.ids.push(t.id);
        seen.add(t.id);
      }
    }
    const cmp = orderOf(this.filter.sort);
    this.ids.sort((a, b) => cmp(this.byId.get(a)!, this.byId.get(b)!));
  }

  /** Stores the new state of a ticket and moves its row (in, out, or to its new place). */
  upsert(t: TicketListItem): void {
    this.byId.set(t.id, t);
    const at = this.ids.indexOf(t.id);
    if (at >= 0) this.ids.splice(at, 1);
    if (!matches(t, this.filter, this.me)) return;
    const cmp = orderOf(this.filter.sort);
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(this.byId.get(this.ids[mid]!)!, t) <= 0) lo = mid + 1;
      else hi = mid;
    }
    if (this.more && lo === this.ids.length && lo > 0) return;
    this.ids.splice(lo, 0, t.id);
  }

  /** Merges fields into a known ticket (a `TicketPatch`, a new unread count); false if unknown. */
  patch(id: string, fields: Partial<TicketListItem>): boolean {
    const t = this.byId.get(id);
    if (!t) return false;
    this.upsert({ ...t, ...fields });
    return true;
  }

  /** Forgets a ticket (it left this agent's sight). */
  remove(id: string): void {
    this.byId.delete(id);
    const at = this.ids.indexOf(id);
    if (at >= 0) this.ids.splice(at, 1);
  }

  rows(): TicketListItem[] {
    return this.ids.map((id) => this.byId.get(id)!);
  }
}
