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

  async function pair(): Promise<{ client: Socket; received: () => string; sent: unknown[] }> {
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
    // Records what reaches the stream's own write (what coalescing wraps).
    const sent: unknown[] = [];
    const write = client.write;
    client.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
      sent.push(args[0]);
      return write.apply(this, args);
    } as Socket['write'];
    return { client, received: () => got, sent };
  }

  it('sends a turn’s writes as one write, in order, after the turn', async () => {
    const { client, received, sent } = await pair();
    coalesceWrites(client);
    const parts = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? Buffer.from(`${i}é,`) : i % 3 === 1 ? `${i}✓,` : new Uint8Array(Buffer.from(`${i},`))));
    for (const p of parts) expect(client.write(p)).toBe(true);
    expect(sent).toHaveLength(0);
    await immediate();
    expect(sent).toHaveLength(1);
    const expected = parts.map((p) => (typeof p === 'string' ? p : Buffer.from(p).toString())).join('');
    await expect.poll(received).toBe(expected);

    // The next turn is a batch of its own; a lone chunk goes out as it is.
    client.write('ab');
    await immediate();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe('ab');
    await expect.poll(received).toBe(expected + 'ab');
  });

  it('runs callbacks once the bytes are queued, so the writer can queue its next frame in the same turn', async () => {
    const { client, received, sent } = await pair();
    coalesceWrites(client);
    const order: string[] = [];
    client.write('1', () => {
      order.push('cb1');
      // What engine.io does on a frame's callback: send the next one.
      client.write('2', () => order.push('cb2'));
    });
    await new Promise<void>((r) => process.nextTick(r));
    // Both frames are queued and both callbacks ran, and nothing has been written yet.
    expect(order).toEqual(['cb1', 'cb2']);
    expect(sent).toHaveLength(0);
    await immediate();
    expect(sent).toHaveLength(1);
    await expect.poll(received).toBe('12');
  });

  it('without it every write goes to the stream at once (what the tests above would see if coalescing broke)', async () => {
    const { client, sent } = await pair();
    client.write('x');
    client.write('y');
    expect(sent).toEqual(['x', 'y']);
  });

  it('end() sends what is queued before the final chunk', async () => {
    const { client, received } = await pair();
    coalesceWrites(client);
    client.write('a');
    client.write(Buffer.from('b'));
    client.end('c');
    await expect.poll(received).toBe('abc');
  });

  it('honours a non-utf8 encoding', async () => {
    const { client, received } = await pair();
    coalesceWrites(client);
    client.write('x');
    client.write(Buffer.from('hé').toString('base64'), 'base64');
    await expect.poll(received).toBe('xhé');
  });

  it('drops queued bytes, without throwing, when the socket is destroyed before the turn ends; later writes error as usual', async () => {
    const { client, sent } = await pair();
    coalesceWrites(client);
    client.write('late');
    client.destroy();
    await immediate();
    expect(client.destroyed).toBe(true);
    expect(sent).toHaveLength(0);
    const err = await new Promise<Error | null | undefined>((r) => client.write('after', r));
    expect(err?.message).toMatch(/destroyed/i);
  });
});
