import type { Activity, Contact, ContactDetail, Conversation, EmailDelivery, Message, Ticket, TicketPatch, TicketSla, TicketSlaDetail } from '@support/protocol';
import { call, ApiError, type AgentSocket } from './api.js';
import { MessageSet, withDelivery, type PendingMessage } from './lib/thread.js';

/** Newest messages loaded when a ticket opens (the protocol's page maximum). */
export const OPEN_LIMIT = 500;
/** A typing indicator not refreshed within this many ms is dropped. */
export const TYPING_TTL_MS = 6000;

type Typing = { authorType: 'contact' | 'agent'; visibility: 'public' | 'internal'; until: number };

const retryable = (err: unknown) => err instanceof ApiError && ['TIMEOUT', 'UNAVAILABLE', 'RATE_LIMITED'].includes(err.code);

/**
 * The ticket on screen: its thread (deduplicated, in seq order), activities, contact, who
 * else is viewing or typing, and sends in flight. `onChange` is called after every change.
 */
export class OpenTicket {
  ticket: Ticket;
  contact: Contact;
  contactDetail: ContactDetail | null = null;
  conversations: Conversation[];
  readonly messages = new MessageSet();
  activities: Activity[];
  hasMoreBefore: boolean;
  pending: PendingMessage[] = [];
  readonly viewers = new Set<string>();
  /** The ticket's SLA clocks and their history (`sla:get`); null until read, or when it could not be. */
  sla: TicketSlaDetail | null = null;
  private slaSeq = 0;
  readonly typing = new Map<string, Typing>();
  /** Delivery states that arrived before their message (a send's ack can trail the worker). */
  private readonly earlyDelivery = new Map<string, EmailDelivery>();
  /** Whether the contact's details are read (the role has `contacts.read`). */
  private contacts = true;
  /** Conversations being read to fill a hole; true when another hole showed meanwhile. */
  private readonly filling = new Map<string, boolean>();

  private constructor(
    private readonly socket: AgentSocket,
    private readonly onChange: () => void,
    d: { ticket: Ticket; contact: Contact; conversations: Conversation[]; messages: Message[]; activities: Activity[]; hasMoreBefore: boolean },
  ) {
    this.ticket = d.ticket;
    this.contact = d.contact;
    this.conversations = d.conversations;
    this.messages.setConversations(d.conversations.map((c) => c.id));
    this.messages.add(d.messages);
    // The newest messages, read in one statement: nothing is missing after the first one held.
    for (const c of d.conversations) this.messages.markComplete(c.id, this.messages.lastSeq(c.id));
    this.activities = d.activities;
    this.hasMoreBefore = d.hasMoreBefore;
  }

  /** Loads a ticket's newest messages, its contact sidebar (unless `contacts` is false: a role without `contacts.read`), and announces that we view it. */
  static async load(socket: AgentSocket, ticketId: string, onChange: () => void, o: { contacts?: boolean } = {}): Promise<OpenTicket> {
    const detail = await call(socket, 'ticket:get', { ticketId, limit: OPEN_LIMIT });
    const t = new OpenTicket(socket, onChange, detail);
    t.contacts = o.contacts ?? true;
    void t.refreshSide();
    void t.refreshSla();
    return t;
  }

  get id(): string {
    return this.ticket.id;
  }

  private async refreshSide(): Promise<void> {
    const [side, view] = await Promise.allSettled([
      this.contacts ? call(this.socket, 'contact:get', { contactId: this.contact.id }) : Promise.reject(new Error('no contacts.read')),
      call(this.socket, 'ticket:view', { ticketId: this.id }),
    ]);
    if (side.status === 'fulfilled') this.contactDetail = side.value;
    if (view.status === 'fulfilled') {
      this.viewers.clear();
      for (const v of view.value.viewers) this.viewers.add(v);
    }
    this.onChange();
  }

  /**
   * After a reconnect or a `sync` hint: the ticket, its activities and conversations again,
   * then every message after the seq held through, page by page. Nothing is shown twice.
   */
  async catchUp(): Promise<void> {
    const d = await call(this.socket, 'ticket:get', { ticketId: this.id, limit: 1 });
    this.ticket = d.ticket;
    this.contact = d.contact;
    this.conversations = d.conversations;
    this.activities = d.activities;
    this.messages.setConversations(d.conversations.map((c) => c.id));
    for (const c of d.conversations) await this.pull(c.id);
    await Promise.all([this.refreshSide(), this.refreshSla()]);
  }

  /**
   * Reads the SLA clocks and their history again (on open, after a reconnect, on `ticket:sla`
   * for this ticket). Of reads that overlap, the last one asked for wins; a failed read keeps
   * what is shown.
   */
  async refreshSla(): Promise<void> {
    const seq = ++this.slaSeq;
    const d = await call(this.socket, 'sla:get', { ticketId: this.id }).catch(() => null);
    if (!d || seq !== this.slaSeq) return;
    this.sla = d;
    this.onChange();
  }

  /** `ticket:sla`: the ticket's countdown changed (its clocks are read again). */
  setSla(sla: TicketSla | null): void {
    this.ticket = { ...this.ticket, sla };
    this.noteTicket({ id: this.id, sla });
    void this.refreshSla();
    this.onChange();
  }

  /** Reads a conversation from storage after the seq held through, page by page. */
  private async pull(conversationId: string): Promise<void> {
    for (;;) {
      const page = await call(this.socket, 'messages:list', { conversationId, afterSeq: this.messages.heldThrough(conversationId), limit: 500 });
      this.messages.add(page.messages);
      const last = page.messages.at(-1);
      if (last) this.messages.markComplete(conversationId, last.seq);
      if (!page.hasMore || !last) return;
    }
  }

  /**
   * Fetches what a live message skipped (events lost between nodes, or overtaken): one read per
   * conversation at a time, read again when another hole showed meanwhile. A failed read is
   * left to the next reconnect or `sync`, which starts from the same seq.
   */
  private async fill(conversationId: string): Promise<void> {
    if (this.filling.has(conversationId)) return void this.filling.set(conversationId, true);
    try {
      do {
        this.filling.set(conversationId, false);
        await this.pull(conversationId);
      } while (this.filling.get(conversationId));
    } catch {
      /* offline: the reconnect catches up */
    } finally {
      this.filling.delete(conversationId);
    }
    this.onChange();
  }

  /** Older messages before the first one held ("load earlier"). */
  async loadEarlier(): Promise<void> {
    const first = this.messages.list()[0];
    if (!first) return;
    const page = await call(this.socket, 'messages:list', { conversationId: first.conversationId, beforeSeq: first.seq, limit: 200 });
    this.messages.add(page.messages);
    this.hasMoreBefore = page.hasMore;
    this.onChange();
  }

  /** A live message of this ticket (or a send's ack); a hole before it is fetched. Returns whether it was new. */
  addMessage(m: Message, patch?: TicketPatch): boolean {
    if (patch) {
      this.ticket = { ...this.ticket, ...patch };
      this.noteTicket(patch);
    }
    const added = !this.messages.has(m.id);
    if (this.messages.addLive(m)) void this.fill(m.conversationId);
    const early = this.earlyDelivery.get(m.id);
    if (early) {
      this.earlyDelivery.delete(m.id);
      this.setDelivery(m.id, early);
    }
    if (m.clientMessageId) this.pending = this.pending.filter((p) => p.clientMessageId !== m.clientMessageId);
    this.typing.delete(m.authorId ?? '');
    this.onChange();
    return added;
  }

  /**
   * `message:delivery`: the outbound email of a message changed state. An older state
   * (by `updatedAt`) never replaces a newer one; a message not held yet gets it when it arrives.
   */
  setDelivery(messageId: string, delivery: EmailDelivery): void {
    const m = this.messages.get(messageId);
    if (!m) {
      this.earlyDelivery.set(messageId, delivery);
      return;
    }
    // A chat reply sent on by email: its email part was added after we got it. Fetch it again.
    if (!m.email) return void this.refetchEmail(m, delivery);
    const next = withDelivery(m, delivery);
    if (!next) return;
    this.messages.replace(next);
    this.onChange();
  }

  private async refetchEmail(m: Message, delivery: EmailDelivery): Promise<void> {
    const page = await call(this.socket, 'messages:list', { conversationId: m.conversationId, afterSeq: m.seq - 1, limit: 1 }).catch(() => null);
    const fresh = page?.messages.find((x) => x.id === m.id);
    if (!fresh?.email) return;
    const held = this.messages.get(m.id);
    // Another event's fetch may have brought a newer state meanwhile: keep the newest.
    if (held?.email) return this.setDelivery(m.id, fresh.email.delivery ?? delivery);
    this.messages.replace(withDelivery(fresh, delivery) ?? fresh);
    this.onChange();
  }

  /** `contact:updated`: the requester's name, email or attributes changed (the header and the sidebar show it). */
  setContact(c: Contact): void {
    if (c.id !== this.contact.id) return;
    this.contact = c;
    if (this.contactDetail) this.contactDetail = { ...this.contactDetail, contact: c };
    if (this.ticket.requester.id === c.id) this.ticket = { ...this.ticket, requester: { id: c.id, name: c.name, email: c.email } };
    this.onChange();
  }

  /** A ticket changed: the contact sidebar's list of their tickets shows it as it is now. */
  noteTicket(t: Partial<Ticket> & { id: string }): void {
    const list = this.contactDetail?.tickets;
    if (!list?.some((x) => x.id === t.id)) return;
    this.contactDetail = { ...this.contactDetail!, tickets: list.map((x) => (x.id === t.id ? { ...x, ...t } : x)) };
    this.onChange();
  }

  addActivities(acts: Activity[]): void {
    const known = new Set(this.activities.map((a) => a.id));
    const fresh = acts.filter((a) => !known.has(a.id));
    if (fresh.length) this.activities = [...this.activities, ...fresh];
  }

  setTicket(t: Ticket, acts: Activity[]): void {
    this.ticket = t;
    this.addActivities(acts);
    this.noteTicket(t);
    this.onChange();
  }

  setTyping(authorId: string, on: boolean, t: Omit<Typing, 'until'>, now = Date.now()): void {
    if (on) this.typing.set(authorId, { ...t, until: now + TYPING_TTL_MS });
    else this.typing.delete(authorId);
    this.onChange();
  }

  /** Typing indicators still fresh at `now`. */
  typingNow(now = Date.now()): [string, Typing][] {
    return [...this.typing].filter(([, t]) => t.until > now);
  }

  /** The newest seq of the latest conversation (what `read` marks). */
  latest(): { conversationId: string; seq: number } | null {
    const c = this.conversations[this.conversations.length - 1];
    return c ? { conversationId: c.id, seq: Math.max(c.lastSeq, this.messages.lastSeq(c.id)) } : null;
  }

  setRead(conversationId: string, side: 'contact' | 'agent', seq: number): void {
    this.conversations = this.conversations.map((c) =>
      c.id !== conversationId ? c : side === 'contact' ? { ...c, contactLastReadSeq: Math.max(c.contactLastReadSeq, seq) } : { ...c, agentLastReadSeq: Math.max(c.agentLastReadSeq, seq) },
    );
    this.onChange();
  }

  /**
   * Sends a reply or note (with uploaded `attachmentIds`), shown as pending until stored. Retries with the same
   * clientMessageId (safe: the server stores it once) while the server is busy or away.
   */
  async send(body: string, visibility: 'public' | 'internal', clientMessageId: string = crypto.randomUUID(), attachmentIds: string[] = []): Promise<void> {
    this.pending = [...this.pending.filter((p) => p.clientMessageId !== clientMessageId), { clientMessageId, body, visibility, createdAt: new Date().toISOString(), attachmentIds }];
    this.onChange();
    for (let attempt = 0; ; attempt++) {
      try {
        const m = await call(this.socket, 'message:send', { ticketId: this.id, body, clientMessageId, visibility, ...(attachmentIds.length ? { attachmentIds } : {}) });
        this.addMessage(m);
        return;
      } catch (err) {
        if (!retryable(err) || attempt >= 5) {
          this.pending = this.pending.map((p) => (p.clientMessageId === clientMessageId ? { ...p, failed: true } : p));
          this.onChange();
          throw err;
        }
        await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
      }
    }
  }
}
