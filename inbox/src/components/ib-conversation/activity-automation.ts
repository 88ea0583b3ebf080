import { html } from 'lit';
import type { ActionOutcome, Activity, AutomationActivity } from '@support/protocol';
import { failedText, renderOutcomes } from '../../lib/outcomes.js';
import type { TimelineItem } from '../../lib/thread.js';

const lower = (s: string) => (s ? s.charAt(0).toLowerCase() + s.slice(1) : s);
const stamp = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

type MacroActivity = { macroId: string; macroName: string; actions: ActionOutcome[] };

const isAutomation = (v: unknown): v is AutomationActivity => !!v && typeof v === 'object' && typeof (v as AutomationActivity).ruleName === 'string' && Array.isArray((v as AutomationActivity).actions);
const isMacro = (v: unknown): v is MacroActivity => !!v && typeof v === 'object' && typeof (v as MacroActivity).macroName === 'string' && Array.isArray((v as MacroActivity).actions);

/**
 * Which rule made each system change of a timeline, by activity id: the change's actor is the
 * rule (`aur_…`), named by the rule's run (`automation` activity) on the same ticket.
 */
export function ruleActors(items: readonly TimelineItem[]): Map<string, string> {
  const acts = items.flatMap((it) => (it.kind === 'activity' ? [it.activity] : []));
  const names = new Map<string, string>();
  for (const a of acts) if (a.kind === 'automation' && isAutomation(a.newValue)) names.set(a.newValue.ruleId, a.newValue.ruleName);
  const out = new Map<string, string>();
  for (const a of acts) {
    if (a.actorType !== 'system' || a.kind === 'automation' || !a.actorId) continue;
    const name = names.get(a.actorId);
    if (name) out.set(a.id, name);
  }
  return out;
}

/** What actions did, in one clause: "added tag refund, set priority high" (the ones that changed something), and how many failed. */
function doneText(actions: readonly ActionOutcome[]): string {
  const done = actions.filter((a) => a.ok && a.changed).map((a) => lower(a.summary));
  const failed = failedText(actions);
  return [done.join(', ') || 'nothing to change', failed].filter(Boolean).join('; ');
}

/**
 * An `automation` or `macro` activity: "Rule ‘Refunds’ ran: added tag refund, set priority high"
 * (or "Ana applied ‘Refund policy’: …"), opening (a native disclosure) on each action's outcome,
 * failures marked in words. `who` names the actor of a macro.
 */
export function renderRun(a: Activity, who: string, time: string) {
  const v = a.newValue;
  const line = isAutomation(v) ? `Rule ‘${v.ruleName}’ ran: ${doneText(v.actions)}` : isMacro(v) ? `${who} applied the macro ‘${v.macroName}’: ${doneText(v.actions)}` : a.kind === 'automation' ? 'A rule ran' : `${who} applied a macro`;
  const actions = isAutomation(v) || isMacro(v) ? v.actions : [];
  const failed = actions.some((x) => !x.ok);
  if (!actions.length) return html`<div class="activity run">${line} · ${time}</div>`;
  return html`<div class="activity run ${failed ? 'has-failure' : ''}"><details><summary>${line} · ${time}</summary>${renderOutcomes(actions)}</details></div>`;
}

/** A `snoozed` activity: "Ana snoozed this until Tue 9 Dec, 10:00", or "Woke up from snooze". */
export function snoozedText(a: Activity, who: string): string {
  const until = (a.newValue as { until?: string } | null)?.until;
  if (until) return `${who} snoozed this until ${stamp.format(new Date(until))}`;
  return 'Woke up from snooze';
}

/** The actor of an activity in words: the agent, the visitor, the rule (by name: `rules`, from ruleActors) or the system. */
export function actorName(a: Activity, agentName: (id: string | null) => string, rules: Map<string, string>): string {
  if (a.actorType === 'agent') return agentName(a.actorId);
  if (a.actorType === 'contact') return 'The visitor';
  const rule = rules.get(a.id);
  if (rule) return `Rule ‘${rule}’`;
  return a.actorId?.startsWith('aur_') ? 'A rule' : 'The system';
}

