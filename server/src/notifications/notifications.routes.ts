import type { RouteHandlers } from '../http/routes.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';

const notYet = () => {
  throw new AppError('NOT_FOUND', 'not built yet');
};

/** A member's own notifications. */
export function notificationsRoutes(_ctx: ServiceContext): Pick<RouteHandlers, 'notifications.list' | 'notifications.read'> {
  return { 'notifications.list': notYet, 'notifications.read': notYet };
}
