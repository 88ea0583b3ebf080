import type { Schema } from '../form/form-errors.js';

/** A team, inbox, member or calendar as the routing pages offer it: wire id and name. */
export type Named = { id: string; name: string };

/** What the routing area reads once and its pages choose from (each by name). */
export type RoutingData = { teams: Named[]; inboxes: Named[]; agents: Named[]; calendars: Named[] };

/** The whole number typed in a field, null when empty, or the text itself when it is no whole number (`withNumbers` says so). */
export function wholeNumber(text: string | boolean | undefined): number | null | string {
  const t = String(text ?? '').trim();
  if (!t) return null;
  return /^\d+$/.test(t) ? Number(t) : t;
}

type Issue = { path: PropertyKey[]; message: string };

const get = (o: unknown, path: string[]): unknown =>
  path.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);

/**
 * The protocol's schema with one check first: a number field (dotted path in the body) left as
 * text by the form (`wholeNumber`) is refused on its field with `message`; the rest of the body
 * is held to `schema` as the server holds it.
 */
export function withNumbers(schema: Schema, fields: string[], message = 'Enter a whole number'): Schema {
  return {
    safeParse(body: unknown) {
      const copy = structuredClone(body) as Record<string, unknown>;
      const issues: Issue[] = [];
      for (const f of fields) {
        const path = f.split('.');
        if (typeof get(copy, path) !== 'string') continue;
        issues.push({ path, message });
        const parent = get(copy, path.slice(0, -1)) as Record<string, unknown>;
        parent[path.at(-1)!] = 0;
      }
      const r = schema.safeParse(copy);
      const all = [...issues, ...(r.success ? [] : r.error.issues.filter((i) => !issues.some((x) => x.path.join('.') === i.path.join('.'))))];
      return all.length ? { success: false as const, error: { issues: all } } : { success: true as const };
    },
  };
}
