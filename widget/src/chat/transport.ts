import { io, type Socket } from 'socket.io-client';
import type { Ack, WidgetClientToServer, WidgetServerToClient } from '@support/protocol';

export type WidgetSocket = Socket<WidgetServerToClient, WidgetClientToServer>;

const ACK_MS = 10_000;

/**
 * A socket to the `/widget` namespace of the server at `base` (the URL widget.js came from,
 * so a server under a path prefix works too). WebSocket first, long-polling as a fallback.
 */
export function widgetSocket(base: string): WidgetSocket {
  const url = new URL(base);
  return io(`${url.origin}/widget`, { path: `${url.pathname}socket.io`, transports: ['websocket', 'polling'], tryAllTransports: true, autoConnect: false });
}

/**
 * Emits and waits for the ack. Never throws: a disconnected socket or no answer within 10 s
 * becomes an `UNAVAILABLE` ack, which callers treat as "retry later".
 */
export async function request<T>(socket: WidgetSocket, event: keyof WidgetClientToServer, payload: unknown): Promise<Ack<T>> {
  if (!socket.connected) return { ok: false, error: { code: 'UNAVAILABLE', message: 'offline' } };
  try {
    return await (socket.timeout(ACK_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> }).emitWithAck(event, payload);
  } catch {
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'no answer' } };
  }
}

/** Page events the client follows; returns the function that stops following them. */
export function watchPage(h: { storage(e: StorageEvent): void; offline(): void; online(): void; visible(): void }): () => void {
  const pairs: [EventTarget, string, EventListener][] = [
    [window, 'storage', h.storage as EventListener],
    [window, 'offline', h.offline],
    [window, 'online', h.online],
    [document, 'visibilitychange', h.visible],
  ];
  for (const [t, name, fn] of pairs) t.addEventListener(name, fn);
  return () => pairs.forEach(([t, name, fn]) => t.removeEventListener(name, fn));
}
