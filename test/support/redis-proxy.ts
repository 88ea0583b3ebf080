import { createServer, connect as tcpConnect, type Socket } from 'node:net';

export type RedisProxy = {
  /** `redis://127.0.0.1:<port>`: give it to the nodes that should lose Redis on `cut`. */
  url: string;
  /** Drops every open connection and turns new ones away (closed at once) until `restore`. */
  cut(): void;
  restore(): void;
  /** Connections turned away since the last `cut`: each is a reconnect attempt of a client. */
  readonly refused: number;
  close(): Promise<void>;
};

/**
 * A TCP proxy in front of the shared Redis, so a test can take Redis away from its own nodes
 * (a real outage as their clients see it: connections dropped, reconnects refused) without
 * touching the Redis server other tests use.
 */
export async function redisProxy(target: string): Promise<RedisProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let down = false;
  let refused = 0;
  const server = createServer((client) => {
    if (down) {
      refused++;
      client.destroy();
      return;
    }
    const upstream = tcpConnect(Number(port), hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        open.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    cut() {
      down = true;
      refused = 0;
      for (const s of open) s.destroy();
    },
    restore() {
      down = false;
    },
    get refused() {
      return refused;
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
