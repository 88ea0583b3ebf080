import { LitElement, html, nothing } from 'lit';
import type { WidgetConfig } from '@support/protocol';
import type { ChatClient } from '../../chat/client.js';
import { ChatController } from '../../chat/controller.js';
import '../sw-messages/sw-messages.js';
import '../sw-composer/sw-composer.js';
import '../sw-prechat/sw-prechat.js';
import type { PrechatDetail } from '../sw-prechat/sw-prechat.js';
import { deepActive, focusables } from './focus.js';
import { OnlineController } from './online.js';

/** " We're back Monday at 09:00." in the visitor's language and time zone; nothing without a time. */
const backAt = (at: string | null | undefined) =>
  at ? ` We're back ${new Intl.DateTimeFormat(undefined, { weekday: 'long', hour: 'numeric', minute: '2-digit' }).format(new Date(at))}.` : '';
import { panelStyles } from './sw-panel.styles.js';

type Field = 'name' | 'email';

/**
 * The open chat panel: header (the workspace's logo, team, connection or online/away state, reply time), pre-chat
 * form when the inbox asks for details it does not have yet, the conversation, an away form
 * when nobody is online, the composer. A modal dialog: focus goes to its first field when it
 * opens and when the pre-chat form is done, Tab stays inside, Escape fires `sw-close`.
 */
export class SwPanel extends LitElement {
  static styles = panelStyles;
  static properties = { client: { attribute: false }, config: { attribute: false }, error: { state: true }, busy: { state: true }, left: { state: true } };
  declare client: ChatClient;
  declare config: WidgetConfig;
  declare error: string;
  declare busy: boolean;
  /** The email the visitor left in the away form on this page view. */
  declare left: string;
  private focusWasIn = false;
  private wasPrechat: boolean | undefined;

  constructor() {
    super();
    this.error = '';
    this.busy = false;
    this.left = '';
    new ChatController(this);
    new OnlineController(this);
    this.addEventListener('keydown', (e) => this.key(e));
  }

  /** Moves focus into the panel: the first field (pre-chat, else the message), once every part has rendered. */
  async focusFirst(): Promise<void> {
    await this.updateComplete;
    for (const el of Array.from(this.renderRoot.querySelectorAll('*'))) await (el as Partial<LitElement>).updateComplete;
    const all = focusables(this.renderRoot);
    (all.find((el) => el.matches('textarea,input')) ?? all[0])?.focus();
  }

  private close() {
    this.dispatchEvent(new CustomEvent('sw-close', { bubbles: true, composed: true }));
  }

  private key(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      return this.close();
    }
    if (e.key !== 'Tab') return;
    const all = focusables(this.renderRoot);
    if (!all.length) return;
    const i = all.indexOf(deepActive() as HTMLElement);
    const to = e.shiftKey ? (i <= 0 ? all.length - 1 : i - 1) : i === all.length - 1 ? 0 : i + 1;
    e.preventDefault();
    all[to]!.focus();
  }

  private async details(e: CustomEvent<PrechatDetail>, away: boolean) {
    this.busy = true;
    this.error = '';
    const r = await this.client.identify(e.detail);
    this.busy = false;
    if (!r.ok) return void (this.error = r.error.code === 'VALIDATION_FAILED' ? 'Please check the email address.' : 'Could not save, please try again.');
    this.client.saveProfile({ prechatDone: true });
    if (away) this.left = r.data.email ?? '';
    void this.focusFirst();
  }

  /**
   * What to show. A field is asked when the inbox wants it (or the server said it is missing)
   * and the visitor's profile does not have it: a visitor identified by the page with name and
   * email is not asked again. The form shows before the first conversation only.
   */
  private view() {
    const c = this.client;
    const s = this.config.settings;
    const ask = (f: Field) => (c.missing.includes(f) ? 'required' : c.profile[f] ? 'off' : s.preChat[f]);
    const prechat = c.missing.length > 0 || ((ask('name') !== 'off' || ask('email') !== 'off') && !c.profile.prechatDone && !c.conversation && !c.timeline.items.length && !c.pending.length);
    return { ask, prechat, away: c.away && !c.profile.email && !prechat };
  }

  protected willUpdate(): void {
    this.focusWasIn = this.matches(':focus-within');
  }

  protected updated(): void {
    // The pre-chat form gave way to the conversation (or back) under the visitor's focus: follow it.
    const { prechat } = this.view();
    if (prechat !== this.wasPrechat && this.focusWasIn) void this.focusFirst();
    this.wasPrechat = prechat;
  }

  render() {
    const c = this.client;
    const s = this.config.settings;
    const { ask, prechat, away } = this.view();
    // Truthful about the connection: messages typed meanwhile wait in the outbox.
    const q = c.queue?.position;
    const wait = c.queue?.expectedWaitSeconds;
    const state = c.ready ? (c.away ? 'Away' : 'Online') : navigator.onLine ? 'Connecting…' : 'Offline';
    const form = (intro: string, awayForm: boolean, action?: string) =>
      html`<sw-prechat class=${awayForm ? 'away' : ''} exportparts="prechat,field" .name=${awayForm ? 'off' : ask('name')} .email=${awayForm ? 'required' : ask('email')} .intro=${intro} .action=${action ?? 'Start chat'} .error=${this.error} .busy=${this.busy} @sw-submit=${(e: CustomEvent<PrechatDetail>) => this.details(e, awayForm)}></sw-prechat>`;
    return html`<header part="header">
        ${this.config.logoUrl ? html`<img class="logo" src=${this.config.logoUrl} alt="" @error=${(e: Event) => ((e.target as HTMLElement).hidden = true)}>` : nothing}
        <div>
          <h2 id="t">${s.teamName}</h2>
          <p><span class="dot ${c.ready ? (c.away ? '' : 'on') : 'off'}"></span>${state} · Typically replies in ${s.replyTime}</p>
        </div>
        <button class="x" aria-label="Close chat" @click=${this.close}>×</button>
      </header>
      ${q ? html`<p class="q" role="status">${q > 1 ? `You are number ${q} in line` : "You're next"}${wait == null ? '' : ` · about ${Math.ceil(wait / 60) || 1} min`}</p>` : nothing}
      ${prechat
        ? form(s.greeting, false)
        : html`<sw-messages exportparts="messages,message" .client=${c} .greeting=${s.greeting} .notice=${this.left && `Thanks! We'll get back to you at ${this.left}.`}></sw-messages>
            ${away ? form(s.awayMessage + backAt(c.hours?.backAt), true, 'Notify me') : nothing}
            <sw-composer exportparts="composer" .client=${c} .max=${this.config.attachmentMaxBytes}></sw-composer>`}`;
  }
}
if (!customElements.get('sw-panel')) customElements.define('sw-panel', SwPanel);
