import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { AUTOMATION_EVENT_LABELS, type AutomationRule } from '@support/protocol';
import { ApiError, rest } from '../../api.js';
import { settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { settingsCard } from '../settings-card.js';
import { STALE_MESSAGE } from '../form/form-errors.js';
import { peopleStyles } from '../people/people-ui.js';
import { slaStyles } from '../sla/sla.styles.js';
import { describeCondition } from '../sla/condition-text.js';
import { describeAction } from '../../components/ib-action-builder/actions.js';
import { agoText, type AutomationData } from './rule-values.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-empty/ib-empty.js';

export const RULES = '/api/settings/automation/rules';
const up = html`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M8 13V3M3.5 7.5L8 3l4.5 4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
const down = html`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M8 3v10M3.5 8.5L8 13l4.5-4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
const grip = html`<svg width="12" height="16" viewBox="0 0 12 16" fill="currentColor" aria-hidden="true"><circle cx="4" cy="3" r="1.3"/><circle cx="8" cy="3" r="1.3"/><circle cx="4" cy="8" r="1.3"/><circle cx="8" cy="8" r="1.3"/><circle cx="4" cy="13" r="1.3"/><circle cx="8" cy="13" r="1.3"/></svg>`;

/**
 * The automation rules in the order they run: each with what it listens to, its conditions
 * and actions in words, its counts (runs, matches, errors, last run), a switch (saved at once)
 * and a way to reorder it — drag it by its grip, or its Move up / Move down buttons by
 * keyboard (focus stays on the button pressed). Properties: `rules`, `data`.
 * Events: `ib-rules-change` (`detail: { rules }`) after a saved change.
 */
export class IbAutomationList extends LitElement {
  static properties = { rules: { attribute: false }, data: { attribute: false } };
  static styles = [
    controls, settingsCard, peopleStyles, slaStyles,
    css`
      .card-head > div { flex: 1 1 320px; }
      .items > li.dragging { opacity: 0.5; }
      .items > li.over { box-shadow: inset 0 2px 0 var(--ib-accent); }
      .grip { flex: none; color: var(--ib-text-muted); cursor: grab; padding: 4px 2px; }
      .counts { display: flex; flex-wrap: wrap; gap: 2px var(--ib-space-3); color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
      .counts .errors { color: var(--ib-danger); font-weight: 600; }
      .off .main a { color: var(--ib-text-muted); }
      @media (max-width: 560px) { .items > li { flex-wrap: wrap; } .items .actions { width: 100%; justify-content: flex-end; } .grip { display: none; } }
    `,
  ];
  declare rules: AutomationRule[];
  declare data: AutomationData;
  private busy = new Set<string>();
  private dragId: string | null = null;
  private overId: string | null = null;

  private emit(rules: AutomationRule[]) {
    this.rules = rules;
    this.dispatchEvent(new CustomEvent('ib-rules-change', { detail: { rules }, bubbles: true, composed: true }));
  }

  private async toggle(r: AutomationRule, enabled: boolean) {
    if (this.busy.has(r.id)) return;
    this.busy.add(r.id);
    this.requestUpdate();
    try {
      const saved = await rest<AutomationRule>('PATCH', `${RULES}/${r.id}`, { enabled, expectedUpdatedAt: r.updatedAt });
      this.emit(this.rules.map((x) => (x.id === r.id ? saved : x)));
      toast(this, `Rule ${r.name} ${enabled ? 'on' : 'off'}`);
    } catch (err) {
      toast(this, `Not saved: ${err instanceof ApiError && err.code === 'STALE' ? STALE_MESSAGE : (err as Error).message}`, 'error');
      this.emit(await rest<AutomationRule[]>('GET', RULES).catch(() => this.rules));
    } finally {
      this.busy.delete(r.id);
      this.requestUpdate();
    }
  }

  /** Puts rule `id` at index `to` and saves the order; `focus` the button to keep focus on afterwards. */
  private async moveTo(id: string, to: number, focus?: 'up' | 'down') {
    const list = [...this.rules];
    const from = list.findIndex((x) => x.id === id);
    if (from < 0 || to < 0 || to >= list.length || from === to || this.busy.size) return;
    const [r] = list.splice(from, 1);
    list.splice(to, 0, r!);
    const before = this.rules;
    this.rules = list.map((x, k) => ({ ...x, position: k + 1 }));
    this.busy.add(id);
    this.requestUpdate();
    if (focus) {
      await this.updateComplete;
      const end = to === 0 || to === list.length - 1;
      const which = end ? (focus === 'up' ? 'down' : 'up') : focus;
      this.renderRoot.querySelector<HTMLElement>(`li[data-id="${id}"] ib-button.${which}`)?.focus();
    }
    try {
      this.emit(await rest<AutomationRule[]>('PUT', `${RULES}/order`, { ids: list.map((x) => x.id) }));
      toast(this, `${r!.name} moved ${to < from ? 'up' : 'down'}: now runs ${to + 1} of ${list.length}`);
    } catch (err) {
      this.rules = before;
      toast(this, `Order not saved: ${(err as Error).message}`, 'error');
    } finally {
      this.busy.delete(id);
      this.requestUpdate();
    }
  }

  private onDrop(e: DragEvent, target: AutomationRule) {
    e.preventDefault();
    const id = this.dragId;
    this.dragId = this.overId = null;
    this.requestUpdate();
    if (id && id !== target.id) void this.moveTo(id, this.rules.findIndex((x) => x.id === target.id));
  }

  private onDragOver(e: DragEvent, r: AutomationRule) {
    if (!this.dragId) return;
    e.preventDefault();
    if (this.overId !== r.id) {
      this.overId = r.id;
      this.requestUpdate();
    }
  }

  private renderRule(r: AutomationRule, i: number, n: number) {
    const what = r.trigger === 'time' ? 'On time' : r.events.map((e) => AUTOMATION_EVENT_LABELS[e]).join(', ');
    return html`<li data-id=${r.id} class="${r.enabled ? '' : 'off'} ${this.dragId === r.id ? 'dragging' : ''} ${this.overId === r.id && this.dragId !== r.id ? 'over' : ''}"
      draggable="true" @dragstart=${(e: DragEvent) => { this.dragId = r.id; e.dataTransfer?.setData('text/plain', r.id); this.requestUpdate(); }}
      @dragend=${() => { this.dragId = this.overId = null; this.requestUpdate(); }}
      @dragover=${(e: DragEvent) => this.onDragOver(e, r)} @drop=${(e: DragEvent) => this.onDrop(e, r)}>
      <span class="grip" title="Drag to reorder">${grip}</span>
      <span class="pos" aria-hidden="true">${i + 1}</span>
      <div class="main">
        <a href=${settingsUrl('automation', r.id)}>${r.name}</a>
        ${r.description ? html`<span class="sub">${r.description}</span>` : nothing}
        <span class="sub">${what} · ${describeCondition(r.conditions, this.data.conditions)}</span>
        <span class="sub">${r.actions.map((a) => describeAction(a, this.data.actions)).join(' · ')}</span>
        <span class="counts">
          <span>Ran ${r.runCount}</span><span>Matched ${r.matchCount}</span>
          <span class=${r.errorCount ? 'errors' : ''}>${r.errorCount} ${r.errorCount === 1 ? 'error' : 'errors'}</span>
          <span>${r.lastRunAt ? html`Last run <time datetime=${r.lastRunAt} title=${r.lastRunAt}>${agoText(r.lastRunAt)}</time>` : 'Never run'}</span>
        </span>
      </div>
      <div class="actions">
        <label class="switch-label"><input type="checkbox" role="switch" class="switch" aria-label="${r.name} on"
          .checked=${live(r.enabled)} ?disabled=${this.busy.has(r.id)} @change=${(e: Event) => void this.toggle(r, (e.target as HTMLInputElement).checked)} />
          <span aria-hidden="true">${r.enabled ? 'On' : 'Off'}</span></label>
        <ib-button class="up" icon size="sm" variant="ghost" label="Move ${r.name} up" ?disabled=${i === 0} @click=${() => void this.moveTo(r.id, i - 1, 'up')}>${up}</ib-button>
        <ib-button class="down" icon size="sm" variant="ghost" label="Move ${r.name} down" ?disabled=${i === n - 1} @click=${() => void this.moveTo(r.id, i + 1, 'down')}>${down}</ib-button>
      </div>
    </li>`;
  }

  render() {
    const rules = this.rules;
    const newButton = html`<ib-button variant="primary" href=${settingsUrl('automation', 'new')}>New rule</ib-button>`;
    return html`<section class="card" aria-labelledby="rules-title">
      <div class="card-head">
        <div><h2 class="card-title" id="rules-title">Rules</h2>
          <p class="card-text">Every rule that is on runs on the events it listens to, from the top; a rule sees what the rules above it changed. Drag a rule, or use its arrows, to change the order.</p></div>
        ${rules.length ? newButton : nothing}
      </div>
      ${rules.length
        ? html`<ol class="items" aria-label="Rules, in the order they run">${repeat(rules, (r) => r.id, (r, i) => this.renderRule(r, i, rules.length))}</ol>`
        : html`<ib-empty heading="No automation rules yet" level="3" icon="inbox">Rules do the routine work: tag refund requests, raise the priority of VIP customers, remind the assignee of a ticket waiting for a day. Create one, then test it on a ticket before switching it on.
            <ib-button slot="actions" variant="primary" href=${settingsUrl('automation', 'new')}>New rule</ib-button></ib-empty>`}
    </section>`;
  }
}
customElements.define('ib-automation-list', IbAutomationList);
