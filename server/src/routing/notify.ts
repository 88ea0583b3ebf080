import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../lib/context.js';
import { toWire } from '../db/ids.js';
import { queuePlaces, queueSummaries, secondsPerPlace } from './store.js';

/** Places told to visitors per queue at most (the rest learn theirs as the line moves). */
const MAX_PLACES = 500;

/**
 * What a unit of routing work changed in the queues, told after its commits: supervisors get
 * each touched workspace's queue summaries (`routing.queue`), and visitors waiting in a touched
 * queue their place and expected wait (`routing.positions`; position null for those who left).
 */
export class RoutingNotes {
  private readonly queues = new Map<string, Set<string>>();
  private readonly left = new Map<string, Set<string>>();

  /** `queueId` changed (a ticket joined or left); `leftTicket`: a ticket that is no longer waiting. */
  queueChanged(ws: string, queueId: string, leftTicket: string | null): void {
    let q = this.queues.get(ws);
    if (!q) this.queues.set(ws, (q = new Set()));
    q.add(queueId);
    if (leftTicket) {
      let l = this.left.get(ws);
      if (!l) this.left.set(ws, (l = new Set()));
      l.add(leftTicket);
    }
  }

  get empty(): boolean {
    return this.queues.size === 0;
  }

  /** Publishes what changed in workspace `ws` (call inside its scope) and forgets it. */
  async flush(ctx: ServiceContext, ws: string): Promise<void> {
    const queues = this.queues.get(ws);
    const left = this.left.get(ws);
    this.queues.delete(ws);
    this.left.delete(ws);
    if (!queues) return;
    const wsWire = toWire('workspace', ws);
    ctx.bus.publish('routing.queue', { workspaceId: wsWire, queues: await queueSummaries(ctx.db, ws) });
    const now = ctx.clock.now();
    const entries: { contactId: string; inboxId: string; ticketId: string; position: number | null; expectedWaitSeconds: number | null }[] = [];
    const waiting = new Set<string>();
    for (const q of queues) {
      const per = await secondsPerPlace(ctx.db, q, now);
      for (const p of await queuePlaces(ctx.db, ws, q, MAX_PLACES)) {
        waiting.add(p.ticket_id);
        entries.push({
          contactId: toWire('contact', p.requester_id), inboxId: toWire('inbox', p.inbox_id), ticketId: toWire('ticket', p.ticket_id),
          position: p.position, expectedWaitSeconds: per == null ? null : Math.round(per * p.position),
        });
      }
    }
    const gone = [...(left ?? [])].filter((t) => !waiting.has(t));
    if (gone.length) {
      const rows = await ctx.db.rows<{ id: string; requester_id: string; inbox_id: string }>(sql`select id, requester_id, inbox_id from tickets
        where workspace_id = ${ws}::uuid and id = any(${`{${gone.join(',')}}`}::uuid[])`);
      for (const r of rows)
        entries.push({ contactId: toWire('contact', r.requester_id), inboxId: toWire('inbox', r.inbox_id), ticketId: toWire('ticket', r.id), position: null, expectedWaitSeconds: null });
    }
    if (entries.length) ctx.bus.publish('routing.positions', { workspaceId: wsWire, entries });
  }
}
