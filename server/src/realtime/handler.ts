import type { IncomingMessage } from 'node:http';
import type { Socket } from 'socket.io';
import proxyaddr from 'proxy-addr';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Ack, EventDecl } from '@support/protocol';
import { AppError, parse, toErrorBody } from '../http/errors.js';
import type { TrustFn } from '../http/http.js';
import type { Lifecycle } from './lifecycle.js';
import { checkPayloadBudget } from './payload-budget.js';
import { EventGate, type Rate } from './limits.js';
import { scopeToWorkspace, withRequestScope } from '../db/scope.js';

/**
 * The client's address as Express's `req.ip` would give it for the handshake request, with
 * the same `trust proxy` function: the socket's peer, or the nearest X-Forwarded-For entry
 * not written by a trusted proxy (never an entry the client wrote itself in front of them).
 */
export function clientAddress(socket: Socket, trust: TrustFn): string {
  const req = { headers: socket.handshake.headers, socket: { remoteAddress: socket.handshake.address } };
  return proxyaddr(req as unknown as IncomingMessage, trust);
}

export type HandlerEnv = {
  logger: Logger;
  lifecycle: Lifecycle;
  gate: EventGate;
  /** The workspace the socket's events work in (db/scope.ts), read per event; undefined: none yet. */
  workspaceId?: () => string | undefined;
  /** Throws FORBIDDEN unless the socket may use what a declaration needs (agent sockets; see `handle`). */
  authorize?: (decl: EventDecl, event: string) => void;
};

/**
 * The EventGate of a new socket: `onAbuse` (a client that keeps sending while refused)
 * logs and disconnects it.
 */
export function socketGate(socket: Socket, rate: Rate, logger: Logger): EventGate {
  return new EventGate(rate, () => {
    logger.warn({ socket: socket.id }, 'socket kept sending while refused; disconnecting it');
    socket.disconnect(true);
  });
}

/**
 * Registers a socket event handler that parses its payload with `schema`, runs `fn`, and
 * acks `{ ok: true, data }` or `{ ok: false, error: { code, message } }`. It never throws
 * into Socket.IO: bad payloads, missing acks, rate limits, shutdown and unexpected errors
 * all end in an error ack (when the client gave an ack callback) and a log line.
 *
 * Given a declaration (`{ schema, permission }`, the protocol's AGENT_EVENTS) instead of a bare
 * schema, `env.authorize` checks the permission first, before the payload is even parsed, and
 * a refusal acks FORBIDDEN; without `env.authorize` a declared event is refused (fail closed).
 */
export function handle<S extends z.ZodType, R>(
  socket: Socket,
  env: HandlerEnv,
  event: string,
  schemaOrDecl: S | { schema: S; permission: EventDecl['permission'] },
  fn: (input: z.output<S>) => Promise<R> | R,
): void {
  const decl = 'permission' in schemaOrDecl ? schemaOrDecl : null;
  const schema = decl ? decl.schema : (schemaOrDecl as S);
  socket.on(event, (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (args.pop() as (a: Ack<unknown>) => void) : null;
    const reply = (a: Ack<unknown>) => {
      if (ack) ack(a);
    };
    const fail = (err: unknown) => {
      const { body, internal } = toErrorBody(err);
      if (internal) env.logger.error({ err, event, socket: socket.id }, 'socket handler failed');
      reply({ ok: false, error: body });
    };
    if (env.lifecycle.stopping) return fail(new AppError('UNAVAILABLE', 'server is restarting; retry shortly'));
    if (!env.gate.admit()) return fail(new AppError('RATE_LIMITED', 'too many events; slow down'));
    // Backpressure: past capacity, refuse now (the client retries) rather than queue in memory.
    if (env.lifecycle.saturated) return fail(new AppError('UNAVAILABLE', 'server busy; retry shortly'));
    try {
      checkPayloadBudget(args);
    } catch (err) {
      env.gate.strike();
      return fail(err);
    }
    if (decl && decl.permission !== 'public') {
      try {
        if (!env.authorize) throw new AppError('FORBIDDEN', `${event}: not allowed here`);
        env.authorize(decl, event);
      } catch (err) {
        return fail(err);
      }
    }
    let input: z.output<S>;
    try {
      input = parse(schema, args.length ? args[0] : undefined);
    } catch (err) {
      return fail(err);
    }
    // Each event runs in a database scope of its own: the socket's workspace when it has one.
    const ws = env.workspaceId?.();
    env.lifecycle.track(
      withRequestScope(async () => {
        if (ws) scopeToWorkspace(ws);
        try {
          const data = await fn(input);
          reply({ ok: true, data: data === undefined ? null : data });
        } catch (err) {
          fail(err);
        }
      }),
    );
  });
}
