import { LitElement, html, css, nothing } from 'lit';
import { store } from '../../store.js';
import { StoreController } from '../../store-controller.js';
import { timeSince } from '../../lib/thread.js';

const ago = (iso: string) => {
  const s = timeSince(iso);
  return s === 'now' ? 'just now' : `${s} ago`;
};
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The contact sidebar of the open ticket: name, email, attributes, and their tickets. */
export class IbContact extends LitElement {
  static styles = css`
    :host { display: block; overflow-y: auto; border-left: 1px solid #e3e6ea; background: #fff; padding: 12px; font-size: 13px; }
    h2 { font-size: 15px; margin: 0 0 2px; overflow-wrap: anywhere; }
    h3 { font-size: 12px; text-transform: uppercase; color: #6a737d; margin: 16px 0 6px; }
    .email { color: #57606a; overflow-wrap: anywhere; }
    dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; margin: 0; }
    dt { color: #6a737d; }
    dd { margin: 0; overflow-wrap: anywhere; }
    ul { list-style: none; margin: 0; padding: 0; }
    li { padding: 4px 0; border-bottom: 1px solid #f0f2f4; cursor: pointer; }
    li[aria-current='true'] { font-weight: 600; cursor: default; }
    .status { color: #6a737d; font-size: 12px; }
  `;
  private readonly _store = new StoreController(this);

  render() {
    const open = store.open;
    if (!open) return nothing;
    const c = open.contactDetail?.contact ?? open.contact;
    const attrs = Object.entries(c.attributes ?? {});
    return html`
      <h2>${c.name ?? 'Anonymous visitor'}</h2>
      <div class="email">${c.email ?? 'no email'}</div>
      ${attrs.length
        ? html`<h3>Attributes</h3>
            <dl>${attrs.map(([k, v]) => html`<dt>${k}</dt><dd>${show(v)}</dd>`)}</dl>`
        : nothing}
      <h3>Tickets</h3>
      <ul>
        ${(open.contactDetail?.tickets ?? []).map(
          (t) => html`<li aria-current=${t.id === open.id} @click=${() => t.id !== open.id && void store.openTicket(t.id)}>
            #${t.number} ${t.subject}<br /><span class="status">${t.status} · ${ago(t.createdAt)}</span>
          </li>`,
        )}
      </ul>
    `;
  }
}
customElements.define('ib-contact', IbContact);
