import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { store } from '../../store.js';
import { StoreController } from '../../store-controller.js';
import { AutoAway } from '../../lib/auto-away.js';
import { notificationsOn, setNotifications } from '../../lib/notify.js';
import { gearIcon, soundIcon } from '../../lib/icons.js';
import '../ib-notifications/ib-notifications.js';
import { setLeaveQuestion, mayLeave } from '../../lib/leave-guard.js';
import { SETTINGS_AREAS, type PublicRoute, type SettingsArea } from '../../lib/route.js';
import { AppRouter } from './router.js';
import { controls, PHONE_MAX, tokens } from '../../styles/tokens.js';
import { SHORTCUTS, typingInField } from './shortcuts.js';
import { appStyles } from './ib-app.styles.js';
import '../ib-button/ib-button.js';
import '../ib-dialog/ib-dialog.js';
import '../ib-field/ib-field.js';
import { toast, type ToastDetail } from '../ib-toast/ib-toast.js';
import '../ib-empty/ib-empty.js';
import '../ib-select/ib-select.js';
import '../ib-ticket-list/ib-ticket-list.js';
import '../ib-conversation/ib-conversation.js';
import '../ib-contact/ib-contact.js';
import type { IbTicketList } from '../ib-ticket-list/ib-ticket-list.js';
import type { IbConversation } from '../ib-conversation/ib-conversation.js';
import type { IbDialog } from '../ib-dialog/ib-dialog.js';
import type { IbField } from '../ib-field/ib-field.js';

const phoneQuery = `(max-width: ${PHONE_MAX}px)`;

/** The settings screens: a chunk of their own, loaded the first time they are opened. */
let settingsChunk: Promise<unknown> | null = null;
/** The pages that need no session (accept an invitation, reset a password): a chunk of their own. */
const PUBLIC_PAGES = {
  accept: { load: () => import('../../public/ib-accept-invitation.js'), tag: 'ib-accept-invitation' },
  reset: { load: () => import('../../public/ib-reset-password.js'), tag: 'ib-reset-password' },
  forgot: { load: () => import('../../public/ib-forgot-password.js'), tag: 'ib-forgot-password' },
} as const;

/**
 * The inbox shell: login screen, or the header (presence, notifications, settings, logout)
 * above either the inbox — the ticket list, the open conversation and the contact sidebar —
 * or the settings (`ib-settings`, loaded on first use; `AppRouter` says which, from the URL,
 * and asks "leave without saving?" through this shell's dialog). Owns the keyboard shortcuts, the
 * automatic away after inactivity, the unread count in the tab title, where keyboard focus
 * goes when a ticket is opened or left, and the layout: three panes on a wide screen, the
 * contact as a panel on a narrower one (`ib-toggle-contact`), and one pane at a time on a
 * phone (the list, or the open ticket with a way back). SLA alerts on the agent's tickets
 * (the store's `sla-alert`) show as toasts.
 */
export class IbApp extends LitElement {
  static styles = [tokens, controls, appStyles];
  private readonly _store = new StoreController(this);
  private readonly router = new AppRouter(this);
  private settingsFailed = false;
  private publicFailed = false;
  private booted = false;
  /** Answers the open "leave without saving?" question. */
  private leaving: ((leave: boolean) => void) | null = null;
  private readonly away = new AutoAway(() => Date.now());
  /** The contact panel is open (on screens too narrow for the sidebar). */
  private side = false;
  private wasReady = false;
  private wasSettings = false;
  private awayTimer: ReturnType<typeof setInterval> | undefined;
  private readonly onActivity = () => {
    const s = this.away.activity();
    if (s && store.agent) void store.setPresence(s);
  };
  private readonly onKey = (e: KeyboardEvent) => this.shortcut(e);
  private readonly onFocus = () => store.markRead();
  private readonly onToggleContact = () => {
    this.side = !this.side;
    this.requestUpdate();
    if (this.side) void this.updateComplete.then(() => (this.renderRoot.querySelector('ib-contact') as HTMLElement & { focusPanel(): void }).focusPanel());
  };
  private readonly onCloseContact = () => this.closeSide();
  private readonly onOpened = () => void this.focusTicket();
  /** An SLA warning or breach on one of the agent's tickets (live.ts `slaAlert`). */
  private readonly onSlaAlert = (e: Event) => {
    const { message, kind } = (e as CustomEvent<ToastDetail>).detail;
    toast(this, message, kind);
  };
  /** The "back to the list" buttons: the ticket closes, at any width. */
  private readonly onBack = () => {
    this.closeSide();
    void store.openTicket(null);
    this.focusList();
  };

  connectedCallback() {
    super.connectedCallback();
    for (const ev of ['keydown', 'pointerdown', 'mousemove'] as const) window.addEventListener(ev, this.onActivity, { passive: true });
    window.addEventListener('keydown', this.onKey);
    window.addEventListener('focus', this.onFocus);
    this.addEventListener('ib-toggle-contact', this.onToggleContact);
    this.addEventListener('ib-close-contact', this.onCloseContact);
    this.addEventListener('ib-opened', this.onOpened);
    this.addEventListener('ib-back', this.onBack);
    store.addEventListener('sla-alert', this.onSlaAlert);
    this.awayTimer = setInterval(() => {
      const s = this.away.tick();
      if (s && store.agent) void store.setPresence(s);
    }, 15_000);
    setLeaveQuestion(() => this.askLeave());
    this.boot();
  }

  /** Reads the session once the app is somewhere that needs one (not on a public page: an invitation's link must not open the inbox). */
  private boot() {
    if (this.booted || this.router.publicPage) return;
    this.booted = true;
    void store.boot();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    for (const ev of ['keydown', 'pointerdown', 'mousemove'] as const) window.removeEventListener(ev, this.onActivity);
    window.removeEventListener('keydown', this.onKey);
    window.removeEventListener('focus', this.onFocus);
    store.removeEventListener('sla-alert', this.onSlaAlert);
    clearInterval(this.awayTimer);
  }

  updated() {
    this.boot();
    if (this.router.publicPage) {
      document.title = { accept: 'Join a workspace', reset: 'Choose a new password', forgot: 'Reset your password' }[this.router.publicPage.page];
      return;
    }
    const n = store.unreadTotal();
    const area = this.router.settings?.area;
    const where = this.router.settings ? `${SETTINGS_AREAS[area as SettingsArea] ?? 'Settings'} · Settings · Inbox` : 'Inbox';
    document.title = n ? `(${n}) ${where}` : where;
    if (store.phase === 'login' && !this.matches(':focus-within')) {
      // The field is focusable once its ib-field has rendered its slot.
      const email = this.renderRoot.querySelector('input[name=email]') as HTMLInputElement | null;
      void (email?.parentElement as IbField | null)?.updateComplete.then(() => email!.focus());
    }
    // Just logged in: the keyboard starts on the list (j/k, arrows, Enter).
    // Back from the settings: the same.
    const inSettings = !!this.router.settings;
    if (store.phase === 'ready' && (!this.wasReady || (this.wasSettings && !inSettings))) void this.ticketList()?.updateComplete.then(() => this.ticketList()?.focusList());
    this.wasReady = store.phase === 'ready';
    this.wasSettings = inSettings;
  }

  private conversation(): IbConversation | null {
    return this.renderRoot.querySelector('ib-conversation');
  }

  private ticketList(): IbTicketList | null {
    return this.renderRoot.querySelector('ib-ticket-list');
  }

  private isPhone(): boolean {
    return matchMedia(phoneQuery).matches;
  }

  /** After a ticket was opened from the keyboard: focus goes into it (its conversation). */
  private async focusTicket() {
    await this.updateComplete;
    await this.conversation()?.updateComplete;
    this.conversation()?.focusThread();
  }

  /** Escape: back to the list. On a phone the ticket closes; focus returns to the list, on its row. */
  private back() {
    this.closeSide();
    if (this.isPhone() && (store.open || store.missing)) void store.openTicket(null);
    this.focusList();
  }

  private focusList() {
    void this.updateComplete.then(() => this.ticketList()?.focusList());
  }

  private closeSide() {
    if (!this.side) return;
    this.side = false;
    this.requestUpdate();
  }

  private step(by: number) {
    const ids = store.list.ids;
    if (!ids.length) return;
    const at = store.open ? ids.indexOf(store.open.id) : -1;
    const i = Math.min(ids.length - 1, Math.max(0, at < 0 ? 0 : at + by));
    this.ticketList()?.reveal(i);
    void store.openTicket(ids[i]!);
  }

  private help(): IbDialog | null {
    return this.renderRoot.querySelector('ib-dialog.help');
  }

  private toggleHelp() {
    const d = this.help();
    if (d?.open) d.close();
    else d?.show();
  }

  private shortcut(e: KeyboardEvent) {
    if (store.phase !== 'ready' || this.router.settings || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const help = this.help();
    // `showing`, not `open`: a key pressed just after Escape closed it natively is a shortcut again.
    if (help?.showing) {
      if (e.key === '?') help.close(); // Escape closes it natively
      return;
    }
    // Keys inside another modal dialog (assign over capacity, leave without saving) are its own: Escape closes it natively.
    if (e.composedPath().some((n) => n instanceof HTMLDialogElement && n.open)) return;
    if (e.key === 'Escape') {
      if (typingInField(e)) (e.composedPath()[0] as HTMLElement).blur();
      else if (this.side) this.closeSide();
      else if (store.open || store.missing) this.back();
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
      '/': () => this.ticketList()?.focusSearch(),
      '?': () => this.toggleHelp(),
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

  private askLeave(): Promise<boolean> {
    this.leaving?.(false);
    const d = this.renderRoot.querySelector('ib-dialog.leave') as IbDialog | null;
    if (!d) return Promise.resolve(true);
    d.show();
    return new Promise((resolve) => (this.leaving = resolve));
  }

  private answerLeave(leave: boolean) {
    const answer = this.leaving;
    this.leaving = null;
    (this.renderRoot.querySelector('ib-dialog.leave') as IbDialog | null)?.close();
    answer?.(leave);
  }

  private async logOut() {
    if (await mayLeave()) void store.logout();
  }

  private renderSettings() {
    settingsChunk ??= import('../../settings/ib-settings.js').catch(() => {
      // Offline, or a newer build replaced the chunk: say so (Reload loads the current build).
      settingsChunk = null;
      this.settingsFailed = true;
      this.requestUpdate();
    });
    if (this.settingsFailed)
      return html`<main class="settings-failed"><ib-empty icon="missing" heading="The settings could not be loaded">Check your connection, then try again.
        <ib-button slot="actions" variant="primary" @click=${() => location.reload()}>Reload</ib-button></ib-empty></main>`;
    return html`<ib-settings .route=${this.router.settings} .agent=${store.agent} .permissions=${store.permissions} .inboxUrl=${this.router.inboxUrl}
      ><p class="loading" role="status">Loading settings…</p></ib-settings>`;
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

  private renderLogin() {
    return html`<div class="login-wrap">
      <form class="login" @submit=${this.onLogin} aria-labelledby="login-title">
        <h1 id="login-title">Support inbox</h1>
        <ib-field label="Email"><input class="field" name="email" type="email" autocomplete="username" required /></ib-field>
        <ib-field label="Password"><input class="field" name="password" type="password" autocomplete="current-password" required /></ib-field>
        <ib-button type="submit" variant="primary" size="lg">Log in</ib-button>
        <span class="error" role="alert">${store.loginError}</span>
        <a class="forgot" href="/inbox/forgot">Forgot your password?</a>
      </form>
    </div>`;
  }

  /** A page that needs no session, from its own chunk; a failed load says so with Reload. */
  private renderPublic(p: PublicRoute) {
    const page = PUBLIC_PAGES[p.page];
    if (!customElements.get(page.tag))
      page.load().then(
        () => this.requestUpdate(),
        () => {
          this.publicFailed = true;
          this.requestUpdate();
        },
      );
    const body = this.publicFailed
      ? html`<ib-empty icon="missing" heading="This page could not be loaded">Check your connection, then try again.
          <ib-button slot="actions" variant="primary" @click=${() => location.reload()}>Reload</ib-button></ib-empty>`
      : !customElements.get(page.tag)
        ? html`<p class="loading" role="status">Loading…</p>`
        : p.page === 'accept'
          ? html`<ib-accept-invitation .token=${p.token}></ib-accept-invitation>`
          : p.page === 'reset'
            ? html`<ib-reset-password .token=${p.token}></ib-reset-password>`
            : html`<ib-forgot-password></ib-forgot-password>`;
    return html`<main class="login-wrap public">${body}</main><ib-toast></ib-toast>
      <ib-dialog class="leave" label="Leave without saving?" size="sm" @ib-close=${() => this.answerLeave(false)}>
        <p>What you typed on this page is not saved. If you leave now, it is lost.</p>
        <ib-button slot="footer" autofocus @click=${() => this.answerLeave(false)}>Stay on this page</ib-button>
        <ib-button slot="footer" variant="danger" @click=${() => this.answerLeave(true)}>Leave</ib-button>
      </ib-dialog>`;
  }

  /** The header's workspace menu (only with more than one): switching loads the app again in the other workspace. */
  private renderWorkspaces() {
    if (store.workspaces.length < 2) return nothing;
    const options = store.workspaces.map((w) => ({ value: w.id, label: w.name }));
    return html`<ib-select class="workspace" size="sm" label="Workspace" .options=${options} .value=${live(store.workspace?.id ?? '')}
      @ib-change=${(e: CustomEvent<{ value: string }>) => void this.switchWorkspace(e.detail.value)}></ib-select>`;
  }

  private async switchWorkspace(id: string) {
    if (id === store.workspace?.id) return;
    if (!(await mayLeave())) return this.requestUpdate();
    try {
      await store.switchWorkspace(id);
    } catch (err) {
      toast(this, `Could not switch: ${(err as Error).message}`, 'error');
      this.requestUpdate();
    }
  }

  render() {
    if (this.router.publicPage) return this.renderPublic(this.router.publicPage);
    if (store.phase === 'boot') return nothing;
    if (store.phase === 'login') return this.renderLogin();
    const a = store.agent!;
    const notifying = notificationsOn();
    const pane = store.open || store.missing ? 'ticket' : 'list';
    const inSettings = !!this.router.settings;
    return html`
      <header class="bar ${store.workspaces.length > 1 ? 'has-workspaces' : ''}">
        <span class="brand ${store.workspaces.length > 1 ? 'has-menu' : ''}">${store.workspace?.logoUrl ? html`<img class="logo" src=${store.workspace.logoUrl} alt="" width="24" height="24">` : nothing}Inbox</span>
        ${this.renderWorkspaces()}
        <span class="gap"></span>
        ${store.connected ? nothing : html`<span class="conn" role="status">Reconnecting…</span>`}
        <ib-button class="presence" @click=${() => this.togglePresence()} title="Set yourself online or away"
          label="${a.name}: ${a.availability}. Switch to ${a.availability === 'online' ? 'away' : 'online'}">
          <span class="dot ${a.availability}"></span><span class="wide">${a.name} ·</span><span class="state">${a.availability}</span>
        </ib-button>
        <ib-notifications></ib-notifications>
        <ib-button class="notify" @click=${() => void this.toggleNotifications()} .pressed=${notifying} title="Desktop notifications and sound">
          ${soundIcon}<span class="wide">${notifying ? 'On' : 'Off'}</span>
        </ib-button>
        ${inSettings ? nothing : html`<ib-button class="help" icon @click=${() => this.toggleHelp()} label="Keyboard shortcuts" title="Keyboard shortcuts (?)">?</ib-button>`}
        <ib-button class="settings ${inSettings ? 'current' : ''}" href="/inbox/settings" current=${inSettings ? 'page' : 'false'} label="Settings" title="Settings">${gearIcon}<span class="wide">Settings</span></ib-button>
        <ib-button class="logout" @click=${() => void this.logOut()}>Log out</ib-button>
      </header>
      ${inSettings
        ? this.renderSettings()
        : html`<main class="${pane} ${this.side && store.open ? 'side' : ''} ${store.seesContacts ? '' : 'no-contacts'}">
            <ib-ticket-list></ib-ticket-list>
            <ib-conversation .contactOpen=${this.side}></ib-conversation>
            ${store.seesContacts ? html`<ib-contact></ib-contact>` : nothing}
          </main>`}
      <ib-dialog class="help" label="Keyboard shortcuts" size="sm">
        <table>${SHORTCUTS.map(([k, what]) => html`<tr><td><kbd>${k}</kbd></td><td>${what}</td></tr>`)}</table>
      </ib-dialog>
      <ib-dialog class="leave" label="Leave without saving?" size="sm" @ib-close=${() => this.answerLeave(false)}>
        <p>Your changes on this page are not saved. If you leave now, they are lost.</p>
        <ib-button slot="footer" autofocus @click=${() => this.answerLeave(false)}>Stay on this page</ib-button>
        <ib-button slot="footer" variant="danger" @click=${() => this.answerLeave(true)}>Leave without saving</ib-button>
      </ib-dialog>
      <ib-toast></ib-toast>
    `;
  }
}
customElements.define('ib-app', IbApp);
