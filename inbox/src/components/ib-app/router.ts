import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { store } from '../../store.js';
import { publicRoute, settingsRoute, type NavigateDetail, type PublicRoute, type SettingsRoute } from '../../lib/route.js';
import { hasUnsavedChanges, mayLeave } from '../../lib/leave-guard.js';

const here = () => location.pathname + location.search;

/**
 * Where the app is: the inbox (the store follows its list filter and open ticket from the
 * URL), a settings place (`settings`) or a page that needs no session (`publicPage`). It follows links to `/inbox/…` in place (no reload;
 * not links with a target, a download, a modifier key or another origin), `ib-navigate`
 * events, and back/forward; it asks before leaving unsaved changes, on back/forward too.
 * Entering the settings closes the open ticket (other agents stop seeing you on it);
 * `inboxUrl` is the inbox place to go back to.
 */
export class AppRouter implements ReactiveController {
  settings: SettingsRoute | null = settingsRoute(location.pathname);
  /** A page that needs no session (accept an invitation, reset a password), or null. */
  publicPage: PublicRoute | null = publicRoute(location.pathname);
  inboxUrl = '/inbox/';
  /** The URL shown (kept current after the store rewrites it, too). */
  private current = here();
  /** A back/forward the person chose to follow despite unsaved changes. */
  private passing = false;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('click', this.onClick);
    this.host.addEventListener('ib-navigate', this.onNavigate);
    window.addEventListener('popstate', this.onPop);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('click', this.onClick);
    this.host.removeEventListener('ib-navigate', this.onNavigate);
    window.removeEventListener('popstate', this.onPop);
  }

  hostUpdated(): void {
    this.current = here();
  }

  /** Goes to `url` (a path under /inbox/): a new history entry, or the current one rewritten. Asks first when unsaved changes would be left (not for a change of the query alone). */
  async go(url: string, replace = false): Promise<void> {
    if (url === here()) return;
    // Only the query changes (a page's filters): the page stays, and so does what it holds.
    const samePage = new URL(url, location.origin).pathname === location.pathname;
    if (!samePage && !(await mayLeave())) return;
    const from = here();
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.arrive(from);
  }

  private arrive(from: string): void {
    const was = this.settings;
    this.current = here();
    this.settings = settingsRoute(location.pathname);
    this.publicPage = publicRoute(location.pathname);
    if (this.settings && !was) {
      if (!settingsRoute(new URL(from, location.origin).pathname)) this.inboxUrl = from;
      void store.openTicket(null, false);
    } else if (!this.settings && !this.publicPage) store.followUrl();
    this.host.requestUpdate();
  }

  private readonly onPop = async () => {
    const from = this.current;
    if (this.passing || !hasUnsavedChanges() || new URL(from, location.origin).pathname === location.pathname) {
      this.passing = false;
      return this.arrive(from);
    }
    // Stay where the unsaved form is until the person chooses; then go back to where they were going.
    history.pushState(null, '', from);
    if (!(await mayLeave())) return;
    this.passing = true;
    history.back();
  };

  private readonly onNavigate = (e: Event) => {
    const d = (e as CustomEvent<NavigateDetail>).detail;
    void this.go(d.url, d.replace);
  };

  private readonly onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement && n.hasAttribute('href'));
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin || !/^\/inbox(\/|$)/.test(a.pathname)) return;
    if (a.hash && a.pathname === location.pathname && a.search === location.search) return;
    e.preventDefault();
    void this.go(a.pathname + a.search);
  };
}
