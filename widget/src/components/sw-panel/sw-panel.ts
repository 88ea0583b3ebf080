import { LitElement, html, nothing } from 'lit';
import type { WidgetConfig } from '@support/protocol';
import type { ChatClient } from '../../chat/client.js';
import { ChatController } from '../../chat/controller.js';
import '../sw-messages/sw-messages.js';
import '../sw-composer/sw-composer.js';
import '../sw-prechat/sw-prechat.js';
import type { PrechatDetail } from '../sw-prechat/sw-prechat.js';
import { deepActive, focusables } from './focus.js';
import { panelStyles } from './sw-panel.styles.js';

/**
 * The open chat panel: header (team, online/away, reply time), pre-chat form when the inbox
 * asks for one, the conversation, an away form when nobody is online, the composer. A modal
 * dialog: Tab stays inside, Escape fires `sw-close`.
 */
export class SwPanel extends LitElement {
  static styles = panelStyles;
  static properties = { client: { attribute: false }, config: { attribute: false }, error: { state: true }, busy: { state: true } };
  declare client: ChatClient;
  declare config: WidgetConfig;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.error = '';
    this.busy = false;
    new ChatController(this);
    this.addEventListener('keydown', (e) => this.key(e));
  }

  /** Moves focus into the panel (the first field). */
  focusFirst(): void {
    void this.updateComplete.then(() => {
      const all = focusables(this.renderRoot);
      (all.find((el) => el.matches('textarea,input')) ?? all[0])?.focus();
    });
  }

  private key(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.dispatchEvent(new CustomEvent('sw-close', { bubbles: true, composed: true }));
      return;
    }
    if (e.key !== 'Tab') return;
    const all = focusables(this.renderRoot);
    if (!all.length) return;
    const i = all.indexOf(deepActive() as HTMLElement);
    const to = e.shiftKey ? (i <= 0 ? all.length - 1 : i - 1) : i === all.length - 1 ? 0 : i + 1;
    e.preventDefault();
    all[to]!.focus();
  }

  private async details(e: CustomEvent<PrechatDetail>) {
    this.busy = true;
    this.error = '';
    const r = await this.client.identify(e.detail);
    this.busy = false;
    if (!r.ok) this.error = r.error.code === 'VALIDATION_FAILED' ? 'Please check the email address.' : 'Could not save, please try again.';
    else this.client.saveProfile({ prechatDone: true });
    this.focusFirst();
  }

  render() {
    const c = this.client;
    const s = this.config.settings;
    const asks = s.preChat.name !== 'off' || s.preChat.email !== 'off';
    // The server holds a first message until it has the inbox's required details (settings may have changed since this config).
    const ask = (f: 'name' | 'email') => (c.missing.includes(f) ? 'required' : s.preChat[f]);
    const prechat = c.missing.length > 0 || (asks && !c.profile.prechatDone && !c.conversation && !c.timeline.items.length && !c.pending.length);
    const away = !c.agentsOnline && !c.profile.email && !prechat;
    return html`<header part="header">
        <div>
          <h2 id="t">${s.teamName}</h2>
          <p><span class="dot ${c.agentsOnline ? 'on' : ''}"></span>${c.agentsOnline ? 'Online' : 'Away'} · Typically replies in ${s.replyTime}</p>
        </div>
        <button class="x" aria-label="Close chat" @click=${() => this.dispatchEvent(new CustomEvent('sw-close', { bubbles: true, composed: true }))}>×</button>
      </header>
      ${prechat
        ? html`<sw-prechat exportparts="prechat,field" .name=${ask('name')} .email=${ask('email')} .intro=${s.greeting} .error=${this.error} .busy=${this.busy} @sw-submit=${this.details}></sw-prechat>`
        : html`<sw-messages exportparts="messages,message" .client=${c} .greeting=${s.greeting}></sw-messages>
            ${away
              ? html`<sw-prechat class="away" exportparts="prechat,field" email="required" .intro=${s.awayMessage} action="Notify me" .error=${this.error} .busy=${this.busy} @sw-submit=${this.details}></sw-prechat>`
              : nothing}
            <sw-composer exportparts="composer" .client=${c} .max=${this.config.attachmentMaxBytes}></sw-composer>`}`;
  }
}
if (!customElements.get('sw-panel')) customElements.define('sw-panel', SwPanel);
