import { Router, type Request } from 'express';
import { auditExportQuerySchema, auditListQuerySchema, auditRetentionSchema, type AuditRetention } from '@support/protocol';
import { AppError, parse } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { authenticate } from '../agents/agents.service.js';
import { requestToken } from '../agents/agents.routes.js';
import { allAuditEvents, listAuditEvents } from './audit.queries.js';
import { auditRequest } from './audit.request.js';
import { getAuditRetention, recordAudit, setAuditRetention, userActor } from './audit.service.js';
import { writeAuditExport } from './export.js';
import { requirePermission } from './require-permission.js';

/**
 * The audit log's REST routes, all inside the caller's workspace:
 * `GET /api/settings/audit` (a page of events, filtered; `audit.read`),
 * `GET /api/settings/audit/export?format=jsonl|csv` (every matching event, streamed; `data.export`; the export itself is audited),
 * `GET|PUT /api/settings/audit/retention` (days events are kept; `audit.read` / `settings.workspace`).
 */
export function auditRouter(ctx: ServiceContext): Router {
  const r = Router();
  const agent = async (req: Request) => {
    const token = requestToken(req);
    if (!token) throw new AppError('UNAUTHENTICATED', 'log in first');
    return authenticate(ctx, token);
  };

  r.get('/settings/audit', async (req, res) => {
    const me = await agent(req);
    requirePermission(me, 'audit.read');
    const { cursor, limit, ...filter } = parse(auditListQuerySchema, req.query);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(await listAuditEvents(ctx, { workspaceId: me.workspaceId, filter, cursor, limit }));
  });

  r.get('/settings/audit/export', async (req, res) => {
    const me = await agent(req);
    requirePermission(me, 'data.export');
    const { format, ...filter } = parse(auditExportQuerySchema, req.query);
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
  });

  r.get('/settings/audit/retention', async (req, res) => {
    const me = await agent(req);
    requirePermission(me, 'audit.read');
    const body: AuditRetention = { days: await getAuditRetention(ctx, { workspaceId: me.workspaceId }) };
    res.json(body);
  });

  r.put('/settings/audit/retention', async (req, res) => {
    const me = await agent(req);
    requirePermission(me, 'settings.workspace');
    const { days } = parse(auditRetentionSchema, req.body);
    await setAuditRetention(ctx, { workspaceId: me.workspaceId, days, actor: userActor(me), request: auditRequest(req) });
    const body: AuditRetention = { days };
    res.json(body);
  });
  return r;
}
