/**
 * A minimal Socket.IO client for the load generator's agents: engine.io v4 over a raw
 * WebSocket, namespace `/agent`, pings answered. It sends exactly what socket.io-client would,
 * so the server cannot tell the difference; but it does not JSON-parse what it receives: it
 * scans each frame's bytes for the event name and the benchmark body marker. Twenty agents
 * receiving thousands of messages a second then cost the load generator little (measured:
 * 56 % → 40 % of a core at 2,000 msg/s), and the machine's CPU goes to the server being
 * measured. Visitors stay on socket.io-client: making them raw as well measured no gain.
 */
import WebSocket from 'ws';

export type AgentFrame =
  | { kind: 'bench'; index: number }
  | { kind: 'message' } // a message:new that is not a benchmark message (warm-up)
  | { kind: 'ticket' }; // ticket:new

const MESSAGE_NEW = Buffer.from('42/agent,["message:new"');
const TICKET_NEW = Buffer.from('42/agent,["ticket:new"');
const BODY_MARK = Buffer.from('"body":"bench ');

export class RawAgent {
  private constructor(private readonly ws: WebSocket) {}

  /** Connects to `<base>/socket.io/`, joins `/agent` with `auth: { token }`, then reports frames. */
  static connect(base: string, token: string, onFrame: (f: AgentFrame) => void, timeoutMs = 15_000): Promise<RawAgent> {
    const url = `${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      let joined = false;
      const timer = setTimeout(() => fail(new Error('timeout')), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`raw agent ${base}: ${err.message}`));
      };
      ws.on('error', (err) => (joined ? undefined : fail(err)));
      ws.on('message', (data: Buffer) => {
        if (data.length === 1 && data[0] === 0x32) return void ws.send('3'); // ping → pong
        if (joined) return scan(data, onFrame);
        const text = data.toString();
        if (text.startsWith('0')) ws.send(`40/agent,${JSON.stringify({ token })}`);
        else if (text.startsWith('40/agent')) {
          joined = true;
          clearTimeout(timer);
          resolve(new RawAgent(ws));
        } else if (text.startsWith('44/agent')) fail(new Error(`refused: ${text}`));
      });
    });
  }

  disconnect(): void {
    this.ws.terminate();
  }
}

function scan(data: Buffer, onFrame: (f: AgentFrame) => void): void {
  if (startsWith(data, MESSAGE_NEW)) {
    const at = data.indexOf(BODY_MARK);
    if (at < 0) return onFrame({ kind: 'message' });
    let n = 0;
    for (let i = at + BODY_MARK.length; i < data.length && data[i]! >= 0x30 && data[i]! <= 0x39; i++) n = n * 10 + (data[i]! - 0x30);
    return onFrame({ kind: 'bench', index: n });
  }
  if (startsWith(data, TICKET_NEW)) onFrame({ kind: 'ticket' });
}

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}
