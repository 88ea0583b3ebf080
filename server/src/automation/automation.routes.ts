import type { Request } from 'express';
import { fromWire } from '../db/ids.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import { auditRequest } from '../audit/audit.request.js';
import { invalidateRules } from './automation.wiring.js';
import { listAutomationRuns } from './runs.js';
import { createAutomationRule, deleteAutomationRule, listAutomationRules, reorderAutomationRules, updateAutomationRule } from './settings.service.js';
import { testAutomationRule } from './test.service.js';

type Names = 'settings.automation.rules.list' | 'settings.automation.rules.create' | 'settings.automation.rules.order' | 'settings.automation.rules.test' | 'settings.automation.rules.update' | 'settings.automation.rules.delete' | 'settings.automation.runs';

/** Automation rules settings, test and run log (`/api/settings/automation/…`, `settings.workflow`). */
export function automationRoutes(ctx: ServiceContext): Pick<RouteHandlers, Names> {
  const by = (me: { userId: string; workspaceId: string }, req: Request) => ({
    workspaceId: me.workspaceId,
    actor: { type: 'agent' as const, id: me.userId },
    request: auditRequest(req),
    onChange: () => invalidateRules(me.workspaceId),
  });
  return {
    'settings.automation.rules.list': ({ me }) => listAutomationRules(ctx, { workspaceId: me.workspaceId }),
    'settings.automation.rules.create': async ({ me, req, res, body }) => {
      const made = await createAutomationRule(ctx, { ...by(me, req), fields: body as never });
      res.status(201);
      return made;
    },
    'settings.automation.rules.order': ({ me, req, body }) =>
      reorderAutomationRules(ctx, { ...by(me, req), ruleIds: body.ids.map((i) => fromWire('automationRule', i)) }),
    'settings.automation.rules.update': ({ me, req, params, body }) => {
      const { expectedUpdatedAt, ...patch } = body;
      return updateAutomationRule(ctx, { ...by(me, req), ruleId: fromWire('automationRule', params.ruleId), expectedUpdatedAt, patch });
    },
    'settings.automation.rules.delete': async ({ me, req, params, res }) => {
      await deleteAutomationRule(ctx, { ...by(me, req), ruleId: fromWire('automationRule', params.ruleId) });
      res.status(204).end();
    },
    'settings.automation.rules.test': ({ me, body }) =>
      testAutomationRule(ctx, { workspaceId: me.workspaceId, rule: body.rule, ticketNumber: body.ticketNumber, event: body.event }),
    'settings.automation.runs': ({ me, query }) => listAutomationRuns(ctx, { workspaceId: me.workspaceId, ...query }),
  };
}
