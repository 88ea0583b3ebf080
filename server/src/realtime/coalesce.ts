import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

type WriteCallback = (err?: Error | null) => void;

/**
 * Makes everything written to a socket in one turn of the event loop leave in one `write`.
 *
 * Each frame Socket.IO sends is otherwise its own system call: a message fanned out to 20
 * agents is 20 calls, and a group commit of k messages is 20·k. Here a socket's writes are
 * queued in order and sent as one buffer from an immediate: writes made while handling I/O
 * leave at the end of the same loop iteration; writes made from an immediate, at the end of
 * the next one (whose poll phase does not block while an immediate is pending).
 *
 * A write's callback runs on the next tick, once the bytes are queued, not once they reach
 * the kernel. engine.io sends a socket's next packets only after the previous frame's
 * callback; called at once, every packet of the turn joins the same write instead of waiting
 * a loop iteration for the one before it. Order on the wire is unchanged, a failed socket
 * still errors and closes, `end()` sends what is queued first, and `destroy()` drops it.
 */
export function coalesceWrites(socket: Duplex): void {
  const write = socket.write as (chunk: unknown, encoding?: BufferEncoding, cb?: WriteCallback) => boolean;
  const end = socket.end;
  let queued: (Buffer | string)[] = [];
  let bytes = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (!queued.length) return;
    const parts = queued;
    const size = bytes;
    queued = [];
    bytes = 0;
    if (socket.destroyed) return;
    if (parts.length === 1) {
      write.call(socket, parts[0]);
      return;
    }
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const p of parts) at += typeof p === 'string' ? out.write(p, at) : p.copy(out, at);
    write.call(socket, out);
  };

  socket.write = function (this: Duplex, chunk: unknown, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback) {
    if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    // A closed or ending socket, or a chunk of the wrong type: the stream itself reports the error.
    if (socket.destroyed || socket.writableEnded || !(typeof chunk === 'string' || chunk instanceof Uint8Array))
      return write.call(this, chunk, encoding, cb);
    const part =
      typeof chunk === 'string'
        ? encoding && encoding !== 'utf8' && encoding !== 'utf-8'
          ? Buffer.from(chunk, encoding)
          : chunk
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    queued.push(part);
    bytes += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    if (cb) process.nextTick(cb);
    return true;
  } as Duplex['write'];

  socket.end = function (this: Duplex, ...args: unknown[]) {
    flush();
    return (end as (...a: unknown[]) => Duplex).apply(this, args);
  } as Duplex['end'];
}

/**
 * The `ws` server engine.io is given (`wsEngine`): the same server, with every upgraded
 * socket's writes coalesced per event-loop turn.
 */
export class CoalescingWebSocketServer extends WebSocketServer {
  override handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    cb: (client: WebSocket, request: IncomingMessage) => void,
  ): void {
    coalesceWrites(socket);
    super.handleUpgrade(req, socket, head, cb);
  }
}
