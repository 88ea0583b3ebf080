import { DEFAULT_NOTIFICATION_PREFS, notificationPrefsSchema, type NotificationPrefs } from '@support/protocol';
import { toWire } from '../db/ids.js';

/** How an account shows to others and to the inbox: its avatar's URL and its notification choices (read by the agents' DTOs too). */

/** The URL of a user's avatar (`GET /api/avatars/:userId`; `v` changes with each upload, so it caches long), or null without one. */
export const avatarUrl = (userId: string, avatarId: string | null): string | null =>
  avatarId ? `/api/avatars/${toWire('user', userId)}?v=${avatarId.replace(/-/g, '')}` : null;

/** A stored preference object with the defaults for what it lacks (and nothing it should not have). */
export function prefsOf(stored: unknown): NotificationPrefs {
  const merged = { ...DEFAULT_NOTIFICATION_PREFS, ...(stored && typeof stored === 'object' ? stored : {}) };
  const r = notificationPrefsSchema.safeParse(Object.fromEntries(Object.keys(DEFAULT_NOTIFICATION_PREFS).map((k) => [k, merged[k as keyof NotificationPrefs]])));
  return r.success ? r.data : DEFAULT_NOTIFICATION_PREFS;
}
