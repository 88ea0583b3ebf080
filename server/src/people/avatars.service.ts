import { sql } from 'drizzle-orm';
import { AVATAR_MAX_BYTES, AVATAR_TYPES, type Account } from '@support/protocol';
import { newId } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import type { AuditRequest } from '../audit/audit.service.js';
import { blobStoreOf } from '../attachments/attachments.service.js';
import { getAccount, recordAccountAudit } from './accounts.service.js';

/**
 * Avatars: one image per account, stored in the attachment store, read by members of the
 * workspaces the account is in (`GET /api/avatars/:userId?v=<avatar id>`: a new upload has a
 * new URL, so it is cached long).
 */

/** The image type the bytes are (PNG, JPEG, GIF, WebP, by their signature), or null. */
export function imageTypeOf(b: Buffer): (typeof AVATAR_TYPES)[number] | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

/**
 * Replaces the account's avatar with `content`: a PNG, JPEG, GIF or WebP image (declared and
 * actual type must agree: 415 UNSUPPORTED_MEDIA_TYPE otherwise) of at most AVATAR_MAX_BYTES
 * (413). The old image's bytes are deleted after commit. Audited `account.updated`.
 */
export async function setAvatar(ctx: ServiceContext, o: { userId: string; contentType: string; content: Buffer; request?: AuditRequest | undefined }): Promise<Account> {
  if (o.content.length > AVATAR_MAX_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `an avatar is at most ${AVATAR_MAX_BYTES / 1024} KB`);
  const type = imageTypeOf(o.content);
  if (!type || type !== o.contentType.toLowerCase()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'an avatar is a PNG, JPEG, GIF or WebP image');
  const store = blobStoreOf(ctx.config);
  const key = await store.put(o.content);
  const old = await ctx.db
    .transaction(async (tx) => {
      const now = ctx.clock.now();
      const id = newId();
      await tx.rows(sql`insert into user_avatars (id, user_id, content_type, size, storage_key, created_at)
        values (${id}::uuid, ${o.userId}::uuid, ${type}, ${o.content.length}::int, ${key}, ${now}::timestamptz)`);
      const [u] = await tx.rows<{ prev: string | null }>(sql`select avatar_attachment_id as prev from users where id = ${o.userId}::uuid for update`);
      if (!u) throw notFound('account');
      await tx.rows(sql`update users set avatar_attachment_id = ${id}::uuid, updated_at = ${now}::timestamptz where id = ${o.userId}::uuid`);
      const gone = await tx.rows<{ storage_key: string }>(sql`delete from user_avatars where user_id = ${o.userId}::uuid and id <> ${id}::uuid returning storage_key`);
      await recordAccountAudit(tx, { userId: o.userId, actor: { type: 'user', id: o.userId }, action: 'account.updated',
        before: { avatar: u.prev ? 'set' : 'none' }, after: { avatar: 'new image' }, request: o.request, at: now });
      return gone;
    })
    .catch(async (err: unknown) => {
      await store.delete(key).catch(() => {});
      throw err;
    });
  for (const g of old) await store.delete(g.storage_key).catch((err: unknown) => ctx.logger.warn({ err }, 'could not delete an old avatar'));
  return getAccount(ctx.db, o);
}

/** Removes the account's avatar (initials show again). Audited `account.updated` when there was one. */
export async function removeAvatar(ctx: ServiceContext, o: { userId: string; request?: AuditRequest | undefined }): Promise<Account> {
  const gone = await ctx.db.transaction(async (tx) => {
    const now = ctx.clock.now();
    const rows = await tx.rows<{ storage_key: string }>(sql`delete from user_avatars where user_id = ${o.userId}::uuid returning storage_key`);
    if (rows.length) {
      await tx.rows(sql`update users set updated_at = ${now}::timestamptz where id = ${o.userId}::uuid`);
      await recordAccountAudit(tx, { userId: o.userId, actor: { type: 'user', id: o.userId }, action: 'account.updated',
        before: { avatar: 'set' }, after: { avatar: 'none' }, request: o.request, at: now });
    }
    return rows;
  });
  const store = blobStoreOf(ctx.config);
  for (const g of gone) await store.delete(g.storage_key).catch((err: unknown) => ctx.logger.warn({ err }, 'could not delete an old avatar'));
  return getAccount(ctx.db, o);
}

/**
 * A user's avatar for a member of `workspaceId`: only when that user is (or was) a member of
 * the same workspace; NOT_FOUND otherwise, as for an id that does not exist.
 */
export async function readAvatar(ctx: ServiceContext, o: { workspaceId: string; userId: string }): Promise<{ contentType: string; data: Buffer }> {
  const [a] = await ctx.db.rows<{ content_type: string; storage_key: string }>(sql`select a.content_type, a.storage_key
    from users u join user_avatars a on a.id = u.avatar_attachment_id
    where u.id = ${o.userId}::uuid and exists (select 1 from memberships m where m.user_id = u.id and m.workspace_id = ${o.workspaceId}::uuid)`);
  if (!a) throw notFound('avatar');
  return { contentType: a.content_type, data: await blobStoreOf(ctx.config).get(a.storage_key) };
}
