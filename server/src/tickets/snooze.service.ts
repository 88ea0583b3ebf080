import { sql } from 'drizzle-orm';
import { SNOOZE_MAX_MINUTES, type Activity } from '@support/protocol';
import type { ServiceContext } from '../lib/context.js';
import { AppError } from '../http/errors.js';
import { cancelDue, scheduleDue } from '../scheduler/due.js';
import { changeTicket, insertActivity, type ChangeOpts, type TicketChange } from './tickets.service.js';

/** Due work that opens a snoozed ticket at its time (key: the ticket uuid). */
export const SNOOZE_KIND = 'ticket.snooze';

/**
 * Snoozes a ticket until `until`: status pending, `snoozed_until` set, a `snoozed` activity, and
 * due work `ticket.snooze` that opens it again then (a customer message opens it first).
 * Snoozing a snoozed ticket moves its time. `until` must be in the future and at most
 * SNOOZE_MAX_MINUTES away (VALIDATION_FAILED otherwise).
 */
export async function snoozeTicket(ctx: ServiceContext, o: ChangeOpts & { until: Date }): Promise<TicketChange> {
  const now = ctx.clock.now();
  const until = o.until.getTime();
  if (!Number.isFinite(until) || until <= now.getTime() || until > now.getTime() + SNOOZE_MAX_MINUTES * 60_000)
    throw new AppError('VALIDATION_FAILED', 'snooze until a time in the next year', { issues: [{ path: ['until'], message: 'must be in the future, at most a year away' }] });
  return changeTicket(ctx, o, async (tx, cur, at) => {
    const [t] = await tx.rows<{ snoozed_until: Date | null }>(sql`select snoozed_until from tickets where id = ${cur.id}::uuid`);
    const acts: Activity[] = [];
    await tx.rows(sql`update tickets set status = 'pending', snoozed_until = ${o.until}::timestamptz,
        resolved_at = case when status = 'pending' then resolved_at else null end,
        closed_at = case when status = 'pending' then closed_at else null end
      where id = ${cur.id}::uuid`);
    if (cur.status !== 'pending')
      acts.push(await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'status_changed', actor: o.actor, oldValue: cur.status, newValue: 'pending', now: at }));
    const old = t?.snoozed_until ? { until: t.snoozed_until.toISOString() } : null;
    acts.push(await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'snoozed', actor: o.actor, oldValue: old, newValue: { until: o.until.toISOString() }, now: at }));
    await scheduleDue(tx, { workspaceId: o.workspaceId, kind: SNOOZE_KIND, key: cur.id, dueAt: o.until });
    return acts;
  });
}

/** Why a snooze ends: its time came, the customer wrote, or someone set another status. */
export type WakeReason = 'time' | 'customer' | 'status';

/**
 * Ends a ticket's snooze (as the system): clears `snoozed_until`, opens the ticket if it is
 * still pending (its time came), writes the `snoozed` activity with `newValue` null, and
 * cancels its due work. Nothing happens when it is not snoozed, or (`time`) when it was
 * snoozed again to a later time.
 */
export async function wakeTicket(ctx: ServiceContext, o: { workspaceId: string; ticketId: string; reason: WakeReason }): Promise<TicketChange | null> {
  const actor = { type: 'system' as const, id: null };
  let woke = false;
  const change = await changeTicket(ctx, { workspaceId: o.workspaceId, ticketId: o.ticketId, actor }, async (tx, cur, now) => {
    const [t] = await tx.rows<{ snoozed_until: Date | null }>(sql`select snoozed_until from tickets where id = ${cur.id}::uuid`);
    const until = t?.snoozed_until;
    if (!until || (o.reason === 'time' && until.getTime() > now.getTime())) return [];
    woke = true;
    const open = o.reason === 'time' && cur.status === 'pending';
    await tx.rows(sql`update tickets set snoozed_until = null ${open ? sql`, status = 'open'` : sql``} where id = ${cur.id}::uuid`);
    if (o.reason !== 'time') await cancelDue(tx, SNOOZE_KIND, cur.id);
    const acts = [await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'snoozed', actor, oldValue: { until: until.toISOString() }, newValue: null, now })];
    if (open) acts.push(await insertActivity(tx, { ws: o.workspaceId, ticketId: cur.id, kind: 'status_changed', actor, oldValue: 'pending', newValue: 'open', now }));
    return acts;
  });
  return woke ? change : null;
}
