import { LitElement, css, html, nothing, svg } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { repeat } from 'lit/directives/repeat.js';
import { closeIcon } from '../../lib/icons.js';
import '../ib-button/ib-button.js';

export type ToastKind = 'success' | 'error' | 'info';
export type ToastDetail = { message: string; kind?: ToastKind };
type Item = { id: number; message: string; kind: ToastKind; timer?: ReturnType<typeof setTimeout> };

/** Notices shown at once, at most; an older one gives way. */
const MAX = 3;

const icons: Record<ToastKind, ReturnType<typeof svg>> = {
  success: svg`<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="8" fill="var(--ib-success)"/><path d="M4.5 8.2l2.3 2.3 4.7-4.9" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
  error: svg`<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="8" fill="var(--ib-danger)"/><path d="M8 4v5M8 11.6v.1" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/></svg>`,
  info: svg`<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="8" fill="var(--ib-accent)"/><path d="M8 7v5M8 4.4v.1" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/></svg>`,
};

/**
 * Asks the page's `ib-toast` to show a notice: "Saved", or why something failed. Dispatches
 * `ib-toast` (`detail: { message, kind }`, bubbling and composed) from `from`, which must be
 * in the document.
 */
export function toast(from: EventTarget, message: string, kind: ToastKind = 'success'): void {
  from.dispatchEvent(new CustomEvent<ToastDetail>('ib-toast', { detail: { message, kind }, bubbles: true, composed: true }));
}

/**
 * The page's notices (one `ib-toast` per page; `ib-app` has it): it shows every `ib-toast`
 * event that reaches the document, bottom right (full width on a phone), and a polite live
 * region (`role="status"`) reads each new one out once. Success and info notices go after
 * `timeout` ms, errors after `errorTimeout` ms (kept while the pointer or focus is on them;
 * the screen that failed also says why in place), or when dismissed.
 *
 * Properties: `timeout` (ms, default 5000), `errorTimeout` (ms, default 10000).
 * Methods: `show(message, kind)`, `dismiss(id)`.
 * Events: none (it listens for `ib-toast`).
 */
export class IbToast extends LitElement {
  static styles = css`
    :host { position: fixed; z-index: var(--ib-z-toast); right: var(--ib-space-4); bottom: var(--ib-space-4); display: flex; flex-direction: column; gap: var(--ib-space-2); width: min(380px, calc(100vw - 16px)); pointer-events: none; }
    .toast {
      pointer-events: auto; display: flex; align-items: flex-start; gap: var(--ib-space-2); padding: 10px var(--ib-space-2) 10px var(--ib-space-3);
      background: var(--ib-bg); color: var(--ib-text); border: 1px solid var(--ib-border); border-left-width: 4px; border-radius: var(--ib-radius);
      box-shadow: var(--ib-shadow-md); font-family: var(--ib-font-family); font-size: var(--ib-text-md); line-height: var(--ib-line);
    }
    .toast.success { border-left-color: var(--ib-success); }
    .toast.error { border-left-color: var(--ib-danger); }
    .toast.info { border-left-color: var(--ib-accent); }
    .toast svg { flex: none; margin-top: 2px; }
    .message { flex: 1; min-width: 0; overflow-wrap: anywhere; padding-top: 1px; }
    ib-button { margin: -4px 0; }
    .live { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
    @media (max-width: 720px) { :host { right: var(--ib-space-2); left: var(--ib-space-2); bottom: var(--ib-space-2); width: auto; } }
  `;
  static properties = { timeout: { type: Number }, errorTimeout: { type: Number } };
  declare timeout: number;
  declare errorTimeout: number;
  private items: Item[] = [];
  /** What the live region reads: the newest notice (not the one before, when that goes). */
  private spoken: Item | null = null;
  private lastId = 0;
  private readonly onToast = (e: Event) => {
    const d = (e as CustomEvent<ToastDetail>).detail;
    if (d?.message) this.show(d.message, d.kind ?? 'success');
  };

  constructor() {
    super();
    this.timeout = 5000;
    this.errorTimeout = 10_000;
  }

  connectedCallback() {
    super.connectedCallback();
    document.addEventListener('ib-toast', this.onToast);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('ib-toast', this.onToast);
    for (const t of this.items) clearTimeout(t.timer);
  }

  /** Shows a notice; returns its id. */
  show(message: string, kind: ToastKind = 'success'): number {
    const item: Item = { id: ++this.lastId, message, kind };
    this.items = [...this.items, item];
    for (const old of this.items.slice(0, -MAX)) clearTimeout(old.timer);
    this.items = this.items.slice(-MAX);
    this.spoken = item;
    this.arm(item);
    this.requestUpdate();
    return item.id;
  }

  dismiss(id: number) {
    const t = this.items.find((x) => x.id === id);
    clearTimeout(t?.timer);
    this.items = this.items.filter((x) => x.id !== id);
    this.requestUpdate();
  }

  private arm(t: Item) {
    clearTimeout(t.timer);
    t.timer = setTimeout(() => this.dismiss(t.id), t.kind === 'error' ? this.errorTimeout : this.timeout);
  }

  private hold(on: boolean) {
    for (const t of this.items) on ? clearTimeout(t.timer) : this.arm(t);
  }

  render() {
    const said = this.spoken;
    return html`
      <div class="live" role="status">${said ? keyed(said.id, html`<span>${said.message}</span>`) : nothing}</div>
      ${repeat(this.items, (t) => t.id, (t) => html`<div class="toast ${t.kind}" @mouseenter=${() => this.hold(true)} @mouseleave=${() => this.hold(false)}
          @focusin=${() => this.hold(true)} @focusout=${() => this.hold(false)}>
          ${icons[t.kind]}<span class="message">${t.message}</span>
          <ib-button variant="ghost" size="sm" icon label="Dismiss" @click=${() => this.dismiss(t.id)}>${closeIcon}</ib-button>
        </div>`)}
    `;
  }
}
customElements.define('ib-toast', IbToast);

declare global {
  interface HTMLElementTagNameMap {
    'ib-toast': IbToast;
  }
}
