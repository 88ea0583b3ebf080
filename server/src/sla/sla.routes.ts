import type { Request } from 'express';
import { CALENDAR_ICS_MAX_BYTES } from '@support/protocol';
import { fromWire } from '../db/ids.js';
import type { RouteHandlers } from '../http/routes.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { auditRequest } from '../audit/audit.request.js';
import { readBody } from '../email/webhook-body.js';
import { createCalendar, deleteCalendar, listCalendars, updateCalendar } from '../calendars/calendars.service.js';
import { parseIcsHolidays } from '../business-time/ics.js';
import { createPolicy, deletePolicy, listPolicies, reorderPolicies, updatePolicy } from './policies.service.js';
import { slaCompliance } from './sla.read.js';
import { queueReplan } from './due.js';
import type { Tx } from '../db/client.js';

type SlaRoute =
  | 'settings.calendars.list' | 'settings.calendars.create' | 'settings.calendars.ics' | 'settings.calendars.update' | 'settings.calendars.delete'
  | 'settings.slaPolicies.list' | 'settings.slaPolicies.create' | 'settings.slaPolicies.order' | 'settings.slaPolicies.update' | 'settings.slaPolicies.delete'
  | 'sla.compliance';

const calendarOf = (id: string | null | undefined) => (id === undefined ? undefined : id && fromWire('calendar', id));

/**
 * Calendars and SLA policies (`/api/settings/calendars`, `/api/settings/sla-policies`: the
 * `settings.workflow` permission) and compliance (`/api/sla/compliance`: `reports.read`). A
 * change that can move due times queues the workspace's re-plan in its own transaction.
 */
export function slaRoutes(ctx: ServiceContext): Pick<RouteHandlers, SlaRoute> {
  const by = (me: { userId: string }, req: Request) => ({ actor: { type: 'agent' as const, id: me.userId }, request: auditRequest(req) });
  const replan = (workspaceId: string) => (tx: Tx) => queueReplan(tx, { workspaceId, now: ctx.clock.now() });
  return {
    'settings.calendars.list': ({ me }) => listCalendars(ctx, { workspaceId: me.workspaceId }),
    'settings.calendars.create': async ({ me, req, res, body }) => {
      const made = await createCalendar(ctx, { workspaceId: me.workspaceId, name: body.name, definition: body.definition, ...by(me, req) });
      res.status(201);
      return made;
    },
    'settings.calendars.ics': async ({ req }) => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'text/calendar' && type !== 'application/octet-stream' && type !== 'text/plain') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the .ics file as the body, as text/calendar');
      }
      const content = await readBody(req, CALENDAR_ICS_MAX_BYTES);
      return { holidays: parseIcsHolidays(content.toString('utf8')) };
    },
    'settings.calendars.update': ({ me, req, params, body }) =>
      updateCalendar(
        ctx,
        { workspaceId: me.workspaceId, calendarId: fromWire('calendar', params.calendarId), name: body.name, definition: body.definition, isDefault: body.isDefault,
          expectedUpdatedAt: body.expectedUpdatedAt, ...by(me, req) },
        replan(me.workspaceId),
      ),
    'settings.calendars.delete': async ({ me, req, params, res }) => {
      await deleteCalendar(ctx, { workspaceId: me.workspaceId, calendarId: fromWire('calendar', params.calendarId), ...by(me, req) });
      res.status(204).end();
    },
    'settings.slaPolicies.list': ({ me }) => listPolicies(ctx, { workspaceId: me.workspaceId }),
    'settings.slaPolicies.create': async ({ me, req, res, body }) => {
      const made = await createPolicy(ctx, { workspaceId: me.workspaceId, ...body, calendarId: calendarOf(body.calendarId) ?? null, ...by(me, req) }, replan(me.workspaceId));
      res.status(201);
      return made;
    },
    'settings.slaPolicies.order': ({ me, req, body }) =>
      reorderPolicies(ctx, { workspaceId: me.workspaceId, policyIds: body.ids.map((i) => fromWire('slaPolicy', i)), ...by(me, req) }, replan(me.workspaceId)),
    'settings.slaPolicies.update': ({ me, req, params, body }) =>
      updatePolicy(
        ctx,
        { workspaceId: me.workspaceId, policyId: fromWire('slaPolicy', params.policyId), ...body, calendarId: calendarOf(body.calendarId), ...by(me, req) },
        replan(me.workspaceId),
      ),
    'settings.slaPolicies.delete': async ({ me, req, params, res }) => {
      await deletePolicy(ctx, { workspaceId: me.workspaceId, policyId: fromWire('slaPolicy', params.policyId), ...by(me, req) }, replan(me.workspaceId));
      res.status(204).end();
    },
    'sla.compliance': ({ me, query }) =>
      slaCompliance(ctx.db, { workspaceId: me.workspaceId, from: new Date(query.from), to: new Date(query.to), groupBy: query.groupBy }),
  };
}
