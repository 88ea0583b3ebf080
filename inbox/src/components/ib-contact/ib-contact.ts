import { LitElement, html, css, nothing, unsafeCSS } from 'lit';
import { store } from '../../store.js';
import { StoreController } from '../../store-controller.js';
import { timeSince } from '../../lib/thread.js';
import { controls, WIDE_MIN } from '../../styles/tokens.js';
import { closeIcon } from '../../lib/icons.js';
import '../ib-button/ib-button.js';

const ago = (iso: string) => {
  const s = timeSince(iso);
  return s === 'now' ? 'just now' : `${s} ago`;
};
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The contact sidebar of the open ticket: name, email, attributes, and their tickets (each
 * opens with a click or Enter), all kept live. On screens without room for it, it is a panel
 * over the ticket with a close button that fires `ib-close-contact`.
 */
export class IbContact extends LitElement {
  static styles = [
    controls,
    css`
      :host { display: block; overflow-y: auto; border-left: 1px solid var(--ib-border-muted); background: var(--ib-bg); padding: var(--ib-space-4); font-size: var(--ib-text-md); box-sizing: border-box; }
      .head { display: flex; align-items: flex-start; gap: var(--ib-space-2); }
      .who { flex: 1; min-width: 0; }
      h2 { font-size: var(--ib-text-lg); margin: 0 0 2px; overflow-wrap: anywhere; }
      h2:focus { outline: none; }
      h3 { font-size: var(--ib-text-xs); letter-spacing: 0.04em; text-transform: uppercase; color: var(--ib-text-muted); margin: var(--ib-space-5) 0 var(--ib-space-2); }
      .email { color: var(--ib-text-muted); overflow-wrap: anywhere; }
      dl { display: grid; grid-template-columns: minmax(0, auto) minmax(0, 1fr); gap: var(--ib-space-1) var(--ib-space-3); margin: 0; }
      dt { color: var(--ib-text-muted); overflow-wrap: anywhere; }
      dd { margin: 0; overflow-wrap: anywhere; }
      ul { list-style: none; margin: 0; padding: 0; }
      li { border-bottom: 1px solid var(--ib-border-muted); }
      li > button, li > .current { display: block; width: 100%; box-sizing: border-box; overflow-wrap: anywhere; text-align: left; padding: var(--ib-space-2) var(--ib-space-1); border: 0; background: none; cursor: pointer; border-radius: 4px; font-size: inherit; }
      li > button:hover { background: var(--ib-bg-hover); }
      li > .current { cursor: default; font-weight: 600; }
      .status { display: block; color: var(--ib-text-muted); font-size: var(--ib-text-sm); font-weight: 400; }
      .close { display: none; }
      @media (max-width: ${unsafeCSS(WIDE_MIN - 1)}px) { .close { display: inline-flex; } }
    `,
  ];
  private readonly _store = new StoreController(this);

  connectedCallback() {
    super.connectedCallback();
    this.setAttribute('role', 'complementary');
    this.setAttribute('aria-label', 'Contact');
  }

  /** Focuses the panel's heading (opened as a panel over the ticket). */
  focusPanel() {
    (this.renderRoot.querySelector('h2') as HTMLElement | null)?.focus();
  }

  render() {
    const open = store.open;
    if (!open) return nothing;
    const c = open.contactDetail?.contact ?? open.contact;
    const attrs = Object.entries(c.attributes ?? {});
    return html`
      <div class="head">
        <div class="who">
          <h2 tabindex="-1">${c.name ?? 'Anonymous visitor'}</h2>
          <div class="email">${c.email ?? 'No email address'}</div>
        </div>
        <ib-button class="close" variant="ghost" icon label="Close contact details"
          @click=${() => this.dispatchEvent(new CustomEvent('ib-close-contact', { bubbles: true, composed: true }))}>${closeIcon}</ib-button>
      </div>
      ${attrs.length
        ? html`<h3>Attributes</h3>
            <dl>${attrs.map(([k, v]) => html`<dt>${k}</dt><dd>${show(v)}</dd>`)}</dl>`
        : nothing}
      <h3>Tickets</h3>
      <ul>
        ${(open.contactDetail?.tickets ?? []).map((t) => {
          const label = html`#${t.number} ${t.subject}<span class="status">${t.status} · ${ago(t.createdAt)}</span>`;
          return html`<li aria-current=${t.id === open.id}>
            ${t.id === open.id ? html`<span class="current">${label}</span>` : html`<button @click=${() => void store.openTicket(t.id)}>${label}</button>`}
          </li>`;
        })}
      </ul>
    `;
  }
}
customElements.define('ib-contact', IbContact);
