import type { ConditionFieldDef } from './fields.js';
import { CONTACT_ATTRIBUTE_PREFIX } from './fields.js';

/**
 * What a field holds once read from the facts: a string, a number (durations in minutes,
 * timestamps in epoch milliseconds), a boolean, a list of tag names, an attribute value of
 * any JSON shape, or null when absent.
 */
export type Actual = string | number | boolean | readonly string[] | null | object;

/** What a reader may use of the evaluation context: the business-time counter of business durations. */
export type ReadContext = { businessSecondsBetween?: ((from: Date, to: Date) => number) | undefined };

/** Reads one field from facts that may be anything at all (never throws on a plain object or primitive). */
export type Reader = (facts: unknown, nowMs: number, ctx?: ReadContext) => Actual;

const MINUTE_MS = 60_000;

function prop(o: unknown, key: string): unknown {
  if (typeof o !== 'object' || o === null) return undefined;
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Epoch milliseconds of an ConditionInstant, or null when it is absent or does not parse. */
export function instantMs(v: unknown): number | null {
  if (v instanceof Date) {
    const t = v.getTime();
    return Number.isFinite(t) ? t : null;
  }
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

/** The contact's field, falling back to the ticket's requester (the wire Ticket carries name and email). */
function contactProp(facts: unknown, key: 'name' | 'email'): string | null {
  const contact = prop(facts, 'contact');
  if (contact) return str(prop(contact, key));
  return str(prop(prop(prop(facts, 'ticket'), 'requester'), key));
}

/** The domain of an email address: what follows the last @, or null. */
function emailDomain(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  return at < 0 || at === email.length - 1 ? null : email.slice(at + 1);
}

/** Builds the reader of a field (called once per leaf when a condition is compiled). */
export function readerFor(def: ConditionFieldDef): Reader {
  const { entity, property, derive } = def.source;
  if (derive === 'attribute') {
    const key = def.key.slice(CONTACT_ATTRIBUTE_PREFIX.length);
    return (facts) => {
      const attrs = prop(prop(facts, 'contact'), 'attributes');
      if (typeof attrs !== 'object' || attrs === null || !Object.prototype.hasOwnProperty.call(attrs, key)) return null;
      const v = prop(attrs, key);
      return v === undefined ? null : (v as Actual);
    };
  }
  if (derive === 'email_domain') return (facts) => emailDomain(contactProp(facts, 'email'));
  if (entity === 'contact') return (facts) => contactProp(facts, property as 'name' | 'email');
  if (derive === 'minutes_since')
    return (facts, nowMs) => {
      const t = instantMs(prop(prop(facts, 'ticket'), property));
      return t === null ? null : Math.max(0, Math.floor((nowMs - t) / MINUTE_MS));
    };
  if (derive === 'business_minutes_since')
    return (facts, nowMs, ctx) => {
      const t = instantMs(prop(prop(facts, 'ticket'), property));
      const between = ctx?.businessSecondsBetween;
      // Without a calendar (or with one that fails) a business duration is unknown: absent.
      if (t === null || typeof between !== 'function' || !Number.isFinite(nowMs)) return null;
      try {
        const s = between(new Date(t), new Date(nowMs));
        return typeof s === 'number' && Number.isFinite(s) ? Math.max(0, Math.floor(s / 60)) : null;
      } catch {
        return null;
      }
    };
  if (entity === 'time') return () => null;
  if (entity === 'message') {
    if (def.key === 'message.has_attachments')
      return (facts) => {
        const m = prop(facts, 'message');
        if (!m) return null;
        const a = prop(m, 'attachments');
        return Array.isArray(a) && a.length > 0;
      };
    if (def.key === 'message.channel')
      return (facts) => {
        const m = prop(facts, 'message');
        if (!m) return null;
        return str(prop(m, 'channel')) ?? str(prop(prop(facts, 'ticket'), 'channel'));
      };
    return (facts) => str(prop(prop(facts, 'message'), property));
  }
  // Ticket fields.
  switch (def.type) {
    case 'timestamp':
      return (facts) => instantMs(prop(prop(facts, 'ticket'), property));
    case 'number':
      return (facts) => {
        const v = prop(prop(facts, 'ticket'), property);
        return typeof v === 'number' && Number.isFinite(v) ? v : null;
      };
    case 'tags':
      return (facts) => {
        const v = prop(prop(facts, 'ticket'), property);
        if (!Array.isArray(v)) return [];
        return v.every((t) => typeof t === 'string') ? (v as string[]) : v.filter((t): t is string => typeof t === 'string');
      };
    default:
      return (facts) => str(prop(prop(facts, 'ticket'), property));
  }
}
