import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { v4 } from 'uuid';
import { decodeId, type Attachment, type Message } from '@support/protocol';
import type { Config } from '../config.js';
import type { Db, Tx } from '../db/client.js';
import { toWire } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { diskStore, type BlobStore } from './storage.js';
import { visibleTicketSql, type Viewer } from '../tickets/visibility.js';

/** The configured store: local disk under ATTACHMENTS_DIR (default `<DATA_DIR>/attachments`). */
export function blobStoreOf(config: Config): BlobStore {
  return diskStore(config.ATTACHMENTS_DIR ?? join(config.DATA_DIR, 'attachments'));
}

export type NewFile = { filename: string; contentType: string; content: Buffer; contentId?: string | null; inline?: boolean; /** An id given beforehand (inbound mail links its cid: images to it while parsing). */ id?: string };
/** A file whose bytes are stored, ready for its row to be written inside the caller's transaction. */
export type StoredFile = { id: string; filename: string; contentType: string; size: number; sha256: string; storageKey: string; contentId: string | null; inline: boolean };

/**
 * Characters removed from file names: controls (Cc), format characters (Cf: the bidi
 * overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E, U+200F and
 * U+061C, the zero-width U+200B–U+200D, U+2060 and U+FEFF, soft hyphens…), line and
 * paragraph separators, lone surrogates (Cs: jsonb refuses them), and quotes. They are
 * invisible or reorder what is shown, so `invoice\u202Efdp.exe` would read as `invoiceexe.pdf`.
 */
const HIDDEN_IN_NAMES = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}"]/gu;

/**
 * Cleans a file name given by a user or an email: no path, nothing invisible or reordering
 * (HIDDEN_IN_NAMES), at most 200 characters (code points). Every stored attachment name
 * passes here (uploads and inbound mail, through storeFiles).
 */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = Array.from(base.replace(HIDDEN_IN_NAMES, '').trim()).slice(0, 200).join('').trim();
  return clean && clean !== '.' && clean !== '..' ? clean : 'file';
}

/** Writes the bytes (outside any transaction; an aborted write leaves an unreferenced blob, never a dangling row). */
export async function storeFiles(store: BlobStore, files: NewFile[], maxBytes: number): Promise<StoredFile[]> {
  const out: StoredFile[] = [];
  for (const f of files) {
    if (f.content.length > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `attachment ${safeFilename(f.filename)} is over ${maxBytes} bytes`);
    out.push({
      id: f.id ?? v4(),
      filename: safeFilename(f.filename),
      contentType: /^[\w.+-]+\/[\w.+-]+$/.test(f.contentType) ? f.contentType.toLowerCase() : 'application/octet-stream',
      size: f.content.length,
      sha256: createHash('sha256').update(f.content).digest('hex'),
      storageKey: await store.put(f.content),
      contentId: f.contentId ?? null,
      inline: Boolean(f.inline),
    });
  }
  return out;
}

/**
 * After the rows for `files` failed to be written: deletes the bytes that no attachment row
 * refers to, so failed and retried deliveries leave nothing behind. The rows are looked up
 * first, because a COMMIT whose answer was lost may have written them after all.
 */
export async function discardUnstored(db: Db, store: BlobStore, files: StoredFile[]): Promise<void> {
  if (!files.length) return;
  const keys = files.map((f) => f.storageKey);
  const rows = await db.query<{ storage_key: string }>(
    'select storage_key from attachments where storage_key in (select jsonb_array_elements_text($1::text::jsonb))',
    [JSON.stringify(keys)],
  );
  const kept = new Set(rows.map((r) => r.storage_key));
  for (const key of keys) if (!kept.has(key)) await store.delete(key);
}

export type Uploader = { type: 'agent' | 'contact' | 'email'; id: string | null };

/** Inserts attachment rows (in the caller's transaction). */
export async function insertAttachments(
  tx: Db | Tx,
  o: { workspaceId: string; ticketId: string | null; messageId: string | null; uploader: Uploader; files: StoredFile[]; now: Date },
): Promise<void> {
  for (const f of o.files)
    await tx.rows(sql`insert into attachments (id, workspace_id, ticket_id, message_id, uploader_type, uploader_id, filename,
        content_type, size, sha256, storage_key, content_id, inline, created_at)
      values (${f.id}::uuid, ${o.workspaceId}::uuid, ${o.ticketId}::uuid, ${o.messageId}::uuid, ${o.uploader.type}, ${o.uploader.id}::uuid,
              ${f.filename}, ${f.contentType}, ${f.size}::int, ${f.sha256}, ${f.storageKey}, ${f.contentId}, ${f.inline}, ${o.now}::timestamptz)`);
}

export const attachmentUrl = (id: string) => `/api/attachments/${toWire('attachment', id)}`;

export const attachmentRef = (f: { id: string; filename: string; contentType?: string; content_type?: string; size: number; inline: boolean }): Attachment => ({
  id: toWire('attachment', f.id),
  filename: f.filename,
  contentType: (f.contentType ?? f.content_type)!,
  size: Number(f.size),
  inline: f.inline,
  url: attachmentUrl(f.id),
});

/**
 * Links unattached uploads to a message being sent (in its transaction). Only uploads of
 * this uploader in this workspace that are not yet on a message qualify; any other id is
 * NOT_FOUND and the whole send is rolled back.
 */
export async function claimUploads(
  tx: Tx,
  o: { workspaceId: string; ticketId: string; messageId: string; uploader: Uploader; ids: string[] },
): Promise<Attachment[]> {
  if (!o.ids.length) return [];
  const rows = await tx.rows<{ id: string; filename: string; content_type: string; size: number; inline: boolean }>(sql`update attachments
    set ticket_id = ${o.ticketId}::uuid, message_id = ${o.messageId}::uuid
    where id = any(${`{${o.ids.join(',')}}`}::uuid[]) and workspace_id = ${o.workspaceId}::uuid and message_id is null
      and uploader_type = ${o.uploader.type} and uploader_id = ${o.uploader.id}::uuid
    returning id, filename, content_type, size, inline`);
  if (rows.length !== new Set(o.ids).size) throw notFound('attachment');
  return rows.map(attachmentRef);
}

export type Reader = ({ kind: 'agent' } & Viewer) | { kind: 'visitor'; workspaceId: string; contactId: string };

type Row = { id: string; filename: string; content_type: string; size: number; storage_key: string; inline: boolean };

/**
 * Loads an attachment for a reader, or NOT_FOUND (never FORBIDDEN, so ids cannot be probed):
 * a member reads the attachments of the tickets they may see (and uploads not yet sent); a
 * visitor reads its own uploads and the attachments of public messages on tickets it requested.
 */
export async function readableAttachment(db: Db, id: string, reader: Reader): Promise<Row> {
  const rule =
    reader.kind === 'agent'
      ? sql`(a.ticket_id is null or exists (select 1 from tickets t where t.id = a.ticket_id and ${visibleTicketSql(reader)}))`
      : sql`((a.uploader_type = 'contact' and a.uploader_id = ${reader.contactId}::uuid)
             or exists (select 1 from tickets t join messages m on m.id = a.message_id
                        where t.id = a.ticket_id and t.requester_id = ${reader.contactId}::uuid and m.visibility = 'public'))`;
  const [r] = await db.rows<Row>(sql`select a.id, a.filename, a.content_type, a.size, a.storage_key, a.inline from attachments a
    where a.id = ${id}::uuid and a.workspace_id = ${reader.workspaceId}::uuid and ${rule}`);
  if (!r) throw notFound('attachment');
  return r;
}

/**
 * Links uploads to a just-written message (in its transaction) and puts them on its DTO.
 * Any id that is not an unattached upload of this uploader in this workspace is NOT_FOUND,
 * which rolls the whole send back.
 */
export async function attachUploads(tx: Tx, o: { workspaceId: string; message: Message; uploader: Uploader; ids: string[] }): Promise<void> {
  if (!o.ids.length) return;
  const messageId = decodeId('message', o.message.id)!;
  const refs = await claimUploads(tx, { workspaceId: o.workspaceId, ticketId: decodeId('ticket', o.message.ticketId)!, messageId, uploader: o.uploader, ids: o.ids });
  await tx.rows(sql`update messages set attachments = ${JSON.stringify(refs)}::jsonb where id = ${messageId}::uuid`);
  o.message.attachments = refs;
}

/** Uploads never sent with a message are deleted (row and bytes) after this long. */
export const UNSENT_UPLOAD_TTL_MS = 24 * 3_600_000;

/** Deletes uploads older than UNSENT_UPLOAD_TTL_MS that no message took and no canned response keeps (of one workspace, for tests). Returns how many. */
export async function purgeUnsentUploads(ctx: { db: Db; clock: { now(): Date }; config: Config }, o: { workspaceId?: string } = {}): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - UNSENT_UPLOAD_TTL_MS);
  const scope = o.workspaceId ? sql`and workspace_id = ${o.workspaceId}::uuid` : sql``;
  const rows = await ctx.db.rows<{ storage_key: string }>(sql`delete from attachments
    where message_id is null and uploader_type <> 'email' and created_at < ${cutoff}::timestamptz ${scope}
      and not exists (select 1 from canned_responses c where c.workspace_id = attachments.workspace_id and attachments.id = any(c.attachment_ids))
    returning storage_key`);
  const store = blobStoreOf(ctx.config);
  for (const r of rows) await store.delete(r.storage_key);
  return rows.length;
}
