import type { AuditRetention } from '@support/protocol';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import { allAuditEvents, listAuditEvents } from './audit.queries.js';
import { auditRequest } from './audit.request.js';
import { getAuditRetention, recordAudit, userActor } from './audit.service.js';
import { updateWorkspace } from '../workspaces/settings.service.js';
import { writeAuditExport } from './export.js';

type AuditRoute = 'settings.audit.list' | 'settings.audit.export' | 'settings.audit.retention.get' | 'settings.audit.retention.set';

/**
 * The audit log's routes, all inside the caller's workspace (permissions declared in the
 * protocol's ROUTES): `GET /api/settings/audit` (a page of events, filtered),
 * `GET /api/settings/audit/export?format=jsonl|csv` (every matching event, streamed; the export
 * itself is audited), `GET|PUT /api/settings/audit/retention` (days events are kept).
 */
export function auditRoutes(ctx: ServiceContext): Pick<RouteHandlers, AuditRoute> {
  return {
    'settings.audit.list': ({ me, res, query }) => {
      const { cursor, limit, ...filter } = query;
      res.setHeader('Cache-Control', 'private, no-store');
      return listAuditEvents(ctx, { workspaceId: me.workspaceId, filter, cursor, limit });
    },
    'settings.audit.export': async ({ me, req, res, query }) => {
      const { format, ...filter } = query;
      const at = ctx.clock.now();
      // Recorded before the first row leaves: an export that could not be audited does not happen.
      await recordAudit(ctx.db, {
        workspaceId: me.workspaceId,
        actor: userActor(me),
        action: 'audit.exported',
        object: { type: 'workspace', id: me.workspaceId },
        after: { format, filter },
        request: auditRequest(req),
        at,
      });
      res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="audit-${at.toISOString().slice(0, 10)}.${format}"`);
      res.setHeader('Cache-Control', 'private, no-store');
      try {
        await writeAuditExport(allAuditEvents(ctx, { workspaceId: me.workspaceId, filter }), format, res);
      } catch (err) {
        // The client went away: nothing to answer, nothing to log. Anything else was cut short mid-body.
        if (req.socket.destroyed && !res.writableFinished && (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
        throw err;
      }
    },
    'settings.audit.retention.get': async ({ me }): Promise<AuditRetention> => ({ days: await getAuditRetention(ctx, { workspaceId: me.workspaceId }) }),
    'settings.audit.retention.set': async ({ me, req, body }): Promise<AuditRetention> => {
      // The same change as the Workspace settings' retention field (audited as workspace.updated).
      await updateWorkspace(ctx, { workspaceId: me.workspaceId, auditRetentionDays: body.days, actor: userActor(me), request: auditRequest(req) });
      return { days: body.days };
    },
  };
}
