import type { RouteHandlers } from '../http/routes.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';

type Names = 'canned.list' | 'canned.create' | 'canned.update' | 'canned.delete' | 'canned.use';

const notYet = () => {
  throw new AppError('NOT_FOUND', 'not built yet');
};

/** Canned responses (`tickets.write`; workspace sharing needs `settings.workflow`). */
export function cannedRoutes(_ctx: ServiceContext): Pick<RouteHandlers, Names> {
  return {
    'canned.list': notYet,
    'canned.create': notYet,
    'canned.update': notYet,
    'canned.delete': notYet,
    'canned.use': notYet,
  };
}
