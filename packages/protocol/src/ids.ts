import { z } from 'zod';

/**
 * Wire id prefixes. Every id on the wire is `<prefix>_<26 chars>`: the UUIDv7 stored in
 * the database, encoded as 26 lowercase Crockford base32 characters (the TypeID layout),
 * so ids sort by creation time as plain strings.
 */
export const ID_PREFIX = {
  workspace: 'ws',
  user: 'usr',
  team: 'team',
  inbox: 'inb',
  contact: 'ct',
  ticket: 'tkt',
  conversation: 'cnv',
  message: 'msg',
  activity: 'act',
  tag: 'tag',
  attachment: 'att',
  role: 'role',
  auditEvent: 'aud',
  deadLetter: 'dlt',
  logo: 'logo',
  invitation: 'inv',
  calendar: 'cal',
  slaPolicy: 'sla',
  slaClock: 'slc',
  slaEvent: 'sle',
  routingPolicy: 'rtp',
  routingRule: 'rtr',
  automationRule: 'aur',
  automationRun: 'aun',
  macro: 'mac',
  cannedResponse: 'cnr',
  notification: 'ntf',
} as const;

export type IdKind = keyof typeof ID_PREFIX;
export type IdPrefix = (typeof ID_PREFIX)[IdKind];

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const DECODE: Record<string, number> = Object.fromEntries([...ALPHABET].map((c, i) => [c, i]));
const SUFFIX_RE = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Encodes a database UUID as a prefixed wire id (`tkt_01h…`). The 128 bits are read from
 * the last hex digit up and written 5 bits per character, so the 26th character holds the
 * top 3 bits (0–7).
 */
export function encodeId(kind: IdKind, uuid: string): string {
  // Hot: every id of every payload passes here. Char codes and a table, no regex or arrays.
  const codes = ENCODE_BUF;
  let acc = 0;
  let bits = 0;
  let pos = 25;
  for (let i = uuid.length - 1; i >= 0; i--) {
    const c = uuid.charCodeAt(i);
    if (c === 45) continue; // '-'
    acc |= HEX_VALUE[c]! << bits;
    bits += 4;
    if (bits >= 5) {
      codes[pos--] = ALPHABET_CODES[acc & 31]!;
      acc >>= 5;
      bits -= 5;
    }
  }
  codes[0] = ALPHABET_CODES[acc & 31]!;
  return ID_PREFIX[kind] + '_' + String.fromCharCode.apply(null, codes as unknown as number[]);
}

const ALPHABET_CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const HEX_VALUE = new Uint8Array(128);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const ENCODE_BUF = new Uint8Array(26);

/** Decodes a prefixed wire id to its UUID, or returns null when the prefix or body is wrong. */
export function decodeId(kind: IdKind, id: string): string | null {
  const prefix = ID_PREFIX[kind] + '_';
  if (typeof id !== 'string' || !id.startsWith(prefix)) return null;
  const body = id.slice(prefix.length);
  if (!SUFFIX_RE.test(body)) return null;
  const digits = new Array<string>(32);
  let acc = 0;
  let bits = 0;
  let pos = 31;
  for (let i = 25; i >= 0 && pos >= 0; i--) {
    acc |= DECODE[body[i]!]! << bits;
    bits += 5;
    while (bits >= 4 && pos >= 0) {
      digits[pos--] = (acc & 15).toString(16);
      acc >>= 4;
      bits -= 4;
    }
  }
  const hex = digits.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const PREFIX_KIND = new Map(Object.entries(ID_PREFIX).map(([kind, prefix]) => [prefix as string, kind as IdKind]));

/** Decodes a wire id of any kind (its prefix names the kind), or returns null. */
export function decodeAnyId(id: string): { kind: IdKind; uuid: string } | null {
  const cut = typeof id === 'string' ? id.lastIndexOf('_') : -1;
  if (cut < 0) return null;
  const kind = PREFIX_KIND.get(id.slice(0, cut));
  const uuid = kind ? decodeId(kind, id) : null;
  return kind && uuid ? { kind, uuid } : null;
}

/** True when `uuid` looks like a canonical lowercase UUID string. */
export function isUuid(uuid: string): boolean {
  return UUID_RE.test(uuid);
}

/** zod schema for a wire id of one kind: a string with the right prefix and a valid body. */
export function idSchema(kind: IdKind) {
  const prefix = ID_PREFIX[kind];
  return z
    .string()
    .max(64)
    .refine((v) => decodeId(kind, v) !== null, { message: `must be an id starting with ${prefix}_` });
}
