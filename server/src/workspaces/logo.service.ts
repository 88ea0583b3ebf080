import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { imageSize } from 'image-size';
import { LOGO_MAX_BYTES, LOGO_MAX_SIDE, LOGO_MIN_SIDE, LOGO_TYPES, type WorkspaceSettings } from '@support/protocol';
import { newId } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { assertFresh } from '../agents/teams.service.js';
import { recordAudit, type AuditActor, type AuditRequest } from '../audit/audit.service.js';
import { blobStoreOf } from '../attachments/attachments.service.js';
import { logoUrl, workspaceDto, workspaceRow, type WorkspaceRow } from './settings.service.js';
import type { StoredLogo } from './workspaces.sql.js';

const TYPE_OF: Record<string, (typeof LOGO_TYPES)[number]> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/**
 * What a logo's bytes are, read from the bytes themselves (image-size), never from the type
 * the client declared: PNG, JPEG, GIF or WebP (SVG is refused: it can carry scripts), each side
 * LOGO_MIN_SIDE to LOGO_MAX_SIDE pixels. UNSUPPORTED_MEDIA_TYPE or VALIDATION_FAILED otherwise.
 */
export function inspectLogo(content: Buffer): { contentType: (typeof LOGO_TYPES)[number]; width: number; height: number } {
  let size: { type?: string; width?: number; height?: number };
  try {
    size = imageSize(content);
  } catch {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'the logo must be a PNG, JPEG, GIF or WebP image');
  }
  const contentType = size.type ? TYPE_OF[size.type] : undefined;
  if (!contentType) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `the logo must be a PNG, JPEG, GIF or WebP image, not ${size.type?.toUpperCase() ?? 'this file'}`);
  const { width = 0, height = 0 } = size;
  if (Math.min(width, height) < LOGO_MIN_SIDE || Math.max(width, height) > LOGO_MAX_SIDE)
    throw new AppError('VALIDATION_FAILED', `the logo must be ${LOGO_MIN_SIDE} to ${LOGO_MAX_SIDE} pixels on each side (this one is ${width}×${height})`, [
      { path: 'logo', message: `must be ${LOGO_MIN_SIDE} to ${LOGO_MAX_SIDE} pixels on each side` },
    ]);
  return { contentType, width, height };
}

/**
 * Replaces the workspace's logo (`content`: a null one removes it). The bytes go to the
 * attachments store first; the row changes in one transaction under the workspace's lock
 * (409 STALE when `expectedUpdatedAt` is no longer current), audited as `workspace.updated`
 * with the old and new logo URLs; after commit the old bytes are deleted (the new ones, when
 * the change did not commit). Answers the workspace's settings.
 */
export async function setWorkspaceLogo(
  ctx: Pick<ServiceContext, 'db' | 'clock' | 'config' | 'logger'>,
  o: { workspaceId: string; content: Buffer | null; actor: AuditActor; request?: AuditRequest; expectedUpdatedAt?: string | undefined },
): Promise<WorkspaceSettings> {
  let logo: StoredLogo | null = null;
  const store = blobStoreOf(ctx.config);
  if (o.content) {
    if (o.content.length > LOGO_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `the logo must be at most ${LOGO_MAX_BYTES / 1024} KB`);
    const seen = inspectLogo(o.content);
    const sha256 = createHash('sha256').update(o.content).digest('hex');
    logo = { id: newId(), storageKey: await store.put(o.content), size: o.content.length, sha256, ...seen };
  }
  let old: StoredLogo | null = null;
  let r: WorkspaceRow;
  try {
    r = await ctx.db.transaction(async (tx) => {
      const cur = await workspaceRow(tx, o.workspaceId, true);
      assertFresh(new Date(cur.updated_at), o.expectedUpdatedAt);
      old = cur.logo;
      if (!old && !logo) return cur;
      const at = ctx.clock.now();
      const [row] = await tx.rows<WorkspaceRow>(sql`update workspaces set logo = ${logo ? JSON.stringify(logo) : null}::jsonb, updated_at = ${at}::timestamptz
        where id = ${o.workspaceId}::uuid returning id, name, timezone, language, logo, audit_retention_days, created_at, updated_at`);
      const url = (l: StoredLogo | null) => (l ? logoUrl(o.workspaceId, l) : null);
      await recordAudit(tx, {
        workspaceId: o.workspaceId, actor: o.actor, action: 'workspace.updated', object: { type: 'workspace', id: o.workspaceId },
        before: { logo: url(old) }, after: { logo: url(logo) }, request: o.request, at,
      });
      return row!;
    });
  } catch (err) {
    if (logo) await store.delete(logo.storageKey).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not remove the bytes of a logo not saved'));
    throw err;
  }
  const gone = old as StoredLogo | null;
  if (gone && gone.storageKey !== logo?.storageKey)
    await store.delete(gone.storageKey).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not remove the bytes of a replaced logo'));
  return workspaceDto(r);
}

/** The logo `logoId` of a workspace (uuids), its bytes and type; NOT_FOUND when it is not that workspace's current logo. */
export async function readWorkspaceLogo(
  ctx: Pick<ServiceContext, 'db' | 'config'>,
  o: { workspaceId: string; logoId: string },
): Promise<{ content: Buffer; contentType: string; sha256: string }> {
  // A public route, without a session: the workspace is the one the URL names.
  const [r] = await ctx.db.rows<{ logo: StoredLogo | null }>(sql`select logo from workspaces
    where id = ${o.workspaceId}::uuid and logo->>'id' = ${o.logoId}`);
  if (!r?.logo) throw notFound('logo');
  return { content: await blobStoreOf(ctx.config).get(r.logo.storageKey), contentType: r.logo.contentType, sha256: r.logo.sha256 };
}
