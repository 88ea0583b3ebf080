import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { TicketListItem, TicketSla, TicketStatus } from '@support/protocol';
import { store } from '../../store.js';
import { StoreController } from '../../store-controller.js';
import { capitalize, timeSince } from '../../lib/thread.js';
import { avatar } from '../../lib/people.js';
import { chatIcon, emailIcon } from '../../lib/icons.js';
import { STATUSES, type ListFilter } from '../../lib/ticket-list.js';
import { slaChip } from '../../lib/sla.js';
import { ClockController } from '../../lib/ticker.js';
import { controls } from '../../styles/tokens.js';
import { listStyles, ROW_HEIGHT } from './ib-ticket-list.styles.js';
import '../ib-select/ib-select.js';
import '../ib-empty/ib-empty.js';
import '../ib-queues/ib-queues.js';

export { ROW_HEIGHT };
const OVERSCAN = 6;
const VIEWS = [
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
  ['all', 'All'],
] as const;
/** Tags shown on a row; more are summed up as "+n". */
const ROW_TAGS = 2;
const rowId = (ticketId: string) => `row-${ticketId}`;
/** Short labels (the menu shares a line with the search): latest activity first, or time to breach. */
const SORT_OPTIONS = [
  { value: 'updated', label: 'Recent' },
  { value: 'sla', label: 'Due first' },
];
const STATUS_OPTIONS = [...STATUSES.map((s) => ({ value: s, label: capitalize(s) })), { value: '', label: 'Any status' }];
type Change = CustomEvent<{ value: string }>;

/**
 * The ticket list: views (a tab list), status/inbox/text filters, the order (latest activity
 * or time to breach), the routing queues for supervisors (`ib-queues`), and a windowed list of rows (each with its SLA countdown)
 * (only the rows in view plus a few are in the DOM) that asks for the next page near its end.
 * The list is one tab stop (a listbox): arrows, Home/End and Page keys move the active row,
 * Enter opens it and fires `ib-opened` (focus then goes into the ticket). Clicking a row opens it.
 */
export class IbTicketList extends LitElement {
  static styles = [controls, listStyles];

  private readonly _store = new StoreController(this);
  private scrollPos = 0;
  private viewport = 600;
  private frame = 0;
  private qTimer: ReturnType<typeof setTimeout> | undefined;
  /** The search being typed already has its own history entry (later keystrokes replace it). */
  private searchPushed = false;
  /** The search text last written into the field from the store (back/forward, a reload). */
  private shownQ: string | null = null;
  private nearEnd = false;
  private resize: ResizeObserver | null = null;
  /** The row the keyboard is on (it follows the open ticket). */
  private active: string | null = null;
  private lastOpen: string | null = null;

  private activityTimer: ReturnType<typeof setInterval> | undefined;
  /** Counts the SLA chips down: ticks once a second while a row in the window has one. */
  private readonly clock = new ClockController(this);
  private countdowns = false;

  connectedCallback() {
    super.connectedCallback();
    // "5m", "2h": the times since the last activity move on without any event.
    this.activityTimer = setInterval(() => this.requestUpdate(), 30_000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.activityTimer);
    this.resize?.disconnect();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  willUpdate() {
    const open = store.open?.id ?? null;
    if (open !== this.lastOpen) {
      if (open) this.active = open;
      this.lastOpen = open;
    }
    // A row left the list (or none was active yet): the open ticket's row, else the first.
    const ids = store.list.ids;
    if (ids.length && this.activeIndex() < 0) this.active = open && store.list.byId.has(open) && ids.includes(open) ? open : ids[0]!;
  }

  updated() {
    this.clock.need(this.countdowns);
    // Cursor pagination: the next page once the window reaches the end of what is loaded.
    if (this.nearEnd && store.nextCursor) void store.loadMore();
    const q = store.list.filter.q;
    const input = this.renderRoot.querySelector('input[type=search]') as HTMLInputElement | null;
    if (input && q !== this.shownQ && this.qTimer === undefined) {
      if (input.value.trim() !== q.trim()) input.value = q;
      this.shownQ = q;
    }
  }

  private onScroll(e: Event) {
    const el = e.currentTarget as HTMLElement;
    this.scrollPos = el.scrollTop;
    this.viewport = el.clientHeight;
    if (!this.frame)
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.requestUpdate();
      });
  }

  firstUpdated() {
    const el = this.scroller()!;
    this.viewport = el.clientHeight || 600;
    this.resize = new ResizeObserver(() => {
      this.viewport = el.clientHeight;
      this.requestUpdate();
    });
    this.resize.observe(el);
    this.requestUpdate();
  }

  private scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('.scroller');
  }

  /** Scrolls so that row `i` is visible (keyboard navigation). */
  reveal(i: number) {
    const el = this.scroller();
    if (!el) return;
    const top = i * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    this.scrollPos = el.scrollTop;
  }

  /** Puts keyboard focus on the list, on the open ticket's row (or the first). */
  focusList() {
    const ids = store.list.ids;
    const at = this.activeIndex();
    if (at >= 0) this.reveal(at);
    else if (ids.length) this.active = ids[0]!;
    this.scroller()?.focus({ preventScroll: true });
    this.requestUpdate();
  }

  /** Focuses the search field (shortcut `/`). */
  focusSearch() {
    (this.renderRoot.querySelector('input[type=search]') as HTMLInputElement | null)?.focus();
  }

  private activeIndex(): number {
    return this.active ? store.list.ids.indexOf(this.active) : -1;
  }

  private onListKey(e: KeyboardEvent) {
    const ids = store.list.ids;
    if (!ids.length || e.altKey || e.ctrlKey || e.metaKey) return;
    const at = this.activeIndex();
    const page = Math.max(1, Math.floor(this.viewport / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at < 0 ? 0 : at - 1, Home: 0, End: ids.length - 1, PageDown: at + page, PageUp: at - page };
    if (e.key in moves) {
      e.preventDefault();
      const i = Math.min(ids.length - 1, Math.max(0, moves[e.key]!));
      this.active = ids[i]!;
      this.reveal(i);
      this.requestUpdate();
    } else if ((e.key === 'Enter' || e.key === ' ') && at >= 0) {
      e.preventDefault();
      void this.openRow(ids[at]!, true);
    }
  }

  private async openRow(id: string, fromKeyboard: boolean) {
    this.active = id;
    await store.openTicket(id);
    if (fromKeyboard && store.open?.id === id) this.dispatchEvent(new CustomEvent('ib-opened', { bubbles: true, composed: true }));
  }

  private setView(v: ListFilter['view']) {
    this.searchPushed = false;
    void store.setFilter({ view: v });
  }

  /** Arrow keys move between the view tabs (and select them): one tab stop for the three. */
  private onTabKey(e: KeyboardEvent) {
    const at = VIEWS.findIndex(([v]) => v === store.list.filter.view);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: VIEWS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const [v] = VIEWS[(to + VIEWS.length) % VIEWS.length]!;
    this.setView(v);
    void this.updateComplete.then(() => (this.renderRoot.querySelector(`[role=tab][data-view=${v}]`) as HTMLElement | null)?.focus());
  }

  private onSearch(e: InputEvent) {
    const q = (e.target as HTMLInputElement).value;
    clearTimeout(this.qTimer);
    this.qTimer = setTimeout(() => {
      this.qTimer = undefined;
      this.shownQ = q;
      // One history entry per search: back undoes it, not each keystroke.
      void store.setFilter({ q }, this.searchPushed ? 'replace' : 'push');
      this.searchPushed = true;
    }, 200);
  }

  private onFilter(f: Partial<ListFilter>) {
    this.searchPushed = false;
    void store.setFilter(f);
  }

  /** The row's countdown to its next SLA target; the metric is in its label. Amber in the warning lead, red once breached. */
  private slaChip(sla: TicketSla) {
    const c = slaChip(sla, this.clock.now());
    return html`<span class="chip sla ${c.tone}" data-tone=${c.tone} role="img" aria-label=${c.label} title=${c.label}>${c.text}</span>`;
  }

  private row(t: TicketListItem, i: number, activeId: string | null) {
    const who = t.requester.name ?? t.requester.email ?? 'Visitor';
    const assignee = t.assigneeId ? store.agents.get(t.assigneeId) : undefined;
    const extraTags = t.tags.length - ROW_TAGS;
    return html`<div class="row ${t.id === activeId ? 'active' : ''} ${t.unreadCount ? 'unread-row' : ''}" id=${rowId(t.id)} role="option"
      data-ticket=${t.id} data-number=${t.number} aria-selected=${store.open?.id === t.id} aria-posinset=${i + 1} aria-setsize=${store.nextCursor ? -1 : store.list.ids.length}
      style="top:${i * ROW_HEIGHT}px" @click=${() => void this.openRow(t.id, false)}>
      <span class="who"><span class="icon">${t.channel === 'email' ? emailIcon : chatIcon}</span><span class="name" title=${who}>${who}</span><span class="count">#${t.number}</span></span>
      <span class="when" title=${t.updatedAt}>${timeSince(t.updatedAt)}</span>
      <span class="preview">${t.lastMessagePreview ?? t.subject}</span>
      <span class="end">${t.unreadCount ? html`<span class="unread" aria-label="${t.unreadCount} unread">${t.unreadCount}</span>` : nothing}</span>
      <span class="meta">
        ${t.priority !== 'normal' ? html`<span class="chip prio-${t.priority}">${t.priority}</span>` : nothing}
        ${t.status !== 'open' ? html`<span class="chip">${t.status}</span>` : nothing}
        ${t.sla ? this.slaChip(t.sla) : nothing}
        ${t.tags.slice(0, ROW_TAGS).map((g) => html`<span class="chip">${g}</span>`)}
        ${extraTags > 0 ? html`<span class="chip more" title=${t.tags.slice(ROW_TAGS).join(', ')}>+${extraTags}</span>` : nothing}
      </span>
      <span class="end">${assignee ? avatar(assignee, 20, `Assigned to ${assignee.name}`) : nothing}</span>
    </div>`;
  }

  private empty() {
    const f = store.list.filter;
    if (f.q.trim())
      return html`<ib-empty class="empty" icon="search" heading="No tickets match “${f.q.trim()}”">Try other words, a #number, or another status.</ib-empty>`;
    const which = f.status ? `${f.status} tickets` : 'tickets';
    const where = f.view === 'mine' ? ' assigned to you' : f.view === 'unassigned' ? ' waiting for someone' : '';
    return html`<ib-empty class="empty" icon="inbox" heading="No ${which}${where}">New conversations show up here as they arrive. Try another view or status.</ib-empty>`;
  }

  render() {
    const f = store.list.filter;
    const ids = store.list.ids;
    const first = Math.max(0, Math.floor(this.scrollPos / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(ids.length, Math.ceil((this.scrollPos + this.viewport) / ROW_HEIGHT) + OVERSCAN);
    this.nearEnd = last >= ids.length - OVERSCAN;
    const at = this.activeIndex();
    const activeId = at >= 0 ? this.active : null;
    const visible = [];
    let countdowns = false;
    for (let i = first; i < last; i++) {
      const t = store.list.byId.get(ids[i]!)!;
      countdowns ||= t.sla !== null;
      visible.push(this.row(t, i, activeId));
    }
    this.countdowns = countdowns;
    return html`
      <div class="filters">
        <div class="segmented" role="tablist" aria-label="Views" @keydown=${this.onTabKey}>
          ${VIEWS.map(
            ([v, label]) =>
              html`<button role="tab" id="tab-${v}" data-view=${v} aria-selected=${f.view === v} aria-controls="tickets" tabindex=${f.view === v ? 0 : -1}
                @click=${() => this.setView(v)}>${label}</button>`,
          )}
        </div>
        <div class="selects">
          <ib-select label="Status" .options=${STATUS_OPTIONS} .value=${live(f.status ?? '')}
            @ib-change=${(e: Change) => this.onFilter({ status: (e.detail.value || null) as TicketStatus | null })}></ib-select>
          <ib-select label="Inbox" .options=${[{ value: '', label: 'All inboxes' }, ...store.inboxes.map((i) => ({ value: i.id, label: i.name }))]}
            .value=${live(f.inboxId ?? '')} @ib-change=${(e: Change) => this.onFilter({ inboxId: e.detail.value || null })}></ib-select>
        </div>
        <div class="search-sort">
          <input class="field" id="search" type="search" placeholder="Search subject, contact, #number" aria-label="Search tickets" aria-keyshortcuts="/"
            @input=${this.onSearch} @blur=${() => (this.searchPushed = false)} />
          <ib-select class="sort" label="Sort" title="Sort: latest activity, or time to SLA breach" .options=${SORT_OPTIONS} .value=${live(f.sort)}
            @ib-change=${(e: Change) => this.onFilter({ sort: e.detail.value === 'sla' ? 'sla' : 'updated' })}></ib-select>
        </div>
      </div>
      <ib-queues></ib-queues>
      <div role="tabpanel" id="tickets" aria-labelledby="tab-${f.view}">
        <div class="scroller ${ids.length ? '' : 'none'}" role="listbox" aria-label="Tickets" tabindex="0" aria-activedescendant=${activeId && at >= first && at < last ? rowId(activeId) : nothing}
          @scroll=${this.onScroll} @keydown=${this.onListKey}>
          <div style="height:${ids.length * ROW_HEIGHT}px" aria-hidden="true"></div>
          ${visible}
        </div>
        ${ids.length === 0 ? this.empty() : nothing}
      </div>
    `;
  }
}
customElements.define('ib-ticket-list', IbTicketList);
