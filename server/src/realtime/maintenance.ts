import type { Namespace } from 'socket.io';
import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../lib/context.js';
import { setAvailability, type AgentIdentity } from '../agents/agents.service.js';
import { runPeriodically } from '../lib/periodic.js';
import { purgeUnsentUploads } from '../attachments/attachments.service.js';
import { purgeWebhookTokens } from '../email/webhook.routes.js';
import { purgeAuditEvents } from '../audit/audit.service.js';
import { purgePasswordResets } from '../people/accounts.service.js';
import { privileged } from '../db/scope.js';

/**
 * Sets `offline` every member marked online or away who has no socket in that workspace on
 * any node: what a crashed node (or a lost disconnect) leaves behind. Safe to run on every
 * node at once: the update is conditional and the socket count is cluster-wide. Returns how
 * many it changed.
 */
export async function sweepPresence(ctx: ServiceContext, agentNsp: Namespace, o: { workspaceId?: string } = {}): Promise<number> {
  const scope = o.workspaceId ? sql`and workspace_id = ${o.workspaceId}::uuid` : sql``;
  const present = await ctx.db.rows<{ user_id: string; workspace_id: string }>(
    sql`select user_id, workspace_id from memberships where availability <> 'offline' ${scope}`,
  );
  if (!present.length) return 0;
  // One cluster-wide request for every agent socket, not one per member.
  const connected = new Set(
    (await agentNsp.fetchSockets()).map((s) => {
      const me = (s.data as { agent?: AgentIdentity }).agent;
      return me && `${me.workspaceId}:${me.userId}`;
    }),
  );
  let changed = 0;
  for (const m of present) {
    if (connected.has(`${m.workspace_id}:${m.user_id}`)) continue;
    if (await setAvailability(ctx, { workspaceId: m.workspace_id, userId: m.user_id, status: 'offline' })) changed++;
  }
  return changed;
}

/** Deletes agent and visitor sessions that expired more than a day ago. Returns the count. */
export async function purgeExpiredSessions(ctx: Pick<ServiceContext, 'db' | 'clock'>): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - 86_400_000);
  const a = await ctx.db.rows(sql`delete from agent_sessions where expires_at < ${cutoff}::timestamptz returning id`);
  const v = await ctx.db.rows(sql`delete from visitor_sessions where expires_at < ${cutoff}::timestamptz returning id`);
  return a.length + v.length;
}

/**
 * Runs the sweeps every `intervalMs` (with jitter, so nodes spread out) until stopped:
 * presence, expired sessions, Mailgun replay tokens past their window, uploads never sent,
 * password-reset links a day past their expiry;
 * and every `auditIntervalMs` the audit retention purge. A failed round is logged and
 * retried on the next tick.
 */
export function startMaintenance(ctx: ServiceContext, agentNsp: Namespace, intervalMs: number, auditIntervalMs: number): () => void {
  // crosses workspaces: the sweeps and purges serve every workspace at once.
  const stopSweeps = runPeriodically('maintenance', intervalMs, ctx.logger, () => privileged('maintenance', async () => {
    const offline = await sweepPresence(ctx, agentNsp);
    const purged = await purgeExpiredSessions(ctx);
    const tokens = await purgeWebhookTokens(ctx);
    const uploads = await purgeUnsentUploads(ctx);
    const resets = await purgePasswordResets(ctx);
    if (offline || purged || uploads || resets) ctx.logger.info({ offline, purged, tokens, uploads, resets }, 'maintenance');
  }));
  // crosses workspaces: each workspace's audit events past that workspace's retention.
  const stopRetention = runPeriodically('audit retention', auditIntervalMs, ctx.logger, () => privileged('maintenance', async () => {
    const deleted = await purgeAuditEvents(ctx);
    if (deleted) ctx.logger.info({ deleted }, 'audit events past their retention deleted');
  }));
  return () => {
    stopSweeps();
    stopRetention();
  };
}
