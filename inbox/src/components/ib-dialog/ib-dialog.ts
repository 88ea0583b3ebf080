import { LitElement, css, html, type PropertyValues, type ReactiveElement } from 'lit';
import { closeIcon } from '../../lib/icons.js';
import { deepActiveElement, tabbables } from '../../lib/focus.js';
import '../ib-button/ib-button.js';

export type DialogCloseReason = 'escape' | 'close-button' | 'api';

/**
 * A modal dialog: a native `<dialog>` opened with `showModal()` (the rest of the page is
 * inert), named by its heading. On opening, focus goes to the first element of its content
 * with `autofocus`, else to its Close button; Tab and Shift+Tab cycle inside it; Escape or
 * Close closes it, and focus returns to where it was before.
 *
 * Properties: `label` (the heading and accessible name; required), `open` (reflected; set it
 * or call `show()` / `close()`), `size` ('sm' 400 px, 'md' 520 px (default), 'lg' 720 px).
 * Slots: the default one (content), `footer` (buttons, right-aligned; primary action last).
 * Events: `ib-close` (`detail: { reason: 'escape' | 'close-button' | 'api' }`) once closed.
 */
export class IbDialog extends LitElement {
  static styles = css`
    :host { display: contents; --_w: 520px; }
    :host([size='sm']) { --_w: 400px; }
    :host([size='lg']) { --_w: 720px; }
    dialog {
      box-sizing: border-box; width: min(var(--_w), calc(100vw - 32px)); max-height: calc(100dvh - 48px); padding: 0;
      border: 0; border-radius: var(--ib-radius-lg); background: var(--ib-bg); color: var(--ib-text); box-shadow: var(--ib-shadow-lg);
      font-family: var(--ib-font-family); font-size: var(--ib-text-base); line-height: var(--ib-line);
    }
    dialog[open] { display: flex; flex-direction: column; }
    dialog::backdrop { background: var(--ib-backdrop); }
    header { display: flex; align-items: center; gap: var(--ib-space-2); padding: var(--ib-space-3) var(--ib-space-3) var(--ib-space-2) var(--ib-space-5); }
    h2 { flex: 1; margin: 0; font-size: var(--ib-text-lg); font-weight: 600; }
    .body { padding: 0 var(--ib-space-5) var(--ib-space-5); overflow-y: auto; }
    footer { display: flex; justify-content: flex-end; flex-wrap: wrap; gap: var(--ib-space-2); padding: var(--ib-space-3) var(--ib-space-5); border-top: 1px solid var(--ib-border-muted); background: var(--ib-bg-canvas); border-radius: 0 0 var(--ib-radius-lg) var(--ib-radius-lg); }
    footer.empty { display: none; }
  `;
  static properties = { label: {}, open: { type: Boolean, reflect: true }, size: { reflect: true } };
  declare label: string;
  declare open: boolean;
  declare size: 'sm' | 'md' | 'lg';
  private returnTo: HTMLElement | null = null;
  private reason: DialogCloseReason = 'api';
  private hasFooter = false;

  constructor() {
    super();
    this.label = '';
    this.open = false;
    this.size = 'md';
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  /** Whether the dialog is on screen now: `open` stays true until the native close event, which comes a task after Escape. */
  get showing(): boolean {
    return !!this.dialog?.open;
  }

  /** Opens the dialog (modal) and moves focus into it. */
  show() {
    this.open = true;
  }

  /** Closes the dialog; focus returns to where it was when it opened. */
  close(reason: DialogCloseReason = 'api') {
    this.reason = reason;
    this.open = false;
  }

  protected updated(changed: PropertyValues<this>) {
    const d = this.dialog;
    if (!d || !changed.has('open')) return;
    if (this.open && !d.open) {
      this.returnTo = deepActiveElement();
      this.reason = 'api';
      d.showModal();
      const first = (this.querySelector('[autofocus]') as HTMLElement | null) ?? (this.renderRoot.querySelector('.close') as HTMLElement);
      // A component rendered in the same turn (an ib-button) takes focus once it has rendered.
      const pending = (first as Partial<ReactiveElement>).updateComplete;
      if (pending) void pending.then(() => this.open && first.focus());
      else first.focus();
    } else if (!this.open && d.open) d.close();
  }

  private onNativeClose() {
    const reason = this.reason;
    this.reason = 'api';
    this.open = false;
    if (this.returnTo?.isConnected) this.returnTo.focus();
    this.returnTo = null;
    this.dispatchEvent(new CustomEvent('ib-close', { detail: { reason }, bubbles: true, composed: true }));
  }

  /** Tab from the last element goes to the first, Shift+Tab from the first to the last. */
  private onKey(e: KeyboardEvent) {
    if (e.key !== 'Tab' || !this.dialog) return;
    const items = tabbables(this.dialog);
    const active = deepActiveElement();
    const at = active ? items.indexOf(active) : -1;
    if (!items.length) return e.preventDefault();
    if (e.shiftKey && at <= 0) {
      e.preventDefault();
      items.at(-1)!.focus();
    } else if (!e.shiftKey && (at === items.length - 1 || at < 0)) {
      e.preventDefault();
      items[0]!.focus();
    }
  }

  private onFooterSlot(e: Event) {
    this.hasFooter = (e.target as HTMLSlotElement).assignedNodes().length > 0;
    this.requestUpdate();
  }

  render() {
    return html`<dialog part="dialog" aria-labelledby="title" @keydown=${this.onKey} @cancel=${() => (this.reason = 'escape')} @close=${this.onNativeClose}>
      <header><h2 id="title">${this.label}</h2>
        <ib-button class="close" variant="ghost" icon label="Close" @click=${() => this.close('close-button')}>${closeIcon}</ib-button></header>
      <div class="body"><slot></slot></div>
      <footer class=${this.hasFooter ? '' : 'empty'}><slot name="footer" @slotchange=${this.onFooterSlot}></slot></footer>
    </dialog>`;
  }
}
customElements.define('ib-dialog', IbDialog);

declare global {
  interface HTMLElementTagNameMap {
    'ib-dialog': IbDialog;
  }
}
