import { LitElement, css, html, nothing } from 'lit';
import type { Macro } from '@support/protocol';
import { rest } from '../../api.js';
import { controls } from '../../styles/tokens.js';
import type { IbMacroApply } from './ib-macro-apply.js';
import './ib-macro-apply.js';
import '../ib-button/ib-button.js';

let menus = 0;

/**
 * The "Macros" button of a ticket: a menu of the macros the agent may apply (`GET /api/macros`,
 * read when it opens), searched as they type (name and description); ArrowUp/ArrowDown move,
 * Enter chooses, Escape closes and gives focus back to the button. Choosing one opens the
 * preview dialog (`ib-macro-apply`). Properties: `ticket` ({ id, number }).
 */
export class IbMacroMenu extends LitElement {
  static properties = { ticket: { attribute: false } };
  static styles = [
    controls,
    css`
      :host { position: relative; display: inline-block; }
      .pop { position: absolute; z-index: 20; top: calc(100% + 4px); left: 0; width: min(340px, calc(100vw - 24px)); background: var(--ib-bg); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius-lg); box-shadow: var(--ib-shadow-lg); padding: var(--ib-space-2); }
      @media (max-width: 720px) { .pop { position: fixed; top: auto; left: 8px; right: 8px; width: auto; margin-top: 4px; } }
      .pop input { width: 100%; box-sizing: border-box; }
      ul { list-style: none; margin: var(--ib-space-2) 0 0; padding: 0; max-height: 280px; overflow-y: auto; }
      li { padding: var(--ib-space-2); border-radius: var(--ib-radius); cursor: pointer; display: flex; flex-direction: column; gap: 2px; }
      li[aria-selected='true'] { background: var(--ib-accent-subtle); outline: 2px solid var(--ib-focus); outline-offset: -2px; }
      li:hover { background: var(--ib-bg-hover); }
      .name { font-weight: 600; font-size: var(--ib-text-md); }
      .desc { color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
      .none { padding: var(--ib-space-2); color: var(--ib-text-muted); font-size: var(--ib-text-md); margin: 0; }
      .none a { color: var(--ib-accent); }
    `,
  ];
  declare ticket: { id: string; number: number } | null;
  private readonly uid = `ib-macros-${++menus}`;
  private open = false;
  private macros: Macro[] | null = null;
  private error = '';
  private query = '';
  private active = 0;

  constructor() {
    super();
    this.ticket = null;
  }

  private get shown(): Macro[] {
    const q = this.query.trim().toLowerCase();
    const all = this.macros ?? [];
    return q ? all.filter((m) => m.name.toLowerCase().includes(q) || m.description.toLowerCase().includes(q)) : all;
  }

  private async toggle() {
    if (this.open) return this.close();
    this.open = true;
    this.query = '';
    this.active = 0;
    this.requestUpdate();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('.pop input')?.focus();
    try {
      this.macros = [...(await rest<Macro[]>('GET', '/api/macros'))].sort((a, b) => b.usageCount - a.usageCount || a.name.localeCompare(b.name));
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    }
    this.requestUpdate();
  }

  private close(focusButton = true) {
    this.open = false;
    this.requestUpdate();
    if (focusButton) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('ib-button.macros')?.focus());
  }

  private choose(m: Macro | undefined) {
    if (!m || !this.ticket) return;
    this.close(false);
    void (this.renderRoot.querySelector('ib-macro-apply') as IbMacroApply).open(this.ticket, m);
  }

  private onKey(e: KeyboardEvent) {
    const n = this.shown.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (n) this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.requestUpdate();
      void this.updateComplete.then(() => this.renderRoot.querySelector(`#${this.uid}-${this.active}`)?.scrollIntoView({ block: 'nearest' }));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      this.choose(this.shown[this.active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close();
    }
  }

  private onFocusOut(e: FocusEvent) {
    const to = e.relatedTarget as Node | null;
    if (this.open && (!to || !this.renderRoot.contains(to))) this.close(false);
  }

  private renderPop() {
    const shown = this.shown;
    const active = Math.min(this.active, Math.max(shown.length - 1, 0));
    return html`<div class="pop" @keydown=${this.onKey}>
      <input class="field" type="text" role="combobox" aria-label="Search macros" placeholder="Search macros…" autocomplete="off"
        aria-expanded="true" aria-controls="${this.uid}-list" aria-autocomplete="list"
        aria-activedescendant=${shown.length ? `${this.uid}-${active}` : nothing}
        .value=${this.query} @input=${(e: Event) => { this.query = (e.target as HTMLInputElement).value; this.active = 0; this.requestUpdate(); }} />
      ${this.error
        ? html`<p class="none" role="alert">Macros could not be loaded: ${this.error}</p>`
        : !this.macros
          ? html`<p class="none" role="status">Loading macros…</p>`
          : nothing}
      <ul id="${this.uid}-list" role="listbox" aria-label="Macros">${shown.map(
        (m, i) => html`<li id="${this.uid}-${i}" role="option" aria-selected=${i === active ? 'true' : 'false'}
          @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.choose(m)}>
          <span class="name">${m.name}</span>${m.description ? html`<span class="desc">${m.description}</span>` : nothing}</li>`,
      )}</ul>
      ${this.macros && !shown.length
        ? html`<p class="none">${this.query ? 'No macro matches.' : html`No macros yet. <a href="/inbox/settings/macros/new">Create one</a> in the settings.`}</p>`
        : nothing}
    </div>`;
  }

  render() {
    return html`<span @focusout=${this.onFocusOut}>
        <ib-button class="macros" .expanded=${this.open} @click=${() => void this.toggle()} title="Apply a macro">Macros</ib-button>
        ${this.open ? this.renderPop() : nothing}
      </span>
      <ib-macro-apply></ib-macro-apply>`;
  }
}
customElements.define('ib-macro-menu', IbMacroMenu);
