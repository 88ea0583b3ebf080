import type { DeadLetterReprocessResult, DeadLettersDeleted } from '@support/protocol';
import { fromWire, toWire } from '../db/ids.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import { auditRequest } from '../audit/audit.request.js';
import { userActor } from '../audit/audit.service.js';
import { deadLetterRaw, deleteDeadLetters, getDeadLetter, listDeadLetters, reprocessDeadLetter } from './dead-letters.service.js';
import type { MailParser } from './mail-parser.js';
import { onTheWire } from './webhook.routes.js';

type DeadLetterRoute =
  | 'settings.deadLetters.list' | 'settings.deadLetters.get' | 'settings.deadLetters.raw' | 'settings.deadLetters.reprocess'
  | 'settings.deadLetters.delete' | 'settings.deadLetters.deleteMany';

/**
 * `/api/settings/dead-letters` (`settings.inboxes`): the list (newest first, by cursor), one
 * with its raw mail as text, the raw mail as a download (`message/rfc822`), reprocess (through
 * the webhook's intake path, parsed on `parser`'s worker threads), delete one or several.
 * Only the caller's workspace's dead letters: any other id is NOT_FOUND.
 */
export function deadLetterRoutes(ctx: ServiceContext, parser: MailParser): Pick<RouteHandlers, DeadLetterRoute> {
  const id = (p: { deadLetterId: string }) => fromWire('deadLetter', p.deadLetterId);
  return {
    'settings.deadLetters.list': ({ me, res, query }) => {
      res.setHeader('Cache-Control', 'private, no-store');
      return listDeadLetters(ctx, { workspaceId: me.workspaceId, cursor: query.cursor, limit: query.limit });
    },
    'settings.deadLetters.get': ({ me, res, params }) => {
      res.setHeader('Cache-Control', 'private, no-store');
      return getDeadLetter(ctx, { workspaceId: me.workspaceId, id: id(params) });
    },
    'settings.deadLetters.raw': async ({ me, res, params }) => {
      const raw = await deadLetterRaw(ctx, { workspaceId: me.workspaceId, id: id(params) });
      res.setHeader('Content-Type', 'message/rfc822');
      res.setHeader('Content-Disposition', `attachment; filename="${toWire('deadLetter', id(params))}.eml"`);
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.end(raw);
    },
    'settings.deadLetters.reprocess': async ({ me, req, params }): Promise<DeadLetterReprocessResult> => {
      const r = await reprocessDeadLetter(ctx, parser, { workspaceId: me.workspaceId, id: id(params), actor: userActor(me), request: auditRequest(req) });
      if (r.result.result === 'dead_letter') return { result: 'dead_letter', reason: r.result.reason, deadLetter: r.deadLetter! };
      return onTheWire(r.result) as DeadLetterReprocessResult;
    },
    'settings.deadLetters.delete': async ({ me, req, res, params }) => {
      await deleteDeadLetters(ctx, { workspaceId: me.workspaceId, ids: [id(params)], actor: userActor(me), request: auditRequest(req) });
      res.status(204).end();
    },
    'settings.deadLetters.deleteMany': async ({ me, req, body }): Promise<DeadLettersDeleted> => ({
      deleted: await deleteDeadLetters(ctx, { workspaceId: me.workspaceId, ids: body.ids.map((i) => fromWire('deadLetter', i)), actor: userActor(me), request: auditRequest(req) }),
    }),
  };
}
