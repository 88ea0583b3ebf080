import type { Request } from 'express';
import { fromWire, toWire } from '../db/ids.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import { auditRequest } from '../audit/audit.request.js';
import { deleteRoutingPolicy, listRoutingCapacities, listRoutingPolicies, putRoutingCapacity, putRoutingPolicy } from './settings.service.js';
import { createRoutingRule, deleteRoutingRule, listRoutingRules, reorderRoutingRules, updateRoutingRule } from './settings.rules.js';

export type RoutingSettingsRoute =
  | 'settings.routing.policies.list' | 'settings.routing.policies.put' | 'settings.routing.policies.delete'
  | 'settings.routing.capacities.list' | 'settings.routing.capacities.put'
  | 'settings.routing.rules.list' | 'settings.routing.rules.create' | 'settings.routing.rules.order' | 'settings.routing.rules.update' | 'settings.routing.rules.delete';

/** Routing policies, capacities and rules (`/api/settings/routing/…`, `settings.workflow`). */
export function routingSettingsRoutes(ctx: ServiceContext): Pick<RouteHandlers, RoutingSettingsRoute> {
  const by = (me: { userId: string }, req: Request) => ({ actor: { type: 'agent' as const, id: me.userId }, request: auditRequest(req) });
  /** After a save that may make room: the consumers hear of its `routing.changed` within 50 ms instead of at their poll. */
  const wake = <T>(workspaceId: string, result: T): T => {
    ctx.bus.publish('routing.changed', { workspaceId: toWire('workspace', workspaceId) });
    return result;
  };
  return {
    'settings.routing.policies.list': ({ me }) => listRoutingPolicies(ctx, { workspaceId: me.workspaceId }),
    'settings.routing.policies.put': ({ me, req, body }) => {
      const { target, ...fields } = body;
      return putRoutingPolicy(ctx, {
        workspaceId: me.workspaceId,
        target: target.teamId ? { teamId: fromWire('team', target.teamId) } : { inboxId: fromWire('inbox', target.inboxId!) },
        fields: { ...fields, calendarId: fields.calendarId && fromWire('calendar', fields.calendarId) },
        ...by(me, req),
      }).then((r) => wake(me.workspaceId, r));
    },
    'settings.routing.policies.delete': async ({ me, req, params, res }) => {
      await deleteRoutingPolicy(ctx, { workspaceId: me.workspaceId, policyId: fromWire('routingPolicy', params.policyId), ...by(me, req) });
      res.status(204).end();
    },
    'settings.routing.capacities.list': ({ me }) => listRoutingCapacities(ctx, { workspaceId: me.workspaceId }),
    'settings.routing.capacities.put': ({ me, req, params, body }) =>
      putRoutingCapacity(ctx, { workspaceId: me.workspaceId, userId: fromWire('user', params.userId), ...body, ...by(me, req) }).then((r) => wake(me.workspaceId, r)),
    'settings.routing.rules.list': ({ me }) => listRoutingRules(ctx, { workspaceId: me.workspaceId }),
    'settings.routing.rules.create': async ({ me, req, res, body }) => {
      const made = await createRoutingRule(ctx, { workspaceId: me.workspaceId, ...body, ...by(me, req) });
      res.status(201);
      return made;
    },
    'settings.routing.rules.order': ({ me, req, body }) =>
      reorderRoutingRules(ctx, { workspaceId: me.workspaceId, ruleIds: body.ids.map((i) => fromWire('routingRule', i)), ...by(me, req) }),
    'settings.routing.rules.update': ({ me, req, params, body }) =>
      updateRoutingRule(ctx, { workspaceId: me.workspaceId, ruleId: fromWire('routingRule', params.ruleId), ...body, ...by(me, req) }),
    'settings.routing.rules.delete': async ({ me, req, params, res }) => {
      await deleteRoutingRule(ctx, { workspaceId: me.workspaceId, ruleId: fromWire('routingRule', params.ruleId), ...by(me, req) });
      res.status(204).end();
    },
  };
}
