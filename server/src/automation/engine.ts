import {
  AUTOMATION_MAX_DEPTH,
  evaluateCondition,
  type AutomationAction,
  type AutomationEvent,
  type Condition,
  type ConditionFacts,
  type ConditionTraceEntry,
} from '@support/protocol';
import type { ChangeCause } from '../lib/context.js';

/**
 * The pure rule engine of event rules: given what happened (the automation events one entry of
 * the durable log maps to), the ticket's facts before and after, the workspace's enabled event
 * rules and the cause of the change, it says which rules run, in order, with the conditions
 * they checked and the actions to run. No database, no clock: `now` and `isOpen` are passed.
 */

/** An enabled event rule as the engine sees it. */
export type EngineRule = {
  id: string;
  name: string;
  position: number;
  events: readonly AutomationEvent[];
  conditions: Condition;
  actions: readonly AutomationAction[];
};

export type EngineInput = {
  /** The automation events of one log entry (a ticket.updated may hold several changes); order kept. */
  events: readonly AutomationEvent[];
  /** The ticket before the change (null for events that change nothing, such as messages). */
  before: ConditionFacts | null;
  after: ConditionFacts;
  /** The workspace's enabled event rules; the engine orders them by position, then id. */
  rules: readonly EngineRule[];
  /** Set when a rule made the change: that rule does not run on it, and depth counts from it. */
  cause: ChangeCause | null;
  /** Who made the change, from the log's activities: a rule's own change never re-runs it even without a cause. */
  actor?: { type: string; id: string | null } | null;
  now: Date;
  isOpen?: (calendarId: string | null, at: Date) => boolean;
};

/** One rule evaluated on the event: whether its conditions held, why, and (when they did) what to do. */
export type EngineRun = {
  rule: EngineRule;
  /** The event it ran on: the first of `events` it listens to. */
  event: AutomationEvent;
  /** 0 for a change by people or channels; n for a change by a rule at depth n − 1. */
  depth: number;
  matched: boolean;
  trace: ConditionTraceEntry[];
  /** The rule's actions when matched, else empty. */
  actions: readonly AutomationAction[];
};

/** The depth of runs on an event with this cause. */
export const depthOf = (cause: ChangeCause | null | undefined): number => (cause ? Math.max(0, Math.floor(cause.depth)) : 0);

/**
 * The rules that run on one event, in position order (ties by id), each at most once:
 * - at depth AUTOMATION_MAX_DEPTH or more, none (a cascade ends there);
 * - a rule never runs on a change it made (`cause.ruleId`, or a system actor with its id);
 * - a rule runs when it listens to one of `events`; `matched` says whether its conditions held.
 */
export function decide(input: EngineInput): EngineRun[] {
  const depth = depthOf(input.cause);
  if (depth >= AUTOMATION_MAX_DEPTH || input.events.length === 0) return [];
  const self = new Set<string>();
  if (input.cause) self.add(input.cause.ruleId);
  if (input.actor?.type === 'system' && input.actor.id) self.add(input.actor.id);
  const seen = new Set<string>();
  const ordered = [...input.rules].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const runs: EngineRun[] = [];
  for (const rule of ordered) {
    if (seen.has(rule.id) || self.has(rule.id)) continue;
    const event = input.events.find((e) => rule.events.includes(e));
    if (!event) continue;
    seen.add(rule.id);
    const r = evaluateCondition(rule.conditions, input.after, {
      now: input.now,
      previous: input.before,
      ...(input.isOpen ? { isOpen: input.isOpen } : {}),
    });
    runs.push({ rule, event, depth, matched: r.matched, trace: r.trace, actions: r.matched ? rule.actions : [] });
  }
  return runs;
}
