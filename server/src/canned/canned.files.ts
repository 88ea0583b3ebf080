import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { v4 } from 'uuid';
import type { CannedAttachment } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { toWire } from '../db/ids.js';
import { notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { blobStoreOf, type StoredFile } from '../attachments/attachments.service.js';

/**
 * The files of canned responses. A file bound to a response is an attachments row with no
 * ticket, no message and no uploader (`uploader_id` null): no member can send it in place
 * (claimUploads matches the uploader), and the unsent-upload purge skips rows a canned
 * response names. Each use copies the bytes into a new upload of the member, so sending,
 * purging or deleting that copy never touches the response's own file.
 */

/** `[{ id, filename, contentType, size }]` of a response row's files, in their order (a select expression over `c`). */
export const filesColumn: SQL = sql`coalesce((select jsonb_agg(jsonb_build_object('id', a.id, 'filename', a.filename,
    'contentType', a.content_type, 'size', a.size) order by x.i)
  from unnest(c.attachment_ids) with ordinality as x(id, i) join attachments a on a.id = x.id and a.workspace_id = c.workspace_id), '[]'::jsonb)`;

export const filesDto = (files: { id: string; filename: string; contentType: string; size: number }[]): CannedAttachment[] =>
  files.map((f) => ({ id: toWire('attachment', f.id), filename: f.filename, contentType: f.contentType, size: Number(f.size) }));

const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;

/**
 * Binds `ids` as the files of a response that had `had` (uuids, in the caller's transaction):
 * ids not bound yet must be unsent uploads of `userId` in the workspace (else NOT_FOUND
 * attachment); files no longer listed are deleted. Returns the storage keys to delete after commit.
 */
export async function bindFiles(tx: Tx, o: { workspaceId: string; userId: string; had: string[]; ids: string[] }): Promise<string[]> {
  const fresh = [...new Set(o.ids.filter((id) => !o.had.includes(id)))];
  if (fresh.length) {
    const taken = await tx.rows(sql`update attachments set uploader_id = null
      where id = any(${uuidArray(fresh)}::uuid[]) and workspace_id = ${o.workspaceId}::uuid and ticket_id is null and message_id is null
        and uploader_type = 'agent' and uploader_id = ${o.userId}::uuid
      returning id`);
    if (taken.length !== fresh.length) throw notFound('attachment');
  }
  const dropped = o.had.filter((id) => !o.ids.includes(id));
  if (!dropped.length) return [];
  const gone = await tx.rows<{ storage_key: string }>(sql`delete from attachments where id = any(${uuidArray(dropped)}::uuid[])
    and workspace_id = ${o.workspaceId}::uuid and message_id is null and ticket_id is null returning storage_key`);
  return gone.map((g) => g.storage_key);
}

/** Deletes the bytes of files removed by a committed change (a failure is logged: at worst an unreferenced blob stays). */
export async function dropBytes(ctx: ServiceContext, keys: string[]): Promise<void> {
  const store = blobStoreOf(ctx.config);
  for (const key of keys) await store.delete(key).catch((err: unknown) => ctx.logger.warn({ err }, 'could not remove the bytes of a canned response file'));
}

type FileRow = { id: string; filename: string; content_type: string; size: number; sha256: string; storage_key: string; inline: boolean };

/** Copies the bytes of a response's files (outside any transaction) into new stored files with new ids, ready to insert. */
export async function copyFiles(ctx: ServiceContext, tx: Pick<Tx, 'rows'>, o: { workspaceId: string; ids: string[] }): Promise<StoredFile[]> {
  if (!o.ids.length) return [];
  const rows = await tx.rows<FileRow>(sql`select a.id, a.filename, a.content_type, a.size, a.sha256, a.storage_key, a.inline
    from unnest(${uuidArray(o.ids)}::uuid[]) with ordinality as x(id, i) join attachments a on a.id = x.id
    where a.workspace_id = ${o.workspaceId}::uuid order by x.i`);
  const store = blobStoreOf(ctx.config);
  const out: StoredFile[] = [];
  try {
    for (const r of rows) {
      const content = await store.get(r.storage_key);
      out.push({
        id: v4(), filename: r.filename, contentType: r.content_type, size: content.length,
        sha256: createHash('sha256').update(content).digest('hex'), storageKey: await store.put(content), contentId: null, inline: false,
      });
    }
  } catch (err) {
    for (const f of out) await store.delete(f.storageKey).catch(() => {});
    throw err;
  }
  return out;
}
