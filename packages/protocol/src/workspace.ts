import { z } from 'zod';
import { auditRetentionDaysSchema } from './audit.js';
import { idSchema } from './ids.js';
import { jsonText } from './text.js';

/** Bodies and answers of `/api/settings/workspace` (routes.ts). */

/**
 * True when `zone` is an IANA time zone name this runtime's Intl knows (`Europe/Paris`, `UTC`,
 * `America/Argentina/Buenos_Aires`). Offsets (`+01:00`) and abbreviations (`CET` is refused only
 * where Intl does not know it) are not names: the shape is letters, digits, `_`, `+`, `-` and `/`.
 */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone, spelled as Intl spells it (`europe/paris` becomes `Europe/Paris`). */
export const timeZoneSchema = z
  .string()
  .trim()
  .max(64)
  .refine(isTimeZone, 'must be a time zone such as Europe/Paris or America/New_York')
  .transform((zone) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone);

/**
 * The languages a workspace may choose as its default (BCP 47 tags, each with its name in
 * itself): what the widget and emails will speak when nothing else decides.
 */
export const WORKSPACE_LANGUAGES = [
  { tag: 'en', label: 'English' },
  { tag: 'en-GB', label: 'English (United Kingdom)' },
  { tag: 'fr', label: 'Français' },
  { tag: 'de', label: 'Deutsch' },
  { tag: 'es', label: 'Español' },
  { tag: 'it', label: 'Italiano' },
  { tag: 'pt', label: 'Português' },
  { tag: 'pt-BR', label: 'Português (Brasil)' },
  { tag: 'nl', label: 'Nederlands' },
  { tag: 'sv', label: 'Svenska' },
  { tag: 'da', label: 'Dansk' },
  { tag: 'nb', label: 'Norsk bokmål' },
  { tag: 'fi', label: 'Suomi' },
  { tag: 'pl', label: 'Polski' },
  { tag: 'cs', label: 'Čeština' },
  { tag: 'tr', label: 'Türkçe' },
  { tag: 'uk', label: 'Українська' },
  { tag: 'ru', label: 'Русский' },
  { tag: 'ar', label: 'العربية' },
  { tag: 'he', label: 'עברית' },
  { tag: 'hi', label: 'हिन्दी' },
  { tag: 'ja', label: '日本語' },
  { tag: 'ko', label: '한국어' },
  { tag: 'zh-CN', label: '中文（简体）' },
  { tag: 'zh-TW', label: '中文（繁體）' },
] as const;
export type WorkspaceLanguage = (typeof WORKSPACE_LANGUAGES)[number]['tag'];
const LANGUAGE_TAGS = WORKSPACE_LANGUAGES.map((l) => l.tag) as [WorkspaceLanguage, ...WorkspaceLanguage[]];
export const workspaceLanguageSchema = z.enum(LANGUAGE_TAGS, { message: 'must be one of the listed languages' });

/** Logo files: their types (read from the bytes, not from what the client says) and the largest size. */
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export const LOGO_MAX_BYTES = 512 * 1024;
/** The smallest and largest side, in pixels, a logo may have. */
export const LOGO_MIN_SIDE = 16;
export const LOGO_MAX_SIDE = 4096;

/**
 * `PATCH /api/settings/workspace`: what changes (every field optional), with the `updatedAt`
 * the client read as `expectedUpdatedAt` (409 STALE when someone else saved since).
 */
export const workspaceUpdateSchema = z.strictObject({
  name: jsonText(z.string().trim().min(1, 'must not be empty').max(100)).optional(),
  timeZone: timeZoneSchema.optional(),
  language: workspaceLanguageSchema.optional(),
  auditRetentionDays: auditRetentionDaysSchema.optional(),
  expectedUpdatedAt: z.iso.datetime({ offset: true }).optional(),
});
export type WorkspaceUpdate = z.input<typeof workspaceUpdateSchema>;

/** The workspace's logo: its public URL (a path of this server; it changes with every upload) and what it is. */
export type WorkspaceLogo = { url: string; contentType: string; size: number; width: number; height: number };

/** `GET`/`PATCH /api/settings/workspace`, and the logo routes' answer. */
export type WorkspaceSettings = {
  id: string;
  name: string;
  timeZone: string;
  language: WorkspaceLanguage;
  logo: WorkspaceLogo | null;
  /** Days audit events are kept; null for ever. */
  auditRetentionDays: number | null;
  createdAt: string;
  updatedAt: string;
};

/** `PUT /api/settings/workspace/logo?expectedUpdatedAt=…`: the query (the body is the image itself). */
export const workspaceLogoQuerySchema = z.strictObject({ expectedUpdatedAt: z.iso.datetime({ offset: true }).optional() });
/** `GET /api/workspaces/:workspaceId/logo/:logoId`: the public logo. */
export const workspaceLogoParamSchema = z.strictObject({ workspaceId: idSchema('workspace'), logoId: idSchema('logo') });
