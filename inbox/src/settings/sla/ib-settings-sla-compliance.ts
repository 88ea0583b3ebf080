import { LitElement, html } from 'lit';
import { live } from 'lit/directives/live.js';
import { slaComplianceQuerySchema, type Agent, type SlaComplianceRow } from '@support/protocol';
import { rest } from '../../api.js';
import { controls } from '../../styles/tokens.js';
import type { TableColumn } from '../../components/ib-table/ib-table.js';
import { settingsCard } from '../settings-card.js';
import { slaStyles } from './sla.styles.js';
import { METRICS } from './policy-form.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';
import '../../components/ib-table/ib-table.js';

type GroupBy = 'policy' | 'team' | 'agent';
const GROUPS: { value: GroupBy; label: string }[] = [
  { value: 'policy', label: 'Policy' },
  { value: 'team', label: 'Team' },
  { value: 'agent', label: 'Agent' },
];

/** A local date "YYYY-MM-DD" `days` before today. */
function day(daysAgo: number): string {
  const d = new Date();
  d.setDate(d.getDate() - daysAgo);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The start of a local date, as an ISO instant; `next` the start of the day after (the range ends at the end of `to`). */
function instant(date: string, next = false): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + (next ? 1 : 0)).toISOString();
}

const percent = (met: number, breached: number) => (met + breached ? `${Math.round((met / (met + breached)) * 1000) / 10}%` : '—');

/**
 * The SLA compliance area (`/inbox/settings/sla-compliance`, `reports.read`): of the targets
 * decided in a date range (the last 30 days at first), how many were met and breached and the
 * share met, per policy, team or agent, with the same per metric (`GET /api/sla/compliance`).
 * Properties: `agent`, `itemId` (unused). Events: none.
 */
export class IbSettingsSlaCompliance extends LitElement {
  static styles = [controls, settingsCard, slaStyles];
  static properties = { agent: { attribute: false }, itemId: { attribute: false } };
  declare agent: Agent | null;
  declare itemId: string | null;
  private from = day(29);
  private to = day(0);
  private groupBy: GroupBy = 'policy';
  private rows: SlaComplianceRow[] | null = null;
  private error = '';
  private rangeError = '';
  private seq = 0;

  constructor() {
    super();
    this.agent = null;
    this.itemId = null;
  }

  connectedCallback() {
    super.connectedCallback();
    // Seven columns need the room (the settings shell widens a page marked so).
    this.toggleAttribute('wide', true);
    void this.load();
  }

  private async load() {
    const query = { from: this.from ? instant(this.from) : '', to: this.to ? instant(this.to, true) : '', groupBy: this.groupBy };
    const check = slaComplianceQuerySchema.safeParse(query);
    this.rangeError = check.success ? '' : 'Choose a start date before the end date, at most a year apart.';
    if (!check.success) return this.requestUpdate();
    const n = ++this.seq;
    try {
      const rows = await rest<SlaComplianceRow[]>('GET', `/api/sla/compliance?${new URLSearchParams(query)}`);
      if (n !== this.seq) return;
      this.rows = rows;
      this.error = '';
    } catch (err) {
      if (n !== this.seq) return;
      this.error = (err as Error).message;
    }
    this.requestUpdate();
  }

  private columns(): TableColumn<SlaComplianceRow>[] {
    const label = GROUPS.find((g) => g.value === this.groupBy)!.label;
    return [
      { key: 'name', label, sortable: true, rowHeader: true, render: (r) => html`<span>${r.name}</span>` },
      { key: 'met', label: 'Met', sortable: true, align: 'end' },
      { key: 'breached', label: 'Breached', sortable: true, align: 'end' },
      { key: 'share', label: 'Met share', sortable: true, align: 'end', sortValue: (r) => r.share,
        render: (r) => html`<strong>${r.share === null ? '—' : `${Math.round(r.share * 1000) / 10}%`}</strong>` },
      ...METRICS.map(([m, name]) => ({
        key: m, label: name, align: 'end' as const, sortable: true,
        sortValue: (r: SlaComplianceRow) => { const x = r.byMetric[m]; return x.met + x.breached ? x.met / (x.met + x.breached) : null; },
        render: (r: SlaComplianceRow) => { const x = r.byMetric[m]; return html`<span>${percent(x.met, x.breached)}</span><span class="sub">${x.met} of ${x.met + x.breached}</span>`; },
      })),
    ];
  }

  render() {
    const rows = this.rows;
    return html`<section class="card" aria-labelledby="compliance-title">
      <h2 class="card-title" id="compliance-title">Targets met</h2>
      <p class="card-text">Each target counts once decided: met in time, or breached. Times are in your browser’s time zone.</p>
      <div class="row-fields" style="margin-bottom:var(--ib-space-4)">
        <ib-field label="From" .error=${this.rangeError}><input class="field" type="date" .value=${live(this.from)}
          @change=${(e: Event) => { this.from = (e.target as HTMLInputElement).value; void this.load(); }} /></ib-field>
        <ib-field label="To"><input class="field" type="date" .value=${live(this.to)}
          @change=${(e: Event) => { this.to = (e.target as HTMLInputElement).value; void this.load(); }} /></ib-field>
        <ib-field label="Group by"><ib-select .options=${GROUPS} .value=${live(this.groupBy)}
          @ib-change=${(e: CustomEvent<{ value: GroupBy }>) => { this.groupBy = e.detail.value; void this.load(); }}></ib-select></ib-field>
      </div>
      ${this.error
        ? html`<ib-empty icon="missing" heading="Compliance could not be loaded" level="3">${this.error}</ib-empty>`
        : rows === null
          ? html`<p class="muted" role="status">Loading…</p>`
          : rows.length
            ? html`<ib-table label="SLA compliance by ${this.groupBy}" .columns=${this.columns()} .rows=${rows} .rowKey=${(r: SlaComplianceRow) => r.key ?? '-'}></ib-table>`
            : html`<ib-empty heading="No targets decided in this range" level="3" icon="search">Targets count here once met or breached. Choose a longer range, or turn on an SLA policy in <a href="/inbox/settings/sla-policies">SLA policies</a>.</ib-empty>`}
    </section>`;
  }
}
customElements.define('ib-settings-sla-compliance', IbSettingsSlaCompliance);
