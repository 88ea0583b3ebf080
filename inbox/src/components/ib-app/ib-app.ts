import { LitElement, html, css, nothing } from 'lit';
import { store } from '../../store.js';
import { StoreController } from '../../store-controller.js';
import { AutoAway } from '../../lib/auto-away.js';
import { notificationsOn, setNotifications } from '../../lib/notify.js';
import { bellIcon } from '../../lib/icons.js';
import { SHORTCUTS, typingInField } from './shortcuts.js';
import '../ib-ticket-list/ib-ticket-list.js';
import '../ib-conversation/ib-conversation.js';
import '../ib-contact/ib-contact.js';
import type { IbTicketList } from '../ib-ticket-list/ib-ticket-list.js';
import type { IbConversation } from '../ib-conversation/ib-conversation.js';

/**
 * The inbox shell: login screen, or the header (presence, notifications, logout), the ticket
 * list, the open conversation and the contact sidebar. Owns the keyboard shortcuts, the
 * automatic away after inactivity, and the unread count in the tab title.
 */
export class IbApp extends LitElement {
  static styles = css`
    :host { display: flex; flex-direction: column; height: 100vh; font: 14px/1.4 system-ui, sans-serif; color: #24292f; }
    .login { margin: 15vh auto; width: 300px; display: flex; flex-direction: column; gap: 8px; }
    .login input, .login button { font: inherit; padding: 8px; border: 1px solid #cfd5dc; border-radius: 6px; }
    .login button { background: #1f6feb; color: #fff; border-color: #1f6feb; cursor: pointer; }
    .error { color: #b00020; }
    .bar { display: flex; align-items: center; gap: 10px; padding: 6px 12px; background: #24292f; color: #fff; }
    .bar .brand { font-weight: 700; margin-right: auto; }
    .bar button { font: inherit; background: #3b434b; color: #fff; border: 0; border-radius: 6px; padding: 4px 10px; cursor: pointer; }
    .dot { width: 9px; height: 9px; border-radius: 50%; display: inline-block; margin-right: 4px; }
    .online { background: #2da44e; }
    .away { background: #d4a017; }
    .offline { background: #8c959f; }
    .conn { font-size: 12px; color: #ffb4b4; }
    main { flex: 1; display: grid; grid-template-columns: 340px 1fr 260px; min-height: 0; }
    .help { position: fixed; inset: 0; background: rgba(0, 0, 0, 0.35); display: grid; place-items: center; }
    .help div { background: #fff; border-radius: 10px; padding: 16px 24px; min-width: 280px; }
    kbd { border: 1px solid #cfd5dc; border-bottom-width: 2px; border-radius: 4px; padding: 0 6px; font-family: ui-monospace, monospace; }
    table { border-collapse: collapse; } td { padding: 3px 8px; }
  `;
  private readonly _store = new StoreController(this);
  private readonly away = new AutoAway(() => Date.now());
  private help = false;
  private awayTimer: ReturnType<typeof setInterval> | undefined;
  private readonly onActivity = () => {
    const s = this.away.activity();
    if (s && store.agent) void store.setPresence(s);
  };
  private readonly onKey = (e: KeyboardEvent) => this.shortcut(e);
  private readonly onPop = () => store.openFromUrl();
  private readonly onFocus = () => store.markRead();

  connectedCallback() {
    super.connectedCallback();
    for (const ev of ['keydown', 'pointerdown', 'mousemove'] as const) window.addEventListener(ev, this.onActivity, { passive: true });
    window.addEventListener('keydown', this.onKey);
    window.addEventListener('popstate', this.onPop);
    window.addEventListener('focus', this.onFocus);
    this.awayTimer = setInterval(() => {
      const s = this.away.tick();
      if (s && store.agent) void store.setPresence(s);
    }, 15_000);
    void store.boot();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    for (const ev of ['keydown', 'pointerdown', 'mousemove'] as const) window.removeEventListener(ev, this.onActivity);
    window.removeEventListener('keydown', this.onKey);
    window.removeEventListener('popstate', this.onPop);
    window.removeEventListener('focus', this.onFocus);
    clearInterval(this.awayTimer);
  }

  updated() {
    const n = store.unreadTotal();
    document.title = n ? `(${n}) Inbox` : 'Inbox';
  }

  private conversation(): IbConversation | null {
    return this.renderRoot.querySelector('ib-conversation');
  }

  private step(by: number) {
    const ids = store.list.ids;
    if (!ids.length) return;
    const at = store.open ? ids.indexOf(store.open.id) : -1;
    const i = Math.min(ids.length - 1, Math.max(0, at < 0 ? 0 : at + by));
    (this.renderRoot.querySelector('ib-ticket-list') as IbTicketList | null)?.reveal(i);
    void store.openTicket(ids[i]!);
  }

  private shortcut(e: KeyboardEvent) {
    if (store.phase !== 'ready' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') {
      if (typingInField(e)) (e.composedPath()[0] as HTMLElement).blur();
      this.help = false;
      this.requestUpdate();
      return;
    }
    if (typingInField(e)) return;
    const conv = this.conversation();
    const actions: Record<string, () => void> = {
      j: () => this.step(1),
      k: () => this.step(-1),
      r: () => conv?.composer()?.focusMode('public'),
      n: () => conv?.composer()?.focusMode('internal'),
      e: () => conv?.resolve(),
      a: () => conv?.assignToMe(),
      '/': () => ((this.renderRoot.querySelector('ib-ticket-list') as IbTicketList | null)?.renderRoot.querySelector('#search') as HTMLInputElement | null)?.focus(),
      '?': () => {
        this.help = !this.help;
        this.requestUpdate();
      },
    };
    const run = actions[e.key];
    if (!run) return;
    e.preventDefault();
    run();
  }

  private onLogin(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    void store.login(String(f.get('email')), String(f.get('password')));
  }

  private togglePresence() {
    const next = store.agent?.availability === 'online' ? 'away' : 'online';
    this.away.choose(next);
    void store.setPresence(next);
  }

  private async toggleNotifications() {
    await setNotifications(!notificationsOn());
    this.requestUpdate();
  }

  render() {
    if (store.phase === 'boot') return nothing;
    if (store.phase === 'login')
      return html`<form class="login" @submit=${this.onLogin}>
        <h1>Support inbox</h1>
        <input name="email" type="email" autocomplete="username" placeholder="Email" required />
        <input name="password" type="password" autocomplete="current-password" placeholder="Password" required />
        <button type="submit">Log in</button>
        <span class="error">${store.loginError}</span>
      </form>`;
    const a = store.agent!;
    return html`
      <div class="bar">
        <span class="brand">Inbox</span>
        ${store.connected ? nothing : html`<span class="conn">reconnecting…</span>`}
        <button class="presence" @click=${() => this.togglePresence()} title="Toggle online/away">
          <span class="dot ${a.availability}"></span>${a.name} · ${a.availability}
        </button>
        <button @click=${() => void this.toggleNotifications()} aria-pressed=${notificationsOn()} title="Desktop notifications and sound">${bellIcon} ${notificationsOn() ? 'on' : 'off'}</button>
        <button @click=${() => { this.help = true; this.requestUpdate(); }} title="Keyboard shortcuts">?</button>
        <button class="logout" @click=${() => void store.logout()}>Log out</button>
      </div>
      <main>
        <ib-ticket-list></ib-ticket-list>
        <ib-conversation></ib-conversation>
        <ib-contact></ib-contact>
      </main>
      ${this.help
        ? html`<div class="help" @click=${() => { this.help = false; this.requestUpdate(); }}>
            <div role="dialog" aria-label="Keyboard shortcuts"><h3>Keyboard shortcuts</h3>
              <table>${SHORTCUTS.map(([k, what]) => html`<tr><td><kbd>${k}</kbd></td><td>${what}</td></tr>`)}</table></div>
          </div>`
        : nothing}
    `;
  }
}
customElements.define('ib-app', IbApp);
