import type { AccessChangedEvent, Agent, RoutingQueueEvent, RoutingQueueSummary, Availability, InboxesChangedEvent, InboxSummary, NotificationPrefs, Permission, SessionInfo, Team, Ticket, TicketListItem, WorkspaceSummary } from '@support/protocol';
import { agentSocket, ApiError, call, login, logout, me, rest, type AgentSocket } from './api.js';
import { countsUnread, TicketList, type ListFilter } from './lib/ticket-list.js';
import { OpenTicket } from './open-ticket.js';
import { wireLive } from './live.js';
import { DEFAULT_FILTER, readUrl, sameFilter, urlOf } from './lib/url-state.js';

/** First page, and the pages loaded while scrolling (the protocol's maximum). */
const PAGE = 50;
const MORE = 100;

/**
 * The inbox's state and its one `/agent` socket. Components read it and listen for `change`.
 * Live events update the list and the open ticket in place; after a reconnect or a `sync`
 * hint the list page and the open thread are fetched again (by seq, without duplicates).
 */
export class InboxStore extends EventTarget {
  agent: Agent | null = null;
  /** What the agent's role allows in this workspace (updated live by `access:changed`). */
  permissions: Permission[] = [];
  /** The session's workspace (its name and logo: the header shows the logo), and every workspace the agent can switch to. */
  workspace: SessionInfo['workspace'] | null = null;
  workspaces: WorkspaceSummary[] = [];
  /** What the inbox notifies them of (their account's choice; the Account page changes it). */
  notificationPrefs: NotificationPrefs = { newTicket: true, myTickets: true, sound: true };
  /** 'login' until authenticated; 'ready' afterwards (even while reconnecting). */
  phase: 'boot' | 'login' | 'ready' = 'boot';
  connected = false;
  loginError = '';
  socket: AgentSocket | null = null;
  list = new TicketList({ ...DEFAULT_FILTER }, '');
  nextCursor: string | null = null;
  loadingMore = false;
  agents = new Map<string, Agent>();
  teams: Team[] = [];
  inboxes: InboxSummary[] = [];
  /** The routing queues (members with `reports.read`): `GET /api/routing/queue`, then `routing:queue`; null until known or when not allowed. */
  queues: RoutingQueueSummary[] | null = null;
  /** Counts `routing:queue` events, so a slower read does not overwrite a newer event. */
  private queueEvents = 0;
  open: OpenTicket | null = null;
  /** The ticket asked for (a link, the URL) that does not exist here: shown as "not found". */
  missing: string | null = null;
  /** Why the ticket asked for could not be opened, when it is not "not found" (retry). */
  openError = '';
  /** Whether the socket has connected before (a later connect is a reconnect). */
  everConnected = false;
  private listSeq = 0;
  private openSeq = 0;
  /** `fetchRow` loads in flight, by ticket id. */
  private readonly rowLoads = new Map<string, Promise<TicketListItem | null>>();

  changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  async boot(): Promise<void> {
    this.list.filter = readUrl(location.pathname, location.search).filter;
    try {
      const session = await me();
      if (session) return this.start(session);
    } catch {
      /* the login screen says what fails next */
    }
    this.phase = 'login';
    this.changed();
  }

  async login(email: string, password: string): Promise<void> {
    try {
      const session = await login(email, password);
      this.start(session);
    } catch (err) {
      this.loginError = (err as Error).message;
      this.changed();
    }
  }

  async logout(): Promise<void> {
    await logout().catch(() => {});
    this.stop();
  }

  /** Back to the login screen (logged out here or elsewhere, or the session ended). */
  stop(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.open = null;
    this.missing = null;
    this.agent = null;
    this.phase = 'login';
    this.connected = false;
    this.everConnected = false;
    this.changed();
  }

  /** The workspace's name or logo changed (its settings were saved here). */
  setWorkspace(w: SessionInfo['workspace']): void {
    this.workspace = w;
    this.changed();
  }

  /** Whether the agent's role lets them see contacts (the contact sidebar). */
  get seesContacts(): boolean {
    return this.permissions.includes('contacts.read');
  }

  /** Whether the agent's role lets them see the routing queues (`reports.read`). */
  get seesQueues(): boolean {
    return this.permissions.includes('reports.read');
  }

  /** A `routing:queue` event: the queues as they are now. */
  setQueues(e: RoutingQueueEvent): void {
    this.queueEvents++;
    this.queues = e.queues;
    this.changed();
  }

  /** Reads the queues again (null when not allowed, or when the read fails). */
  private async loadQueues(): Promise<void> {
    if (!this.seesQueues) return void (this.queues = null);
    const before = this.queueEvents;
    const r = await rest<RoutingQueueEvent>('GET', '/api/routing/queue').catch(() => null);
    if (this.queueEvents === before) this.queues = r?.queues ?? null;
  }

  /** Moves to another workspace of theirs: a session for it (the cookie), then the app loads again in it. */
  async switchWorkspace(workspaceId: string): Promise<void> {
    await rest('POST', '/api/auth/switch', { workspaceId });
    location.assign('/inbox/');
  }

  private start(session: SessionInfo): void {
    const agent = session.agent;
    this.agent = agent;
    this.permissions = session.permissions;
    this.workspace = session.workspace;
    this.workspaces = session.workspaces;
    this.notificationPrefs = session.notificationPrefs;
    this.loginError = '';
    this.list.me = agent.id;
    this.phase = 'ready';
    const s = agentSocket();
    this.socket = s;
    wireLive(this, s);
    s.connect();
    this.changed();
  }

  /** Everything on screen fetched again: agents, teams, the list page, the open ticket. */
  async resync(first: boolean): Promise<void> {
    const s = this.socket;
    if (!s) return;
    try {
      const [agents, teams, inboxes] = await Promise.all([call(s, 'agents:list', {}), call(s, 'teams:list', {}), call(s, 'inboxes:list', {}), this.loadQueues()]);
      this.agents = new Map(agents.map((a) => [a.id, a]));
      this.teams = teams;
      this.inboxes = inboxes;
      const mine = this.agents.get(this.agent!.id);
      if (mine) this.agent = mine;
      await this.reloadList();
      if (this.open && !first) {
        await this.open.catchUp();
        if (document.hasFocus()) this.markRead();
      } else if (first) this.openFromUrl();
    } catch {
      /* the next reconnect or sync tries again */
    }
    this.changed();
  }

  /**
   * The list row of a ticket this client did not know (a message on it arrived): its latest
   * conversation and that conversation's seq, and as unread count the contact messages after
   * the agents' read marker among its newest 50. Read once while several messages arrive.
   */
  fetchRow(ticketId: string): Promise<TicketListItem | null> {
    let load = this.rowLoads.get(ticketId);
    if (!load) {
      load = this.loadRow(ticketId).finally(() => this.rowLoads.delete(ticketId));
      this.rowLoads.set(ticketId, load);
    }
    return load;
  }

  private async loadRow(ticketId: string): Promise<TicketListItem | null> {
    if (!this.socket) return null;
    const d = await call(this.socket, 'ticket:get', { ticketId, limit: 50 }).catch(() => null);
    if (!d) return null;
    const readTo = new Map(d.conversations.map((c) => [c.id, c.agentLastReadSeq]));
    const unreadCount = d.messages.filter((m) => countsUnread(m) && m.seq > (readTo.get(m.conversationId) ?? 0)).length;
    const latest = d.conversations.at(-1);
    const item = { ...d.ticket, conversationId: latest?.id ?? null, lastSeq: latest?.lastSeq ?? 0, unreadCount };
    this.list.upsert(item);
    this.changed();
    return item;
  }

  /** A full ticket from an event, keeping the row's unread count, conversation and seq. */
  applyTicket(t: Ticket): void {
    const known = this.list.byId.get(t.id);
    this.list.upsert({ ...t, conversationId: known?.conversationId ?? null, lastSeq: known?.lastSeq ?? 0, unreadCount: known?.unreadCount ?? 0 });
  }

  /**
   * Sets the list filter and loads its first page. The URL keeps it (a reload shows the same
   * list): a new history entry (`push`), the current one rewritten (`replace`, while typing a
   * search), or left alone (`none`, when the URL changed first: back/forward).
   */
  async setFilter(f: Partial<ListFilter>, url: 'push' | 'replace' | 'none' = 'push'): Promise<void> {
    this.list.filter = { ...this.list.filter, ...f };
    if (url !== 'none') this.writeUrl(url);
    this.list.more = false;
    this.list.reset([]);
    this.nextCursor = null;
    this.changed();
    await this.reloadList();
  }

  private query(cursor?: string) {
    const f = this.list.filter;
    return {
      view: f.view,
      ...(f.sort !== 'updated' ? { sort: f.sort } : {}),
      limit: cursor ? MORE : PAGE,
      ...(f.status ? { status: f.status } : {}),
      ...(f.inboxId ? { inboxId: f.inboxId } : {}),
      ...(f.q.trim() ? { q: f.q.trim() } : {}),
      ...(cursor ? { cursor } : {}),
    };
  }

  async reloadList(): Promise<void> {
    if (!this.socket) return;
    const seq = ++this.listSeq;
    const page = await call(this.socket, 'tickets:list', this.query());
    if (seq !== this.listSeq) return; // a newer filter won
    this.list.more = page.nextCursor !== null;
    this.list.reset(page.items);
    this.nextCursor = page.nextCursor;
    this.changed();
  }

  /** The next page (cursor pagination), when the list scrolls near its end. */
  async loadMore(): Promise<void> {
    if (!this.socket || !this.nextCursor || this.loadingMore) return;
    this.loadingMore = true;
    const seq = this.listSeq;
    try {
      const page = await call(this.socket, 'tickets:list', this.query(this.nextCursor));
      if (seq !== this.listSeq) return;
      this.list.more = page.nextCursor !== null;
      this.list.addPage(page.items);
      this.nextCursor = page.nextCursor;
    } finally {
      this.loadingMore = false;
      this.changed();
    }
  }

  private writeUrl(how: 'push' | 'replace', ticketId = this.open?.id ?? this.missing): void {
    const url = urlOf(this.list.filter, ticketId);
    if (url === location.pathname + location.search) return;
    if (how === 'push') history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  async openTicket(ticketId: string | null, push = true): Promise<void> {
    if (!this.socket) return;
    if (push) this.writeUrl('push', ticketId);
    this.missing = null;
    this.openError = '';
    if (!ticketId) {
      this.openSeq++;
      this.open = null;
      void call(this.socket, 'ticket:view', { ticketId: null }).catch(() => {});
      this.changed();
      return;
    }
    if (this.open?.id === ticketId) return;
    // Quick j/j/j: only the last ticket asked for is shown, whatever order the loads end in.
    const seq = ++this.openSeq;
    let t: OpenTicket | null = null;
    let failure: unknown = null;
    try {
      t = await OpenTicket.load(this.socket, ticketId, () => this.changed(), { contacts: this.seesContacts });
    } catch (err) {
      failure = err;
    }
    if (seq !== this.openSeq) return;
    this.open = t;
    // Unknown, malformed or another workspace's: "not found". Anything else (a timeout): retry.
    if (failure instanceof ApiError && failure.code !== 'NOT_FOUND' && failure.code !== 'VALIDATION_FAILED') this.openError = failure.message;
    if (!t) this.missing = ticketId;
    this.markRead();
    this.changed();
  }

  /** Opens the ticket the URL names (or none); a ticket path that is no ticket id is "not found". */
  openFromUrl(): void {
    const u = readUrl(location.pathname, location.search);
    if (u.ticketId || !u.ticket) return void this.openTicket(u.ticketId, false);
    this.openSeq++;
    this.open = null;
    this.missing = u.ticket;
    this.changed();
  }

  /** Back/forward: the list's filter and the open ticket become what the URL says. */
  followUrl(): void {
    const { filter } = readUrl(location.pathname, location.search);
    if (!sameFilter(filter, this.list.filter)) void this.setFilter(filter, 'none');
    this.openFromUrl();
  }

  /** A ticket left this agent's sight (`ticket:removed`): its row goes, and an open one shows as not found. */
  dropTicket(ticketId: string): void {
    this.list.remove(ticketId);
    if (this.open?.id === ticketId) {
      this.openSeq++;
      this.open = null;
      this.missing = ticketId;
      this.openError = '';
    }
    this.changed();
  }

  /**
   * The agent's role, permissions, teams or team inboxes changed (`access:changed`): what is
   * on screen is fetched again, and an open ticket no longer in sight is dropped.
   */
  async accessChanged(e: AccessChangedEvent): Promise<void> {
    this.permissions = e.permissions;
    if (this.agent) this.agent = { ...this.agent, role: e.role, roleId: e.roleId };
    await this.reloadAll();
  }

  /** Everything on screen fetched again, from an empty list; an open ticket no longer in sight is dropped. */
  private async reloadAll(): Promise<void> {
    this.list.reset([]);
    await this.resync(false);
    const open = this.open;
    if (open && this.socket)
      await call(this.socket, 'ticket:get', { ticketId: open.id, limit: 1 }).catch((err: unknown) => {
        if (err instanceof ApiError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN')) this.dropTicket(open.id);
      });
  }

  /**
   * An inbox of the workspace was created, renamed or deleted (`inboxes:changed`): the inbox
   * list is fetched again; after a deletion (its tickets moved or deleted) everything on screen
   * is, like after an access change, and a list filtered on that inbox shows all inboxes.
   */
  async inboxesChanged(e: InboxesChangedEvent): Promise<void> {
    if (!this.socket) return;
    if (e.change !== 'deleted') {
      this.inboxes = await call(this.socket, 'inboxes:list', {}).catch(() => this.inboxes);
      this.changed();
      return;
    }
    if (this.list.filter.inboxId === e.inboxId) {
      this.list.filter = { ...this.list.filter, inboxId: null };
      if (!location.pathname.startsWith('/inbox/settings')) this.writeUrl('replace');
    }
    await this.reloadAll();
  }

  /** Marks the open ticket read up to its newest message, here and for the other agents. */
  markRead(): void {
    const at = this.open?.latest();
    if (!this.socket || !this.open || !at) return;
    if (this.list.byId.get(this.open.id)?.unreadCount) this.list.patch(this.open.id, { unreadCount: 0 });
    void call(this.socket, 'read', { conversationId: at.conversationId, seq: at.seq }).catch(() => {});
  }

  async setPresence(status: Availability): Promise<void> {
    if (!this.socket || !this.agent) return;
    this.agent = { ...this.agent, availability: status };
    this.changed();
    await call(this.socket, 'presence:set', { status }).catch(() => {});
  }

  /** Unread messages over the tickets that are mine or unassigned (for the tab title). */
  unreadTotal(): number {
    let n = 0;
    for (const t of this.list.byId.values())
      if ((t.assigneeId === this.agent?.id || t.assigneeId === null) && (t.status === 'open' || t.status === 'pending')) n += t.unreadCount;
    return n;
  }
}

export const store = new InboxStore();
