import type { RouteHandlers } from '../http/routes.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';

type Names = 'settings.automation.rules.list' | 'settings.automation.rules.create' | 'settings.automation.rules.order' | 'settings.automation.rules.test' | 'settings.automation.rules.update' | 'settings.automation.rules.delete' | 'settings.automation.runs';

const notYet = () => {
  throw new AppError('NOT_FOUND', 'not built yet');
};

/** Automation rules settings, test and run log (`settings.workflow`). */
export function automationRoutes(_ctx: ServiceContext): Pick<RouteHandlers, Names> {
  return {
    'settings.automation.rules.list': notYet,
    'settings.automation.rules.create': notYet,
    'settings.automation.rules.order': notYet,
    'settings.automation.rules.test': notYet,
    'settings.automation.rules.update': notYet,
    'settings.automation.rules.delete': notYet,
    'settings.automation.runs': notYet,
  };
}
