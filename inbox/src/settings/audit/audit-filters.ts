import { decodeAnyId, type AuditDiff } from '@support/protocol';

/**
 * The Audit log screen's filters as its URL holds them (`/inbox/settings/audit?actor=…`):
 * `actor` a user id (`usr_…`) or `system`; `action` an action or a prefix of whole segments;
 * `objectType` an id kind; `objectId` a wire id; `from` and `to` local days (YYYY-MM-DD,
 * both included). Absent: ''.
 */
export type AuditFilters = { actor: string; action: string; objectType: string; objectId: string; from: string; to: string };
export const FILTER_KEYS = ['actor', 'action', 'objectType', 'objectId', 'from', 'to'] as const;
export const NO_FILTERS: AuditFilters = { actor: '', action: '', objectType: '', objectId: '', from: '', to: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters a URL's query holds (unknown keys ignored). */
export function readFilters(search: string): AuditFilters {
  const q = new URLSearchParams(search);
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, q.get(k)?.trim() ?? ''])) as AuditFilters;
}

/** The URL query of `f` (only what is set), '' for none. */
export function filtersQuery(f: AuditFilters): string {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k]) q.set(k, f[k]);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Local midnight of a YYYY-MM-DD day, `plusDays` later, as ISO 8601. */
function dayStart(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** What is wrong with each filter ('' keys omitted): an id that is no id, an end before the start. */
export function filterErrors(f: AuditFilters): Partial<Record<keyof AuditFilters, string>> {
  const out: Partial<Record<keyof AuditFilters, string>> = {};
  const id = f.objectId ? decodeAnyId(f.objectId) : null;
  if (f.objectId && !id) out.objectId = 'Not an id: ids look like inb_01h… or usr_01h…';
  else if (id && f.objectType && id.kind !== f.objectType) out.objectId = `This id is not of a ${f.objectType}`;
  if (f.from && !DAY.test(f.from)) out.from = 'Not a date';
  if (f.to && !DAY.test(f.to)) out.to = 'Not a date';
  if (!out.from && !out.to && f.from && f.to && f.to < f.from) out.to = 'The end is before the start';
  return out;
}

/**
 * The query of `GET /api/settings/audit` (and of its export) for `f`: the actor as `actorId` or
 * `actorType=system`, days as the local day's bounds (`to` is the next day's start: the day is
 * included). Filters with an error are left out.
 */
export function apiQuery(f: AuditFilters): URLSearchParams {
  const bad = filterErrors(f);
  const q = new URLSearchParams();
  if (f.actor === 'system') q.set('actorType', 'system');
  else if (f.actor) q.set('actorId', f.actor);
  if (f.action) q.set('action', f.action);
  if (f.objectType) q.set('objectType', f.objectType);
  if (f.objectId && !bad.objectId) q.set('objectId', f.objectId);
  if (f.from && !bad.from) q.set('from', dayStart(f.from));
  if (f.to && !bad.to) q.set('to', dayStart(f.to, 1));
  return q;
}

const MAX_VALUE = 80;

/** A diff value in words: text quoted, nothing as "none", lists joined, long values cut. */
function valueText(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = 'none';
  else if (typeof v === 'string') s = `“${v}”`;
  else if (Array.isArray(v)) s = v.length ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ') : 'none';
  else if (typeof v === 'object') s = Object.keys(v).length ? JSON.stringify(v) : 'none';
  else s = String(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

type Flat = Map<string, unknown>;
function flatten(o: Record<string, unknown> | undefined, prefix = '', out: Flat = new Map()): Flat {
  for (const [k, v] of Object.entries(o ?? {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) flatten(v as Record<string, unknown>, key, out);
    else out.set(key, v);
  }
  return out;
}

/**
 * An audit diff as lines a person reads: `name: “Sales” → “Support”` for a change, `format:
 * “csv”` for what an act did (only `after`). Nested keys are dotted (`settings.color`); a
 * value that is nothing reads "none".
 */
export function diffLines(diff: AuditDiff | null): string[] {
  if (!diff) return [];
  const before = flatten(diff.before);
  const after = flatten(diff.after);
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  return keys.map((k) => {
    if (!diff.before) return `${k}: ${valueText(after.get(k))}`;
    if (!diff.after) return `${k}: ${valueText(before.get(k))}`;
    return `${k}: ${valueText(before.get(k))} → ${valueText(after.get(k))}`;
  });
}
