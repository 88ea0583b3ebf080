import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@support/protocol';
import { z } from 'zod';

/** The one error type domain code throws. `code` decides the HTTP status and the ack code. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

/** Issues an error carries in `details`, and characters per path or message: an error stays small whatever the input. */
export const MAX_ISSUES = 10;
const MAX_TEXT = 200;
const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

/** Formats zod issues as one readable line plus structured details (the first MAX_ISSUES, each clipped). */
export function validationError(error: z.ZodError): AppError {
  const issues = error.issues.slice(0, MAX_ISSUES).map((i) => ({ path: clip(i.path.join('.')), message: clip(i.message) }));
  const summary = issues
    .slice(0, 5)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
  return new AppError('VALIDATION_FAILED', summary || 'invalid payload', issues);
}

/** Parses `input` with `schema`, throwing VALIDATION_FAILED with the issues on failure. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw validationError(r.error);
  return r.data;
}

/** Converts anything thrown into the wire error body; unknown errors become a generic INTERNAL. */
export function toErrorBody(err: unknown): { body: ErrorBody; status: number; internal: boolean } {
  if (err instanceof AppError) {
    const body: ErrorBody = { code: err.code, message: err.message };
    if (err.details !== undefined) body.details = err.details;
    return { body, status: err.status, internal: err.status >= 500 };
  }
  return { body: { code: 'INTERNAL', message: 'internal error' }, status: 500, internal: true };
}
