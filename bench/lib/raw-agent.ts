/**
 * A minimal `/agent` Socket.IO client for bench/routing.ts: engine.io v4 over a raw WebSocket
 * (what socket.io-client sends, so the server cannot tell), pings answered, emits with acks.
 * Every frame it receives goes to `onFrame` as bytes with its arrival time, unparsed: with 200
 * agents in one team every ticket event reaches every socket, and the load generator looks only
 * at the few frames that concern one socket (a byte search first, JSON.parse only on a hit).
 */
import WebSocket from 'ws';
import { performance } from 'node:perf_hooks';

const EVENT = Buffer.from('42/agent,[');

export class RawAgent {
  private nextAck = 1;
  private readonly acks = new Map<number, (data: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {}

  /**
   * Connects to `<base>/socket.io/`, joins `/agent` with `auth: { token }`; `onFrame` then gets
   * each event frame (`42/agent,[...]`) and the `performance.now()` it arrived at.
   */
  static connect(base: string, token: string, onFrame: (frame: Buffer, at: number) => void, timeoutMs = 15_000): Promise<RawAgent> {
    const url = `${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      let agent: RawAgent | null = null;
      const timer = setTimeout(() => fail(new Error('timeout')), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`raw agent ${base}: ${err.message}`));
      };
      ws.on('error', (err) => (agent ? undefined : fail(err)));
      ws.on('message', (data: Buffer) => {
        const at = performance.now();
        if (data.length === 1 && data[0] === 0x32) return void ws.send('3'); // ping → pong
        if (agent) {
          if (data.length > EVENT.length && data.compare(EVENT, 0, EVENT.length, 0, EVENT.length) === 0) return onFrame(data, at);
          if (data[0] === 0x34 && data[1] === 0x33) return agent.settle(data.toString()); // 43/agent,<id>[...]
          return;
        }
        const text = data.toString();
        if (text.startsWith('0')) ws.send(`40/agent,${JSON.stringify({ token })}`);
        else if (text.startsWith('40/agent')) {
          clearTimeout(timer);
          resolve((agent = new RawAgent(ws)));
        } else if (text.startsWith('44/agent')) fail(new Error(`refused: ${text}`));
      });
    });
  }

  /** Emits `event` with an ack; resolves with the ack's payload (`{ ok, data | error }`). */
  emit<T = unknown>(event: string, payload: unknown, timeoutMs = 30_000): Promise<T> {
    const id = this.nextAck++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`${event}: no ack after ${timeoutMs} ms`));
      }, timeoutMs);
      this.acks.set(id, (d) => {
        clearTimeout(t);
        resolve(d as T);
      });
      this.ws.send(`42/agent,${id}${JSON.stringify([event, payload])}`);
    });
  }

  private settle(text: string): void {
    const m = /^43\/agent,(\d+)\[/.exec(text);
    if (!m) return;
    const done = this.acks.get(Number(m[1]));
    this.acks.delete(Number(m[1]));
    done?.((JSON.parse(text.slice(m[0].length - 1)) as unknown[])[0]);
  }

  disconnect(): void {
    this.ws.terminate();
  }
}

/** The `[name, payload]` of an event frame. */
export const parseEvent = <T = unknown>(frame: Buffer): [string, T] => JSON.parse(frame.toString('utf8', EVENT.length - 1)) as [string, T];

/** Whether an event frame is `name`. */
export function isEvent(frame: Buffer, name: Buffer): boolean {
  return frame.length > EVENT.length + name.length && frame.compare(name, 0, name.length, EVENT.length, EVENT.length + name.length) === 0;
}
