import { LitElement, html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { buttonStyles } from './ib-button.styles.js';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';
export type ButtonSize = 'sm' | 'md' | 'lg';

/** Input types in which Enter submits the form (the HTML "implicit submission" list). */
const IMPLICIT = new Set(['text', 'search', 'url', 'tel', 'email', 'password', 'date', 'month', 'week', 'time', 'datetime-local', 'number']);

/**
 * A button (or, with `href`, a link that looks like one).
 *
 * Properties (attributes):
 * - `variant` ('secondary'): `primary` for the one main action of a screen, `secondary`,
 *   `danger` for an action that destroys something, `ghost` (no border: toolbars, icons).
 * - `size` ('md'): `sm` 26 px, `md` 32 px, `lg` 38 px high.
 * - `type` ('button'): `submit` submits the form it is in (`requestSubmit`, so the form's
 *   `submit` listeners and validation run), and Enter in a text field of that form does too
 *   (the first submit `ib-button` of a form acts as its default button); `reset` resets it.
 * - `disabled`: not focusable, no click.
 * - `loading`: a spinner, `aria-busy`, and clicks are ignored; it keeps focus (a keyboard
 *   user who pressed it is not thrown to the top of the page).
 * - `label`: the accessible name, for a button whose content is only an icon.
 * - `icon`: square, for an icon-only button.
 * - `pressed` / `expanded` (booleans, unset by default): a toggle's `aria-pressed`, a
 *   disclosure's `aria-expanded`. `keyshortcuts`: `aria-keyshortcuts`.
 * - `href` (and `current`, its `aria-current`): a link (navigation, not an action).
 *
 * Content: the default slot (text and/or an icon). `focus()` focuses the inner control.
 * Theming (the header bar): `--ib-button-bg`, `--ib-button-fg`, `--ib-button-border`,
 * `--ib-button-hover`, `--ib-button-focus` change the secondary and ghost looks.
 * Events: the native `click`, never fired while `disabled` or `loading`.
 */
export class IbButton extends LitElement {
  static styles = buttonStyles;
  static shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static properties = {
    variant: { reflect: true },
    size: { reflect: true },
    type: { reflect: true },
    disabled: { type: Boolean, reflect: true },
    loading: { type: Boolean, reflect: true },
    icon: { type: Boolean, reflect: true },
    label: {},
    pressed: { type: Boolean },
    expanded: { type: Boolean },
    keyshortcuts: {},
    href: {},
    current: {},
  };
  declare variant: ButtonVariant;
  declare size: ButtonSize;
  declare type: 'button' | 'submit' | 'reset';
  declare disabled: boolean;
  declare loading: boolean;
  declare icon: boolean;
  declare label: string | undefined;
  declare pressed: boolean | undefined;
  declare expanded: boolean | undefined;
  declare keyshortcuts: string | undefined;
  declare href: string | undefined;
  declare current: string | undefined;
  private form: HTMLFormElement | null = null;

  constructor() {
    super();
    this.variant = 'secondary';
    this.size = 'md';
    this.type = 'button';
    this.disabled = false;
    this.loading = false;
    this.icon = false;
    // Capture on the host runs before any listener the screen put on it.
    this.addEventListener('click', this.onClickCapture, { capture: true });
    this.addEventListener('click', this.onClick);
  }

  connectedCallback() {
    super.connectedCallback();
    this.form = this.closest('form');
    this.form?.addEventListener('keydown', this.onFormKey);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.form?.removeEventListener('keydown', this.onFormKey);
    this.form = null;
  }

  private readonly onClickCapture = (e: Event) => {
    if (!this.disabled && !this.loading) return;
    e.preventDefault();
    e.stopImmediatePropagation();
  };

  private readonly onClick = (e: Event) => {
    if (e.defaultPrevented || !this.form) return;
    if (this.type === 'submit') this.form.requestSubmit();
    else if (this.type === 'reset') this.form.reset();
  };

  /** Enter in a text field of the form submits it, as a native default button would. */
  private readonly onFormKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.defaultPrevented || e.isComposing || this.type !== 'submit') return;
    const field = e.composedPath()[0];
    const form = this.form;
    if (!form || !(field instanceof HTMLInputElement) || !IMPLICIT.has(field.type) || field.form !== form) return;
    if (form.querySelector('ib-button[type=submit]') !== this) return;
    e.preventDefault();
    if (!this.disabled && !this.loading) form.requestSubmit();
  };

  render() {
    const content = html`${this.loading ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}<span class="content"><slot></slot></span>`;
    if (this.href !== undefined)
      return html`<a class="control" part="control" href=${this.href} aria-label=${ifDefined(this.label)} title=${ifDefined(this.icon ? this.label : undefined)}
        aria-current=${ifDefined(this.current)}>${content}</a>`;
    return html`<button class="control" part="control" type="button" ?disabled=${this.disabled}
      aria-disabled=${this.loading ? 'true' : nothing} aria-busy=${this.loading ? 'true' : nothing}
      aria-label=${ifDefined(this.label)} title=${ifDefined(this.icon ? this.label : undefined)}
      aria-pressed=${this.pressed === undefined ? nothing : String(this.pressed)} aria-expanded=${this.expanded === undefined ? nothing : String(this.expanded)}
      aria-keyshortcuts=${ifDefined(this.keyshortcuts)}>${content}</button>`;
  }
}
customElements.define('ib-button', IbButton);

declare global {
  interface HTMLElementTagNameMap {
    'ib-button': IbButton;
  }
}
