import { sql } from 'drizzle-orm';
import { allows, renderTemplate, type ActionOutcome, type AutomationAction, type Permission } from '@support/protocol';
import { AppError } from '../http/errors.js';
import type { Actor, ServiceContext } from '../lib/context.js';
import type { ChangeOpts } from '../tickets/tickets.service.js';
import { assertVisibleTicket, type Viewer } from '../tickets/visibility.js';
import { loadTicketState, templateValues, type TicketState } from './ticket-state.js';
import { runOne, type Step } from './steps.js';

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

/** The permission an agent needs for each action (besides seeing the ticket). */
const NEEDS: Record<AutomationAction['type'], Permission> = {
  set_status: 'tickets.write',
  set_priority: 'tickets.write',
  set_team: 'tickets.assign',
  set_assignee: 'tickets.assign',
  route: 'tickets.assign',
  add_tags: 'tickets.write',
  remove_tags: 'tickets.write',
  add_note: 'tickets.write',
  send_message: 'tickets.write',
  notify: 'tickets.write',
  apply_sla: 'tickets.assign',
  snooze: 'tickets.write',
};

/** The actor ticket changes are recorded with: the agent, or the system as the rule (with its cause). */
export function changeActor(a: ActionActor): Actor {
  return a.type === 'agent' ? { type: 'agent', id: a.userId } : { type: 'system', id: a.ruleId, cause: { ruleId: a.ruleId, depth: a.depth + 1 } };
}

const failed = (type: AutomationAction['type'], code: string, summary: string): ActionOutcome => ({ type, ok: false, changed: false, summary, code });

/**
 * Runs the actions of a rule or macro on one ticket, in order, and reports each. A failing action
 * is reported (`ok: false`, a code and a sentence) and does not stop the ones after it. Each
 * action is its own transaction through the ticket services (its own activity and durable
 * event). With `dryRun`, nothing is written: each outcome says what would change, as if the
 * actions before it had run. Templates are filled from the ticket as it is when the action runs.
 */
export async function runActions(ctx: ServiceContext, o: RunActionsOpts): Promise<ActionOutcome[]> {
  const viewer: Viewer | undefined = o.actor.type === 'agent' ? { workspaceId: o.workspaceId, userId: o.actor.userId, permissions: o.actor.permissions } : undefined;
  if (viewer) {
    try {
      await assertVisibleTicket(ctx.db, viewer, o.ticketId);
    } catch (err) {
      if (err instanceof AppError) return o.actions.map((a) => failed(a.type, err.code, 'The ticket was not found'));
      throw err;
    }
  }
  let state = await loadTicketState(ctx.db, o.workspaceId, o.ticketId);
  if (!state) return o.actions.map((a) => failed(a.type, 'NOT_FOUND', 'The ticket was not found'));
  const agent = await agentOf(ctx, o);
  const out: ActionOutcome[] = [];
  for (const [index, action] of o.actions.entries()) {
    if (viewer && !allows(viewer.permissions, NEEDS[action.type])) {
      out.push(failed(action.type, 'FORBIDDEN', `Not allowed: ${NEEDS[action.type]} is needed`));
      continue;
    }
    const step: Step = {
      ctx, workspaceId: o.workspaceId, ticketId: o.ticketId, index, actor: o.actor, dryRun: !!o.dryRun, state,
      change: { workspaceId: o.workspaceId, ticketId: o.ticketId, actor: changeActor(o.actor), viewer } satisfies ChangeOpts,
      fill: (template) => renderTemplate(template, templateValues(state!, o.actor.type === 'agent' ? agent : state!.assigneeId ? { name: state!.assigneeName, email: state!.assigneeEmail } : null)),
    };
    try {
      const r = await runOne(step, action);
      out.push(r.outcome);
      if (r.next) state = r.next;
      else if (!o.dryRun && r.outcome.changed && index < o.actions.length - 1) state = (await loadTicketState(ctx.db, o.workspaceId, o.ticketId)) ?? state;
    } catch (err) {
      if (err instanceof AppError) out.push(failed(action.type, err.code, `Could not ${verb(action)}: ${err.message}`));
      else {
        ctx.logger.error({ err, action: action.type, ticketId: o.ticketId }, 'action failed');
        out.push(failed(action.type, 'INTERNAL', `Could not ${verb(action)}: something went wrong`));
      }
    }
  }
  return out;
}

async function agentOf(ctx: ServiceContext, o: RunActionsOpts): Promise<{ name: string | null; email: string | null } | null> {
  if (o.actor.type !== 'agent') return null;
  const [u] = await ctx.db.rows<{ name: string; email: string }>(sql`select name, email from users where id = ${o.actor.userId}::uuid`);
  return u ?? null;
}

function verb(a: AutomationAction): string {
  switch (a.type) {
    case 'set_status': return 'set the status';
    case 'set_priority': return 'set the priority';
    case 'set_team': return 'set the team';
    case 'set_assignee': return a.assigneeId ? 'assign' : 'unassign';
    case 'route': return 'hand to routing';
    case 'add_tags': return 'add tags';
    case 'remove_tags': return 'remove tags';
    case 'add_note': return 'add the note';
    case 'send_message': return 'send the reply';
    case 'notify': return 'notify';
    case 'apply_sla': return 'apply the SLA policy';
    case 'snooze': return 'snooze';
  }
}
