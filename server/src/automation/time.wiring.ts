import type { ServiceContext } from '../lib/context.js';
import type { EventConsumers } from '../events/consumers.js';
import type { Scheduler } from '../scheduler/scheduler.js';

/** Time rules: the next check of each (rule, ticket) as due work `automation.time`, re-planned from the durable log. */
export function registerTimeRules(_ctx: ServiceContext, _events: EventConsumers, _scheduler: Scheduler): void {}
