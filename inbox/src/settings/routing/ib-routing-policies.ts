import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { RoutingPolicy } from '@support/protocol';
import { rest } from '../../api.js';
import { settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';
import { MODES } from './ib-routing-policy.js';
import type { RoutingData } from './routing-data.js';
import './ib-routing-policy.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-empty/ib-empty.js';

/**
 * The policies page of the routing area: what each mode does, then one card per team and one
 * per inbox (`ib-routing-policy`), each saved on its own. Properties: `data` (RoutingData).
 */
export class IbRoutingPolicies extends LitElement {
  static properties = { data: { attribute: false } };
  static styles = [
    controls,
    settingsCard,
    css`
      .modes { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: var(--ib-space-1) var(--ib-space-4); font-size: var(--ib-text-md); }
      .modes dt { font-weight: 600; }
      .modes dd { margin: 0; color: var(--ib-text-muted); }
      h2.group { margin: var(--ib-space-6) 0 var(--ib-space-3); font-size: var(--ib-text-base); font-weight: 600; }
      ib-routing-policy + ib-routing-policy { display: block; margin-top: var(--ib-space-4); }
      @media (max-width: 560px) { .modes { grid-template-columns: 1fr; } .modes dd { margin-bottom: var(--ib-space-2); } }
    `,
  ];
  declare data: RoutingData;
  private policies: RoutingPolicy[] | null = null;
  private loadError = '';

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.policies = await rest<RoutingPolicy[]>('GET', '/api/settings/routing/policies');
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  render() {
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="The policies could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.policies) return html`<p role="status" class="card-text">Loading policies…</p>`;
    const { teams, inboxes, calendars } = this.data;
    const of = (key: 'teamId' | 'inboxId', id: string) => this.policies!.find((p) => p[key] === id) ?? null;
    return html`<section class="card" aria-labelledby="modes-title">
        <h2 class="card-title" id="modes-title">How tickets are given out</h2>
        <p class="card-text">Each team has a policy for its tickets; an inbox’s policy covers its tickets that have no team. Without one, tickets are assigned by hand.</p>
        <dl class="modes">${MODES.map((m) => html`<dt>${m.label}</dt><dd>${m.hint}</dd>`)}</dl>
      </section>
      <h2 class="group">Teams</h2>
      ${teams.length
        ? repeat(teams, (t) => t.id, (t) => html`<ib-routing-policy .target=${{ teamId: t.id }} .name=${t.name} kind="Team" .policy=${of('teamId', t.id)} .calendars=${calendars}></ib-routing-policy>`)
        : html`<ib-empty heading="No teams yet" level="3" icon="inbox">Create a team and add its members, then come back to choose how its tickets are given out.
            <ib-button slot="actions" href=${settingsUrl('teams', 'new')}>New team</ib-button></ib-empty>`}
      <h2 class="group">Inboxes</h2>
      ${inboxes.length
        ? repeat(inboxes, (i) => i.id, (i) => html`<ib-routing-policy .target=${{ inboxId: i.id }} .name=${i.name} kind="Inbox" .policy=${of('inboxId', i.id)} .calendars=${calendars}></ib-routing-policy>`)
        : html`<ib-empty heading="No inboxes yet" level="3" icon="inbox">Create a chat or email inbox first; its tickets without a team are routed by its policy.
            <ib-button slot="actions" href=${settingsUrl('inboxes')}>Inboxes</ib-button></ib-empty>`}`;
  }
}

customElements.define('ib-routing-policies', IbRoutingPolicies);
