import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { AUTOMATION_EVENT_LABELS, type AutomationRun } from '@support/protocol';
import { rest } from '../../api.js';
import { controls } from '../../styles/tokens.js';
import { failedText, outcomeStyles, renderOutcomes } from '../../lib/outcomes.js';
import { settingsCard } from '../settings-card.js';
import { peopleStyles } from '../people/people-ui.js';
import { noChoices, type ConditionChoices } from '../sla/condition-text.js';
import { renderTrace, traceStyles } from './trace.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-select/ib-select.js';

const PAGE = 30;
const FILTERS = [
  { value: '', label: 'All runs' },
  { value: 'matched', label: 'Runs that acted' },
  { value: 'errors', label: 'Runs with a failure' },
];
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The runs of an answer: the list itself, or `{ runs }` / `{ items }`. */
const runsOf = (x: unknown): AutomationRun[] => (Array.isArray(x) ? x : ((x as { runs?: AutomationRun[]; items?: AutomationRun[] }).runs ?? (x as { items?: AutomationRun[] }).items ?? []));

/**
 * A rule's run log (`GET /api/settings/automation/runs?ruleId=`), newest first: when, which
 * ticket (a link to it inside), the event, whether it acted and how many actions failed; each run
 * opens (a native disclosure) on the conditions checked and each action's outcome, failures
 * marked. Filter: all, the runs that acted, the runs with a failure; "Show older runs" pages.
 * Properties: `ruleId`, `choices` (names for the conditions).
 */
export class IbAutomationRuns extends LitElement {
  static properties = { ruleId: { attribute: false }, choices: { attribute: false } };
  static styles = [
    controls, settingsCard, peopleStyles, outcomeStyles, traceStyles,
    css`
      .card-head > div { flex: 1 1 280px; }
      .runs { list-style: none; margin: 0; padding: 0; border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); }
      .runs > li + li { border-top: 1px solid var(--ib-border-muted); }
      summary { display: flex; flex-wrap: wrap; gap: 2px var(--ib-space-3); padding: var(--ib-space-2) var(--ib-space-3); cursor: pointer; font-size: var(--ib-text-md); align-items: baseline; }
      summary { list-style: none; }
      summary::-webkit-details-marker { display: none; }
      summary::before { content: '▸'; color: var(--ib-text-muted); width: 1em; }
      details[open] > summary::before { content: '▾'; }
      summary:focus-visible { outline: 2px solid var(--ib-focus); outline-offset: -2px; }
      .time { color: var(--ib-text-muted); min-width: 11em; }
      .ticket { font-weight: 600; }
      .acted { color: var(--ib-success-text); font-weight: 600; }
      .skipped { color: var(--ib-text-muted); }
      .failed { color: var(--ib-danger); font-weight: 600; }
      .detail { padding: 0 var(--ib-space-3) var(--ib-space-3) calc(var(--ib-space-3) + 1.75em); }
      .detail h4 { margin: var(--ib-space-2) 0 0; font-size: var(--ib-text-sm); color: var(--ib-text-muted); text-transform: uppercase; letter-spacing: 0.04em; }
      .more { margin-top: var(--ib-space-3); }
      .open { display: inline-block; margin-top: var(--ib-space-1); color: var(--ib-accent); font-size: var(--ib-text-md); }
    `,
  ];
  declare ruleId: string;
  declare choices: ConditionChoices;
  private runs: AutomationRun[] | null = null;
  private only = '';
  private error = '';
  private loading = false;
  private done = false;

  constructor() {
    super();
    this.choices = noChoices();
  }

  protected willUpdate(changed: PropertyValues<this>) {
    if (changed.has('ruleId')) void this.load(true);
  }

  /** Reads the newest page (`fresh`) or the page before the last run shown. */
  async load(fresh = false) {
    if (this.loading) return;
    this.loading = true;
    this.requestUpdate();
    const q = new URLSearchParams({ ruleId: this.ruleId, limit: String(PAGE) });
    if (this.only) q.set('only', this.only);
    const last = fresh ? undefined : this.runs?.at(-1);
    if (last) q.set('before', last.createdAt);
    try {
      const page = runsOf(await rest<unknown>('GET', `/api/settings/automation/runs?${q}`));
      this.runs = fresh || !this.runs ? page : [...this.runs, ...page];
      this.done = page.length < PAGE;
      this.error = '';
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.loading = false;
      this.requestUpdate();
    }
  }

  private renderRun(r: AutomationRun) {
    const failed = failedText(r.actions);
    return html`<li><details>
      <summary>
        <time class="time" datetime=${r.createdAt}>${when.format(new Date(r.createdAt))}</time>
        <span class="ticket">#${r.ticketNumber}</span>
        <span>${r.event ? AUTOMATION_EVENT_LABELS[r.event] : 'On time'}${r.depth ? ` · after rule ${r.depth}` : ''}</span>
        ${r.error ? html`<span class="failed">Failed: ${r.error}</span>` : r.matched ? html`<span class="acted">Acted</span>` : html`<span class="skipped">Conditions not met</span>`}
        ${failed ? html`<span class="failed">${failed}</span>` : nothing}
      </summary>
      <div class="detail">
        <a class="open" href="/inbox/t/${encodeURIComponent(r.ticketId)}">Open ticket #${r.ticketNumber}</a>
        <h4>Conditions</h4>${renderTrace(r.trace, this.choices)}
        ${r.actions.length ? html`<h4>Actions</h4>${renderOutcomes(r.actions)}` : nothing}
      </div>
    </details></li>`;
  }

  render() {
    return html`<section class="card" aria-labelledby="runs-title">
      <div class="card-head">
        <div><h2 class="card-title" id="runs-title">Run log</h2>
          <p class="card-text">Each time the rule ran on a ticket, newest first. Open a run to see the conditions it checked and what each action did.</p></div>
        <ib-select size="sm" label="Show" .options=${FILTERS} .value=${live(this.only)} @ib-change=${(e: CustomEvent<{ value: string }>) => { this.only = e.detail.value; void this.load(true); }}></ib-select>
        <ib-button size="sm" @click=${() => void this.load(true)}>Refresh</ib-button>
      </div>
      ${this.error ? html`<div class="form-alert" role="alert"><span class="form-alert-text">The run log could not be loaded: ${this.error}</span></div>` : nothing}
      ${!this.runs
        ? html`<p role="status" class="card-text">Loading runs…</p>`
        : this.runs.length
          ? html`<ol class="runs" aria-label="Runs, newest first">${this.runs.map((r) => this.renderRun(r))}</ol>
              ${this.done ? nothing : html`<ib-button class="more" size="sm" .loading=${this.loading} @click=${() => void this.load()}>Show older runs</ib-button>`}`
          : html`<ib-empty level="3" icon="inbox" heading=${this.only ? 'No such run' : 'No run yet'}>${this.only ? 'Show all runs to see the others.' : 'The rule runs when one of its events happens on a ticket. Test it on a ticket above to see what it would do.'}</ib-empty>`}
    </section>`;
  }
}
customElements.define('ib-automation-runs', IbAutomationRuns);
