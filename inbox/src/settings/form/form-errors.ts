import { ApiError } from '../../api.js';

/** Error messages by field name; '' is the form as a whole. */
export type FieldErrors = Record<string, string>;

/** A validation issue as zod gives it (`path` an array) or as the server sends it (`path` joined with dots). */
export type Issue = { path: ReadonlyArray<PropertyKey> | string; message: string };

/** The part of a zod schema the forms use (any zod schema fits). */
export type Schema = {
  safeParse(input: unknown): { success: true } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
};

/** What a refused save means for the form. */
export type SaveFailure = { errors: FieldErrors; message: string; stale: boolean };

export const STALE_MESSAGE = 'Someone else saved this since you opened it. Reload to see their version, then make your change again.';

const sentence = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** The field an issue's path belongs to: the longest dotted prefix of it that is a field (`smtp.port` for `smtp.port`, `address` for `address.domain`), else ''. */
function fieldOf(path: readonly string[], fields: readonly string[]): string {
  for (let n = path.length; n > 0; n--) {
    const key = path.slice(0, n).join('.');
    if (fields.includes(key)) return key;
  }
  return '';
}

/**
 * The first message for each of `fields` (an issue on `address.domain` counts for `address`;
 * a field may be a dotted path, `smtp.port`, for a body with nested objects); issues on
 * anything else go to '' (the form). Messages start with a capital letter.
 */
export function issuesToErrors(issues: readonly Issue[], fields: readonly string[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const path = typeof i.path === 'string' ? i.path.split('.').filter(Boolean) : i.path.map(String);
    const key = fieldOf(path, fields);
    const seen = out[key];
    if (seen === undefined) out[key] = sentence(i.message);
    else if (key === '' && !seen.includes(i.message)) out[key] = `${seen}; ${i.message}`;
  }
  return out;
}

/** The schema's verdict on `body`, as field errors (none: valid). */
export function validate(schema: Schema, body: unknown, fields: readonly string[]): FieldErrors {
  const r = schema.safeParse(body);
  return r.success ? {} : issuesToErrors(r.error.issues, fields);
}

/**
 * Reads a refused save: 400 VALIDATION_FAILED → each `details.issues` entry (or `details`
 * as the array itself) on its field; a 409 with `details.field` → its message on that field;
 * 409 STALE → `stale`; anything else → its message for the form.
 */
export function saveFailure(err: unknown, fields: readonly string[]): SaveFailure {
  if (!(err instanceof ApiError)) return { errors: {}, message: (err as Error)?.message ?? 'Something went wrong', stale: false };
  if (err.code === 'STALE') return { errors: {}, message: STALE_MESSAGE, stale: true };
  const d = err.details as { issues?: Issue[]; field?: unknown } | Issue[] | undefined;
  const issues = Array.isArray(d) ? d : d?.issues;
  if (err.code === 'VALIDATION_FAILED' && Array.isArray(issues)) {
    const errors = issuesToErrors(issues, fields);
    return { errors, message: errors[''] ?? 'Some fields need another look', stale: false };
  }
  const field = !Array.isArray(d) && typeof d?.field === 'string' ? d.field : null;
  if (field && fields.includes(field)) return { errors: { [field]: sentence(err.message) }, message: sentence(err.message), stale: false };
  return { errors: {}, message: sentence(err.message), stale: false };
}
