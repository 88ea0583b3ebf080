import type { RouteHandlers } from '../http/routes.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';

export type RoutingSettingsRoute =
  | 'settings.routing.policies.list' | 'settings.routing.policies.put' | 'settings.routing.policies.delete'
  | 'settings.routing.capacities.list' | 'settings.routing.capacities.put'
  | 'settings.routing.rules.list' | 'settings.routing.rules.create' | 'settings.routing.rules.order' | 'settings.routing.rules.update' | 'settings.routing.rules.delete';

const pending = () => {
  throw new AppError('UNAVAILABLE', 'routing settings are being built');
};

/** Routing policies, capacities and rules (`/api/settings/routing/…`, `settings.workflow`). */
export function routingSettingsRoutes(_ctx: ServiceContext): Pick<RouteHandlers, RoutingSettingsRoute> {
  return {
    'settings.routing.policies.list': pending,
    'settings.routing.policies.put': pending,
    'settings.routing.policies.delete': pending,
    'settings.routing.capacities.list': pending,
    'settings.routing.capacities.put': pending,
    'settings.routing.rules.list': pending,
    'settings.routing.rules.create': pending,
    'settings.routing.rules.order': pending,
    'settings.routing.rules.update': pending,
    'settings.routing.rules.delete': pending,
  };
}
