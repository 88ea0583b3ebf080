import type { WidgetConfig, WidgetIdentify } from '@support/protocol';
import { keys, pageStorage, type LoaderContext, type PanelApi, type WidgetEvents } from '../types.js';
import { CHAT_ICON, CLOSE_ICON, HOST_STYLE, LAUNCHER_CSS } from './styles.js';

/** Path of the lazy chunk relative to widget.js, filled in by the build. */
declare const __PANEL_PATH__: string;

type Listener = (payload: never) => void;
type Api = {
  open(): void;
  close(): void;
  toggle(): void;
  identify(p: WidgetIdentify): Promise<unknown>;
  setAttributes(a: Record<string, string | number | boolean | null>): Promise<unknown>;
  on<K extends keyof WidgetEvents>(name: K, fn: (payload: WidgetEvents[K]) => void): void;
  off<K extends keyof WidgetEvents>(name: K, fn: (payload: WidgetEvents[K]) => void): void;
  shutdown(): Promise<void>;
};

/**
 * The tiny first load: reads `data-inbox` (and an optional `data-color-scheme`, `auto`,
 * `light` or `dark`, overriding the inbox's setting on this page) from its script tag,
 * fetches the inbox's widget config from the same server, draws the launcher in a shadow root and installs
 * `window.SupportWidget`, replaying calls queued before it loaded. Lit, socket.io-client and
 * the panel are imported from the same origin on first open (or early for a returning
 * visitor with a conversation under way).
 */
function boot() {
  const w = window as unknown as { SupportWidget?: unknown };
  const queued = Array.isArray(w.SupportWidget) ? (w.SupportWidget as unknown[][]) : [];
  if (w.SupportWidget && !Array.isArray(w.SupportWidget)) return; // already loaded on this page
  const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-inbox][src*="widget.js"]');
  const inboxId = script?.dataset.inbox;
  if (!script || !inboxId) return;
  const base = new URL('.', script.src).href;
  const k = keys(inboxId);
  const store = pageStorage();

  const listeners: { [K in keyof WidgetEvents]?: Set<Listener> } = {};
  const emit: LoaderContext['emit'] = (name, payload) => listeners[name]?.forEach((fn) => fn(payload as never));
  let panel: PanelApi | null = null;
  let loading: Promise<PanelApi> | null = null;
  let isOpen = false;
  let unread = 0;
  let root: ShadowRoot | null = null;
  let wrap: HTMLElement | null = null;
  let button: HTMLButtonElement | null = null;
  let badge: HTMLElement | null = null;
  let config: WidgetConfig | null = null;
  let ready!: () => void;
  const drawn = new Promise<void>((r) => (ready = r));

  const drawBadge = () => {
    if (badge) {
      badge.hidden = unread <= 0;
      badge.textContent = unread > 9 ? '9+' : String(unread);
    }
    button?.setAttribute('aria-label', isOpen ? 'Close chat' : unread > 0 ? `Open chat, ${unread} unread` : 'Open chat');
  };
  const setUnread = (n: number) => {
    if (n === unread) return;
    unread = n;
    drawBadge();
    emit('unread', n);
  };
  const paint = () => {
    if (!button) return;
    wrap?.classList.toggle('open', isOpen);
    button.innerHTML = (isOpen ? CLOSE_ICON : CHAT_ICON) + '<span class="b" part="badge" hidden></span>';
    badge = button.lastElementChild as HTMLElement;
    button.setAttribute('aria-expanded', String(isOpen));
    drawBadge();
  };
  // identify / setAttributes wait for the panel (it holds the session) without forcing it to load.
  const waiting: ((p: PanelApi) => void)[] = [];
  const withPanel = <T>(fn: (p: PanelApi) => Promise<T>): Promise<T> =>
    panel ? fn(panel) : new Promise<T>((resolve, reject) => waiting.push((p) => fn(p).then(resolve, reject)));

  const load = (): Promise<PanelApi> =>
    (loading ??= drawn
      .then(() => import(/* @vite-ignore */ new URL(__PANEL_PATH__, base).href) as Promise<{ mount(ctx: LoaderContext): PanelApi }>)
      .then((m) => {
        panel = m.mount({
          base,
          inboxId,
          config: config!,
          root: root!,
          emit: (name, payload) => (name === 'unread' ? setUnread(payload as number) : emit(name, payload)),
          requestClose: () => api.close(),
          dropped: reset,
        });
        if (isOpen) panel.setOpen(true);
        waiting.splice(0).forEach((fn) => fn(panel!));
        return panel;
      })
      .catch((err: unknown) => {
        loading = null;
        throw err;
      }));

  function reset() {
    panel = null;
    loading = null;
    setOpen(false);
    setUnread(0);
  }

  function setOpen(open: boolean) {
    if (open === isOpen) return;
    // Focus inside the panel goes back to the launcher when it closes (before hiding blurs it).
    const focused = Boolean(root?.activeElement);
    isOpen = open;
    paint();
    panel?.setOpen(open);
    // A chunk that failed to load (network) closes again; the next click retries.
    if (open) load().catch(() => setOpen(false));
    else if (focused) button?.focus();
    emit(open ? 'open' : 'close', undefined);
  }

  const api: Api = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
    identify: (p) => withPanel((x) => x.identify(p)),
    setAttributes: (a) => withPanel((x) => x.setAttributes(a)),
    on: (name, fn) => void (listeners[name] ??= new Set()).add(fn as Listener),
    off: (name, fn) => void listeners[name]?.delete(fn as Listener),
    async shutdown() {
      if (store.getItem(k.token)) await (await load()).shutdown();
      for (const key of Object.values(k)) store.removeItem(key);
      reset();
    },
  };
  w.SupportWidget = api;
  for (const [method, ...args] of queued) (api as unknown as Record<string, (...a: unknown[]) => unknown>)[method as string]?.(...args);

  // The server may be restarting right now: retry network errors and 5xx a few times (1, 2, 4, 8 s).
  const fetchConfig = (attempt = 0): Promise<WidgetConfig> =>
    fetch(`${base}api/widget/config?inbox=${encodeURIComponent(inboxId)}`).then(
      (r) => (r.ok ? (r.json() as Promise<WidgetConfig>) : r.status >= 500 && attempt < 4 ? retry(attempt) : Promise.reject(new Error(`widget config: ${r.status}`))),
      () => (attempt < 4 ? retry(attempt) : Promise.reject(new Error('widget config: network'))),
    );
  const retry = (attempt: number) => new Promise<WidgetConfig>((r) => setTimeout(() => r(fetchConfig(attempt + 1)), 1000 * 2 ** attempt));
  const bodyReady = new Promise<void>((r) => (document.body ? r() : document.addEventListener('DOMContentLoaded', () => r(), { once: true })));

  Promise.all([fetchConfig(), bodyReady])
    .then(([c]) => {
      config = c;
      const scheme = script.dataset.colorScheme;
      if (scheme === 'auto' || scheme === 'light' || scheme === 'dark') c.settings.colorScheme = scheme;
      const host = document.createElement('sw-widget');
      for (const decl of HOST_STYLE.split(';')) host.style.setProperty(...(decl.split(':') as [string, string]), 'important');
      host.style.setProperty('--sw-theme', c.settings.color);
      root = host.attachShadow({ mode: 'open' });
      // A constructed stylesheet, not a <style> element: pages with a strict style-src CSP allow it.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(LAUNCHER_CSS);
      root.adoptedStyleSheets = [sheet];
      root.innerHTML = `<div class="${c.settings.position === 'left' ? 'left' : ''}"><button class="l" part="launcher" type="button" aria-haspopup="dialog" aria-expanded="false"></button></div>`;
      wrap = root.querySelector('div');
      button = root.querySelector('button');
      button!.onclick = () => api.toggle();
      // (A handler returning false would cancel the key, Enter's click included.)
      button!.onkeydown = (e) => void (e.key === 'Escape' && api.close());
      document.body.append(host);
      unread = Number(store.getItem(k.unread)) || 0;
      paint();
      ready();
      // A returning visitor with a conversation under way gets replies live, panel closed.
      if (store.getItem(k.active)) (window.requestIdleCallback ?? setTimeout)(() => void load().catch(() => {}));
    })
    .catch(() => {
      // No config (unknown inbox, server unreachable): no launcher on this page view.
    });
}

boot();
