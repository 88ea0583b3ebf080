import type { RequestHandler } from 'express';
import { decodeId } from '@support/protocol';
import { AppError, notFound } from '../http/errors.js';
import type { RouteHandlers, VisitorCaller } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import type { AgentIdentity } from '../agents/agents.service.js';
import { readBody } from '../email/webhook-body.js';
import { attachmentRef, blobStoreOf, discardUnstored, insertAttachments, readableAttachment, storeFiles, type Reader } from './attachments.service.js';

/** Types a browser may show inline; everything else is served as a download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'text/plain']);

/** Who is asking, from the route's caller: a visitor session, or a member. */
function readerOf(c: { me: AgentIdentity | null; visitor: VisitorCaller | null }): Reader {
  if (c.visitor) return { kind: 'visitor', workspaceId: c.visitor.workspaceId, contactId: c.visitor.contactId };
  const me = c.me!;
  return { kind: 'agent', workspaceId: me.workspaceId, userId: me.userId, permissions: me.permissions };
}

const contentDisposition = (type: 'inline' | 'attachment', filename: string) => {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
};

/**
 * The widget runs on customers' sites: any origin may call the attachment routes with a
 * bearer token, never with cookies (the inbox's own origins got credentialed CORS from
 * app.ts). Mount at `/api/attachments`.
 */
export const attachmentsCors: RequestHandler = (req, res, next) => {
  if (res.getHeader('Access-Control-Allow-Origin')) return next();
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Disposition');
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
};

/**
 * `POST /api/attachments?filename=…` (the body is the file, its Content-Type the file's
 * type; answers the Attachment to pass in `attachmentIds` when sending) and
 * `GET /api/attachments/:id` (the file, to members who see its ticket and to the owning
 * visitor). Both take an agent session or a visitor session.
 */
export function attachmentsRoutes(ctx: ServiceContext): Pick<RouteHandlers, 'attachments.upload' | 'attachments.get'> {
  const store = blobStoreOf(ctx.config);
  return {
    'attachments.upload': async (c) => {
      const { req, res } = c;
      const reader = readerOf(c);
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > ctx.config.ATTACHMENT_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `attachment over ${ctx.config.ATTACHMENT_MAX_BYTES} bytes`);
      const content = await readBody(req, ctx.config.ATTACHMENT_MAX_BYTES);
      if (!content.length) throw new AppError('VALIDATION_FAILED', 'empty file');
      const contentType = String(req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
      const [file] = await storeFiles(store, [{ filename: c.query.filename, contentType, content }], ctx.config.ATTACHMENT_MAX_BYTES);
      const uploader = reader.kind === 'agent' ? { type: 'agent' as const, id: reader.userId } : { type: 'contact' as const, id: reader.contactId };
      try {
        await insertAttachments(ctx.db, { workspaceId: reader.workspaceId, ticketId: null, messageId: null, uploader, files: [file!], now: ctx.clock.now() });
      } catch (err) {
        await discardUnstored(ctx.db, store, [file!]).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not remove the bytes of a failed upload'));
        throw err;
      }
      res.status(201);
      return attachmentRef(file!);
    },
    'attachments.get': async (c) => {
      const { req, res } = c;
      const id = decodeId('attachment', String(req.params.id));
      if (!id) throw notFound('attachment');
      const a = await readableAttachment(ctx.db, id, readerOf(c));
      const data = await store.get(a.storage_key);
      const inline = INLINE_TYPES.has(a.content_type);
      res.setHeader('Content-Type', inline ? a.content_type : 'application/octet-stream');
      res.setHeader('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', a.filename));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.end(data);
    },
  };
}
