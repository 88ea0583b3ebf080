import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DomainEvent, DomainEventName, DomainEventPayload } from './events.js';
import { RedisPublisher } from './redis-publisher.js';

type Listener = (event: DomainEvent) => void | Promise<void>;

/**
 * Domain event bus. `publish` is called after commit. The publishing node delivers to its own
 * subscribers at once, the others get the event through Redis, in publish order. It is a
 * notification pipe, not a log: an event Redis did not take goes out when Redis is back
 * (rarely twice), and whatever a node may have missed is reported through `onGap`.
 */
export interface EventBus {
  publish<N extends DomainEventName>(name: N, payload: DomainEventPayload<N>): void;
  subscribe(listener: Listener): () => void;
  /**
   * Called when events from other nodes may have been missed (the Redis subscription
   * dropped and came back, or another node could not publish some and dropped them).
   * Listeners should make clients catch up from storage.
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

/** What a node publishes after it had to drop events: every other node reports a gap. */
const GAP_NOTICE = { gap: true } as const;

/** Events a node holds for Redis while it is unreachable, when the config does not say. */
const DEFAULT_BACKLOG = 10_000;

/**
 * Redis pub/sub bus: events go out on `<prefix>:events`. `pub` is the bus's own connection,
 * made with `publisherOptions` (a publish that fails is held and sent again in order, see
 * `RedisPublisher`); `sub` is another one (a subscribed Redis connection can do nothing else).
 * Gaps are reported twice over: when this node's subscription comes back (it may have missed
 * anything meanwhile), and when another node had to drop events it could not publish.
 */
export async function createRedisBus(opts: { pub: Redis; sub: Redis; prefix: string; logger: Logger; maxBacklog?: number }): Promise<EventBus> {
  const { sub, logger } = opts;
  const channel = `${opts.prefix}:events`;
  const origin = randomUUID();
  const listeners = new Set<Listener>();
  const gapListeners = new Set<() => void>();
  const gap = () => {
    for (const g of gapListeners) g();
  };
  // Wire format: "<origin uuid>\n<json>", the JSON a domain event or a gap notice; a node skips its own without parsing.
  const own = origin + '\n';
  const publisher = new RedisPublisher(opts.pub, channel, own + JSON.stringify(GAP_NOTICE), opts.maxBacklog ?? DEFAULT_BACKLOG, logger);
  sub.on('message', (ch: string, raw: string) => {
    if (ch !== channel || raw.startsWith(own)) return;
    let event: DomainEvent | typeof GAP_NOTICE;
    try {
      event = JSON.parse(raw.slice(raw.indexOf('\n') + 1));
    } catch (err) {
      logger.warn({ err }, 'dropping malformed bus message');
      return;
    }
    if (typeof event !== 'object' || event === null) return void logger.warn('dropping malformed bus message');
    if ('gap' in event) {
      logger.warn('another node dropped events it could not publish');
      return gap();
    }
    dispatch(listeners, event, logger);
  });
  await sub.subscribe(channel);
  // ioredis resubscribes by itself after a reconnect; what was published meanwhile is gone.
  // The gap is reported once the subscription is back, so a catch-up it causes cannot miss
  // an event published after the catch-up read.
  let wasReady = sub.status === 'ready';
  sub.on('ready', () => {
    if (wasReady)
      sub.subscribe(channel).then(
        () => {
          logger.warn('redis subscription restored; events from other nodes may have been missed');
          gap();
        },
        (err) => logger.warn({ err }, 'redis resubscribe failed; the next reconnect reports the gap'),
      );
    wasReady = true;
  });
  return {
    publish(name, payload) {
      const event = { name, payload } as DomainEvent;
      dispatch(listeners, event, logger);
      publisher.publish(own + JSON.stringify(event));
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
      publisher.close();
      listeners.clear();
      gapListeners.clear();
      // Not while Redis is away: the command would wait for the reconnect (the connection is closed next anyway).
      if (sub.status === 'ready') await sub.unsubscribe(channel).catch(() => {});
    },
  };
}
