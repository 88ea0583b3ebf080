import { isDeepStrictEqual } from 'node:util';
import { sql } from 'drizzle-orm';
import { defaultSlaTargets, type Condition, type SlaPolicyRecord, type SlaTargets, type TicketStatus } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId, toWire, toWireOrNull } from '../db/ids.js';
import { AppError, notFound } from '../http/errors.js';
import { iso } from '../lib/dto.js';
import type { ServiceContext } from '../lib/context.js';
import { recordAudit } from '../audit/audit.service.js';
import { assertFresh, changedBy, uniqueName, type ChangedBy } from '../agents/teams.service.js';

/**
 * SLA policies of a workspace, tried in order; the default one (made on first use, disabled
 * until an admin turns it on) is always last and catches every ticket the others do not. Any
 * change that can move due times (targets, calendar, conditions, order, enabling) calls
 * `onChanged` in its transaction: the SLA service queues the re-plan of the open clocks there.
 */

export type PolicyRow = {
  id: string;
  workspace_id: string;
  name: string;
  position: number;
  enabled: boolean;
  is_default: boolean;
  conditions: Condition;
  business_hours: boolean;
  calendar_id: string | null;
  pause_statuses: TicketStatus[];
  warn_lead_seconds: number;
  reopen: 'restart' | 'resume';
  targets: SlaTargets;
  created_at: Date;
  updated_at: Date;
};

export const policyDto = (r: PolicyRow): SlaPolicyRecord => ({
  id: toWire('slaPolicy', r.id),
  name: r.name,
  position: r.position,
  enabled: r.enabled,
  isDefault: r.is_default,
  conditions: r.conditions,
  businessHours: r.business_hours,
  calendarId: toWireOrNull('calendar', r.calendar_id),
  pauseStatuses: r.pause_statuses as SlaPolicyRecord['pauseStatuses'],
  warnLeadSeconds: r.warn_lead_seconds,
  reopen: r.reopen,
  targets: r.targets,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const COLUMNS = sql.raw(`id, workspace_id, name, position, enabled, is_default, conditions, business_hours, calendar_id, pause_statuses,
  warn_lead_seconds, reopen, targets, created_at, updated_at`);

/** The workspace's policies in the order they are tried (the default last). */
export async function policyRows(tx: Tx | Db, workspaceId: string): Promise<PolicyRow[]> {
  return tx.rows<PolicyRow>(sql`select ${COLUMNS} from sla_policies where workspace_id = ${workspaceId}::uuid order by is_default, position, id`);
}

/** Creates the default policy when the workspace has none (disabled: SLA is something a team turns on). */
export async function ensureDefaultPolicy(tx: Tx | Db, workspaceId: string, now: Date): Promise<void> {
  await tx.rows(sql`insert into sla_policies (id, workspace_id, name, position, enabled, is_default, conditions, business_hours,
      pause_statuses, warn_lead_seconds, reopen, targets, created_at, updated_at)
    values (${newId()}::uuid, ${workspaceId}::uuid, 'Default', 0, false, true, '{"all":[]}'::jsonb, true,
      '{pending}'::text[], 3600, 'restart', ${JSON.stringify(defaultSlaTargets())}::jsonb, ${now}::timestamptz, ${now}::timestamptz)
    on conflict do nothing`);
}

export async function listPolicies(ctx: ServiceContext, o: { workspaceId: string }): Promise<SlaPolicyRecord[]> {
  await ensureDefaultPolicy(ctx.db, o.workspaceId, ctx.clock.now());
  return (await policyRows(ctx.db, o.workspaceId)).map(policyDto);
}

async function getPolicy(tx: Tx, o: { workspaceId: string; policyId: string }, lock = false): Promise<PolicyRow> {
  const [r] = await tx.rows<PolicyRow>(sql`select ${COLUMNS} from sla_policies
    where workspace_id = ${o.workspaceId}::uuid and id = ${o.policyId}::uuid ${lock ? sql`for update` : sql``}`);
  if (!r) throw notFound('SLA policy');
  return r;
}

async function requireCalendar(tx: Tx, workspaceId: string, calendarId: string | null | undefined): Promise<void> {
  if (!calendarId) return;
  const [c] = await tx.rows(sql`select 1 from calendars where workspace_id = ${workspaceId}::uuid and id = ${calendarId}::uuid`);
  if (!c) throw new AppError('VALIDATION_FAILED', 'no such calendar', { issues: [{ path: ['calendarId'], message: 'no such calendar' }] });
}

export type PolicyFields = {
  name: string;
  enabled: boolean;
  conditions: Condition;
  businessHours: boolean;
  calendarId: string | null;
  pauseStatuses: TicketStatus[];
  warnLeadSeconds: number;
  reopen: 'restart' | 'resume';
  targets: SlaTargets;
};

type OnChanged = (tx: Tx, policyIds: string[]) => Promise<void>;

/** A value as JSON stores it (what jsonb columns give back), for comparing an edit with what is stored. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const audited = (r: PolicyRow) => ({
  name: r.name, enabled: r.enabled, conditions: r.conditions, businessHours: r.business_hours, calendarId: r.calendar_id,
  pauseStatuses: r.pause_statuses, warnLeadSeconds: r.warn_lead_seconds, reopen: r.reopen, targets: r.targets,
});

/** Adds a policy before the default one (tried after the existing ones). 409 NAME_TAKEN on a name the workspace has. Audited. */
export async function createPolicy(ctx: ServiceContext, o: { workspaceId: string } & PolicyFields & ChangedBy, onChanged?: OnChanged): Promise<SlaPolicyRecord> {
  return uniqueName('SLA policy', o.name, () =>
    ctx.db.transaction(async (tx) => {
      const now = ctx.clock.now();
      await ensureDefaultPolicy(tx, o.workspaceId, now);
      await requireCalendar(tx, o.workspaceId, o.calendarId);
      const id = newId();
      await tx.rows(sql`insert into sla_policies (id, workspace_id, name, position, enabled, is_default, conditions, business_hours, calendar_id,
          pause_statuses, warn_lead_seconds, reopen, targets, created_at, updated_at)
        select ${id}::uuid, ${o.workspaceId}::uuid, ${o.name}, coalesce(max(position) filter (where not is_default), 0) + 1, ${o.enabled}, false,
          ${JSON.stringify(o.conditions)}::jsonb, ${o.businessHours}, ${o.calendarId}::uuid, ${`{${o.pauseStatuses.join(',')}}`}::text[],
          ${o.warnLeadSeconds}, ${o.reopen}, ${JSON.stringify(o.targets)}::jsonb, ${now}::timestamptz, ${now}::timestamptz
        from sla_policies where workspace_id = ${o.workspaceId}::uuid`);
      const made = await getPolicy(tx, { workspaceId: o.workspaceId, policyId: id });
      if (made.enabled) await onChanged?.(tx, [id]);
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'sla_policy.created', object: { type: 'slaPolicy', id }, after: audited(made), request: o.request, at: now });
      return policyDto(made);
    }),
  );
}

/** Changes a policy; `expectedUpdatedAt` must match or 409 STALE. The default policy keeps its empty conditions. Audited. */
export async function updatePolicy(
  ctx: ServiceContext,
  o: { workspaceId: string; policyId: string; expectedUpdatedAt?: string | undefined } & Partial<PolicyFields> & ChangedBy,
  onChanged?: OnChanged,
): Promise<SlaPolicyRecord> {
  return uniqueName('SLA policy', o.name ?? '', () =>
    ctx.db.transaction(async (tx) => {
      const before = await getPolicy(tx, o, true);
      assertFresh(before.updated_at, o.expectedUpdatedAt);
      if (before.is_default && o.conditions !== undefined && JSON.stringify(o.conditions) !== JSON.stringify({ all: [] })) {
        throw new AppError('DEFAULT_POLICY', 'the default policy applies to every ticket no other policy matches: it has no conditions');
      }
      await requireCalendar(tx, o.workspaceId, o.calendarId);
      const next: PolicyRow = {
        ...before,
        name: o.name ?? before.name,
        enabled: o.enabled ?? before.enabled,
        conditions: o.conditions ?? before.conditions,
        business_hours: o.businessHours ?? before.business_hours,
        calendar_id: o.calendarId !== undefined ? o.calendarId : before.calendar_id,
        pause_statuses: o.pauseStatuses ?? before.pause_statuses,
        warn_lead_seconds: o.warnLeadSeconds ?? before.warn_lead_seconds,
        reopen: o.reopen ?? before.reopen,
        targets: o.targets ?? before.targets,
      };
      const b = audited(before);
      // Nothing changed: no write, so the version stamp stays and nobody else's edit turns stale for nothing.
      if (isDeepStrictEqual(asJson(audited(next)), asJson(b))) return policyDto(before);
      const now = ctx.clock.now();
      await tx.rows(sql`update sla_policies set name = ${next.name}, enabled = ${next.enabled}, conditions = ${JSON.stringify(next.conditions)}::jsonb,
          business_hours = ${next.business_hours}, calendar_id = ${next.calendar_id}::uuid, pause_statuses = ${`{${next.pause_statuses.join(',')}}`}::text[],
          warn_lead_seconds = ${next.warn_lead_seconds}, reopen = ${next.reopen}, targets = ${JSON.stringify(next.targets)}::jsonb, updated_at = ${now}::timestamptz
        where id = ${o.policyId}::uuid`);
      const after = await getPolicy(tx, o);
      const a = audited(after);
      await onChanged?.(tx, [o.policyId]);
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'sla_policy.updated', object: { type: 'slaPolicy', id: o.policyId },
        before: b, after: a, request: o.request, at: now });
      return policyDto(after);
    }),
  );
}

/** Deletes a policy (not the default: 409 DEFAULT_POLICY); its tickets' open clocks are re-planned under the policy that matches them now. Audited. */
export async function deletePolicy(ctx: ServiceContext, o: { workspaceId: string; policyId: string } & ChangedBy, onChanged?: OnChanged): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const before = await getPolicy(tx, o, true);
    if (before.is_default) throw new AppError('DEFAULT_POLICY', 'the default policy cannot be deleted: disable it instead');
    await onChanged?.(tx, [o.policyId]);
    await tx.rows(sql`delete from sla_policies where id = ${o.policyId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
    await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'sla_policy.deleted', object: { type: 'slaPolicy', id: o.policyId },
      before: audited(before), request: o.request, at: ctx.clock.now() });
  });
}

/**
 * Sets the order policies are tried in: `policyIds` must be every policy but the default,
 * each once (else 400). Audited (`sla_policy.reordered`, the names before and after).
 */
export async function reorderPolicies(ctx: ServiceContext, o: { workspaceId: string; policyIds: string[] } & ChangedBy, onChanged?: OnChanged): Promise<SlaPolicyRecord[]> {
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.rows<PolicyRow>(sql`select ${COLUMNS} from sla_policies where workspace_id = ${o.workspaceId}::uuid and not is_default
      order by position, id for update`);
    const have = new Set(rows.map((r) => r.id));
    if (o.policyIds.length !== have.size || new Set(o.policyIds).size !== have.size || !o.policyIds.every((id) => have.has(id))) {
      throw new AppError('VALIDATION_FAILED', 'the order must list every policy but the default, each once', { issues: [{ path: ['ids'], message: 'must list every policy but the default, each once' }] });
    }
    const changed = rows.some((r, i) => r.id !== o.policyIds[i]);
    if (changed) {
      await tx.rows(sql`update sla_policies p set position = x.i, updated_at = ${ctx.clock.now()}::timestamptz
        from unnest(${`{${o.policyIds.join(',')}}`}::uuid[]) with ordinality as x(id, i)
        where p.id = x.id and p.workspace_id = ${o.workspaceId}::uuid`);
      await onChanged?.(tx, o.policyIds);
      const name = new Map(rows.map((r) => [r.id, r.name]));
      await recordAudit(tx, { workspaceId: o.workspaceId, actor: changedBy(o), action: 'sla_policy.reordered', object: { type: 'workspace', id: o.workspaceId },
        before: { order: rows.map((r) => r.name) }, after: { order: o.policyIds.map((id) => name.get(id)) }, request: o.request, at: ctx.clock.now() });
    }
    return (await policyRows(tx, o.workspaceId)).map(policyDto);
  });
}
