import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * `redis` as the Socket.IO Redis adapter's publishing client, with every failed publish logged
 * instead of left unhandled. The adapter does not handle a rejected publish, and an unhandled
 * rejection ends the process: without this, a visitor typing while Redis is unreachable would
 * take the node down. What the adapter carries (typing, viewing, `fetchSockets` requests) is
 * ephemeral or re-read after the `sync` hint that follows the outage; nothing is resent.
 */
export function loggedPublishes(redis: Redis, logger: Logger): Redis {
  let failing = false;
  const publish = (channel: string, message: string | Buffer) =>
    redis.publish(channel, message).then(
      (n) => ((failing = false), n),
      (err: unknown) => {
        // Once per outage: every typing event would log otherwise.
        if (!failing) logger.warn({ err }, 'socket.io adapter publish failed; cross-node emits are lost until redis is back');
        failing = true;
        return 0;
      },
    );
  return new Proxy(redis, {
    get(target, key) {
      if (key === 'publish') return publish;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' && key !== 'constructor' ? v.bind(target) : v;
    },
  });
}
