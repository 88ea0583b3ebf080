import type { ActionOutcome, AutomationAction, Permission } from '@support/protocol';
import type { ServiceContext } from '../lib/context.js';

/**
 * Who runs actions: an agent applying a macro (their permissions are checked per action: assigning
 * needs `tickets.assign`), or an automation rule (changes carry the rule and the depth, so the
 * events they cause do not run the same rule again and cascades stop at AUTOMATION_MAX_DEPTH).
 */
export type ActionActor =
  | { type: 'agent'; userId: string; permissions: readonly Permission[]; macro?: { id: string; name: string } }
  | { type: 'automation'; ruleId: string; ruleName: string; runId: string; depth: number };

export type RunActionsOpts = {
  workspaceId: string;
  /** Database uuid of the ticket. */
  ticketId: string;
  actions: readonly AutomationAction[];
  actor: ActionActor;
  /** Report what each action would do and change nothing (a rule test, a macro preview). */
  dryRun?: boolean;
};

/**
 * Runs the actions of a rule or macro on one ticket, in order, and reports each. A failing action
 * is reported (`ok: false`, a code and a sentence) and does not stop the ones after it.
 */
export async function runActions(_ctx: ServiceContext, o: RunActionsOpts): Promise<ActionOutcome[]> {
  return o.actions.map((a) => ({ type: a.type, ok: false, changed: false, summary: 'not built yet', code: 'INTERNAL' }));
}
