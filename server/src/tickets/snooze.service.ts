import type { ServiceContext } from '../lib/context.js';
import type { ChangeOpts, TicketChange } from './tickets.service.js';

/**
 * Snoozes a ticket until `until`: status pending, `snoozed_until` set, a `snoozed` activity, and
 * due work `ticket.snooze` that opens it again then (a customer message opens it first).
 */
export async function snoozeTicket(_ctx: ServiceContext, _o: ChangeOpts & { until: Date }): Promise<TicketChange> {
  throw new Error('not built yet');
}
