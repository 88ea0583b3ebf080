import { css, html, nothing } from 'lit';
import { conditionField, type ConditionTraceEntry } from '@support/protocol';
import { leafText, type ConditionChoices } from '../sla/condition-text.js';

const show = (v: unknown): string => {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length ? v.map(show).join(', ') : 'none';
  if (typeof v === 'object') {
    const o = v as { from?: unknown; to?: unknown };
    if ('from' in o || 'to' in o) return `${show(o.from)} → ${show(o.to)}`;
    return JSON.stringify(v);
  }
  return String(v);
};

/** What the ticket held for a leaf, in words: "it was “I want a refund”", minutes for durations. */
function actualText(t: ConditionTraceEntry): string {
  const def = conditionField(t.field);
  const a = show(t.actual);
  if (def?.type === 'text' && typeof t.actual === 'string') return `“${t.actual}”`;
  return def?.type === 'duration' && typeof t.actual === 'number' ? `${a} minutes` : a;
}

/**
 * A condition trace: each leaf the rule checked, in order, with what the ticket held and
 * whether it held (in words and a mark). Leaves after the one that decided a group are not
 * listed (the evaluation stopped there).
 */
export function renderTrace(trace: readonly ConditionTraceEntry[], choices: ConditionChoices) {
  if (!trace.length) return html`<p class="muted">No condition: every ticket matches.</p>`;
  return html`<ol class="trace" aria-label="Conditions checked">${trace.map(
    (t) => html`<li class=${t.held ? 'held' : 'not'}>
      <span class="mark" aria-hidden="true">${t.held ? '✓' : '✕'}</span>
      <span><span class="leaf">${leafText({ field: t.field, op: t.op, ...(t.expected !== undefined ? { value: t.expected } : {}) } as never, choices)}</span>
        — <strong>${t.held ? 'held' : 'did not hold'}</strong>${t.op === 'within_business_hours' || t.op === 'outside_business_hours' ? nothing : html`<span class="actual">: the ticket had ${actualText(t)}</span>`}</span>
    </li>`,
  )}</ol>`;
}

export const traceStyles = css`
  .trace { list-style: none; margin: var(--ib-space-1) 0 0; padding: 0; display: flex; flex-direction: column; gap: 2px; font-size: var(--ib-text-md); }
  .trace li { display: flex; gap: var(--ib-space-2); align-items: baseline; overflow-wrap: anywhere; }
  .trace .mark { flex: none; width: 1em; text-align: center; font-weight: 700; }
  .trace .held .mark { color: var(--ib-success); }
  .trace .not .mark { color: var(--ib-danger); }
  .trace .actual { color: var(--ib-text-muted); }
`;
