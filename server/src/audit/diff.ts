import { isDeepStrictEqual } from 'node:util';
import type { AuditDiff } from '@support/protocol';

/** What a secret reads as in the audit log. */
export const REDACTED = '[redacted]';

/** Words that make a key secret wherever they appear in it (`basicPassword`, `mailgun_signing_key`, `tokenHash`…). */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'passphrase', 'pwd', 'secret', 'secrets', 'token', 'tokens', 'key', 'keys', 'apikey',
  'hash', 'salt', 'credential', 'credentials', 'authorization', 'cookie', 'cookies', 'otp', 'totp',
]);

/** True when a key's name says its value is secret: one of its words (camelCase, snake_case, kebab-case) is a secret word. */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as JSON will store it (Dates as ISO strings, undefined members dropped). */
const asJson = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** `value` with every member under a secret key (at any depth, inside arrays too) replaced by REDACTED; null stays null (“not set”). */
function redact(value: unknown, secret = false): unknown {
  if (secret) return value === null ? null : REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, isSecretKey(k))]));
  return value;
}

/** The changed members of two objects: nested objects down to their changed keys, anything else (arrays too) whole. */
function changed(before: Obj, after: Obj): { before: Obj; after: Obj } {
  const out = { before: {} as Obj, after: {} as Obj };
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[key];
    const a = after[key];
    if (isDeepStrictEqual(b, a)) continue;
    const secret = isSecretKey(key);
    if (!secret && isObject(b) && isObject(a)) {
      const inner = changed(b, a);
      out.before[key] = inner.before;
      out.after[key] = inner.after;
      continue;
    }
    if (key in before) out.before[key] = redact(b, secret);
    if (key in after) out.after[key] = redact(a, secret);
  }
  return out;
}

/**
 * The audit diff of a change: only the keys whose value changed, `before` and `after`
 * (nested objects down to their changed keys; arrays compared and kept whole), every value
 * under a secret-looking key replaced by `"[redacted]"` (a secret that changed shows that it
 * changed, never what it was or became). Only `after` (a creation, or what a non-edit event
 * did): all its keys, redacted. Null when nothing is given or nothing changed.
 */
export function auditDiff(before?: Obj, after?: Obj): AuditDiff | null {
  const b = asJson(before) as Obj | undefined;
  const a = asJson(after) as Obj | undefined;
  if (!b && !a) return null;
  if (!b) return Object.keys(a!).length ? { after: redact(a) as Obj } : null;
  if (!a) return Object.keys(b).length ? { before: redact(b) as Obj } : null;
  const d = changed(b, a);
  return Object.keys(d.before).length || Object.keys(d.after).length ? d : null;
}
