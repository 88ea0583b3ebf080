import { LitElement, css, html, nothing, svg } from 'lit';

export type EmptyIcon = 'inbox' | 'search' | 'lock' | 'missing' | 'none';

const path = (d: ReturnType<typeof svg>) =>
  svg`<svg width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${d}</svg>`;
const icons: Record<Exclude<EmptyIcon, 'none'>, ReturnType<typeof svg>> = {
  inbox: path(svg`<path d="M3 13l3-8h12l3 8v6H3z"/><path d="M3 13h5l1 2h6l1-2h5"/>`),
  search: path(svg`<circle cx="11" cy="11" r="6"/><path d="M20 20l-4.5-4.5"/>`),
  lock: path(svg`<rect x="5" y="11" width="14" height="9" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>`),
  missing: path(svg`<circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6v.4M12 17v.1"/>`),
};

/**
 * An empty state: says what is not here, and what to do next.
 *
 * Properties: `heading` (required: "No open tickets"), `level` (its heading level, 2 by
 * default), `icon` ('inbox' | 'search' | 'lock' | 'missing' | 'none', default 'none').
 * Slots: the default one (a sentence or two: what to do next), `actions` (buttons, links).
 * Events: none.
 */
export class IbEmpty extends LitElement {
  static styles = css`
    :host { display: block; padding: var(--ib-space-6) var(--ib-space-5); text-align: center; color: var(--ib-text-muted); font-size: var(--ib-text-md); line-height: var(--ib-line); }
    :host([hidden]) { display: none; }
    .icon { display: inline-grid; place-items: center; width: 44px; height: 44px; margin-bottom: var(--ib-space-3); border-radius: 50%; background: var(--ib-bg-muted); color: var(--ib-text-muted); }
    .heading { margin: 0 0 var(--ib-space-1); color: var(--ib-text); font-size: var(--ib-text-base); font-weight: 600; }
    .text { max-width: 40ch; margin: 0 auto; }
    .actions { display: flex; flex-wrap: wrap; justify-content: center; gap: var(--ib-space-2); margin-top: var(--ib-space-4); }
    .actions.empty { display: none; }
  `;
  static properties = { heading: {}, level: { type: Number }, icon: {} };
  declare heading: string;
  declare level: number;
  declare icon: EmptyIcon;
  private hasActions = false;

  constructor() {
    super();
    this.heading = '';
    this.level = 2;
    this.icon = 'none';
  }

  private onActions(e: Event) {
    this.hasActions = (e.target as HTMLSlotElement).assignedNodes().length > 0;
    this.requestUpdate();
  }

  render() {
    return html`
      ${this.icon !== 'none' ? html`<div class="icon">${icons[this.icon]}</div>` : nothing}
      <div class="heading" role="heading" aria-level=${this.level}>${this.heading}</div>
      <div class="text"><slot></slot></div>
      <div class="actions ${this.hasActions ? '' : 'empty'}"><slot name="actions" @slotchange=${this.onActions}></slot></div>
    `;
  }
}
customElements.define('ib-empty', IbEmpty);

declare global {
  interface HTMLElementTagNameMap {
    'ib-empty': IbEmpty;
  }
}
