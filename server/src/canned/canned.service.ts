import { isDeepStrictEqual } from 'node:util';
import { sql, type SQL } from 'drizzle-orm';
import type { CannedResponse, CannedResponseFields, CannedResponseUse, Permission, Sharing } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { fromWire, newId, toWire, toWireOrNull } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit, type AuditRequest } from '../audit/audit.service.js';
import { attachmentRef, discardUnstored, insertAttachments, blobStoreOf } from '../attachments/attachments.service.js';
import { assertFresh } from '../agents/teams.service.js';
import { bindFiles, copyFiles, dropBytes, filesColumn, filesDto } from './canned.files.js';

/**
 * Canned responses (protocol canned.ts). A member sees the workspace's shared ones, those of
 * their teams, and their own personal ones; members with `settings.workflow` also see every
 * team's (they manage them). Personal ones are written by their author, a team's by its members,
 * workspace ones (and any team's) with `settings.workflow`. Every write is one transaction with
 * its audit event (`canned_response.*`).
 */

/** The member acting (uuids) and where the request came from. */
export type CannedActor = { workspaceId: string; userId: string; permissions: readonly Permission[]; request?: AuditRequest | undefined };

type Row = {
  id: string;
  short_code: string;
  title: string;
  body: string;
  folder: string;
  sharing: Sharing;
  team_id: string | null;
  owner_id: string | null;
  attachment_ids: string[];
  usage_count: number;
  updated_at: Date;
  files: { id: string; filename: string; contentType: string; size: number }[];
};

const COLUMNS = sql`c.id, c.short_code, c.title, c.body, c.folder, c.sharing, c.team_id, c.owner_id, c.attachment_ids, c.usage_count, c.updated_at, ${filesColumn} as files`;

const dto = (r: Row): CannedResponse => ({
  id: toWire('cannedResponse', r.id),
  shortCode: r.short_code,
  title: r.title,
  body: r.body,
  folder: r.folder,
  sharing: r.sharing,
  teamId: toWireOrNull('team', r.team_id),
  ownerId: toWireOrNull('user', r.owner_id),
  attachments: filesDto(r.files),
  usageCount: Number(r.usage_count),
  updatedAt: iso(r.updated_at),
});

const audited = (r: Pick<Row, 'short_code' | 'title' | 'body' | 'folder' | 'sharing' | 'team_id' | 'attachment_ids'>) => ({
  shortCode: r.short_code, title: r.title, body: r.body, folder: r.folder, sharing: r.sharing, teamId: r.team_id, attachmentIds: [...r.attachment_ids],
});

const manages = (me: CannedActor) => me.permissions.includes('settings.workflow');

/** The rows `me` sees (over `c`). */
function visibleSql(me: CannedActor): SQL {
  const teams = manages(me)
    ? sql`c.sharing = 'team'`
    : sql`(c.sharing = 'team' and exists (select 1 from team_members tm where tm.workspace_id = c.workspace_id and tm.team_id = c.team_id
        and tm.user_id = ${me.userId}::uuid))`;
  return sql`(c.sharing = 'workspace' or (c.sharing = 'personal' and c.owner_id = ${me.userId}::uuid) or ${teams})`;
}

/** `%`, `_` and `\` taken literally in a LIKE pattern (escape `\`). */
const likeLiteral = (s: string) => s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The responses `me` sees, at most `limit`. With `q` (any case), only those matching it: short
 * codes starting with it first, then short codes or titles containing it, then bodies; by short
 * code within each. `folder` keeps one folder ('' : those in none).
 */
export async function listCannedResponses(
  ctx: ServiceContext,
  o: { me: CannedActor; q?: string | undefined; folder?: string | undefined; limit: number },
): Promise<CannedResponse[]> {
  const q = o.q ? likeLiteral(o.q) : '';
  const rank = q
    ? sql`case when lower(c.short_code) like ${`${q}%`} escape '\\' then 0
        when lower(c.short_code) like ${`%${q}%`} escape '\\' or lower(c.title) like ${`%${q}%`} escape '\\' then 1 else 2 end,`
    : sql``;
  const match = q ? sql`and (lower(c.short_code) like ${`%${q}%`} escape '\\' or lower(c.title) like ${`%${q}%`} escape '\\'
    or lower(c.body) like ${`%${q}%`} escape '\\')` : sql``;
  const folder = o.folder !== undefined ? sql`and c.folder = ${o.folder}` : sql``;
  const rows = await ctx.db.rows<Row>(sql`select ${COLUMNS} from canned_responses c
    where c.workspace_id = ${o.me.workspaceId}::uuid and ${visibleSql(o.me)} ${match} ${folder}
    order by ${rank} lower(c.short_code), c.id limit ${o.limit}`);
  return rows.map(dto);
}

async function getVisible(tx: Db | Tx, me: CannedActor, id: string, lock = false): Promise<Row> {
  const [r] = await tx.rows<Row>(sql`select ${COLUMNS} from canned_responses c
    where c.workspace_id = ${me.workspaceId}::uuid and c.id = ${id}::uuid and ${visibleSql(me)} ${lock ? sql`for update of c` : sql``}`);
  if (!r) throw notFound('canned response');
  return r;
}

/** FORBIDDEN unless `me` may write a response shared as `sharing` (with `teamId`, a uuid); NOT_FOUND for a team not the workspace's. */
async function requireWrite(tx: Tx, me: CannedActor, sharing: Sharing, teamId: string | null): Promise<void> {
  if (sharing === 'personal') return;
  if (sharing === 'workspace') {
    if (!manages(me)) throw new AppError('FORBIDDEN', 'sharing a canned response with the whole workspace needs the "settings.workflow" permission', { permission: 'settings.workflow' });
    return;
  }
  const [t] = await tx.rows<{ mine: boolean }>(sql`select exists (select 1 from team_members tm where tm.workspace_id = t.workspace_id and tm.team_id = t.id
      and tm.user_id = ${me.userId}::uuid) as mine from teams t where t.workspace_id = ${me.workspaceId}::uuid and t.id = ${teamId}::uuid`);
  if (!t) throw notFound('team');
  if (!t.mine && !manages(me))
    throw new AppError('FORBIDDEN', "only the team's members, or members with the \"settings.workflow\" permission, write its canned responses", { permission: 'settings.workflow' });
}

/** NAME_TAKEN (409, `details.field` "shortCode") when `write` hits the workspace's unique short code index. */
async function uniqueCode<T>(code: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('NAME_TAKEN', `the short code /${code} is taken in this workspace`, { field: 'shortCode' });
    throw err;
  }
}

const audit = (tx: Tx, me: CannedActor, action: 'created' | 'updated' | 'deleted', id: string, at: Date, change: { before?: Record<string, unknown>; after?: Record<string, unknown> }) =>
  recordAudit(tx, { workspaceId: me.workspaceId, actor: { type: 'user', id: me.userId }, action: `canned_response.${action}`,
    object: { type: 'cannedResponse', id }, ...change, request: me.request, at });

/** Creates a response owned by `me` (wire ids in `fields`). FORBIDDEN, NOT_FOUND (team, attachment) and NAME_TAKEN as above. Audited. */
export async function createCannedResponse(ctx: ServiceContext, o: { me: CannedActor; fields: CannedResponseFields }): Promise<CannedResponse> {
  const f = o.fields;
  const teamId = f.teamId ? fromWire('team', f.teamId) : null;
  const ids = f.attachmentIds.map((a) => fromWire('attachment', a));
  return uniqueCode(f.shortCode, () =>
    ctx.db.transaction(async (tx) => {
      await requireWrite(tx, o.me, f.sharing, teamId);
      await bindFiles(tx, { workspaceId: o.me.workspaceId, userId: o.me.userId, had: [], ids });
      const id = newId();
      const now = ctx.clock.now();
      await tx.rows(sql`insert into canned_responses (id, workspace_id, short_code, title, body, folder, sharing, team_id, owner_id, attachment_ids,
          created_at, updated_at)
        values (${id}::uuid, ${o.me.workspaceId}::uuid, ${f.shortCode}, ${f.title}, ${f.body}, ${f.folder}, ${f.sharing}, ${teamId}::uuid,
          ${o.me.userId}::uuid, ${`{${[...new Set(ids)].join(',')}}`}::uuid[], ${now}::timestamptz, ${now}::timestamptz)`);
      const made = await getVisible(tx, o.me, id);
      await audit(tx, o.me, 'created', id, now, { after: audited(made) });
      return dto(made);
    }),
  );
}

export type CannedUpdate = Partial<CannedResponseFields> & { expectedUpdatedAt?: string | undefined };

/**
 * Changes what is given of a response `me` sees and may write, before and after the change
 * (FORBIDDEN otherwise); `expectedUpdatedAt` must match or 409 STALE. Made personal, it becomes
 * `me`'s. Files dropped from `attachmentIds` are deleted. An edit that changes nothing writes nothing. Audited.
 */
export async function updateCannedResponse(ctx: ServiceContext, o: { me: CannedActor; id: string; change: CannedUpdate }): Promise<CannedResponse> {
  const c = o.change;
  let dropped: string[] = [];
  const out = await uniqueCode(c.shortCode ?? '', () =>
    ctx.db.transaction(async (tx) => {
      const before = await getVisible(tx, o.me, o.id, true);
      assertFresh(before.updated_at, c.expectedUpdatedAt);
      await requireWrite(tx, o.me, before.sharing, before.team_id);
      const sharing = c.sharing ?? before.sharing;
      const teamId = sharing !== 'team' ? null : c.teamId !== undefined ? (c.teamId && fromWire('team', c.teamId)) : before.team_id;
      if (sharing === 'team' && !teamId) throw new AppError('VALIDATION_FAILED', 'pick the team to share with', { issues: [{ path: ['teamId'], message: 'pick the team to share with' }] });
      if (sharing !== 'team' && c.teamId) throw new AppError('VALIDATION_FAILED', 'only a team response names a team', { issues: [{ path: ['teamId'], message: 'only a team response names a team' }] });
      if (sharing !== before.sharing || teamId !== before.team_id) await requireWrite(tx, o.me, sharing, teamId);
      const ids = c.attachmentIds ? [...new Set(c.attachmentIds.map((a) => fromWire('attachment', a)))] : before.attachment_ids;
      const next = {
        short_code: c.shortCode ?? before.short_code, title: c.title ?? before.title, body: c.body ?? before.body, folder: c.folder ?? before.folder,
        sharing, team_id: teamId, attachment_ids: ids,
      };
      const owner = sharing === 'personal' && before.sharing !== 'personal' ? o.me.userId : before.owner_id;
      if (isDeepStrictEqual(audited(next), audited(before)) && owner === before.owner_id) return dto(before);
      dropped = await bindFiles(tx, { workspaceId: o.me.workspaceId, userId: o.me.userId, had: before.attachment_ids, ids });
      const now = ctx.clock.now();
      await tx.rows(sql`update canned_responses set short_code = ${next.short_code}, title = ${next.title}, body = ${next.body}, folder = ${next.folder},
          sharing = ${next.sharing}, team_id = ${next.team_id}::uuid, owner_id = ${owner}::uuid, attachment_ids = ${`{${ids.join(',')}}`}::uuid[],
          updated_at = ${now}::timestamptz
        where id = ${o.id}::uuid and workspace_id = ${o.me.workspaceId}::uuid`);
      const after = await getVisible(tx, o.me, o.id);
      await audit(tx, o.me, 'updated', o.id, now, { before: audited(before), after: audited(after) });
      return dto(after);
    }),
  );
  await dropBytes(ctx, dropped);
  return out;
}

/** Deletes a response `me` sees and may write (its files with it). Audited. */
export async function deleteCannedResponse(ctx: ServiceContext, o: { me: CannedActor; id: string }): Promise<void> {
  const keys = await ctx.db.transaction(async (tx) => {
    const before = await getVisible(tx, o.me, o.id, true);
    await requireWrite(tx, o.me, before.sharing, before.team_id);
    await tx.rows(sql`delete from canned_responses where id = ${o.id}::uuid and workspace_id = ${o.me.workspaceId}::uuid`);
    const gone = await bindFiles(tx, { workspaceId: o.me.workspaceId, userId: o.me.userId, had: before.attachment_ids, ids: [] });
    await audit(tx, o.me, 'deleted', o.id, ctx.clock.now(), { before: audited(before) });
    return gone;
  });
  await dropBytes(ctx, keys);
}

/**
 * A use of a response `me` sees: counts it, and copies its files into new unsent uploads of
 * `me` (bytes copied too), to send with the reply like any upload.
 */
export async function useCannedResponse(ctx: ServiceContext, o: { me: CannedActor; id: string }): Promise<CannedResponseUse> {
  const r = await getVisible(ctx.db, o.me, o.id);
  const files = await copyFiles(ctx, ctx.db, { workspaceId: o.me.workspaceId, ids: r.attachment_ids });
  try {
    await ctx.db.transaction(async (tx) => {
      const [hit] = await tx.rows(sql`update canned_responses set usage_count = usage_count + 1
        where id = ${o.id}::uuid and workspace_id = ${o.me.workspaceId}::uuid returning id`);
      if (!hit) throw notFound('canned response');
      await insertAttachments(tx, { workspaceId: o.me.workspaceId, ticketId: null, messageId: null, uploader: { type: 'agent', id: o.me.userId },
        files, now: ctx.clock.now() });
    });
  } catch (err) {
    await discardUnstored(ctx.db, blobStoreOf(ctx.config), files).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not remove copied canned files'));
    throw err;
  }
  return { attachments: files.map((f) => attachmentRef(f)) };
}
