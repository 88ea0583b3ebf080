import { sql } from 'drizzle-orm';
import { SLA_METRICS, type SlaComplianceRow, type SlaMetric, type TicketSlaDetail } from '@support/protocol';
import type { Db } from '../db/client.js';
import { toWire, toWireOrNull } from '../db/ids.js';
import { iso } from '../lib/dto.js';

const isoOrNull = (d: Date | null) => (d ? iso(d) : null);

/** A ticket's clocks (oldest first) with their whole history, for the ticket's SLA panel. The caller checks the ticket is visible. */
export async function ticketSlaDetail(db: Db, o: { workspaceId: string; ticketId: string }): Promise<TicketSlaDetail> {
  const clocks = await db.rows<{
    id: string; metric: SlaMetric; state: TicketSlaDetail['clocks'][number]['state']; policy_id: string | null; policy_name: string | null;
    target_seconds: number; used_seconds: number; due_at: Date | null; warn_at: Date | null; breached_at: Date | null; stopped_at: Date | null; created_at: Date;
  }>(sql`select c.id, c.metric, c.state, c.policy_id, p.name as policy_name, c.target_seconds, c.used_seconds, c.due_at, c.warn_at,
      c.breached_at, c.stopped_at, c.created_at
    from sla_clocks c left join sla_policies p on p.id = c.policy_id
    where c.workspace_id = ${o.workspaceId}::uuid and c.ticket_id = ${o.ticketId}::uuid order by c.created_at, c.id`);
  const events = await db.rows<{ id: string; clock_id: string; metric: SlaMetric; kind: TicketSlaDetail['events'][number]['kind']; at: Date; data: Record<string, unknown> }>(
    sql`select id, clock_id, metric, kind, at, data from sla_events
      where workspace_id = ${o.workspaceId}::uuid and ticket_id = ${o.ticketId}::uuid order by at, id limit 1000`,
  );
  return {
    clocks: clocks.map((c) => ({
      id: toWire('slaClock', c.id),
      metric: c.metric,
      state: c.state,
      policyId: toWireOrNull('slaPolicy', c.policy_id),
      policyName: c.policy_name,
      targetSeconds: c.target_seconds,
      usedSeconds: c.used_seconds,
      dueAt: isoOrNull(c.due_at),
      warnAt: isoOrNull(c.warn_at),
      breachedAt: isoOrNull(c.breached_at),
      stoppedAt: isoOrNull(c.stopped_at),
      createdAt: iso(c.created_at),
    })),
    events: events.map((e) => ({ id: toWire('slaEvent', e.id), clockId: toWire('slaClock', e.clock_id), metric: e.metric, kind: e.kind, at: iso(e.at), data: e.data })),
  };
}

const GROUP = {
  policy: { column: sql.raw('e.policy_id'), kind: 'slaPolicy', names: sql.raw(`(select name from sla_policies where id = g.key)`) },
  team: { column: sql.raw('e.team_id'), kind: 'team', names: sql.raw(`(select name from teams where id = g.key)`) },
  agent: { column: sql.raw('e.assignee_id'), kind: 'user', names: sql.raw(`(select name from users where id = g.key)`) },
} as const;

/**
 * SLA compliance over [from, to): per policy, team or agent (as the ticket was when the target
 * was decided), of the targets decided in the range — met (fulfilled in time) or breached — the
 * share met. A target breached and met later counts once, as breached.
 */
export async function slaCompliance(db: Db, o: { workspaceId: string; from: Date; to: Date; groupBy: keyof typeof GROUP }): Promise<SlaComplianceRow[]> {
  const g = GROUP[o.groupBy];
  const rows = await db.rows<{ key: string | null; name: string | null; metric: SlaMetric; met: number; breached: number }>(sql`
    with g as (
      select ${g.column} as key, e.metric,
        count(*) filter (where e.kind = 'fulfilled' and (e.data->>'met')::boolean)::int as met,
        count(*) filter (where e.kind = 'breached')::int as breached
      from sla_events e
      where e.workspace_id = ${o.workspaceId}::uuid and e.at >= ${o.from}::timestamptz and e.at < ${o.to}::timestamptz
        and e.kind in ('fulfilled', 'breached')
      group by 1, 2
    )
    select g.key, ${g.names} as name, g.metric, g.met, g.breached from g`);
  const byKey = new Map<string, SlaComplianceRow>();
  for (const r of rows) {
    const k = r.key ?? '';
    let row = byKey.get(k);
    if (!row) {
      const none = o.groupBy === 'team' ? 'No team' : o.groupBy === 'agent' ? 'Unassigned' : 'Deleted policy';
      row = {
        key: r.key ? toWire(g.kind, r.key) : null,
        name: r.name ?? none,
        met: 0,
        breached: 0,
        share: null,
        byMetric: Object.fromEntries(SLA_METRICS.map((m) => [m, { met: 0, breached: 0 }])) as SlaComplianceRow['byMetric'],
      };
      byKey.set(k, row);
    }
    row.met += r.met;
    row.breached += r.breached;
    row.byMetric[r.metric].met += r.met;
    row.byMetric[r.metric].breached += r.breached;
  }
  const out = [...byKey.values()];
  for (const r of out) r.share = r.met + r.breached ? r.met / (r.met + r.breached) : null;
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
