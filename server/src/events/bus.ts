import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DomainEvent, DomainEventName, DomainEventPayload } from './events.js';

type Listener = (event: DomainEvent) => void | Promise<void>;

/**
 * Domain event bus. `publish` is called after commit; every node's subscribers see every
 * event once (the publishing node delivers locally at once, the others through Redis).
 */
export interface EventBus {
  publish<N extends DomainEventName>(name: N, payload: DomainEventPayload<N>): void;
  subscribe(listener: Listener): () => void;
  /**
   * Called when events from other nodes may have been missed (the Redis subscription
   * dropped and came back). Listeners should make clients catch up from storage.
   */
  onGap(listener: () => void): () => void;
  close(): Promise<void>;
}

function dispatch(listeners: Set<Listener>, event: DomainEvent, logger: Logger) {
  for (const l of listeners) {
    try {
      const r = l(event);
      if (r && typeof (r as Promise<void>).catch === 'function')
        (r as Promise<void>).catch((err) => logger.error({ err, event: event.name }, 'event listener failed'));
    } catch (err) {
      logger.error({ err, event: event.name }, 'event listener failed');
    }
  }
}

/** The single-process bus used when no REDIS_URL is given. */
export function createLocalBus(logger: Logger): EventBus {
  const listeners = new Set<Listener>();
  return {
    publish(name, payload) {
      dispatch(listeners, { name, payload } as DomainEvent, logger);
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onGap() {
      return () => {};
    },
    async close() {
      listeners.clear();
    },
  };
}

/**
 * Redis pub/sub bus: `pub` publishes on `<prefix>:events`; `sub` must be a connection of its
 * own (a subscribed Redis connection can do nothing else).
 */
export async function createRedisBus(opts: { pub: Redis; sub: Redis; prefix: string; logger: Logger }): Promise<EventBus> {
  const { pub, sub, logger } = opts;
  const channel = `${opts.prefix}:events`;
  const origin = randomUUID();
  const listeners = new Set<Listener>();
  // Wire format: "<origin uuid>\n<json event>"; a node skips its own without parsing.
  const own = origin + '\n';
  sub.on('message', (ch: string, raw: string) => {
    if (ch !== channel || raw.startsWith(own)) return;
    let event: DomainEvent;
    try {
      event = JSON.parse(raw.slice(raw.indexOf('\n') + 1));
    } catch (err) {
      logger.warn({ err }, 'dropping malformed bus message');
      return;
    }
    dispatch(listeners, event, logger);
  });
  await sub.subscribe(channel);
  // ioredis resubscribes by itself after a reconnect; what was published meanwhile is gone.
  const gapListeners = new Set<() => void>();
  let wasReady = sub.status === 'ready';
  sub.on('ready', () => {
    if (wasReady) {
      logger.warn('redis subscription restored; events from other nodes may have been missed');
      for (const g of gapListeners) g();
    }
    wasReady = true;
  });
  return {
    publish(name, payload) {
      const event = { name, payload } as DomainEvent;
      dispatch(listeners, event, logger);
      pub.publish(channel, own + JSON.stringify(event)).catch((err) => {
        logger.error({ err, event: name }, 'failed to publish domain event to redis');
      });
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onGap(g) {
      gapListeners.add(g);
      return () => gapListeners.delete(g);
    },
    async close() {
      listeners.clear();
      gapListeners.clear();
      await sub.unsubscribe(channel).catch(() => {});
    },
  };
}
