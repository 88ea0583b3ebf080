import { sql } from 'drizzle-orm';
import type { WorkspaceLanguage, WorkspaceSettings, WorkspaceUpdate } from '@support/protocol';
import type { Tx } from '../db/client.js';
import { toWire } from '../db/ids.js';
import { notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { iso } from '../lib/dto.js';
import { assertFresh } from '../agents/teams.service.js';
import { recordAudit, type AuditActor, type AuditRequest } from '../audit/audit.service.js';
import type { StoredLogo } from './workspaces.sql.js';

/** A workspaces row as the settings read it. */
export type WorkspaceRow = {
  id: string;
  name: string;
  timezone: string;
  language: string;
  logo: StoredLogo | null;
  audit_retention_days: number | null;
  created_at: Date | string;
  updated_at: Date | string;
};

const COLUMNS = sql`id, name, timezone, language, logo, audit_retention_days, created_at, updated_at`;

/** The public URL of a workspace's logo: a path of this server, new with every upload (so it is cached for good). */
export const logoUrl = (workspaceId: string, logo: Pick<StoredLogo, 'id'>) => `/api/workspaces/${toWire('workspace', workspaceId)}/logo/${toWire('logo', logo.id)}`;

/** The wire form of a workspace's settings. */
export function workspaceDto(r: WorkspaceRow): WorkspaceSettings {
  return {
    id: toWire('workspace', r.id),
    name: r.name,
    timeZone: r.timezone,
    language: r.language as WorkspaceLanguage,
    logo: r.logo ? { url: logoUrl(r.id, r.logo), contentType: r.logo.contentType, size: r.logo.size, width: r.logo.width, height: r.logo.height } : null,
    auditRetentionDays: r.audit_retention_days,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** The workspace's row, locked for update when `lock` (in the caller's transaction). NOT_FOUND when there is none. */
export async function workspaceRow(db: Pick<Tx, 'rows'>, workspaceId: string, lock = false): Promise<WorkspaceRow> {
  const [r] = await db.rows<WorkspaceRow>(sql`select ${COLUMNS} from workspaces where id = ${workspaceId}::uuid ${lock ? sql`for update` : sql``}`);
  if (!r) throw notFound('workspace');
  return r;
}

/** The workspace's settings: name, time zone, default language, logo, audit retention. */
export async function getWorkspaceSettings(ctx: Pick<ServiceContext, 'db'>, o: { workspaceId: string }): Promise<WorkspaceSettings> {
  return workspaceDto(await workspaceRow(ctx.db, o.workspaceId));
}

/** What visitors and agents see of a workspace beside its name: its logo URL (null for none) and default language. */
export async function workspaceBrand(db: Pick<Tx, 'rows'>, workspaceId: string): Promise<{ logoUrl: string | null; language: string }> {
  const [r] = await db.rows<{ logo: StoredLogo | null; language: string }>(sql`select logo, language from workspaces where id = ${workspaceId}::uuid`);
  return { logoUrl: r?.logo ? logoUrl(workspaceId, r.logo) : null, language: r?.language ?? 'en' };
}

/** The settings as the audit diff names them (the wire names), for the fields an update may change. */
const auditable = (r: WorkspaceRow) => ({ name: r.name, timeZone: r.timezone, language: r.language, auditRetentionDays: r.audit_retention_days });

/**
 * Changes the workspace's name, time zone, default language and/or audit retention (fields
 * left out stay). One transaction, under a lock on the workspace row: an edit based on an
 * `updatedAt` that is no longer current is 409 STALE and changes nothing; a change is audited
 * as `workspace.updated` with what changed. Nothing to change: nothing written, nothing audited.
 */
export async function updateWorkspace(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
  o: { workspaceId: string; actor: AuditActor; request?: AuditRequest } & Omit<WorkspaceUpdate, 'expectedUpdatedAt'> & { expectedUpdatedAt?: string | undefined },
): Promise<WorkspaceSettings> {
  return ctx.db.transaction(async (tx) => {
    const cur = await workspaceRow(tx, o.workspaceId, true);
    assertFresh(new Date(cur.updated_at), o.expectedUpdatedAt);
    const before = auditable(cur);
    const after = {
      name: o.name ?? cur.name,
      timeZone: o.timeZone ?? cur.timezone,
      language: o.language ?? cur.language,
      auditRetentionDays: o.auditRetentionDays === undefined ? cur.audit_retention_days : o.auditRetentionDays,
    };
    if (JSON.stringify(before) === JSON.stringify(after)) return workspaceDto(cur);
    const at = ctx.clock.now();
    const [r] = await tx.rows<WorkspaceRow>(sql`update workspaces set name = ${after.name}, timezone = ${after.timeZone}, language = ${after.language},
        audit_retention_days = ${after.auditRetentionDays}::int, updated_at = ${at}::timestamptz
      where id = ${o.workspaceId}::uuid returning ${COLUMNS}`);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: o.actor, action: 'workspace.updated', object: { type: 'workspace', id: o.workspaceId }, before, after, request: o.request, at });
    return workspaceDto(r!);
  });
}
