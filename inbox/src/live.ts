import type { Ticket, TicketListItem, TicketSlaEvent } from '@support/protocol';
import type { AgentSocket } from './api.js';
import { notify } from './lib/notify.js';
import { slaAlertText } from './lib/sla.js';
import { countsUnread, rowStep } from './lib/ticket-list.js';
import { ListGaps } from './list-gaps.js';
import type { InboxStore } from './store.js';

/**
 * Wires the `/agent` socket's live events into the store: connection state (a reconnect
 * resyncs), new tickets and messages (list rows, unread counts, the open thread,
 * notifications as the account's preferences choose; a message that skips seqs has the skipped ones fetched, one already counted
 * is not counted again), outbound email delivery states, ticket and contact changes, typing,
 * viewing, read markers, presence, `sync` hints, and access: a ticket that left the agent's
 * sight is dropped, a change of role or teams reloads what is on screen; inboxes created,
 * renamed or deleted in the settings refresh the inbox menu (a deletion, the screen); SLA
 * countdowns move (`ticket:sla`), and a warning or breach on one of the agent's tickets is
 * announced (`slaAlert`); the routing queues (`routing:queue`) for supervisors.
 */
export function wireLive(store: InboxStore, s: AgentSocket): void {
  s.on('connect', () => {
    store.connected = true;
    const first = !store.everConnected;
    store.everConnected = true;
    store.changed();
    void store.resync(first);
  });
  s.on('disconnect', (reason) => {
    store.connected = false;
    store.changed();
    // Logged out (here or elsewhere) or the session expired: socket.io will not reconnect.
    if (reason === 'io server disconnect') store.stop();
  });
  s.on('connect_error', (err) => {
    const code = (err as Error & { data?: { code?: string } }).data?.code;
    if (code === 'UNAUTHENTICATED' || code === 'SESSION_EXPIRED') store.stop();
  });
  s.on('ticket:new', ({ ticket, message }) => {
    // Known already when a re-published first message (a retry's) came before this event.
    const known = store.list.byId.get(ticket.id);
    store.list.upsert({
      ...ticket,
      conversationId: message?.conversationId ?? known?.conversationId ?? null,
      lastSeq: Math.max(message?.seq ?? 0, known?.lastSeq ?? 0),
      unreadCount: known ? known.unreadCount : message ? 1 : 0,
    });
    if (!known && store.notificationPrefs.newTicket)
      notify(`New ticket #${ticket.number}`, ticket.lastMessagePreview ?? ticket.subject, ticket.id, { sound: store.notificationPrefs.sound });
    store.changed();
  });
  const reading = (ticketId: string) => store.open?.id === ticketId && document.hasFocus();
  const gaps = new ListGaps(store, reading);
  s.on('message:new', ({ message, ticket: patch, activities }) => {
    const fromContact = countsUnread(message);
    const isReading = reading(patch.id);
    const known = store.list.byId.get(patch.id);
    if (store.open?.id === patch.id) {
      store.open.addActivities(activities);
      store.open.addMessage(message, patch);
      if (fromContact && isReading) store.markRead();
    } else store.open?.noteTicket(patch);
    const notifyIfMine = (t: TicketListItem | null | undefined) => {
      if (fromContact && !isReading && t && t.assigneeId === store.agent?.id && store.notificationPrefs.myTickets)
        notify(`#${t.number} ${t.requester.name ?? t.requester.email ?? 'Visitor'}`, message.body, t.id, { sound: store.notificationPrefs.sound });
    };
    const count = (row: TicketListItem) => {
      const step = rowStep(row, message);
      // Counted already (a retry's re-publish, an overtaken event): only a newer ticket state moves the row.
      if (step === 'seen') {
        if (patch.updatedAt > row.updatedAt) store.list.patch(row.id, patch);
        return;
      }
      if (step === 'hole') {
        store.list.patch(row.id, patch);
        gaps.fill(row.id, message.conversationId);
      } else {
        const latest = message.conversationId >= (row.conversationId ?? '') ? { conversationId: message.conversationId, lastSeq: message.seq } : {};
        store.list.patch(row.id, { ...patch, ...latest, unreadCount: fromContact && !isReading ? row.unreadCount + 1 : row.unreadCount });
      }
      notifyIfMine(row);
    };
    if (known) count(known);
    // A ticket not in the list yet: its row is read once, then the message counted against it.
    else
      void store.fetchRow(patch.id).then((row) => {
        const now = row && store.list.byId.get(row.id);
        // The row read counts this message already (it was stored first): only say it arrived.
        if (now && rowStep(now, message) === 'seen') notifyIfMine(now);
        else if (now) count(now);
        store.changed();
      });
    store.changed();
  });
  s.on('ticket:updated', ({ ticket, activities }) => {
    store.applyTicket(ticket);
    if (store.open?.id === ticket.id) store.open.setTicket(ticket, activities);
    else store.open?.noteTicket(ticket);
    store.changed();
  });
  s.on('contact:updated', (c) => {
    const requester = { id: c.id, name: c.name, email: c.email };
    for (const t of [...store.list.byId.values()]) if (t.requester.id === c.id) store.list.patch(t.id, { requester });
    store.open?.setContact(c);
    store.changed();
  });
  s.on('typing', (e) => {
    if (store.open?.id === e.ticketId && e.authorId !== store.agent?.id) store.open.setTyping(e.authorId, e.on, e);
  });
  s.on('viewing', (e) => {
    if (store.open?.id !== e.ticketId || e.userId === store.agent?.id) return;
    if (e.on) store.open.viewers.add(e.userId);
    else store.open.viewers.delete(e.userId);
    store.changed();
  });
  s.on('read', (e) => {
    if (e.side === 'agent') {
      for (const t of store.list.byId.values()) if (t.conversationId === e.conversationId && t.unreadCount) store.list.patch(t.id, { unreadCount: 0 });
    }
    if (store.open?.conversations.some((c) => c.id === e.conversationId)) store.open.setRead(e.conversationId, e.side, e.seq);
    store.changed();
  });
  s.on('presence', (e) => {
    const a = store.agents.get(e.userId);
    if (a) store.agents.set(a.id, { ...a, availability: e.status });
    if (store.agent && e.userId === store.agent.id) store.agent = { ...store.agent, availability: e.status };
    store.changed();
  });
  s.on('message:delivery', (e) => {
    if (store.open?.id === e.ticketId) store.open.setDelivery(e.messageId, e.delivery);
  });
  s.on('ticket:sla', (e) => {
    store.list.patch(e.ticketId, { sla: e.sla });
    if (store.open?.id === e.ticketId) store.open.setSla(e.sla);
    else store.open?.noteTicket({ id: e.ticketId, sla: e.sla });
    if (e.alert) void slaAlert(store, e.ticketId, e.alert);
    store.changed();
  });
  s.on('routing:queue', (e) => store.setQueues(e));
  s.on('ticket:removed', (e) => store.dropTicket(e.ticketId));
  s.on('access:changed', (e) => void store.accessChanged(e));
  s.on('inboxes:changed', (e) => void store.inboxesChanged(e));
  s.on('sync', (e) => {
    setTimeout(() => void store.resync(false), Math.random() * e.withinMs);
  });
}

/**
 * A warning or breach fired on a ticket: when it is assigned to this agent, the store fires
 * `sla-alert` (`detail: { message, kind }`: `ib-app` shows it as a toast) and, if their
 * preferences notify them of their tickets, a desktop notification. A ticket not held yet is
 * read first to know its assignee.
 */
export async function slaAlert(store: InboxStore, ticketId: string, alert: NonNullable<TicketSlaEvent['alert']>): Promise<void> {
  let t: Ticket | null | undefined = store.list.byId.get(ticketId) ?? (store.open?.id === ticketId ? store.open.ticket : undefined);
  t ??= await store.fetchRow(ticketId);
  if (!t || !store.agent || t.assigneeId !== store.agent.id) return;
  const { title, message } = slaAlertText(t, alert);
  store.dispatchEvent(new CustomEvent('sla-alert', { detail: { message, kind: alert.kind === 'breached' ? 'error' : 'info' } }));
  if (store.notificationPrefs.myTickets) notify(title, message, t.id, { sound: store.notificationPrefs.sound });
}
