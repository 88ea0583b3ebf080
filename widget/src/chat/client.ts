import type { Ack, Attachment, Message, TeamHours, WidgetClientToServer, WidgetConversation, WidgetHistoryResult, WidgetIdentify, WidgetIdentity, WidgetQueue, WidgetSession } from '@support/protocol';
import { Outbox, type Pending } from '../lib/outbox.js';
import { laterRead, VisitorStore, type Profile } from './visitor-store.js';
import { ConversationState } from './conversation.js';
import { Sender } from './sender.js';
import { Typing } from './typing.js';
import { request, watchPage, widgetSocket, type WidgetSocket } from './transport.js';
import { downloadFile, uploadFile } from './files.js';

const RETRY_MS = 2000;

type Options = {
  base: string;
  inboxId: string;
  agentsOnline: boolean;
  hours: TeamHours;
  onMessage(m: Message): void;
  onUnread(n: number): void;
  /** Another tab shut the widget down (logout): drop this tab's panel too. */
  onForgotten(): void;
};

/** A fresh idempotency key; getRandomValues works on plain-http pages too, randomUUID does not. */
const newClientId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The visitor's side of the `/widget` protocol: session (token in localStorage), catch-up by
 * seq after every (re)connect, an outbox that survives reloads and sends each message once and
 * in order, typing and read markers, availability. UI components subscribe for changes.
 */
export class ChatClient {
  readonly outbox: Outbox;
  readonly state: ConversationState;
  agentsOnline: boolean;
  /** The team's hours when the widget follows them (else null); re-read at each change of `open`. */
  hours: TeamHours = null;
  private hoursTimer: ReturnType<typeof setTimeout> | undefined;
  ready = false;
  /** The conversation's place in the routing queue (`queue` event, `session.queue`); null when it does not wait. */
  queue: WidgetQueue | null = null;
  failed: Pending[] = [];
  /** Details the server asked for before it takes the first message (PRECHAT_REQUIRED). */
  missing: string[] = [];
  profile: Profile;
  private readonly socket: WidgetSocket;
  private readonly sender: Sender;
  private readonly listeners = new Set<() => void>();
  private readonly waiters: (() => void)[] = [];
  private readonly store: VisitorStore;
  private contactId: string | null = null;
  private open = false;
  private stopped = false;
  private identifying: Promise<unknown> | null = null;
  private readonly typingState = new Typing(
    (on) => this.socket.emit('typing', { on }),
    () => this.ready,
    () => this.changed(),
  );
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly off: (() => void)[] = [];

  constructor(private readonly o: Options) {
    this.store = new VisitorStore(o.inboxId);
    this.outbox = new Outbox(this.store.storage, this.store.k.outbox);
    this.agentsOnline = o.agentsOnline;
    this.setHours(o.hours);
    this.profile = this.store.profile;
    this.state = new ConversationState(this.store.read);
    this.socket = widgetSocket(o.base);
    this.sender = new Sender({
      outbox: this.outbox,
      lockName: `sw-outbox-${o.inboxId}`,
      send: (p) =>
        this.call<Message>('message:send', { body: p.body, clientMessageId: p.clientMessageId, ...(p.files?.length ? { attachmentIds: p.files.map((f) => f.id) } : {}) }),
      canSend: () => this.ready,
      isStored: (id) => this.state.timeline.hasClientId(id),
      before: () => this.identifying,
      delivered: (m) => {
        this.state.ownMessage(m);
        this.receive([m], true);
      },
      rejected: (p) => {
        this.failed = [...this.failed, p];
        this.changed();
      },
      held: (missing) => {
        this.missing = missing;
        this.changed();
      },
    });
  }

  /** Connects and keeps the session alive until `stop`. */
  start(): void {
    const s = this.socket;
    s.on('connect', () => void this.startSession());
    s.on('disconnect', () => this.setReady(false));
    s.on('message:new', (m) => this.receive([m], true));
    s.on('conversation:new', (c) => void this.adoptIfOurs(c));
    s.on('typing', (e) => this.typingState.fromAgent(e));
    s.on('read', (e) => this.state.agentRead(e.conversationId, e.seq) && this.changed());
    s.on('availability', (e) => ((this.agentsOnline = e.agentsOnline), this.changed()));
    s.on('queue', (e) => ((this.queue = e), this.changed()));
    s.on('ticket:status', (e) => this.state.ticketStatus(e.ticketId, e.status) && this.changed());
    s.on('sync', (e) => void setTimeout(() => void this.catchUp(), Math.random() * e.withinMs));
    this.off.push(
      watchPage({
        storage: (e) => {
          const k = this.store.k;
          if (e.key === k.unread) return; // every tab computes its own; echoing it would ping-pong
          if (e.key === k.token && !e.newValue) return this.o.onForgotten();
          if (e.key === k.token || e.key === k.contact) return void this.startSession();
          if (e.key === k.read) this.state.read = laterRead(this.state.read, this.store.read);
          if (e.key === k.profile) this.profile = this.store.profile;
          this.changed();
        },
        // Navigator offline: stop at once instead of waiting for a ping timeout; reconnect when back.
        offline: () => s.disconnect(),
        online: () => s.connect(),
        visible: () => this.markRead(),
      }),
    );
    s.connect();
  }

  /** Away: nobody online, or outside the team's hours when the widget follows them. */
  get away(): boolean {
    return !this.agentsOnline || this.hours?.open === false;
  }

  /** Takes the team's hours and, at their next change (open or close), reads them again. */
  private setHours(h: TeamHours): void {
    this.hours = h;
    clearTimeout(this.hoursTimer);
    const next = h && (h.closesAt ?? h.backAt);
    if (!next || this.stopped) return;
    // Timers past ~24.8 days overflow; a day is plenty, it re-arms.
    const ms = Math.min(Math.max(Date.parse(next) - Date.now(), 0) + 1000, 864e5);
    this.hoursTimer = setTimeout(() => {
      fetch(`${this.o.base}/api/widget/config?inbox=${this.o.inboxId}`, { cache: 'no-store' })
        .then((r) => r.json())
        .then((c: { hours?: TeamHours }) => (this.setHours(c.hours ?? null), this.changed()))
        .catch(() => this.setHours(h));
    }, ms);
  }

  stop(): void {
    // A stopped client (shutdown here or in another tab) never writes to storage again: the
    // keys another tab just forgot must stay gone.
    this.stopped = true;
    this.off.forEach((f) => f());
    clearTimeout(this.retry);
    clearTimeout(this.hoursTimer);
    this.typingState.stop();
    this.sender.stop();
    this.socket.disconnect();
    this.listeners.clear();
  }

  /** Calls `fn` after every state change; returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get unread(): number {
    return this.state.unread;
  }

  get timeline() {
    return this.state.timeline;
  }
  get conversation(): WidgetConversation | null {
    return this.state.current;
  }
  get closed(): boolean {
    return this.state.closed;
  }

  /** Messages written here or in another tab that the server has not acknowledged. */
  get pending(): Pending[] {
    return this.outbox.list().filter((p) => !this.state.timeline.hasClientId(p.clientMessageId));
  }

  setOpen(open: boolean): void {
    this.open = open;
    this.markRead();
  }

  /** Queues a message (persisted) with files already uploaded, and sends the queue in order as soon as the session is up. */
  send(body: string, files: Attachment[] = []): void {
    this.outbox.add({ clientMessageId: newClientId(), body, createdAt: new Date().toISOString(), files });
    this.typing(false);
    this.changed();
    void this.sender.flush();
  }

  /** Uploads a file for the next message; `UNAVAILABLE` while offline (a file cannot wait in the outbox). */
  upload(file: File): Promise<Ack<Attachment>> {
    const token = this.store.token;
    if (!this.ready || !token) return Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'offline' } });
    return uploadFile(this.o.base, token, file);
  }

  /** Saves an attachment of a message (fetched with the visitor token); false when that failed. */
  download(a: Attachment): Promise<boolean> {
    return downloadFile(this.o.base, this.store.token ?? '', a);
  }

  /** Name of the agent typing a reply now, or null. */
  get agentTyping(): string | null {
    return this.typingState.agent;
  }

  /** The visitor typed (`on`, the default) or stopped. */
  typing(on = true): void {
    this.typingState.visitor(on);
  }

  /** Identifies the visitor; messages queued meanwhile are sent after it, as the identified contact. */
  identify(p: WidgetIdentify): Promise<Ack<WidgetIdentity>> {
    const run = this.whenReady().then(async () => {
      const r = await this.call<WidgetIdentity>('identify', p);
      if (!r.ok) return r;
      this.missing = [];
      this.saveProfile({ name: r.data.name, email: r.data.email });
      this.store.setContact(r.data.contactId);
      if (this.contactId !== r.data.contactId) {
        this.contactId = r.data.contactId;
        this.queue = null;
        this.state.forget();
        this.setConversation(r.data.conversation);
        await this.catchUp();
      }
      this.changed();
      return r;
    });
    this.identifying = run;
    return run.finally(() => {
      if (this.identifying === run) this.identifying = null;
      void this.sender.flush();
    });
  }

  async setAttributes(attributes: Record<string, string | number | boolean | null>): Promise<Ack<null>> {
    await this.whenReady();
    return this.call<null>('attributes:set', { attributes });
  }

  /** Revokes the token on the server and forgets everything this browser kept for the inbox. */
  async shutdown(): Promise<void> {
    if (this.ready) await this.call<null>('session:end', {});
    this.store.forget();
    this.stop();
  }

  saveProfile(p: Profile): void {
    this.profile = { ...this.profile, ...p };
    this.store.profile = this.profile;
    this.changed();
  }

  private async startSession(): Promise<void> {
    this.setReady(false);
    const token = this.store.token;
    const inboxId = this.o.inboxId;
    let r = await this.call<WidgetSession>('session:start', token ? { inboxId, token } : { inboxId });
    if (!r.ok && (r.error.code === 'SESSION_INVALID' || r.error.code === 'SESSION_EXPIRED')) {
      this.store.token = null;
      r = await this.call<WidgetSession>('session:start', { inboxId });
    }
    if (!r.ok) {
      // Busy or restarting: try again shortly on the same socket.
      if (this.socket.connected) this.retry = setTimeout(() => void this.startSession(), RETRY_MS);
      return;
    }
    const s = r.data;
    this.store.token = s.token;
    this.store.setContact(s.contactId);
    if (this.contactId !== s.contactId) {
      // Another contact (identify in another tab, a new session): its history, not the old one.
      this.contactId = s.contactId;
      this.state.forget();
    }
    this.agentsOnline = s.agentsOnline;
    this.queue = s.queue;
    this.setHours(s.hours);
    const previous = this.state.current;
    this.setConversation(s.conversation);
    this.setReady(true);
    // Replies to a conversation closed while we were away.
    if (previous && previous.id !== s.conversation?.id) await this.catchUp(previous.id);
    await this.catchUp();
    void this.sender.flush();
  }

  /**
   * Adopts a `conversation:new` only when it is this socket's current conversation. The server
   * already sends it only to sockets of the ticket's inbox; this check is the second wall
   * (an identified user may chat on two sites).
   */
  private async adoptIfOurs(c: WidgetConversation): Promise<void> {
    const r = await this.call<WidgetHistoryResult>('history', { limit: 1 });
    if (!r.ok || r.data.conversationId !== c.id) return;
    this.setConversation(c);
    await this.catchUp();
  }

  private setConversation(c: WidgetConversation | null): void {
    this.state.setCurrent(c);
    this.changed();
  }

  /** Fetches everything after the seq held through for a conversation (the current one by default). */
  private async catchUp(conversationId = this.state.current?.id): Promise<void> {
    while (conversationId && this.ready) {
      const r = await this.call<WidgetHistoryResult>('history', { conversationId, afterSeq: this.state.after(conversationId), limit: 500 });
      if (!r.ok) return;
      this.receive(r.data.messages, false);
      if (!r.data.hasMore || !r.data.messages.length) return;
    }
  }

  /** Adds messages; live ones only for conversations of this inbox (see ConversationState). A live one past a hole fetches the hole. */
  private receive(messages: Message[], live: boolean): void {
    const { added, hole } = this.state.add(messages, live);
    if (hole) void this.catchUp(messages[0]!.conversationId);
    for (const m of added) {
      if (m.clientMessageId) this.outbox.remove(m.clientMessageId);
      if (live) this.o.onMessage(m);
    }
    if (added.length) {
      if (added.some((m) => m.authorType !== 'contact')) this.typingState.agentDone();
      this.markRead();
      this.changed();
    }
  }

  private markRead(): void {
    const seq = this.open && document.visibilityState === 'visible' ? this.state.markSeen() : null;
    if (seq !== null) {
      this.store.read = this.state.read;
      if (this.ready) this.socket.emit('read', { seq });
    }
    this.changed();
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    if (!ready) this.typingState.disconnected();
    if (ready) this.waiters.splice(0).forEach((w) => w());
    this.changed();
  }

  private whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  private call<T>(event: keyof WidgetClientToServer, payload: unknown): Promise<Ack<T>> {
    return request<T>(this.socket, event, payload);
  }

  private changed(): void {
    if (!this.stopped) {
      this.store.unread = this.unread;
      // The loader preloads the panel on the next page view while a conversation is under way.
      this.store.active = Boolean(this.state.current) && !this.state.closed;
    }
    this.o.onUnread(this.unread);
    this.listeners.forEach((fn) => fn());
  }
}
