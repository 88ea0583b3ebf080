import { LitElement, html, nothing } from 'lit';
import type { Agent, Macro } from '@support/protocol';
import { rest } from '../../api.js';
import { settingsUrl } from '../../lib/route.js';
import { loadActionChoices, nameOf, type ActionChoices } from '../../lib/action-choices.js';
import { describeAction } from '../../components/ib-action-builder/actions.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';
import { peopleStyles } from '../people/people-ui.js';
import { slaStyles } from '../sla/sla.styles.js';
import { MACROS, SHARING_TEXT } from './ib-macro-editor.js';
import './ib-macro-editor.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-empty/ib-empty.js';

/**
 * The macros area (any member who works tickets): `/inbox/settings/macros` lists the macros
 * the member may apply (their own, their teams', the workspace's) with who can use them,
 * their actions in words and how often they were used; `…/macros/new` creates one and
 * `…/macros/<mac_…>` edits one (their own, or any with settings.workflow; the others are
 * shown, not linked). Properties: `agent`, `permissions`, `itemId`.
 */
export class IbSettingsMacros extends LitElement {
  static properties = { agent: { attribute: false }, permissions: { attribute: false }, itemId: { attribute: false } };
  static styles = [controls, settingsCard, peopleStyles, slaStyles];
  declare agent: Agent | null;
  declare permissions: readonly string[];
  declare itemId: string | null;
  private macros: Macro[] | null = null;
  private choices: ActionChoices | null = null;
  private loadError = '';

  constructor() {
    super();
    this.agent = null;
    this.permissions = [];
    this.itemId = null;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private get admin(): boolean {
    return this.permissions.includes('settings.workflow');
  }

  private async load() {
    try {
      const [macros, choices] = await Promise.all([rest<Macro[]>('GET', MACROS), loadActionChoices()]);
      this.macros = [...macros].sort((a, b) => a.name.localeCompare(b.name));
      this.choices = choices;
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  private editable(m: Macro): boolean {
    return this.admin || (!!this.agent && m.ownerId === this.agent.id);
  }

  private sharing(m: Macro): string {
    if (m.sharing === 'team') return `Team ${nameOf(this.choices!.teams, m.teamId, 'removed')}`;
    return m.sharing === 'personal' ? (m.ownerId === this.agent?.id ? 'Only you' : 'Personal') : SHARING_TEXT.workspace;
  }

  private renderList(macros: Macro[]) {
    const newButton = html`<ib-button variant="primary" href=${settingsUrl('macros', 'new')}>New macro</ib-button>`;
    return html`<section class="card" aria-labelledby="macros-title">
      <div class="card-head">
        <div><h2 class="card-title" id="macros-title">Macros</h2>
          <p class="card-text">The macros you can apply to a ticket from its “Macros” menu.</p></div>
        ${macros.length ? newButton : nothing}
      </div>
      ${macros.length
        ? html`<ul class="items" aria-label="Macros">${macros.map(
            (m) => html`<li>
              <div class="main">
                ${this.editable(m) ? html`<a href=${settingsUrl('macros', m.id)}>${m.name}</a>` : html`<strong>${m.name}</strong>`}
                ${m.description ? html`<span class="sub">${m.description}</span>` : nothing}
                <span class="sub">${m.actions.map((a) => describeAction(a, this.choices!)).join(' · ')}</span>
              </div>
              <div class="actions"><span class="sub">${this.sharing(m)} · ${m.usageCount ? `used ${m.usageCount} ${m.usageCount === 1 ? 'time' : 'times'}` : 'never used'}</span></div>
            </li>`,
          )}</ul>`
        : html`<ib-empty heading="No macros yet" level="3" icon="inbox">A macro does several things to a ticket in one click: reply with the refund policy, tag it refund and set it pending, for example.
            <ib-button slot="actions" variant="primary" href=${settingsUrl('macros', 'new')}>New macro</ib-button></ib-empty>`}
    </section>`;
  }

  render() {
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="Macros could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.macros || !this.choices) return html`<p role="status" class="card-text">Loading macros…</p>`;
    if (!this.itemId) return this.renderList(this.macros);
    const macro = this.macros.find((m) => m.id === this.itemId) ?? null;
    if (this.itemId !== 'new' && !macro)
      return html`<ib-empty icon="missing" heading="There is no such macro">It may have been deleted, or it is not shared with you.
        <ib-button slot="actions" href=${settingsUrl('macros')}>All macros</ib-button></ib-empty>`;
    return html`<ib-macro-editor .macro=${macro} .choices=${this.choices} .canShare=${this.admin}
      @ib-macro-saved=${(e: CustomEvent<{ macro: Macro }>) => { this.macros = [...this.macros!.filter((x) => x.id !== e.detail.macro.id), e.detail.macro].sort((a, b) => a.name.localeCompare(b.name)); this.requestUpdate(); }}
      @ib-macro-deleted=${(e: CustomEvent<{ id: string }>) => { this.macros = this.macros!.filter((x) => x.id !== e.detail.id); this.requestUpdate(); }}
      @ib-reload=${() => void this.load()}></ib-macro-editor>`;
  }
}
customElements.define('ib-settings-macros', IbSettingsMacros);
