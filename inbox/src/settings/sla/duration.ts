/**
 * Durations as the SLA screens show and read them: "1h 30m", "45m", "2d", "1:30". Targets and
 * warning leads are whole minutes on the wire, in seconds.
 */

const UNIT: Record<string, number> = { w: 7 * 86_400, d: 86_400, h: 3600, m: 60 };
const PART = /^(\d+(?:[.,]\d+)?)\s*(w|wk|wks|weeks?|d|days?|h|hrs?|hours?|m|mins?|minutes?)$/i;

/** The result of reading a duration field: seconds (null when empty), or why it cannot be read. */
export type ParsedDuration = { ok: true; seconds: number | null } | { ok: false; message: string };

/**
 * Reads a duration typed by a person: parts with a unit (`1h 30m`, `2d`, `90 min`, `1.5h`; d is
 * 24 hours, w 7 days) or `h:mm` (`1:30`). Empty text is no duration (`seconds: null`). A bare
 * number is refused, as it could be hours or minutes. The result is rounded to whole minutes.
 */
export function parseDuration(text: string): ParsedDuration {
  const t = text.trim().toLowerCase();
  if (!t) return { ok: true, seconds: null };
  const hm = /^(\d+):([0-5]\d)$/.exec(t);
  if (hm) return { ok: true, seconds: Number(hm[1]) * 3600 + Number(hm[2]) * 60 };
  if (/^\d+(?:[.,]\d+)?$/.test(t)) return { ok: false, message: 'Add a unit, such as 4h or 30m' };
  const parts = t.replace(/(\d)\s+(?=[a-z])/g, '$1').replace(/([a-z])(?=\d)/g, '$1 ').split(/[\s,]+/).filter(Boolean);
  let seconds = 0;
  for (const p of parts) {
    const m = PART.exec(p);
    if (!m) return { ok: false, message: 'Must be a duration such as 1h 30m, 45m or 2d' };
    seconds += Number(m[1]!.replace(',', '.')) * UNIT[m[2]![0]!]!;
  }
  return { ok: true, seconds: Math.round(seconds / 60) * 60 };
}

/** Seconds as hours and minutes: 5400 → "1h 30m", 28800 → "8h", 2700 → "45m", 0 → "0m"; null → "". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m}m`;
  return m ? `${h}h ${m}m` : `${h}h`;
}
