import { fromWire } from '../db/ids.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import type { AgentIdentity } from '../agents/agents.service.js';
import { auditRequest } from '../audit/audit.request.js';
import type { Request } from 'express';
import { createCannedResponse, deleteCannedResponse, listCannedResponses, updateCannedResponse, useCannedResponse, type CannedActor } from './canned.service.js';

type Names = 'canned.list' | 'canned.create' | 'canned.update' | 'canned.delete' | 'canned.use';

const actor = (me: AgentIdentity, req: Request): CannedActor => ({
  workspaceId: me.workspaceId, userId: me.userId, permissions: me.permissions, request: auditRequest(req),
});

/** Canned responses (`tickets.write`; workspace sharing needs `settings.workflow`). */
export function cannedRoutes(ctx: ServiceContext): Pick<RouteHandlers, Names> {
  return {
    'canned.list': ({ me, req, query }) => listCannedResponses(ctx, { me: actor(me, req), ...query }),
    'canned.create': async ({ me, req, res, body }) => {
      const made = await createCannedResponse(ctx, { me: actor(me, req), fields: body });
      res.status(201);
      return made;
    },
    'canned.update': ({ me, req, params, body }) =>
      updateCannedResponse(ctx, { me: actor(me, req), id: fromWire('cannedResponse', params.cannedResponseId), change: body }),
    'canned.delete': async ({ me, req, params, res }) => {
      await deleteCannedResponse(ctx, { me: actor(me, req), id: fromWire('cannedResponse', params.cannedResponseId) });
      res.status(204).end();
    },
    'canned.use': ({ me, req, params }) => useCannedResponse(ctx, { me: actor(me, req), id: fromWire('cannedResponse', params.cannedResponseId) }),
  };
}
