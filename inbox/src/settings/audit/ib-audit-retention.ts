import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { workspaceUpdateSchema, type AuditRetention, type WorkspaceSettings } from '@support/protocol';
import { rest } from '../../api.js';
import { controls } from '../../styles/tokens.js';
import { FormController, formAlert } from '../form/form-controller.js';
import { settingsCard } from '../settings-card.js';
import { retentionDays, retentionLabel, retentionOptions, retentionValue } from '../retention.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';

/**
 * How long the workspace keeps its audit events. With `editable` (the member has
 * `settings.workspace`) a menu and Save (the workspace's settings route, with the version it
 * was loaded at); without, the retention in words.
 */
export class IbAuditRetention extends LitElement {
  static styles = [
    controls,
    settingsCard,
    css`
      form { display: flex; align-items: flex-end; flex-wrap: wrap; gap: var(--ib-space-3); }
      form ib-field { flex: 0 1 240px; }
      ib-select { width: 100%; }
      .form-alert { flex-basis: 100%; margin-top: 0; }
      .card-text { margin-bottom: var(--ib-space-3); }
      .card-text:last-child { margin-bottom: 0; }
    `,
  ];
  static properties = { editable: { type: Boolean }, days: { state: true }, loaded: { state: true } };
  declare editable: boolean;
  declare days: number | null;
  declare loaded: boolean;
  private readonly form = new FormController<{ auditRetentionDays: string }, WorkspaceSettings>(this, {
    schema: workspaceUpdateSchema,
    values: { auditRetentionDays: '365' },
    toBody: (v, updatedAt) => ({ auditRetentionDays: retentionDays(v.auditRetentionDays), ...(updatedAt ? { expectedUpdatedAt: updatedAt } : {}) }),
    save: (body) => rest<WorkspaceSettings>('PATCH', '/api/settings/workspace', body),
    saved: (w) => {
      this.days = w.auditRetentionDays;
      return { values: { auditRetentionDays: retentionValue(w.auditRetentionDays) }, updatedAt: w.updatedAt };
    },
  });

  constructor() {
    super();
    this.editable = false;
    this.days = null;
    this.loaded = false;
  }

  protected willUpdate(changed: Map<string, unknown>) {
    if (changed.has('editable')) void this.load();
  }

  private async load() {
    try {
      if (this.editable) {
        const w = await rest<WorkspaceSettings>('GET', '/api/settings/workspace');
        this.days = w.auditRetentionDays;
        this.form.reset({ auditRetentionDays: retentionValue(w.auditRetentionDays) }, w.updatedAt);
      } else this.days = (await rest<AuditRetention>('GET', '/api/settings/audit/retention')).days;
      this.loaded = true;
    } catch {
      this.loaded = false;
    }
  }

  render() {
    if (!this.loaded) return nothing;
    const f = this.form;
    const kept = this.days === null ? 'Audit events are kept for ever.' : `Audit events are kept for ${retentionLabel(this.days)}, then deleted.`;
    return html`<section class="card" aria-labelledby="retention-title">
      <h2 class="card-title" id="retention-title">Retention</h2>
      <p class="card-text retention-text">${kept} Export them first to keep them longer.</p>
      ${this.editable
        ? html`<form novalidate @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
            <ib-field label="Keep audit events" .error=${f.error('auditRetentionDays')}>
              <ib-select name="auditRetentionDays" .options=${retentionOptions(this.days)} .value=${live(f.values.auditRetentionDays)}></ib-select>
            </ib-field>
            <ib-button type="submit" variant="primary" .loading=${f.saving} ?disabled=${!f.dirty}>Save</ib-button>
            ${formAlert(f, () => void this.load())}
          </form>`
        : nothing}
    </section>`;
  }
}
customElements.define('ib-audit-retention', IbAuditRetention);
