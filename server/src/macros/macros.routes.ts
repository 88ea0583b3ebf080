import type { Request } from 'express';
import type { RouteHandlers } from '../http/routes.js';
import { fromWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';
import type { AgentIdentity } from '../agents/agents.service.js';
import { auditRequest } from '../audit/audit.request.js';
import { createMacro, deleteMacro, listMacros, updateMacro, type MacroMember } from './macros.service.js';
import { applyMacro, applyMacroBulk, previewMacro } from './macros.apply.js';

type Names = 'macros.list' | 'macros.create' | 'macros.update' | 'macros.delete' | 'macros.preview' | 'macros.apply' | 'macros.applyBulk';

const member = (me: AgentIdentity, req: Request): MacroMember => ({
  workspaceId: me.workspaceId, userId: me.userId, name: me.name, permissions: me.permissions, request: auditRequest(req),
});

/** Macros: list, manage, preview and apply (`tickets.write`; sharing beyond oneself needs `settings.workflow`). */
export function macrosRoutes(ctx: ServiceContext): Pick<RouteHandlers, Names> {
  return {
    'macros.list': ({ me, req }) => listMacros(ctx, member(me, req)),
    'macros.create': async ({ me, req, res, body }) => {
      const made = await createMacro(ctx, member(me, req), body);
      res.status(201);
      return made;
    },
    'macros.update': ({ me, req, params, body }) => updateMacro(ctx, member(me, req), fromWire('macro', params.macroId), body),
    'macros.delete': async ({ me, req, params, res }) => {
      await deleteMacro(ctx, member(me, req), fromWire('macro', params.macroId));
      res.status(204).end();
    },
    'macros.preview': ({ me, req, params }) =>
      previewMacro(ctx, member(me, req), { macroId: fromWire('macro', params.macroId), ticketId: fromWire('ticket', params.ticketId) }),
    'macros.apply': ({ me, req, params }) =>
      applyMacro(ctx, member(me, req), { macroId: fromWire('macro', params.macroId), ticketId: fromWire('ticket', params.ticketId) }),
    'macros.applyBulk': ({ me, req, params, body }) =>
      applyMacroBulk(ctx, member(me, req), { macroId: fromWire('macro', params.macroId), ticketIds: body.ticketIds.map((t) => fromWire('ticket', t)) }),
  };
}
