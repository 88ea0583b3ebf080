import { LitElement, html, css, nothing } from 'lit';
import type { TicketListItem, TicketStatus } from '@support/protocol';
import { store } from '../../store.js';
import { StoreController } from '../../store-controller.js';
import { timeSince } from '../../lib/thread.js';
import { hue, initials } from '../../lib/people.js';
import { chatIcon, emailIcon } from '../../lib/icons.js';

/** Row height in px: rows are fixed-height so the window is plain arithmetic. */
export const ROW_HEIGHT = 76;
const OVERSCAN = 6;
const VIEWS = [
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
  ['all', 'All'],
] as const;
const STATUSES: TicketStatus[] = ['open', 'pending', 'resolved', 'closed'];

/**
 * The ticket list: views, status/inbox/text filters, and a windowed list of rows (only the
 * rows in view plus a few are in the DOM) that asks for the next page near its end.
 * Clicking a row opens it (`store.openTicket`).
 */
export class IbTicketList extends LitElement {
  static styles = css`
    :host { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid #e3e6ea; background: #fff; }
    .filters { padding: 8px; display: flex; flex-direction: column; gap: 6px; border-bottom: 1px solid #e3e6ea; }
    .views { display: flex; gap: 4px; }
    .views button { flex: 1; border: 1px solid #cfd5dc; background: #f6f8fa; padding: 4px; border-radius: 6px; cursor: pointer; font: inherit; }
    .views button[aria-pressed='true'] { background: #1f6feb; border-color: #1f6feb; color: #fff; }
    .row2 { display: flex; gap: 6px; }
    select, input { font: inherit; padding: 4px 6px; border: 1px solid #cfd5dc; border-radius: 6px; min-width: 0; }
    input { flex: 1; }
    .scroller { flex: 1; overflow-y: auto; position: relative; contain: strict; }
    .row { position: absolute; left: 0; right: 0; height: ${ROW_HEIGHT}px; box-sizing: border-box; padding: 8px 10px; border-bottom: 1px solid #f0f2f4; cursor: pointer; display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; }
    .row:hover { background: #f6f8fa; }
    .row[aria-selected='true'] { background: #e8f0fe; }
    .who { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .icon { color: #6a737d; vertical-align: -2px; }
    .when { color: #6a737d; font-size: 12px; text-align: right; }
    .preview { color: #444d56; font-size: 13px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .meta { display: flex; gap: 4px; align-items: center; font-size: 11px; overflow: hidden; }
    .chip { background: #eef1f4; border-radius: 8px; padding: 0 6px; white-space: nowrap; }
    .prio-high { background: #fff1e0; color: #a04100; }
    .prio-urgent { background: #ffe3e3; color: #b00020; font-weight: 600; }
    .prio-low { color: #6a737d; }
    .sla { background: #fff5b1; }
    .sla.breached { background: #b00020; color: #fff; }
    .unread { background: #1f6feb; color: #fff; border-radius: 9px; padding: 0 6px; font-size: 11px; font-weight: 600; }
    .avatar { width: 18px; height: 18px; border-radius: 50%; color: #fff; font-size: 9px; display: inline-grid; place-items: center; }
    .empty { padding: 24px; color: #6a737d; text-align: center; }
    .count { color: #6a737d; font-size: 12px; padding: 0 2px; }
  `;

  private readonly _store = new StoreController(this);
  private scrollPos = 0;
  private viewport = 600;
  private frame = 0;
  private qTimer: ReturnType<typeof setTimeout> | undefined;
  private nearEnd = false;
  private resize: ResizeObserver | null = null;

  private clock: ReturnType<typeof setInterval> | undefined;

  connectedCallback() {
    super.connectedCallback();
    // "5m", "2h": the times since the last activity move on without any event.
    this.clock = setInterval(() => this.requestUpdate(), 30_000);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.clock);
    this.resize?.disconnect();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  updated() {
    // Cursor pagination: the next page once the window reaches the end of what is loaded.
    if (this.nearEnd && store.nextCursor) void store.loadMore();
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
    const el = this.renderRoot.querySelector('.scroller') as HTMLElement;
    this.viewport = el.clientHeight || 600;
    this.resize = new ResizeObserver(() => {
      this.viewport = el.clientHeight;
      this.requestUpdate();
    });
    this.resize.observe(el);
    this.requestUpdate();
  }

  /** Scrolls so that row `i` is visible (keyboard navigation). */
  reveal(i: number) {
    const el = this.renderRoot.querySelector('.scroller') as HTMLElement | null;
    if (!el) return;
    const top = i * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }

  private onSearch(e: InputEvent) {
    const q = (e.target as HTMLInputElement).value;
    clearTimeout(this.qTimer);
    this.qTimer = setTimeout(() => void store.setFilter({ q }), 200);
  }

  private row(t: TicketListItem, i: number) {
    const who = t.requester.name ?? t.requester.email ?? 'Visitor';
    const assignee = t.assigneeId ? store.agents.get(t.assigneeId) : undefined;
    const sla = (t as TicketListItem & { sla?: { dueAt?: string; breached?: boolean } }).sla;
    return html`<div class="row" role="option" data-ticket=${t.id} data-number=${t.number} aria-selected=${store.open?.id === t.id} style="top:${i * ROW_HEIGHT}px"
      @click=${() => void store.openTicket(t.id)}>
      <span class="who" title=${who}><span class="icon">${t.channel === 'email' ? emailIcon : chatIcon}</span> ${who} <span class="count">#${t.number}</span></span>
      <span class="when" title=${t.updatedAt}>${timeSince(t.updatedAt)}</span>
      <span class="preview">${t.lastMessagePreview ?? t.subject}</span>
      <span>${t.unreadCount ? html`<span class="unread" title="unread">${t.unreadCount}</span>` : nothing}</span>
      <span class="meta">
        ${t.priority !== 'normal' ? html`<span class="chip prio-${t.priority}">${t.priority}</span>` : nothing}
        ${t.status !== 'open' ? html`<span class="chip">${t.status}</span>` : nothing}
        ${sla?.dueAt ? html`<span class="chip sla ${sla.breached ? 'breached' : ''}">SLA ${timeSince(sla.dueAt)}</span>` : nothing}
        ${t.tags.map((g) => html`<span class="chip">${g}</span>`)}
      </span>
      <span>${assignee ? html`<span class="avatar" title=${assignee.name} style="background:hsl(${hue(assignee.id)} 45% 45%)">${initials(assignee.name)}</span>` : nothing}</span>
    </div>`;
  }

  render() {
    const f = store.list.filter;
    const ids = store.list.ids;
    const first = Math.max(0, Math.floor(this.scrollPos / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(ids.length, Math.ceil((this.scrollPos + this.viewport) / ROW_HEIGHT) + OVERSCAN);
    this.nearEnd = last >= ids.length - OVERSCAN;
    const visible = [];
    for (let i = first; i < last; i++) visible.push(this.row(store.list.byId.get(ids[i]!)!, i));
    return html`
      <div class="filters">
        <div class="views" role="tablist">
          ${VIEWS.map(([v, label]) => html`<button role="tab" data-view=${v} aria-pressed=${f.view === v} @click=${() => void store.setFilter({ view: v })}>${label}</button>`)}
        </div>
        <div class="row2">
          <select aria-label="Status" @change=${(e: Event) => void store.setFilter({ status: ((e.target as HTMLSelectElement).value || null) as TicketStatus | null })}>
            ${STATUSES.map((s) => html`<option value=${s} ?selected=${f.status === s}>${s[0]!.toUpperCase() + s.slice(1)}</option>`)}
            <option value="" ?selected=${f.status === null}>Any status</option>
          </select>
          <select aria-label="Inbox" @change=${(e: Event) => void store.setFilter({ inboxId: (e.target as HTMLSelectElement).value || null })}>
            <option value="">All inboxes</option>
            ${store.inboxes.map((i) => html`<option value=${i.id} ?selected=${f.inboxId === i.id}>${i.name}</option>`)}
          </select>
        </div>
        <input id="search" type="search" placeholder="Search subject, contact, #number  ( / )" aria-label="Search" @input=${this.onSearch} />
      </div>
      <div class="scroller" role="listbox" aria-label="Tickets" @scroll=${this.onScroll}>
        <div style="height:${ids.length * ROW_HEIGHT}px"></div>
        ${visible}
        ${ids.length === 0 ? html`<div class="empty">No tickets here.</div>` : nothing}
      </div>
    `;
  }
}
customElements.define('ib-ticket-list', IbTicketList);
