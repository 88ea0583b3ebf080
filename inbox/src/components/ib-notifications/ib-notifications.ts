import { LitElement, css, html, nothing, svg } from 'lit';
import type { Notification, NotificationEvent } from '@support/protocol';
import { rest } from '../../api.js';
import { store } from '../../store.js';
import type { AgentSocket } from '../../api.js';
import { navigate } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../ib-toast/ib-toast.js';
import '../ib-button/ib-button.js';

const bell = svg`<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.5" aria-hidden="true"><path d="M4 11V7a4 4 0 0 1 8 0v4l1 1H3zM6.5 13.5a1.5 1.5 0 0 0 3 0" stroke-linejoin="round"/></svg>`;
const when = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

type ListAnswer = { notifications?: Notification[]; items?: Notification[]; unread?: number } | Notification[];

/**
 * The inbox notifications bell of the header: the unread count on it, and a popover listing the
 * member's notifications (`GET /api/notifications`), newest first, unread ones marked. New ones
 * arrive live (`notification:new` on the agent socket) and are announced politely. Choosing one
 * opens its ticket and marks it read (`POST /api/notifications/read`); "Mark all read" marks
 * the rest. Keyboard: the button opens it, ArrowUp/ArrowDown move between items, Escape closes
 * and gives focus back to the button.
 */
export class IbNotifications extends LitElement {
  static styles = [
    controls,
    css`
      :host { position: relative; display: inline-block; }
      .badge { position: absolute; top: -4px; right: -4px; min-width: 16px; height: 16px; padding: 0 4px; box-sizing: border-box; border-radius: 8px; background: var(--ib-danger); color: #fff; font-size: 11px; font-weight: 700; line-height: 16px; text-align: center; pointer-events: none; }
      .pop { position: absolute; z-index: 30; top: calc(100% + 6px); right: 0; width: min(360px, calc(100vw - 16px)); max-height: min(480px, calc(100dvh - 80px)); display: flex; flex-direction: column; background: var(--ib-bg); color: var(--ib-text); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius-lg); box-shadow: var(--ib-shadow-lg);
        --ib-button-bg: var(--ib-bg); --ib-button-fg: var(--ib-text); --ib-button-border: var(--ib-border); --ib-button-hover: var(--ib-bg-muted); --ib-button-focus: var(--ib-focus); }
      .head { display: flex; align-items: center; justify-content: space-between; gap: var(--ib-space-2); padding: var(--ib-space-2) var(--ib-space-3); border-bottom: 1px solid var(--ib-border-muted); }
      h2 { margin: 0; font-size: var(--ib-text-base); font-weight: 600; }
      ul { list-style: none; margin: 0; padding: var(--ib-space-1); overflow-y: auto; }
      li button { all: unset; box-sizing: border-box; display: flex; flex-direction: column; gap: 2px; width: 100%; padding: var(--ib-space-2); border-radius: var(--ib-radius); cursor: pointer; font-size: var(--ib-text-md); }
      li button:hover { background: var(--ib-bg-hover); }
      li button:focus-visible { outline: 2px solid var(--ib-focus); outline-offset: -2px; }
      li.unread button { background: var(--ib-accent-subtle); }
      .msg { overflow-wrap: anywhere; }
      .unread .msg { font-weight: 600; }
      .meta { color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
      @media (max-width: 720px) { .pop { position: fixed; top: calc(var(--ib-bar-height, 48px) + 4px); left: 8px; right: 8px; width: auto; } }
      .empty { margin: 0; padding: var(--ib-space-4) var(--ib-space-3); color: var(--ib-text-muted); font-size: var(--ib-text-md); }
    `,
  ];
  private items: Notification[] = [];
  private unread = 0;
  private open = false;
  private loaded = false;
  private error = '';
  private announce = '';
  private socket: AgentSocket | null = null;
  private readonly onNew = (e: NotificationEvent) => {
    this.items = [e.notification, ...this.items.filter((n) => n.id !== e.notification.id)];
    this.unread = e.unread;
    this.announce = `New notification: ${e.notification.message}`;
    this.requestUpdate();
  };
  private readonly onConnect = () => void this.load();

  connectedCallback() {
    super.connectedCallback();
    this.socket = store.socket;
    this.socket?.on('notification:new', this.onNew);
    this.socket?.on('connect', this.onConnect);
    void this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.socket?.off('notification:new', this.onNew);
    this.socket?.off('connect', this.onConnect);
    this.socket = null;
  }

  private async load() {
    try {
      const r = await rest<ListAnswer>('GET', '/api/notifications?limit=30');
      this.items = Array.isArray(r) ? r : (r.notifications ?? r.items ?? []);
      this.unread = Array.isArray(r) ? this.items.filter((n) => !n.readAt).length : (r.unread ?? this.items.filter((n) => !n.readAt).length);
      this.loaded = true;
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    }
    this.requestUpdate();
  }

  private async toggle() {
    this.open = !this.open;
    this.requestUpdate();
    if (!this.open) return;
    void this.load();
    await this.updateComplete;
    (this.renderRoot.querySelector<HTMLElement>('.pop li button') ?? this.renderRoot.querySelector<HTMLElement>('.pop ib-button'))?.focus();
  }

  private close(focusButton = true) {
    this.open = false;
    this.requestUpdate();
    if (focusButton) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('ib-button.bell')?.focus());
  }

  private async markRead(body: { ids: string[] } | { all: true }) {
    const now = new Date().toISOString();
    const ids = 'ids' in body ? new Set(body.ids) : null;
    const before = { items: this.items, unread: this.unread };
    this.items = this.items.map((n) => (!n.readAt && (!ids || ids.has(n.id)) ? { ...n, readAt: now } : n));
    this.unread = ids ? Math.max(0, this.unread - before.items.filter((n) => !n.readAt && ids.has(n.id)).length) : 0;
    this.requestUpdate();
    try {
      const r = await rest<{ unread?: number } | undefined>('POST', '/api/notifications/read', body);
      if (typeof r?.unread === 'number') this.unread = r.unread;
    } catch (err) {
      Object.assign(this, before);
      toast(this, `Not marked read: ${(err as Error).message}`, 'error');
    }
    this.requestUpdate();
  }

  private choose(n: Notification) {
    if (!n.readAt) void this.markRead({ ids: [n.id] });
    this.close(false);
    if (n.ticketId) navigate(this, `/inbox/t/${encodeURIComponent(n.ticketId)}`);
  }

  private onKey(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const all = Array.from(this.renderRoot.querySelectorAll<HTMLElement>('.pop li button'));
    const i = all.indexOf((this.renderRoot as ShadowRoot).activeElement as HTMLElement);
    all[(i + (e.key === 'ArrowDown' ? 1 : all.length - 1 + (i < 0 ? 1 : 0))) % all.length]?.focus();
  }

  private onFocusOut(e: FocusEvent) {
    const to = e.relatedTarget as Node | null;
    if (this.open && (!to || !this.renderRoot.contains(to))) this.close(false);
  }

  private renderPop() {
    return html`<div class="pop" role="dialog" aria-label="Notifications" @keydown=${this.onKey}>
      <div class="head"><h2>Notifications</h2>
        ${this.unread ? html`<ib-button size="sm" variant="ghost" @click=${() => void this.markRead({ all: true })}>Mark all read</ib-button>` : nothing}</div>
      ${this.error && !this.loaded
        ? html`<p class="empty" role="alert">Notifications could not be loaded: ${this.error}</p>`
        : this.items.length
          ? html`<ul aria-label="Notifications, newest first">${this.items.map(
              (n) => html`<li class=${n.readAt ? '' : 'unread'}><button @click=${() => this.choose(n)}>
                <span class="msg">${n.readAt ? nothing : html`<span class="visually-hidden">Unread: </span>`}${n.message}</span>
                <span class="meta">${n.ticketNumber ? `#${n.ticketNumber} · ` : ''}${n.source} · <time datetime=${n.createdAt}>${when.format(new Date(n.createdAt))}</time></span>
              </button></li>`,
            )}</ul>`
          : html`<p class="empty">${this.loaded ? 'Nothing yet. Automation rules and macros that notify you land here.' : 'Loading…'}</p>`}
    </div>`;
  }

  render() {
    const label = this.unread ? `Notifications, ${this.unread} unread` : 'Notifications';
    return html`<span @focusout=${this.onFocusOut}>
        <ib-button class="bell" icon label=${label} title="Notifications" .expanded=${this.open} @click=${() => void this.toggle()}>${bell}</ib-button>
        ${this.unread ? html`<span class="badge" aria-hidden="true">${this.unread > 99 ? '99+' : this.unread}</span>` : nothing}
        ${this.open ? this.renderPop() : nothing}
      </span>
      <span class="visually-hidden" role="status">${this.announce}</span>`;
  }
}
customElements.define('ib-notifications', IbNotifications);
