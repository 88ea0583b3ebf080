import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Makes a socket's writes within one turn of the event loop leave in one system call.
 *
 * Each frame Socket.IO sends is otherwise its own `writev`: a message fanned out to 20 agents
 * is 20 calls, and a group commit of k messages is 20·k. The first write of a turn corks the
 * socket and an immediate uncorks it, so everything written to that socket in between goes
 * out together. Writes made while handling I/O leave at the end of the same loop iteration;
 * writes made from an immediate, at the end of the next one (whose poll phase does not block
 * while an immediate is pending). The order of bytes on the socket is unchanged. `cork`
 * nests, so ws's own cork around a frame's header and body still works inside ours, and
 * `end()` flushes whatever is corked.
 */
export function coalesceWrites(socket: Duplex): void {
  const write = socket.write;
  let corked = false;
  const flush = () => {
    corked = false;
    if (!socket.destroyed) socket.uncork();
  };
  socket.write = function (this: Duplex, ...args: Parameters<Duplex['write']>) {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(flush);
    }
    return write.apply(this, args);
  } as Duplex['write'];
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
