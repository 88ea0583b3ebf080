import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { AUTOMATION_EVENT_LABELS, type AutomationEvent, type AutomationRuleTestResult } from '@support/protocol';
import { rest } from '../../api.js';
import { controls } from '../../styles/tokens.js';
import { outcomeStyles, renderOutcomes } from '../../lib/outcomes.js';
import { settingsCard } from '../settings-card.js';
import { slaStyles } from '../sla/sla.styles.js';
import { issuesToErrors, saveFailure } from '../form/form-errors.js';
import { RULES } from './ib-automation-list.js';
import { renderTrace, traceStyles } from './trace.js';
import type { AutomationData } from './rule-values.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';

/**
 * "Test on a ticket": the rule as the form stands (`body()`, saved or not) tried on a ticket
 * by its number (`POST /api/settings/automation/rules/test`), for one of its `events`: whether
 * it matched, each condition checked (held or not), and what each action would do. Nothing
 * changes on the ticket. Properties: `body` (a function giving the rule), `events`, `choices`.
 */
export class IbAutomationTest extends LitElement {
  static properties = { body: { attribute: false }, events: { attribute: false }, choices: { attribute: false } };
  static styles = [
    controls, settingsCard, slaStyles, outcomeStyles, traceStyles,
    css`
      form { display: flex; flex-wrap: wrap; gap: var(--ib-space-3); align-items: flex-start; }
      form ib-button { margin-top: 22px; }
      form ib-field:first-child { flex: 0 1 160px; }
      form ib-field { flex: 0 1 220px; }
      form ib-select, form .field { width: 100%; }
      .result { margin-top: var(--ib-space-4); padding: var(--ib-space-3); border-radius: var(--ib-radius); border: 1px solid var(--ib-border-muted); background: var(--ib-bg-canvas); }
      .verdict { margin: 0 0 var(--ib-space-2); font-weight: 600; font-size: var(--ib-text-base); }
      .verdict.yes { color: var(--ib-success-text); }
      h4 { margin: var(--ib-space-3) 0 0; font-size: var(--ib-text-md); }
      .safe { margin: var(--ib-space-3) 0 0; color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
    `,
  ];
  declare body: () => Record<string, unknown>;
  declare events: AutomationEvent[];
  declare choices: AutomationData;
  private number = '';
  private event = '';
  private busy = false;
  private error = '';
  private numberError = '';
  private result: AutomationRuleTestResult | null = null;

  constructor() {
    super();
    this.events = [];
  }

  private async run(e: Event) {
    e.preventDefault();
    const n = Number(this.number.trim());
    if (!/^\d+$/.test(this.number.trim()) || n < 1) {
      this.numberError = 'Enter a ticket number, such as 42';
      this.error = '';
      this.result = null;
      this.requestUpdate();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('input[name=ticket]')?.focus();
      return;
    }
    this.busy = true;
    this.error = this.numberError = '';
    this.requestUpdate();
    const event = this.events.includes(this.event as AutomationEvent) ? this.event : this.events[0];
    try {
      this.result = await rest<AutomationRuleTestResult>('POST', `${RULES}/test`, { rule: this.body(), ticketNumber: n, ...(event ? { event } : {}) });
    } catch (err) {
      const f = saveFailure(err, []);
      const d = (err as { details?: { issues?: { path: string; message: string }[] } }).details;
      if ((err as { code?: string }).code === 'NOT_FOUND') this.numberError = `There is no ticket #${n}`;
      else this.error = d?.issues ? `The rule is not complete: ${Object.values(issuesToErrors(d.issues, [])).join('; ')}` : f.message;
      this.result = null;
    } finally {
      this.busy = false;
      this.requestUpdate();
    }
  }

  private renderResult(r: AutomationRuleTestResult) {
    return html`<div class="result" role="status">
      <p class="verdict ${r.matched ? 'yes' : 'no'}">Ticket #${r.ticketNumber}${r.event ? html` on “${AUTOMATION_EVENT_LABELS[r.event]}”` : nothing}: ${r.matched ? 'the rule matches' : 'the rule does not match'}</p>
      <h4>Conditions</h4>
      ${renderTrace(r.trace, this.choices.conditions)}
      ${r.matched ? html`<h4>What it would do</h4>${renderOutcomes(r.actions, 'What each action would do')}` : nothing}
      <p class="safe">A test changes nothing on the ticket.</p>
    </div>`;
  }

  render() {
    const options = this.events.map((e) => ({ value: e, label: AUTOMATION_EVENT_LABELS[e] }));
    return html`<section class="card" aria-labelledby="test-title">
      <h2 class="card-title" id="test-title">Test on a ticket</h2>
      <p class="card-text">Try the rule as it stands in the form, saved or not, on a real ticket: see which conditions hold and what each action would do. Nothing is changed.</p>
      <form novalidate @submit=${this.run}>
        <ib-field label="Ticket number" hint="As in #42" .error=${this.numberError}>
          <input class="field" name="ticket" inputmode="numeric" autocomplete="off" .value=${live(this.number)}
            @input=${(e: Event) => (this.number = (e.target as HTMLInputElement).value)} /></ib-field>
        ${options.length > 1
          ? html`<ib-field label="Event"><ib-select .options=${options} .value=${live(this.event || options[0]!.value)} @ib-change=${(e: CustomEvent<{ value: string }>) => (this.event = e.detail.value)}></ib-select></ib-field>`
          : nothing}
        <ib-button type="submit" .loading=${this.busy}>Test</ib-button>
      </form>
      ${this.error ? html`<div class="form-alert" role="alert"><span class="form-alert-text">${this.error}</span></div>` : nothing}
      ${this.result ? this.renderResult(this.result) : nothing}
    </section>`;
  }
}
customElements.define('ib-automation-test', IbAutomationTest);
