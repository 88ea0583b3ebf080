import type { WidgetConfig } from '@support/protocol';
import '../components/sw-panel/sw-panel.js';
import type { SwPanel } from '../components/sw-panel/sw-panel.js';
import { CLOSE_ICON, HOST_STYLE, LAUNCHER_CSS } from '../loader/styles.js';
import { isDark } from '../lib/scheme.js';
import { PreviewClient, type PreviewState } from './preview-client.js';

/** What the settings page posts to the preview (`window.postMessage` from its parent frame). */
export type PreviewMessage = { type: 'sw-preview'; config: WidgetConfig; state: PreviewState; online: boolean; page: 'light' | 'dark' };

/** The page behind the widget: a plain shop page, light or dark (what `auto` follows). */
const PAGE_CSS = `
html,body{margin:0;height:100%}
body{font:15px/1.5 system-ui,sans-serif;background:#fff;color:#1f2328;overflow:hidden}
body.dark{background:#0d1117;color:#e6edf3}
.site{padding:28px 32px}
.bar{height:14px;width:120px;border-radius:7px;background:currentColor;opacity:.8;margin-bottom:28px}
.line{height:10px;border-radius:5px;background:currentColor;opacity:.12;margin:0 0 14px}
.card{height:120px;border-radius:12px;background:currentColor;opacity:.07;margin:24px 0}
`;

/**
 * The widget preview page (`GET /widget/preview`, framed by the inbox's Inboxes settings):
 * the real launcher and panel of the widget on a sample page, fed by the unsaved settings the
 * settings page posts (`PreviewMessage`) from its parent frame only. It opens no connection
 * and creates no session (the panel's client is a `PreviewClient`), and it is inert: a
 * picture of the widget in the state the settings page asks for.
 */
function boot() {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(PAGE_CSS);
  document.adoptedStyleSheets = [sheet];
  const site = document.createElement('div');
  site.className = 'site';
  site.setAttribute('aria-hidden', 'true');
  site.innerHTML = `<div class="bar"></div>${'<div class="line"></div>'.repeat(3)}<div class="card"></div>${'<div class="line"></div>'.repeat(4)}`;
  const host = document.createElement('sw-widget');
  // Shown, not used: no focus can enter it (the panel keeps Tab inside itself, which would trap a keyboard in the settings page).
  host.inert = true;
  for (const decl of HOST_STYLE.split(';')) host.style.setProperty(...(decl.split(':') as [string, string]), 'important');
  const root = host.attachShadow({ mode: 'open' });
  const launcherSheet = new CSSStyleSheet();
  launcherSheet.replaceSync(LAUNCHER_CSS);
  root.adoptedStyleSheets = [launcherSheet];
  const wrap = document.createElement('div');
  wrap.className = 'open';
  wrap.innerHTML = `<button class="l" part="launcher" type="button" tabindex="-1" aria-label="Close chat" aria-expanded="true">${CLOSE_ICON}</button>`;
  const client = new PreviewClient();
  const panel = document.createElement('sw-panel') as SwPanel;
  panel.client = client.asClient();
  panel.setAttribute('role', 'dialog');
  root.append(wrap);
  document.body.append(site, host);

  let state: PreviewState | null = null;
  let online: boolean | null = null;
  addEventListener('message', (e: MessageEvent<PreviewMessage>) => {
    if (e.source !== parent || e.data?.type !== 'sw-preview') return;
    const m = e.data;
    document.body.classList.toggle('dark', m.page === 'dark');
    host.style.setProperty('--sw-theme', m.config.settings.color);
    wrap.classList.toggle('left', m.config.settings.position === 'left');
    panel.config = m.config;
    // Connected once it has a config to render.
    if (!panel.isConnected) root.append(panel);
    panel.dataset.position = m.config.settings.position;
    panel.dataset.scheme = isDark(m.config.settings.colorScheme) ? 'dark' : 'light';
    panel.setAttribute('aria-label', `Chat with ${m.config.settings.teamName}`);
    // A new state starts over; a change of settings alone keeps what was typed in the preview.
    if (m.state !== state || m.online !== online) client.show(m.state, m.online);
    state = m.state;
    online = m.online;
    panel.requestUpdate();
  });
  parent.postMessage({ type: 'sw-preview-ready' }, '*');
}

boot();
