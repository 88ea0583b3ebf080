import { LitElement, html } from 'lit';
import type { Agent, AutomationRule, CalendarRecord, InboxSummary } from '@support/protocol';
import { call, rest } from '../../api.js';
import { store } from '../../store.js';
import { settingsUrl } from '../../lib/route.js';
import { loadActionChoices } from '../../lib/action-choices.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';
import { RULES } from './ib-automation-list.js';
import type { AutomationData } from './rule-values.js';
import './ib-automation-list.js';
import './ib-automation-editor.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-empty/ib-empty.js';

/**
 * The automation area (`settings.workflow`): `/inbox/settings/automation` lists the rules in
 * the order they run; `…/automation/new` creates one and `…/automation/<aur_…>` edits one (with
 * its test panel and run log). Reads the rules and what the builders choose from (teams,
 * members, SLA policies, inboxes, calendars) once. Properties: `agent`, `itemId`.
 */
export class IbSettingsAutomation extends LitElement {
  static properties = { agent: { attribute: false }, itemId: { attribute: false } };
  static styles = [controls, settingsCard];
  declare agent: Agent | null;
  declare itemId: string | null;
  private rules: AutomationRule[] | null = null;
  private data: AutomationData | null = null;
  private loadError = '';

  constructor() {
    super();
    this.agent = null;
    this.itemId = null;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    const s = store.socket;
    try {
      const [rules, actions, inboxes, calendars] = await Promise.all([
        rest<AutomationRule[]>('GET', RULES),
        loadActionChoices(),
        s ? call(s, 'inboxes:list', {}) : Promise.resolve(store.inboxes as InboxSummary[]),
        rest<CalendarRecord[]>('GET', '/api/settings/calendars').catch(() => [] as CalendarRecord[]),
      ]);
      const named = (xs: { id: string; name: string }[]) => xs.map((x) => ({ id: x.id, name: x.name })).sort((a, b) => a.name.localeCompare(b.name));
      this.rules = rules;
      this.data = { actions, conditions: { inbox: named(inboxes), team: actions.teams, user: actions.agents, calendar: named(calendars) } };
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  private saved(r: AutomationRule) {
    this.rules = [...this.rules!.filter((x) => x.id !== r.id), r].sort((a, b) => a.position - b.position);
    this.requestUpdate();
  }

  render() {
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="Automation could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.rules || !this.data) return html`<p role="status" class="card-text">Loading automation rules…</p>`;
    if (!this.itemId)
      return html`<ib-automation-list .rules=${this.rules} .data=${this.data}
        @ib-rules-change=${(e: CustomEvent<{ rules: AutomationRule[] }>) => (this.rules = e.detail.rules)}></ib-automation-list>`;
    const rule = this.rules.find((r) => r.id === this.itemId) ?? null;
    if (this.itemId !== 'new' && !rule)
      return html`<ib-empty icon="missing" heading="There is no such rule">It may have been deleted.
        <ib-button slot="actions" href=${settingsUrl('automation')}>All rules</ib-button></ib-empty>`;
    return html`<ib-automation-editor .rule=${rule} .data=${this.data}
      @ib-rule-saved=${(e: CustomEvent<{ rule: AutomationRule }>) => this.saved(e.detail.rule)}
      @ib-rule-deleted=${(e: CustomEvent<{ id: string }>) => { this.rules = this.rules!.filter((r) => r.id !== e.detail.id); this.requestUpdate(); }}
      @ib-reload=${() => void this.load()}></ib-automation-editor>`;
  }
}
customElements.define('ib-settings-automation', IbSettingsAutomation);
