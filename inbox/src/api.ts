import { io, type Socket } from 'socket.io-client';
import type { Ack, AgentClientToServer, AgentServerToClient, Attachment, EmailOriginal, LoginResult, SessionInfo } from '@support/protocol';

export type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;

/** A refused request: the wire error's `code`, `message` and `details` (field issues, the field of a conflict), and the HTTP status (0 for a socket ack). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly status = 0,
  ) {
    super(message);
  }
}

/** The ApiError of a failed response: its JSON error body, or the status alone. */
export function apiError(status: number, json: unknown): ApiError {
  const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  return new ApiError(e?.code ?? 'INTERNAL', e?.message ?? `HTTP ${status}`, e?.details, status);
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON request to the server with the session cookie; the parsed answer (undefined for 204), or an ApiError. */
export async function rest<T>(method: Method, path: string, body?: unknown, file?: Blob): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: file ? { 'content-type': file.type || 'application/octet-stream' } : body ? { 'content-type': 'application/json' } : {},
    body: file ?? (body ? JSON.stringify(body) : null),
  });
  if (res.status === 204) return undefined as T;
  const json: unknown = await res.json().catch(() => ({}));
  if (!res.ok) throw apiError(res.status, json);
  return json as T;
}

/** The session of the cookie (the agent, their permissions and workspaces), or null. */
export async function me(): Promise<SessionInfo | null> {
  try {
    return await rest<SessionInfo>('GET', '/api/auth/me');
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'UNAUTHENTICATED' || err.code === 'SESSION_EXPIRED')) return null;
    throw err;
  }
}

/** Logs in (to the workspace used last); the server sets the same-origin session cookie the socket then uses. */
export function login(email: string, password: string): Promise<LoginResult> {
  return rest<LoginResult>('POST', '/api/auth/login', { email, password });
}

export function logout(): Promise<void> {
  return rest('POST', '/api/auth/logout');
}

/** Uploads one file (session cookie); returns the Attachment whose id goes in `message:send`'s `attachmentIds`. */
export function uploadAttachment(file: File): Promise<Attachment> {
  return rest('POST', `/api/attachments?filename=${encodeURIComponent(file.name || 'file')}`, undefined, file);
}

/** The full original of an email message (quotes and signature included). */
export function emailOriginal(messageId: string): Promise<EmailOriginal> {
  return rest('GET', `/api/email/messages/${encodeURIComponent(messageId)}/original`);
}

/** The `/agent` socket, authenticated by the cookie (same origin), WebSocket only. */
export function agentSocket(): AgentSocket {
  return io('/agent', { transports: ['websocket'], autoConnect: false, reconnectionDelayMax: 3000 });
}

type Events = AgentClientToServer;
type AckData<E extends keyof Events> = Parameters<Events[E]>[1] extends ((a: Ack<infer T>) => void) | undefined ? T : never;

/** Emits `event` and returns the ack's data; throws ApiError on an error ack or after `ms`. */
export async function call<E extends keyof Events>(s: AgentSocket, event: E, payload: Parameters<Events[E]>[0], ms = 10_000): Promise<AckData<E>> {
  let ack: Ack<AckData<E>>;
  try {
    ack = await (s.timeout(ms) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<AckData<E>>> }).emitWithAck(event, payload);
  } catch {
    throw new ApiError('TIMEOUT', `${event}: no answer`);
  }
  if (!ack.ok) throw new ApiError(ack.error.code, ack.error.message, ack.error.details);
  return ack.data;
}
