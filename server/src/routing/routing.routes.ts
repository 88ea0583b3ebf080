import type { RouteHandlers } from '../http/routes.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';

/** The routing queues (supervisors) and routing a ticket on demand. */
export function routingRoutes(_ctx: ServiceContext): Pick<RouteHandlers, 'routing.queue' | 'tickets.route'> {
  return {
    'routing.queue': () => {
      throw new AppError('UNAVAILABLE', 'routing is being built');
    },
    'tickets.route': () => {
      throw new AppError('UNAVAILABLE', 'routing is being built');
    },
  };
}
