/** "UTC+01:00" (or "UTC") for `zone` now. */
function offsetOf(zone: string, at: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
  return part?.value.replace(/^GMT/, 'UTC') || 'UTC';
}

/**
 * Every IANA time zone this browser knows (`Intl.supportedValuesOf`), with its current offset
 * and its city as the label ("UTC+01:00 · Paris"), UTC first: the time zone field's list.
 */
export function timeZoneOptions(at = new Date()): { value: string; label: string }[] {
  const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')].map((value) => {
    const city = value.split('/').pop()!.replaceAll('_', ' ');
    return { value, label: value === 'UTC' ? 'UTC · Coordinated Universal Time' : `${offsetOf(value, at)} · ${city}` };
  });
}
