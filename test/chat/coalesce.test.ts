import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../server/src/realtime/coalesce.js';

const immediate = () => new Promise<void>((r) => setImmediate(r));

describe('writes coalesced per event-loop turn', () => {
  let server: Server | undefined;
  const open: Socket[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) s.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  async function pair(): Promise<{ client: Socket; received: () => string }> {
    let got = '';
    server = createServer((s) => {
      open.push(s);
      s.setEncoding('utf8').on('data', (d: string) => (got += d));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    open.push(client);
    await once(client, 'connect');
    return { client, received: () => got };
  }

  it('holds a turn’s writes in the socket and sends them, in order, after the turn', async () => {
    const { client, received } = await pair();
    coalesceWrites(client);
    for (let i = 0; i < 50; i++) client.write(`${i},`);
    // Nothing has gone to the kernel yet: all 50 are buffered behind one cork.
    expect(client.writableCorked).toBe(1);
    expect(client.writableLength).toBeGreaterThan(0);
    await immediate();
    expect(client.writableCorked).toBe(0);
    const expected = Array.from({ length: 50 }, (_, i) => `${i},`).join('');
    await expect.poll(received).toBe(expected);

    // The next turn starts a new batch; nested corks (as ws uses around a frame) still work.
    client.cork();
    client.write('a');
    client.write('b');
    client.uncork();
    expect(client.writableLength).toBeGreaterThan(0);
    await immediate();
    await expect.poll(received).toBe(expected + 'ab');
  });

  it('without it every write goes out at once (what the first test would see if coalescing broke)', async () => {
    const { client } = await pair();
    client.write('x');
    expect(client.writableCorked).toBe(0);
    expect(client.writableLength).toBe(0);
  });

  it('does not throw when the socket is destroyed before the turn ends', async () => {
    const { client } = await pair();
    coalesceWrites(client);
    client.write('late');
    client.destroy();
    await immediate();
    expect(client.destroyed).toBe(true);
  });
});
