import { LitElement, css, html } from 'lit';
import type { WidgetConfig } from '@support/protocol';
import { controls } from '../../styles/tokens.js';

/**
 * The size the preview page is laid out at: a small desktop window, wider than the widget's
 * phone breakpoint (480 px, where the panel fills the screen and hides the launcher), so the
 * panel shows at its desktop size with the launcher under it and some of the site beside it.
 */
const FRAME = { width: 520, height: 720 };

type Choice<T extends string> = { value: T; label: string };
const STATES: Choice<'new' | 'chat'>[] = [{ value: 'new', label: 'First visit' }, { value: 'chat', label: 'Conversation' }];
const ONLINE: Choice<'online' | 'away'>[] = [{ value: 'online', label: 'Online' }, { value: 'away', label: 'Away' }];
const PAGES: Choice<'light' | 'dark'>[] = [{ value: 'light', label: 'Light site' }, { value: 'dark', label: 'Dark site' }];

/**
 * A live preview of the real widget: the server's preview page (`/widget/preview`: the
 * widget's own launcher and panel, no connection) in a frame, scaled to fit, fed `config`
 * through `postMessage` on every change. The admin picks what it shows: a first visit (the
 * pre-chat form when it asks for details) or a conversation, agents online or away, a light
 * or dark site (what the `auto` colour scheme follows).
 * Property: `config` (the unsaved settings as the widget would get them). Events: none.
 */
export class IbWidgetPreview extends LitElement {
  static styles = [
    controls,
    css`
      :host { display: block; }
      .box { position: relative; overflow: hidden; border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius-lg); background: var(--ib-bg-canvas); }
      iframe { position: absolute; top: 0; left: 0; border: 0; transform-origin: 0 0; background: #fff; }
      .controls { display: flex; flex-direction: column; gap: var(--ib-space-2); margin-bottom: var(--ib-space-3); }
      .segmented > button { min-height: calc(var(--ib-control-sm) - 2px); font-size: var(--ib-text-sm); padding: 0 var(--ib-space-2); }
    `,
  ];
  static properties = { config: { attribute: false }, state: { state: true }, online: { state: true }, page: { state: true }, scale: { state: true } };
  declare config: WidgetConfig | null;
  declare state: 'new' | 'chat';
  declare online: 'online' | 'away';
  declare page: 'light' | 'dark';
  declare scale: number;
  private ready = false;
  private readonly resize = new ResizeObserver(([e]) => {
    const w = e?.contentRect.width ?? FRAME.width;
    this.scale = Math.min(1, w / FRAME.width);
  });
  private readonly onMessage = (e: MessageEvent) => {
    if (e.source !== this.frame?.contentWindow || (e.data as { type?: string } | null)?.type !== 'sw-preview-ready') return;
    this.ready = true;
    this.post();
  };

  constructor() {
    super();
    this.config = null;
    this.state = 'new';
    this.online = 'online';
    this.page = 'light';
    this.scale = 0.75;
  }

  connectedCallback() {
    super.connectedCallback();
    addEventListener('message', this.onMessage);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('message', this.onMessage);
    this.resize.disconnect();
  }

  protected firstUpdated() {
    this.resize.observe(this.renderRoot.querySelector('.box')!);
  }

  private get frame(): HTMLIFrameElement | null {
    return this.renderRoot.querySelector('iframe');
  }

  protected updated() {
    this.post();
  }

  private post() {
    if (!this.ready || !this.config) return;
    this.frame?.contentWindow?.postMessage({ type: 'sw-preview', config: this.config, state: this.state, online: this.online === 'online', page: this.page }, location.origin);
  }

  private toggle<T extends string>(label: string, choices: Choice<T>[], value: T, set: (v: T) => void) {
    return html`<div class="segmented" role="group" aria-label=${label}>
      ${choices.map((c) => html`<button type="button" aria-pressed=${c.value === value ? 'true' : 'false'} @click=${() => set(c.value)}>${c.label}</button>`)}
    </div>`;
  }

  render() {
    return html`<div class="controls">
        ${this.toggle('What the preview shows', STATES, this.state, (v) => (this.state = v))}
        <div class="pair-row" style="display:flex;gap:var(--ib-space-2);flex-wrap:wrap">
          ${this.toggle('Agents', ONLINE, this.online, (v) => (this.online = v))} ${this.toggle('Site', PAGES, this.page, (v) => (this.page = v))}
        </div>
      </div>
      <div class="box" style="height:${Math.round(FRAME.height * this.scale)}px">
        <iframe src="/widget/preview" title="Preview of the chat widget" tabindex="-1" width=${FRAME.width} height=${FRAME.height}
          style="transform:scale(${this.scale})" @load=${() => this.post()}></iframe>
      </div>`;
  }
}
customElements.define('ib-widget-preview', IbWidgetPreview);
