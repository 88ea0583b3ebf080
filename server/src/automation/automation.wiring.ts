import type { ConditionFacts } from '@support/protocol';
import { withWorkspace } from '../db/scope.js';
import { AppError } from '../http/errors.js';
import { codeOf } from '../db/errors.js';
import type { ServiceContext } from '../lib/context.js';
import type { EventConsumers } from '../events/consumers.js';
import type { LoggedEvent } from '../events/log.events.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { calendarsOf } from '../routing/rules.js';
import { decide } from './engine.js';
import { automationEventsOf, factsAsOf, factsBefore, type LoggedActivity } from './events.js';
import { messageFacts, openTicketsOf, ticketFacts } from './facts.js';
import { runRule } from './run.js';
import { bumpCounters, RuleCache, tally, type LoadedRule, type RuleTally } from './store.js';

/** The cache of event rules of this node; settings call `invalidateRules` after a change. */
const cache = new RuleCache();

/** Drops a workspace's cached rules on this node (other nodes see the change at their next batch). */
export function invalidateRules(workspaceId: string): void {
  cache.invalidate(workspaceId);
}

/**
 * Automation's reaction to one log entry, in its workspace's scope: the rules listening to its
 * automation events run on its ticket (or, for `contact.updated`, on each of the contact's open
 * tickets). Matched rules act (runRule); every evaluated rule is counted in `tallies`.
 */
export async function onAutomationEvent(ctx: ServiceContext, e: LoggedEvent, rules: readonly LoadedRule[], tallies: Map<string, RuleTally>): Promise<void> {
  const events = automationEventsOf(e);
  if (!events.length || !rules.some((r) => r.events.some((ev) => events.includes(ev)))) return;
  const ws = e.workspaceId;
  const p = e.payload as Record<string, unknown>;
  const ticketIds = e.name === 'contact.updated' ? await openTicketsOf(ctx.db, ws, String(p.contactId)) : [String(p.ticketId)];
  if (!ticketIds.length) return;
  const facts = await ticketFacts(ctx.db, ws, ticketIds);
  const messageId = e.name === 'message.created' || e.name === 'ticket.created' ? String(p.messageId) : null;
  const message = messageId ? await messageFacts(ctx.db, ws, messageId) : null;
  const now = ctx.clock.now();
  const isOpen = rules.some((r) => r.usesHours) ? await calendarsOf(ctx.db, ws, now) : undefined;
  const activities = e.name === 'ticket.updated' ? (e.payload.activities as LoggedActivity[]) : [];
  const cause = 'cause' in e.payload && e.payload.cause ? e.payload.cause : null;
  const actor = activities[0] ? { type: activities[0].actorType, id: activities[0].actorId }
    : e.name === 'message.created' ? { type: e.payload.authorType, id: e.payload.authorId } : null;
  for (const ticketId of ticketIds) {
    const loaded = facts.get(ticketId);
    if (!loaded) continue;
    const state = 'ticket' in e.payload ? (e.payload.ticket as Parameters<typeof factsAsOf>[1]) : undefined;
    const after: ConditionFacts = { ...factsAsOf(loaded, state), ...(message ? { message } : {}) };
    const before = e.name === 'ticket.updated' ? factsBefore(after, activities) : null;
    const runs = decide({ events, before, after, rules, cause, actor, now, ...(isOpen ? { isOpen } : {}) });
    for (const run of runs) {
      const rule = run.rule as LoadedRule;
      if (!run.matched && !rule.broken) {
        tally(tallies, rule.id, false, false);
        continue;
      }
      try {
        const r = await runRule(ctx, {
          workspaceId: ws, ticketId, rule, event: run.event, position: e.position, depth: run.depth,
          matched: run.matched, trace: run.trace, actions: run.actions, error: rule.broken,
        });
        if (!r.skipped) tally(tallies, rule.id, run.matched, r.failed);
      } catch (err) {
        // The ticket went away between the event and its run (NOT_FOUND), or the rule was deleted
        // meanwhile (its run row's foreign key): nothing to act on or log.
        if ((err instanceof AppError && err.code === 'NOT_FOUND') || codeOf(err) === '23503') continue;
        throw err;
      }
    }
  }
}

/** Tickets of one batch handled at once (each ticket's events stay in log order). */
const PARALLEL_TICKETS = 4;

/** The key that keeps an entry's ticket in order: its ticket, or for `contact.updated` the whole batch in order. */
const ticketKey = (e: LoggedEvent): string | null => ('ticketId' in e.payload ? `${e.workspaceId}:${e.payload.ticketId}` : null);

/**
 * Plugs automation into a node: the `automation` consumer of the durable log runs the
 * workspace's enabled event rules on each event (imported ones skipped), from the log's end on
 * first run (rules never act on history). A batch's tickets are handled a few at a time, each
 * ticket's entries in log order (a batch with a `contact.updated`, which spans tickets, goes in
 * order). The rules' counters are added in one statement per workspace and batch, not one per
 * rule; a failing batch is run again one entry at a time, and runs already logged are skipped.
 */
export function registerAutomation(ctx: ServiceContext, events: EventConsumers, _scheduler: Scheduler): void {
  events.registerConsumer({
    name: 'automation',
    startAt: 'now',
    handle: async (batch) => {
      const todo = batch.filter((e) => !e.imported && automationEventsOf(e).length > 0);
      if (!todo.length) return;
      const rulesOf = new Map<string, Promise<LoadedRule[]>>();
      const tallies = new Map<string, Map<string, RuleTally>>();
      const handle = (e: LoggedEvent) =>
        withWorkspace(e.workspaceId, async () => {
          let pending = rulesOf.get(e.workspaceId);
          if (!pending) rulesOf.set(e.workspaceId, (pending = cache.get(ctx.db, e.workspaceId)));
          const rules = await pending;
          if (!rules.length) return;
          let t = tallies.get(e.workspaceId);
          if (!t) tallies.set(e.workspaceId, (t = new Map()));
          await onAutomationEvent(ctx, e, rules, t);
        });
      const groups = new Map<string, LoggedEvent[]>();
      if (todo.some((e) => ticketKey(e) === null)) groups.set('', todo);
      else for (const e of todo) groups.set(ticketKey(e)!, [...(groups.get(ticketKey(e)!) ?? []), e]);
      const queue = [...groups.values()];
      const worker = async () => {
        for (let g = queue.shift(); g; g = queue.shift()) for (const e of g) await handle(e);
      };
      const done = await Promise.allSettled(Array.from({ length: Math.min(PARALLEL_TICKETS, queue.length) }, worker));
      // Counted even when an entry failed: what ran was logged (and is skipped when the entry comes again).
      for (const [ws, t] of tallies) await withWorkspace(ws, () => bumpCounters(ctx.db, ws, t, ctx.clock.now()));
      const failed = done.find((d): d is PromiseRejectedResult => d.status === 'rejected');
      if (failed) throw failed.reason;
    },
  });
}
