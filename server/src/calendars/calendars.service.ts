import { sql } from 'drizzle-orm';
import { defaultCalendar, type Calendar, type CalendarRecord } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId, toWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit } from '../audit/audit.service.js';
import { compileCalendar, type CompiledCalendar } from '../business-time/business-time.js';
import { assertFresh, changedBy, uniqueName, type ChangedBy } from '../agents/teams.service.js';

/**
 * Business-hours calendars of a workspace. Every workspace has a default one (made on first
 * use from its time zone: Monday to Friday, 09:00–17:00); SLA policies without a calendar of
 * their own count in it, and so do the widget's away state and routing hours. A change to a
 * calendar re-plans the open SLA clocks that count in it (sla.replan.ts), after commit.
 */

type CalendarRow = { id: string; name: string; is_default: boolean; definition: Calendar; policy_count: number; created_at: Date; updated_at: Date };

const calendarDto = (r: CalendarRow): CalendarRecord => ({
  id: toWire('calendar', r.id),
  name: r.name,
  isDefault: r.is_default,
  definition: r.definition,
  policyCount: r.policy_count,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const selectCalendars = (ws: string) => sql`select c.id, c.name, c.is_default, c.definition, c.created_at, c.updated_at,
    (select count(*)::int from sla_policies p where p.workspace_id = c.workspace_id
      and (p.calendar_id = c.id or (p.calendar_id is null and c.is_default))) as policy_count
  from calendars c where c.workspace_id = ${ws}::uuid`;

/** Creates the workspace's default calendar when it has none (in the caller's transaction); returns its id. */
export async function ensureDefaultCalendar(tx: Tx | Db, workspaceId: string, now: Date): Promise<string> {
  const [found] = await tx.rows<{ id: string }>(sql`select id from calendars where workspace_id = ${workspaceId}::uuid and is_default`);
  if (found) return found.id;
  const [ws] = await tx.rows<{ timezone: string }>(sql`select timezone from workspaces where id = ${workspaceId}::uuid`);
  const definition = defaultCalendar(ws?.timezone ?? 'UTC');
  // Two requests making it at once: the partial unique index keeps one, the other reads it.
  await tx.rows(sql`insert into calendars (id, workspace_id, name, definition, is_default, created_at, updated_at)
    values (${newId()}::uuid, ${workspaceId}::uuid, 'Business hours', ${JSON.stringify(definition)}::jsonb, true, ${now}::timestamptz, ${now}::timestamptz)
    on conflict do nothing`);
  const [made] = await tx.rows<{ id: string }>(sql`select id from calendars where workspace_id = ${workspaceId}::uuid and is_default`);
  return made!.id;
}

/** The workspace's calendars, the default first, then by name. */
export async function listCalendars(ctx: ServiceContext, o: { workspaceId: string }): Promise<CalendarRecord[]> {
  await ensureDefaultCalendar(ctx.db, o.workspaceId, ctx.clock.now());
  const rows = await ctx.db.rows<CalendarRow>(sql`${selectCalendars(o.workspaceId)} order by c.is_default desc, lower(c.name), c.id`);
  return rows.map(calendarDto);
}

async function getCalendar(tx: Tx, o: { workspaceId: string; calendarId: string }): Promise<CalendarRecord> {
  const [r] = await tx.rows<CalendarRow>(sql`${selectCalendars(o.workspaceId)} and c.id = ${o.calendarId}::uuid`);
  if (!r) throw notFound('calendar');
  return calendarDto(r);
}

const compiledCache = new Map<string, { stamp: number; calendar: CompiledCalendar }>();

/**
 * A workspace's calendar (null: its default) compiled for counting; NOT_FOUND when absent.
 * Compiled calendars are kept per node by calendar and version (`updated_at`), so the SLA
 * consumer and the widget's hours compile each version once.
 */
export async function compiledCalendar(tx: Tx | Db, o: { workspaceId: string; calendarId: string | null; now: Date }): Promise<{ id: string; calendar: CompiledCalendar }> {
  const c = await loadCalendar(tx, o);
  let hit = compiledCache.get(c.id);
  if (!hit || hit.stamp !== c.updatedAt.getTime()) {
    hit = { stamp: c.updatedAt.getTime(), calendar: compileCalendar(c.definition) };
    if (compiledCache.size >= 10_000) compiledCache.clear();
    compiledCache.set(c.id, hit);
  }
  return { id: c.id, calendar: hit.calendar };
}

/** The definition of a workspace's calendar (null: its default), for counting; NOT_FOUND when absent. */
export async function loadCalendar(tx: Tx | Db, o: { workspaceId: string; calendarId: string | null; now: Date }): Promise<{ id: string; definition: Calendar; updatedAt: Date }> {
  const id = o.calendarId ?? (await ensureDefaultCalendar(tx, o.workspaceId, o.now));
  const [r] = await tx.rows<{ id: string; definition: Calendar; updated_at: Date }>(sql`select id, definition, updated_at from calendars
    where workspace_id = ${o.workspaceId}::uuid and id = ${id}::uuid`);
  if (!r) throw notFound('calendar');
  return { id: r.id, definition: r.definition, updatedAt: r.updated_at };
}

const audited = (c: CalendarRecord) => ({ name: c.name, isDefault: c.isDefault, definition: c.definition });

/** Creates a calendar. A name the workspace has is 409 NAME_TAKEN. Audited (`calendar.created`). */
export async function createCalendar(ctx: ServiceContext, o: { workspaceId: string; name: string; definition: Calendar } & ChangedBy): Promise<CalendarRecord> {
  return uniqueName('calendar', o.name, () =>
    ctx.db.transaction(async (tx) => {
      const id = newId();
      const now = ctx.clock.now();
      await ensureDefaultCalendar(tx, o.workspaceId, now);
      await tx.rows(sql`insert into calendars (id, workspace_id, name, definition, created_at, updated_at)
        values (${id}::uuid, ${o.workspaceId}::uuid, ${o.name}, ${JSON.stringify(o.definition)}::jsonb, ${now}::timestamptz, ${now}::timestamptz)`);
      const made = await getCalendar(tx, { workspaceId: o.workspaceId, calendarId: id });
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'calendar.created', object: { type: 'calendar', id }, after: audited(made), request: o.request, at: now });
      return made;
    }),
  );
}

/**
 * Renames a calendar, replaces its hours, or makes it the default; `expectedUpdatedAt` must
 * match or 409 STALE. `onChanged` runs in the transaction when the hours or the default
 * changed (the SLA re-plan is queued there, so it happens exactly when the change commits).
 */
export async function updateCalendar(
  ctx: ServiceContext,
  o: { workspaceId: string; calendarId: string; name?: string | undefined; definition?: Calendar | undefined; isDefault?: true | undefined; expectedUpdatedAt?: string | undefined } & ChangedBy,
  onChanged?: (tx: Tx, calendarIds: string[]) => Promise<void>,
): Promise<CalendarRecord> {
  return uniqueName('calendar', o.name ?? '', () =>
    ctx.db.transaction(async (tx) => {
      const [row] = await tx.rows<{ updated_at: Date }>(sql`select updated_at from calendars
        where id = ${o.calendarId}::uuid and workspace_id = ${o.workspaceId}::uuid for update`);
      if (!row) throw notFound('calendar');
      assertFresh(row.updated_at, o.expectedUpdatedAt);
      const before = await getCalendar(tx, o);
      const hoursChanged = o.definition !== undefined && JSON.stringify(o.definition) !== JSON.stringify(before.definition);
      const defaultChanged = o.isDefault === true && !before.isDefault;
      const renamed = o.name !== undefined && o.name !== before.name;
      if (!hoursChanged && !defaultChanged && !renamed) return before;
      const now = ctx.clock.now();
      const touched = [o.calendarId];
      if (defaultChanged) {
        const [old] = await tx.rows<{ id: string }>(sql`update calendars set is_default = false, updated_at = ${now}::timestamptz
          where workspace_id = ${o.workspaceId}::uuid and is_default returning id`);
        if (old) touched.push(old.id);
      }
      await tx.rows(sql`update calendars set
          name = coalesce(${o.name ?? null}, name),
          definition = coalesce(${o.definition ? JSON.stringify(o.definition) : null}::jsonb, definition),
          is_default = is_default or ${defaultChanged},
          updated_at = ${now}::timestamptz
        where id = ${o.calendarId}::uuid`);
      const after = await getCalendar(tx, o);
      if ((hoursChanged || defaultChanged) && onChanged) await onChanged(tx, touched);
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'calendar.updated', object: { type: 'calendar', id: o.calendarId },
        before: audited(before), after: audited(after), request: o.request, at: now });
      return after;
    }),
  );
}

/** Deletes a calendar no SLA policy counts in; the default one cannot be deleted (409 CALENDAR_IN_USE). Audited. */
export async function deleteCalendar(ctx: ServiceContext, o: { workspaceId: string; calendarId: string } & ChangedBy): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const before = await getCalendar(tx, o);
    if (before.isDefault) throw new AppError('CALENDAR_IN_USE', 'the default calendar cannot be deleted: make another one the default first');
    const users = await tx.rows<{ name: string }>(sql`select name from sla_policies where workspace_id = ${o.workspaceId}::uuid and calendar_id = ${o.calendarId}::uuid order by position`);
    if (users.length) {
      throw new AppError('CALENDAR_IN_USE', `SLA policies count in this calendar: ${users.map((u) => u.name).join(', ')}`, { policies: users.map((u) => u.name) });
    }
    await tx.rows(sql`delete from calendars where id = ${o.calendarId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'calendar.deleted', object: { type: 'calendar', id: o.calendarId },
      before: audited(before), request: o.request, at: ctx.clock.now() });
  });
}
