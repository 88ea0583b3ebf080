import type { Request } from 'express';
import type { Socket } from 'socket.io';
import type { TrustFn } from '../http/http.js';
import { clientAddress } from '../realtime/handler.js';
import type { AuditRequest } from './audit.service.js';

/** The audit `request` of an Express request: `req.ip` (the `trust proxy` setting applied), User-Agent, and the request id (`X-Request-Id`). */
export function auditRequest(req: Request): AuditRequest {
  return {
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
    requestId: (req.res?.locals.requestId as string | undefined) ?? null,
  };
}

/** The audit `request` of a socket event: the handshake's client address (as `req.ip` would resolve it), its User-Agent, and the socket id. */
export function auditRequestOfSocket(socket: Socket, trust: TrustFn): AuditRequest {
  const ua = socket.handshake.headers['user-agent'];
  return { ip: clientAddress(socket, trust), userAgent: typeof ua === 'string' ? ua : null, requestId: socket.id };
}
