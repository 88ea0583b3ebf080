import { z } from 'zod';

/** Every error code the server can answer with, and the HTTP status it maps to. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_BODY: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  SESSION_INVALID: 401,
  SESSION_EXPIRED: 401,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  /** The inbox allows its widget on listed site origins only, and the request's `Origin` is not one (`GET /api/widget/config`, `session:start`). */
  WIDGET_ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** The edit was based on an `updatedAt` that is no longer current: someone else saved first. */
  STALE: 409,
  /** The change would leave the workspace without an active owner. */
  LAST_OWNER: 409,
  /** A team or custom role of the workspace has this name (`details.field`: "name"). */
  NAME_TAKEN: 409,
  /** Another inbox of the workspace has this name (`details.field`: "name"). */
  INBOX_NAME_TAKEN: 409,
  /** Another email inbox of the workspace has this address (`details.field`: "address"). */
  INBOX_ADDRESS_TAKEN: 409,
  /** The inbox to delete has tickets: say what happens to them (`tickets=move&moveTo=…` or `tickets=delete`); `details.tickets` counts them. */
  INBOX_HAS_TICKETS: 409,
  /** An invitation to an address that is a member of the workspace already (`details.field`: "email"). */
  ALREADY_MEMBER: 409,
  /** An invitation to this address is pending already (`details.field`: "email"): re-send it instead. */
  ALREADY_INVITED: 409,
  /** A calendar that SLA policies use cannot be deleted (`details.policies`: their names); the default calendar cannot be deleted either. */
  CALENDAR_IN_USE: 409,
  /** The default SLA policy cannot be deleted or moved (disable it instead). */
  DEFAULT_POLICY: 409,
  /** A manual assignment would give the agent more than routing's capacity; send again with `force: true` to assign anyway. */
  OVER_CAPACITY: 409,
  /** An invitation or password-reset link that cannot be used (`details.reason`: unknown, expired, used or revoked). */
  LINK_INVALID: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PRECHAT_REQUIRED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const errorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = { code: ErrorCode; message: string; details?: unknown };

/** The one shape every socket acknowledgement has. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type AckFn<T> = (ack: Ack<T>) => void;
