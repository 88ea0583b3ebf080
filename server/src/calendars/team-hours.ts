import type { Calendar, TeamHours } from '@support/protocol';
import type { Db } from '../db/client.js';
import { compileCalendar, nextClose, nextOpen, type CompiledCalendar } from '../business-time/business-time.js';
import { loadCalendar } from './calendars.service.js';

const compiled = new Map<string, { stamp: number; calendar: CompiledCalendar }>();

/**
 * The workspace's default calendar as the widget sees it at `now`: open or not, when the open
 * stretch ends, when it opens next. Compiled calendars are kept per calendar and version.
 */
export async function teamHours(db: Db, o: { workspaceId: string; now: Date }): Promise<NonNullable<TeamHours>> {
  const c = await loadCalendar(db, { workspaceId: o.workspaceId, calendarId: null, now: o.now });
  let hit = compiled.get(c.id);
  if (!hit || hit.stamp !== c.updatedAt.getTime()) {
    hit = { stamp: c.updatedAt.getTime(), calendar: compileCalendar(c.definition as Calendar) };
    if (compiled.size >= 10_000) compiled.clear();
    compiled.set(c.id, hit);
  }
  const closesAt = nextClose(hit.calendar, o.now);
  const open = closesAt !== null || nextOpen(hit.calendar, o.now).getTime() === o.now.getTime();
  let backAt: Date | null = null;
  if (!open) {
    try {
      backAt = nextOpen(hit.calendar, o.now);
    } catch {
      backAt = null; // closed for longer than business-time searches: say nothing of a return
    }
  }
  return { open, closesAt: closesAt?.toISOString() ?? null, backAt: backAt?.toISOString() ?? null };
}
