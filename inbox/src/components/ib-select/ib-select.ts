import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';

/** One choice of an `ib-select`; options sharing a `group` next to each other form an `<optgroup>`. */
export type SelectOption = { value: string; label: string; group?: string; disabled?: boolean };

/**
 * A menu: a native `<select>` (so the keyboard, screen readers and phones behave as people
 * know them) drawn like every other field. It renders into its own light DOM, so an
 * `ib-field` around it labels it, it belongs to the form it is in (`name`), and it takes
 * its look from the `controls` styles of the screen that holds it.
 *
 * Properties: `options` (SelectOption[]), `value` (the chosen option's value; set it with
 * `.value=${live(v)}` so a refused change shows the real value again), `label` (accessible
 * name when no `ib-field` labels it), `name`, `disabled`, `required`, `size` ('sm' | 'md' |
 * 'lg', default 'md'). `select` is the menu element.
 * Events: `ib-change` (`detail: { value }`) when the person picks an option; the native
 * `change` bubbles from the inner select as well.
 */
export class IbSelect extends LitElement {
  static properties = {
    options: { attribute: false },
    value: {},
    label: {},
    name: {},
    disabled: { type: Boolean },
    required: { type: Boolean },
    size: { reflect: true },
  };
  declare options: SelectOption[];
  declare value: string;
  declare label: string | undefined;
  declare name: string | undefined;
  declare disabled: boolean;
  declare required: boolean;
  declare size: 'sm' | 'md' | 'lg';

  constructor() {
    super();
    this.options = [];
    this.value = '';
    this.disabled = false;
    this.required = false;
    this.size = 'md';
  }

  protected createRenderRoot() {
    return this;
  }

  get select(): HTMLSelectElement | null {
    return this.querySelector(':scope > select');
  }

  focus(options?: FocusOptions) {
    this.select?.focus(options);
  }

  updated() {
    const s = this.select;
    if (s && s.value !== this.value) s.value = this.value;
  }

  private onChange(e: Event) {
    this.value = (e.target as HTMLSelectElement).value;
    this.dispatchEvent(new CustomEvent('ib-change', { detail: { value: this.value }, bubbles: true, composed: true }));
  }

  private option(o: SelectOption) {
    return html`<option value=${o.value} ?selected=${o.value === this.value} ?disabled=${o.disabled ?? false}>${o.label}</option>`;
  }

  render() {
    const parts: TemplateResult[] = [];
    for (let i = 0; i < this.options.length; ) {
      const group = this.options[i]!.group;
      let j = i;
      while (j < this.options.length && this.options[j]!.group === group) j++;
      const run = this.options.slice(i, j).map((o) => this.option(o));
      parts.push(group ? html`<optgroup label=${group}>${run}</optgroup>` : html`${run}`);
      i = j;
    }
    return html`<select name=${ifDefined(this.name)} aria-label=${ifDefined(this.label)} ?disabled=${this.disabled} ?required=${this.required}
      @change=${this.onChange}>${parts.length ? parts : nothing}</select>`;
  }
}
customElements.define('ib-select', IbSelect);

declare global {
  interface HTMLElementTagNameMap {
    'ib-select': IbSelect;
  }
}
