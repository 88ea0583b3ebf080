import { LitElement, css, html, nothing } from 'lit';
import type { Agent, CalendarRecord, InboxSummary, Team } from '@support/protocol';
import { call, rest } from '../../api.js';
import { store } from '../../store.js';
import { settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';
import type { RoutingData } from './routing-data.js';
import './ib-routing-policies.js';
import './ib-routing-capacities.js';
import './ib-routing-rules.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-empty/ib-empty.js';

const PAGES = [
  { id: null, label: 'Policies' },
  { id: 'capacities', label: 'Capacities' },
  { id: 'rules', label: 'Rules' },
] as const;

/**
 * The routing area (`settings.workflow`): `/inbox/settings/routing` holds the policy of each
 * team and inbox, `…/routing/capacities` each member's capacity, `…/routing/rules` the rules
 * (`…/routing/new-rule` and `…/routing/<rtr_…>` edit one). Reads the teams, inboxes, members and
 * calendars the pages choose from once and hands them down. Properties: `agent`, `itemId`.
 * Events: `ib-navigate` (from the links).
 */
export class IbSettingsRouting extends LitElement {
  static properties = { agent: { attribute: false }, itemId: { attribute: false } };
  static styles = [
    controls,
    settingsCard,
    css`
      .tabs { display: flex; gap: var(--ib-space-1); margin: 0 0 var(--ib-space-4); padding: 0; list-style: none; border-bottom: 1px solid var(--ib-border-muted); }
      .tabs a {
        display: inline-block; padding: var(--ib-space-2) var(--ib-space-3); color: var(--ib-text-muted); font-size: var(--ib-text-md); font-weight: 500;
        text-decoration: none; border-bottom: 2px solid transparent; margin-bottom: -1px; border-radius: var(--ib-radius) var(--ib-radius) 0 0;
      }
      .tabs a:hover { color: var(--ib-text); }
      .tabs a[aria-current='page'] { color: var(--ib-text); border-bottom-color: var(--ib-accent); font-weight: 600; }
      .tabs a:focus-visible { outline: 2px solid var(--ib-focus); outline-offset: -2px; }
    `,
  ];
  declare agent: Agent | null;
  declare itemId: string | null;
  private data: RoutingData | null = null;
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
      const [teams, inboxes, agents, calendars] = await Promise.all([
        s ? call(s, 'teams:list', {}) : Promise.resolve(store.teams as Team[]),
        s ? call(s, 'inboxes:list', {}) : Promise.resolve(store.inboxes as InboxSummary[]),
        s ? call(s, 'agents:list', {}) : Promise.resolve([...store.agents.values()] as Agent[]),
        rest<CalendarRecord[]>('GET', '/api/settings/calendars'),
      ]);
      const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
      this.data = {
        teams: byName(teams.map((t) => ({ id: t.id, name: t.name }))),
        inboxes: byName(inboxes.map((i) => ({ id: i.id, name: i.name }))),
        agents: byName(agents.map((a) => ({ id: a.id, name: a.name }))),
        calendars: byName(calendars.map((c) => ({ id: c.id, name: c.name }))),
      };
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  /** Which page the URL names: a rule's id or `new-rule` belong to the rules. */
  private get page(): 'policies' | 'capacities' | 'rules' {
    if (this.itemId === 'capacities') return 'capacities';
    if (this.itemId === 'rules' || this.itemId === 'new-rule' || this.itemId?.startsWith('rtr_')) return 'rules';
    return 'policies';
  }

  private renderPage() {
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="Routing settings could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.data) return html`<p role="status" class="card-text">Loading routing settings…</p>`;
    switch (this.page) {
      case 'capacities':
        return html`<ib-routing-capacities></ib-routing-capacities>`;
      case 'rules':
        return html`<ib-routing-rules .data=${this.data} .itemId=${this.itemId}></ib-routing-rules>`;
      default:
        return html`<ib-routing-policies .data=${this.data}></ib-routing-policies>`;
    }
  }

  render() {
    const page = this.page;
    return html`<nav aria-label="Routing settings">
        <ul class="tabs">
          ${PAGES.map((p) => {
            const here = (p.id ?? 'policies') === page;
            return html`<li><a href=${settingsUrl('routing', p.id)} aria-current=${here ? 'page' : nothing}>${p.label}</a></li>`;
          })}
        </ul>
      </nav>
      ${this.renderPage()}`;
  }
}

customElements.define('ib-settings-routing', IbSettingsRouting);
