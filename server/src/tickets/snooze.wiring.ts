import type { ServiceContext } from '../lib/context.js';
import type { EventConsumers } from '../events/consumers.js';
import type { Scheduler } from '../scheduler/scheduler.js';

/** Snooze's due work (`ticket.snooze`: open the ticket at its time) and its wake on a customer message. */
export function registerSnooze(_ctx: ServiceContext, _events: EventConsumers, _scheduler: Scheduler): void {}
