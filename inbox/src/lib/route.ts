/** The settings areas, in the order the navigation lists them, with their names. */
export const SETTINGS_AREAS = {
  account: 'Account',
  workspace: 'Workspace',
  inboxes: 'Inboxes',
  'dead-letters': 'Email dead letters',
  people: 'People',
  teams: 'Teams',
  roles: 'Roles',
  'sla-policies': 'SLA policies',
  calendars: 'Business hours',
  'sla-compliance': 'SLA compliance',
  routing: 'Routing',
  automation: 'Automation',
  macros: 'Macros',
  canned: 'Canned responses',
  audit: 'Audit log',
} as const;
export type SettingsArea = keyof typeof SETTINGS_AREAS;

/** A place in the settings: `area` null is the list of areas; an `area` that is no SettingsArea is "not found". */
export type SettingsRoute = { area: string | null; id: string | null };

/**
 * The settings place a path names — `/inbox/settings`, `/inbox/settings/<area>`,
 * `/inbox/settings/<area>/<id>` (a trailing slash allowed) — or null for any other path
 * (the inbox). Percent-encoded parts are decoded.
 */
export function settingsRoute(pathname: string): SettingsRoute | null {
  const m = /^\/inbox\/settings(?:\/([^/]+)(?:\/([^/]+))?)?\/?$/.exec(pathname);
  if (!m) return /^\/inbox\/settings\//.test(pathname) ? { area: pathname.slice('/inbox/settings/'.length), id: null } : null;
  return { area: m[1] ? decode(m[1]) : null, id: m[2] ? decode(m[2]) : null };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The URL of a settings place (`settingsUrl()` is the list of areas). */
export function settingsUrl(area?: string | null, id?: string | null): string {
  if (!area) return '/inbox/settings';
  return `/inbox/settings/${encodeURIComponent(area)}${id ? `/${encodeURIComponent(id)}` : ''}`;
}

export type NavigateDetail = { url: string; replace?: boolean };

/**
 * Asks the app to go to `url` (a path under `/inbox/`) from a screen, as following a link
 * would: it fires `ib-navigate` (`detail: { url, replace }`, bubbling and composed) from
 * `from`; the app asks first when a form has unsaved changes. Links (`<a href>`) under
 * `/inbox/` need nothing: the app follows them in place.
 */
export function navigate(from: EventTarget, url: string, replace = false): void {
  from.dispatchEvent(new CustomEvent<NavigateDetail>('ib-navigate', { detail: { url, replace }, bubbles: true, composed: true }));
}

/** A page of the inbox that needs no session: accepting an invitation, setting a new password, asking for a reset link. */
export type PublicRoute = { page: 'accept' | 'reset'; token: string } | { page: 'forgot'; token: null };

/** The public page a path names (`/inbox/accept/<token>`, `/inbox/reset/<token>`, `/inbox/forgot`), or null. */
export function publicRoute(pathname: string): PublicRoute | null {
  if (/^\/inbox\/forgot\/?$/.test(pathname)) return { page: 'forgot', token: null };
  const m = /^\/inbox\/(accept|reset)\/([^/]*)\/?$/.exec(pathname);
  return m ? { page: m[1] as 'accept' | 'reset', token: decode(m[2]!) } : null;
}
