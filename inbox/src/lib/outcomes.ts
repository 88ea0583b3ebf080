import { css, html, nothing } from 'lit';
import type { ActionOutcome } from '@support/protocol';

/**
 * What each action did or would do (automation runs, tests, macro previews and results), one
 * line each: a mark and the server's sentence; a failed one says "Failed" in words as well as
 * in colour, with its code; one that found nothing to do is muted ("nothing to change").
 */
export function renderOutcomes(actions: readonly ActionOutcome[], label = 'Actions') {
  if (!actions.length) return nothing;
  return html`<ul class="outcomes" aria-label=${label}>${actions.map(
    (o) => html`<li class=${o.ok ? (o.changed ? 'ok' : 'same') : 'failed'}>
      <span class="mark" aria-hidden="true">${o.ok ? (o.changed ? '✓' : '–') : '✕'}</span>
      <span>${o.ok ? nothing : html`<strong>Failed:</strong> `}${o.summary}${!o.ok && o.code ? html` <span class="code">(${o.code})</span>` : nothing}${o.ok && !o.changed ? html` <span class="code">· nothing to change</span>` : nothing}</span>
    </li>`,
  )}</ul>`;
}

/** How many actions failed, in words ("1 failed"), or ''. */
export const failedText = (actions: readonly ActionOutcome[]) => {
  const n = actions.filter((a) => !a.ok).length;
  return n ? `${n} failed` : '';
};

export const outcomeStyles = css`
  .outcomes { list-style: none; margin: var(--ib-space-1) 0 0; padding: 0; display: flex; flex-direction: column; gap: 2px; font-size: var(--ib-text-md); }
  .outcomes li { display: flex; gap: var(--ib-space-2); align-items: baseline; }
  .outcomes .mark { flex: none; width: 1em; text-align: center; font-weight: 700; }
  .outcomes .ok .mark { color: var(--ib-success, var(--ib-accent)); }
  .outcomes .same { color: var(--ib-text-muted); }
  .outcomes .failed { color: var(--ib-danger); }
  .outcomes .code { color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
`;
