import type { RouteHandlers } from '../http/routes.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';

type Names = 'macros.list' | 'macros.create' | 'macros.update' | 'macros.delete' | 'macros.preview' | 'macros.apply' | 'macros.applyBulk';

const notYet = () => {
  throw new AppError('NOT_FOUND', 'not built yet');
};

/** Macros: list, manage, preview and apply (`tickets.write`; sharing beyond oneself needs `settings.workflow`). */
export function macrosRoutes(_ctx: ServiceContext): Pick<RouteHandlers, Names> {
  return {
    'macros.list': notYet,
    'macros.create': notYet,
    'macros.update': notYet,
    'macros.delete': notYet,
    'macros.preview': notYet,
    'macros.apply': notYet,
    'macros.applyBulk': notYet,
  };
}
