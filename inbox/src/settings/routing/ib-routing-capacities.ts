import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { routingCapacityFieldsSchema, type RoutingCapacity } from '@support/protocol';
import { rest } from '../../api.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { settingsCard } from '../settings-card.js';
import { issuesToErrors, saveFailure, type FieldErrors } from '../form/form-errors.js';
import { slaStyles } from '../sla/sla.styles.js';
import { wholeNumber, withNumbers } from './routing-data.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-empty/ib-empty.js';

/** A member's row as `GET /api/settings/routing/capacities` answers it. */
type Row = RoutingCapacity & { name: string; email: string };
type Edit = { chatCapacity: string; emailCapacity: string; errors: FieldErrors; saving: boolean };

const FIELDS = ['chatCapacity', 'emailCapacity'] as const;
const schema = withNumbers(routingCapacityFieldsSchema, [...FIELDS], 'Enter a whole number, or leave it empty for the team default');
const text = (n: number | null) => (n === null ? '' : String(n));

/**
 * The capacities page of the routing area: every active member with their chat and email
 * capacity (empty: their team's default), each row checked with the server's schema and saved
 * on its own (`PUT /api/settings/routing/capacities/:userId`; Enter in a field saves its row).
 * Properties: none. Events: none (toasts).
 */
export class IbRoutingCapacities extends LitElement {
  static styles = [
    controls,
    settingsCard,
    slaStyles,
    css`
      .grid-table .field { max-width: 140px; }
      .who { display: flex; flex-direction: column; min-width: 0; }
      .who .email { color: var(--ib-text-muted); font-size: var(--ib-text-sm); overflow-wrap: anywhere; font-weight: 400; }
      td.save { text-align: end; width: 1%; white-space: nowrap; }
      .wrap { overflow-x: auto; }
    `,
  ];
  private rows: Row[] | null = null;
  private edits = new Map<string, Edit>();
  private loadError = '';

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.rows = await rest<Row[]>('GET', '/api/settings/routing/capacities');
      this.edits = new Map(this.rows.map((r) => [r.userId, { chatCapacity: text(r.chatCapacity), emailCapacity: text(r.emailCapacity), errors: {}, saving: false }]));
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  private body(e: Edit) {
    return { chatCapacity: wholeNumber(e.chatCapacity), emailCapacity: wholeNumber(e.emailCapacity) };
  }

  private onInput(r: Row, field: (typeof FIELDS)[number], value: string) {
    const e = this.edits.get(r.userId)!;
    e[field] = value;
    // A shown error clears as soon as the value is right.
    if (e.errors[field]) {
      const check = schema.safeParse(this.body(e));
      e.errors = check.success ? {} : issuesToErrors(check.error.issues, FIELDS);
    }
    this.requestUpdate();
  }

  private async save(r: Row) {
    const e = this.edits.get(r.userId)!;
    if (e.saving) return;
    const check = schema.safeParse(this.body(e));
    if (!check.success) {
      e.errors = issuesToErrors(check.error.issues, FIELDS);
      this.requestUpdate();
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>(`tr[data-id="${r.userId}"] input[aria-invalid=true]`)?.focus();
      return;
    }
    e.saving = true;
    e.errors = {};
    this.requestUpdate();
    try {
      const saved = await rest<Row>('PUT', `/api/settings/routing/capacities/${r.userId}`, this.body(e));
      this.rows = this.rows!.map((x) => (x.userId === r.userId ? saved : x));
      e.chatCapacity = text(saved.chatCapacity);
      e.emailCapacity = text(saved.emailCapacity);
      toast(this, `Capacity of ${r.name} saved`);
    } catch (err) {
      const f = saveFailure(err, FIELDS);
      e.errors = f.errors;
      toast(this, `Not saved: ${f.message}`, 'error');
    } finally {
      e.saving = false;
      this.requestUpdate();
    }
  }

  private cell(r: Row, e: Edit, field: (typeof FIELDS)[number], label: string) {
    const err = e.errors[field];
    const errId = `${field}-${r.userId}-err`;
    return html`<td>
      <input class="field" inputmode="numeric" autocomplete="off" placeholder="Team default" aria-label="${label} for ${r.name}"
        aria-invalid=${err ? 'true' : 'false'} aria-describedby=${err ? errId : nothing} .value=${live(e[field])}
        @input=${(ev: Event) => this.onInput(r, field, (ev.target as HTMLInputElement).value)}
        @keydown=${(ev: KeyboardEvent) => ev.key === 'Enter' && void this.save(r)} />
      ${err ? html`<span class="issue" id=${errId}>${err}</span>` : nothing}
    </td>`;
  }

  render() {
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="The capacities could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.rows) return html`<p role="status" class="card-text">Loading members…</p>`;
    return html`<section class="card" aria-labelledby="cap-title">
      <h2 class="card-title" id="cap-title">Capacity per person</h2>
      <p class="card-text">The most chats and emails routing gives each person at once. Leave a field empty to use the default of their team’s policy.</p>
      ${this.rows.length
        ? html`<div class="wrap"><table class="grid-table">
            <caption class="visually-hidden">Capacity per person</caption>
            <thead><tr><th scope="col">Person</th><th scope="col">Chats</th><th scope="col">Emails</th><th scope="col"><span class="visually-hidden">Save</span></th></tr></thead>
            <tbody>${repeat(this.rows, (r) => r.userId, (r) => {
              const e = this.edits.get(r.userId)!;
              return html`<tr data-id=${r.userId}>
                <th scope="row"><span class="who"><span>${r.name}</span><span class="email">${r.email}</span></span></th>
                ${this.cell(r, e, 'chatCapacity', 'Chats')}
                ${this.cell(r, e, 'emailCapacity', 'Emails')}
                <td class="save"><ib-button .loading=${e.saving} label="Save capacity of ${r.name}" @click=${() => void this.save(r)}>Save</ib-button></td>
              </tr>`;
            })}</tbody>
          </table></div>`
        : html`<ib-empty heading="Nobody to route to yet" level="3" icon="inbox">Invite people in Settings → People; they appear here once they join.</ib-empty>`}
    </section>`;
  }
}

customElements.define('ib-routing-capacities', IbRoutingCapacities);
