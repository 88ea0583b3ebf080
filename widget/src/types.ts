import type { Message, WidgetConfig, WidgetIdentify } from '@support/protocol';

/** Events the page can listen to through `SupportWidget.on(name, fn)`. */
export type WidgetEvents = { message: Message; open: undefined; close: undefined; unread: number };

/** What the loader hands the lazily loaded panel chunk. */
export type LoaderContext = {
  /** Base URL of the support server (where widget.js came from), ending in `/`. */
  base: string;
  inboxId: string;
  config: WidgetConfig;
  /** The loader's shadow root: the panel mounts inside it. */
  root: ShadowRoot;
  emit<K extends keyof WidgetEvents>(name: K, payload: WidgetEvents[K]): void;
  /** Asks the loader to close the panel (close button, Escape). */
  requestClose(): void;
  /** The panel removed itself (another tab shut the widget down): back to the bare launcher. */
  dropped(): void;
};

/** What the panel chunk gives back to the loader. */
export type PanelApi = {
  setOpen(open: boolean): void;
  identify(p: WidgetIdentify): Promise<unknown>;
  setAttributes(a: Record<string, string | number | boolean | null>): Promise<unknown>;
  /** Revokes the session on the server, forgets it locally and removes the panel. */
  shutdown(): Promise<void>;
};

/** Storage keys, per inbox, shared by the loader and the panel (and by every tab). */
export const keys = (inboxId: string) => ({
  token: `sw:${inboxId}:token`,
  outbox: `sw:${inboxId}:outbox`,
  unread: `sw:${inboxId}:unread`,
  read: `sw:${inboxId}:read`,
  active: `sw:${inboxId}:active`,
  profile: `sw:${inboxId}:profile`,
  contact: `sw:${inboxId}:contact`,
});

/** The slice of `Storage` the widget uses. */
export type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * The page's localStorage, or a memory stand-in where the browser refuses it (storage
 * disabled, some privacy modes): the widget then works for this page view only.
 */
export function pageStorage(): KeyValue {
  try {
    const s = window.localStorage;
    s.getItem('sw:probe');
    return s;
  } catch {
    const m = new Map<string, string>();
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
  }
}
