import type { TeamHours } from '@support/protocol';
import type { Db } from '../db/client.js';
import { isOpen, nextClose, nextOpen } from '../business-time/business-time.js';
import { compiledCalendar } from './calendars.service.js';

/**
 * The workspace's default calendar as the widget sees it at `now`: open or not, when the open
 * stretch ends, when it opens next.
 */
export async function teamHours(db: Db, o: { workspaceId: string; now: Date }): Promise<NonNullable<TeamHours>> {
  const hit = await compiledCalendar(db, { workspaceId: o.workspaceId, calendarId: null, now: o.now });
  const open = isOpen(hit.calendar, o.now);
  const closesAt = open ? nextClose(hit.calendar, o.now) : null;
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
