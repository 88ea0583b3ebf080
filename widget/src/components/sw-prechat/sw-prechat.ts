import { LitElement, css, html, nothing } from 'lit';

type Mode = 'off' | 'optional' | 'required';
/** Details the form collected; fields left empty are absent. */
export type PrechatDetail = { name?: string; email?: string };

/**
 * A small form for the visitor's name and email (pre-chat, or the away form). Fires
 * `sw-submit` with a `PrechatDetail`; `error` shows a message under the form.
 */
export class SwPrechat extends LitElement {
  static properties = { name: {}, email: {}, intro: {}, action: {}, error: {}, busy: { type: Boolean } };
  declare name: Mode;
  declare email: Mode;
  declare intro: string;
  declare action: string;
  declare error: string;
  declare busy: boolean;
  static styles = css`
    form { display: grid; gap: 8px; padding: 12px; }
    p { margin: 0; color: var(--muted); }
    label { display: grid; gap: 2px; font-size: 12px; }
    input { font: inherit; color: inherit; background: var(--soft); border: 0; border-radius: 8px; padding: 8px; }
    button { border: 0; border-radius: 8px; background: var(--accent); color: #fff; font: inherit; padding: 8px; cursor: pointer; }
    .err { color: var(--err); }
    :focus-visible { outline: 2px solid var(--ring); outline-offset: 2px; }
  `;

  constructor() {
    super();
    this.name = 'off';
    this.email = 'off';
    this.intro = '';
    this.action = 'Start chat';
    this.error = '';
    this.busy = false;
  }

  private field(key: 'name' | 'email', mode: Mode, label: string) {
    if (mode === 'off') return nothing;
    return html`<label part="field">${label}${mode === 'required' ? ' *' : ''}
      <input name=${key} type=${key === 'email' ? 'email' : 'text'} autocomplete=${key} maxlength=${key === 'email' ? 254 : 200} ?required=${mode === 'required'} />
    </label>`;
  }

  private submit(e: Event) {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const detail: PrechatDetail = {};
    for (const k of ['name', 'email'] as const) {
      const v = String(data.get(k) ?? '').trim();
      if (v) detail[k] = v;
    }
    this.dispatchEvent(new CustomEvent('sw-submit', { detail, bubbles: true, composed: true }));
  }

  render() {
    return html`<form part="prechat" @submit=${this.submit}>
      ${this.intro ? html`<p>${this.intro}</p>` : nothing} ${this.field('name', this.name, 'Name')} ${this.field('email', this.email, 'Email')}
      <button type="submit" ?disabled=${this.busy}>${this.action}</button>
      ${this.error ? html`<p class="err" role="alert">${this.error}</p>` : nothing}
    </form>`;
  }
}
if (!customElements.get('sw-prechat')) customElements.define('sw-prechat', SwPrechat);
