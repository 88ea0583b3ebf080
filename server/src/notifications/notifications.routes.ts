import type { RouteHandlers } from '../http/routes.js';
import { fromWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import { listNotifications, readNotifications } from './notifications.service.js';

/** A member's own notifications: `GET /api/notifications` (with the unread count) and `POST /api/notifications/read`. */
export function notificationsRoutes(ctx: ServiceContext): Pick<RouteHandlers, 'notifications.list' | 'notifications.read'> {
  return {
    'notifications.list': ({ me, query }) =>
      listNotifications(ctx, {
        workspaceId: me.workspaceId, userId: me.userId, limit: query.limit, before: query.before,
        ...(query.unread ? { unread: query.unread === 'true' } : {}),
      }),
    'notifications.read': ({ me, body }) =>
      readNotifications(ctx, { workspaceId: me.workspaceId, userId: me.userId, ids: 'all' in body ? 'all' : body.ids.map((i) => fromWire('notification', i)) }),
  };
}
