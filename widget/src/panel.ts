import { ChatClient } from './chat/client.js';
import './components/sw-panel/sw-panel.js';
import type { SwPanel } from './components/sw-panel/sw-panel.js';
import { isDark } from './lib/scheme.js';
import type { LoaderContext, PanelApi } from './types.js';

/**
 * Entry of the lazy chunk (Lit, socket.io-client and the panel): mounts `<sw-panel>` in the
 * loader's shadow root and starts the chat client. Loaded on first open, or early for a
 * returning visitor with a conversation under way.
 */
export function mount(ctx: LoaderContext): PanelApi {
  const client = new ChatClient({
    base: ctx.base,
    inboxId: ctx.inboxId,
    agentsOnline: ctx.config.agentsOnline,
    hours: ctx.config.hours,
    onMessage: (m) => ctx.emit('message', m),
    onUnread: (n) => ctx.emit('unread', n),
    onForgotten: () => {
      client.stop();
      el.remove();
      ctx.dropped();
    },
  });
  const el = document.createElement('sw-panel') as SwPanel;
  el.client = client;
  // The logo's URL is a path of the support server, not of the host page.
  el.config = { ...ctx.config, logoUrl: ctx.config.logoUrl && new URL(ctx.config.logoUrl, ctx.base).href };
  el.hidden = true;
  el.dataset.position = ctx.config.settings.position;
  el.setAttribute('part', 'panel');
  el.setAttribute('role', 'dialog');
  el.setAttribute('aria-modal', 'true');
  el.setAttribute('aria-label', `Chat with ${ctx.config.settings.teamName}`);
  el.setAttribute('exportparts', 'header,messages,message,composer,prechat,field');
  el.addEventListener('sw-close', () => ctx.requestClose());
  ctx.root.append(el);
  client.start();
  return {
    setOpen(open) {
      // The host page may have switched theme since the last open: read it again.
      if (open) el.dataset.scheme = isDark(ctx.config.settings.colorScheme) ? 'dark' : 'light';
      el.hidden = !open;
      client.setOpen(open);
      if (open) void el.focusFirst();
    },
    identify: (p) => client.identify(p),
    setAttributes: (a) => client.setAttributes(a),
    async shutdown() {
      await client.shutdown();
      el.remove();
    },
  };
}
