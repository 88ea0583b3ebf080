import type { ServiceContext } from '../lib/context.js';
import type { EventConsumers } from '../events/consumers.js';
import type { Scheduler } from '../scheduler/scheduler.js';

/** Automation's consumer of the durable log (event rules) and its due work (time rules, snooze). */
export function registerAutomation(_ctx: ServiceContext, _events: EventConsumers, _scheduler: Scheduler): void {}
