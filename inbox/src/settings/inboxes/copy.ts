import { html, nothing } from 'lit';
import { toast } from '../../components/ib-toast/ib-toast.js';
import '../../components/ib-button/ib-button.js';

/** Copies `text` to the clipboard and says so (or why not) in the page's toast. */
export async function copyText(from: EventTarget, text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast(from, `${what} copied`);
  } catch {
    toast(from, `Could not copy the ${what.toLowerCase()}: select it and copy it by hand`, 'error');
  }
}

/**
 * A read-only value in a text field (so it can be selected by hand) with a Copy button;
 * `label` names the field, and the button ("Copy <label>"); `id` must be unique in the page.
 * Styled by `inboxesStyles` (`.copy-field`).
 */
export function copyField(label: string, value: string, o: { id: string; hint?: string }) {
  return html`<div class="copy-field">
    <label for=${o.id}>${label}</label>
    <div class="copy-row">
      <input class="field" id=${o.id} readonly .value=${value} aria-describedby=${o.hint ? `${o.id}-hint` : nothing} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
      <ib-button label=${`Copy ${label.charAt(0).toLowerCase()}${label.slice(1)}`} @click=${(e: Event) => void copyText(e.currentTarget!, value, label)}>Copy</ib-button>
    </div>
    ${o.hint ? html`<div class="copy-hint" id=${`${o.id}-hint`}>${o.hint}</div>` : nothing}
  </div>`;
}

/** A stored secret by its last four characters (`hint`: "…abcd"), dots before them; null: "not set". */
export function secretHint(hint: string | null, what: string) {
  if (!hint) return html`<span class="muted">Not set</span>`;
  return html`<span class="hint-value"><span aria-hidden="true">••••••••</span><span class="visually-hidden">${what} ending in </span>${hint.slice(1)}</span>`;
}
