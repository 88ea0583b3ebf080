import { LitElement, css, html, nothing, render, type PropertyValues } from 'lit';
import type { IbSelect } from '../ib-select/ib-select.js';

let fields = 0;

const errorIcon = html`<svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" style="flex:none;margin-top:1px"><circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 4.2v4.6M8 11.2v.1" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/></svg>`;

/**
 * A labelled form field around one control: its only child element without a `slot`, an
 * `input`, `textarea`, `select` or `ib-select`.
 *
 * It adds, next to the control in the light DOM (so the references work across no shadow
 * boundary): a visible `<label for>` with a required marker, the hint and the inline error;
 * and it wires the control: an `id` if it has none, `aria-describedby` (hint, then error),
 * `aria-invalid` while there is an error, `required`.
 *
 * Properties: `label` (required), `hint`, `error` (empty: none), `required`.
 * Events: none.
 */
export class IbField extends LitElement {
  static styles = css`
    :host { display: flex; flex-direction: column; gap: var(--ib-space-1); min-width: 0; }
    :host([hidden]) { display: none; }
    ::slotted([slot='label']) { font-size: var(--ib-text-md); font-weight: 600; color: var(--ib-text); width: fit-content; }
    ::slotted([slot='hint']) { font-size: var(--ib-text-sm); color: var(--ib-text-muted); }
    ::slotted([slot='error']) { display: flex; gap: var(--ib-space-1); font-size: var(--ib-text-sm); font-weight: 500; color: var(--ib-danger); }
    ::slotted([hidden]) { display: none; }
  `;
  static properties = { label: {}, hint: {}, error: {}, required: { type: Boolean, reflect: true } };
  declare label: string;
  declare hint: string;
  declare error: string;
  declare required: boolean;
  private readonly uid = `ib-field-${++fields}`;
  private readonly labelEl = document.createElement('label');
  private readonly hintEl = document.createElement('div');
  private readonly errorEl = document.createElement('div');

  constructor() {
    super();
    this.label = '';
    this.hint = '';
    this.error = '';
    this.required = false;
    this.labelEl.slot = 'label';
    this.hintEl.slot = 'hint';
    this.hintEl.id = `${this.uid}-hint`;
    this.errorEl.slot = 'error';
    this.errorEl.id = `${this.uid}-error`;
  }

  connectedCallback() {
    super.connectedCallback();
    if (!this.labelEl.isConnected) this.prepend(this.labelEl);
    if (!this.hintEl.isConnected) this.append(this.hintEl, this.errorEl);
  }

  /** The element that takes the value (the inner select of an `ib-select`). */
  private control(): HTMLElement | null {
    const el = Array.from(this.children).find((c) => !c.slot) as HTMLElement | undefined;
    if (!el) return null;
    return el.localName === 'ib-select' ? (el as IbSelect).select : el;
  }

  private wire() {
    const host = Array.from(this.children).find((c) => !c.slot);
    const c = this.control();
    if (!c) {
      // An ib-select renders its menu in its own first update.
      if (host?.localName === 'ib-select') void (host as IbSelect).updateComplete.then(() => this.control() && this.wire());
      return;
    }
    if (!c.id) c.id = `${this.uid}-control`;
    this.labelEl.htmlFor = c.id;
    const described = [this.hint ? this.hintEl.id : '', this.error ? this.errorEl.id : ''].filter(Boolean).join(' ');
    if (described) c.setAttribute('aria-describedby', described);
    else c.removeAttribute('aria-describedby');
    if (this.error) c.setAttribute('aria-invalid', 'true');
    else c.removeAttribute('aria-invalid');
    // Marks the control required; a control that is required by itself stays so.
    if (this.required) {
      if (host?.localName === 'ib-select') (host as IbSelect).required = true;
      else c.setAttribute('required', '');
    }
  }

  updated(changed: PropertyValues<this>) {
    if (changed.get('required') === true && !this.required) {
      const host = Array.from(this.children).find((c) => !c.slot);
      if (host?.localName === 'ib-select') (host as IbSelect).required = false;
      else this.control()?.removeAttribute('required');
    }
    render(html`${this.label}${this.required ? html`<span aria-hidden="true" style="color:var(--ib-danger)"> *</span>` : nothing}`, this.labelEl);
    this.hintEl.textContent = this.hint;
    this.hintEl.hidden = !this.hint;
    render(this.error ? html`${errorIcon}<span>${this.error}</span>` : nothing, this.errorEl);
    this.errorEl.hidden = !this.error;
    this.wire();
  }

  render() {
    return html`<slot name="label"></slot><slot @slotchange=${() => this.wire()}></slot><slot name="hint"></slot><slot name="error"></slot>`;
  }
}
customElements.define('ib-field', IbField);

declare global {
  interface HTMLElementTagNameMap {
    'ib-field': IbField;
  }
}
