import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { AUTOMATION_ACTION_LABELS, AUTOMATION_ACTION_TYPES, MAX_ACTIONS, type AutomationActionType } from '@support/protocol';
import { controls } from '../../styles/tokens.js';
import { closeIcon } from '../../lib/icons.js';
import { noActionChoices, type ActionChoices } from '../../lib/named.js';
import { actionIssues, newAction, type ActionDraft } from './actions.js';
import { actionFields } from './action-fields.js';
import '../ib-button/ib-button.js';
import '../ib-field/ib-field.js';
import '../ib-select/ib-select.js';

const up = html`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M8 13V3M3.5 7.5L8 3l4.5 4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
const down = html`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M8 3v10M3.5 8.5L8 13l4.5-4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
const TYPE_OPTIONS = AUTOMATION_ACTION_TYPES.map((t) => ({ value: t, label: AUTOMATION_ACTION_LABELS[t] }));

/**
 * Builds the actions of an automation rule or a macro (the catalogue of protocol
 * automation.ts): one row per action, in the order they run (moved with its arrows), a menu of its type and the fields that type takes —
 * status and priority menus, team and member pickers, tags, templates with a placeholder
 * picker (TEMPLATE_PLACEHOLDERS), who to notify, an SLA policy, a snooze length. Each action is
 * checked with the server's schema (automationActionSchema) and its issues show under their
 * field once the row was left, or everywhere with `showErrors`.
 *
 * Properties: `value` (ActionDraft[]), `choices` (ActionChoices), `showErrors`, `types` (the
 * action types offered; default all). Events: `ib-actions-change` (`detail: { value }`) on every edit.
 */
export class IbActionBuilder extends LitElement {
  static properties = { value: { attribute: false }, choices: { attribute: false }, showErrors: { type: Boolean, attribute: 'show-errors' }, types: { attribute: false } };
  static styles = [
    controls,
    css`
      :host { display: block; }
      ol { list-style: none; margin: 0 0 var(--ib-space-3); padding: 0; display: flex; flex-direction: column; gap: var(--ib-space-2); }
      li { padding: var(--ib-space-3); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); background: var(--ib-bg-canvas); display: flex; flex-direction: column; gap: var(--ib-space-3); }
      li.invalid { border-color: var(--ib-danger); }
      .head { display: flex; align-items: center; gap: var(--ib-space-2); }
      .head .num { flex: none; font-size: var(--ib-text-sm); font-weight: 600; color: var(--ib-text-muted); min-width: 4.5em; }
      .head ib-select { flex: 1 1 auto; max-width: 280px; }
      .head .tools { display: flex; gap: 2px; margin-inline-start: auto; }
      li > ib-field { max-width: 480px; }
      .template { max-width: 640px; display: flex; flex-direction: column; gap: var(--ib-space-1); }
      .template textarea { width: 100%; box-sizing: border-box; resize: vertical; min-height: 72px; }
      .template .insert { display: flex; gap: var(--ib-space-2); align-items: center; flex-wrap: wrap; }
      .template .insert ib-select { min-width: 0; max-width: 100%; flex: 0 1 auto; }
      .snooze { display: flex; gap: var(--ib-space-3); flex-wrap: wrap; }
      .snooze ib-field:first-child { flex: 0 1 180px; }
      .notify { display: flex; flex-direction: column; gap: var(--ib-space-2); }
      .checks { display: flex; flex-wrap: wrap; gap: 2px var(--ib-space-3); padding: 0; border: 0; margin: 0; min-width: 0; max-height: 160px; overflow-y: auto; }
      .checks legend { padding: 0; margin-bottom: var(--ib-space-1); font-size: var(--ib-text-md); font-weight: 600; }
      .checks label, .check-one { display: inline-flex; align-items: center; gap: 6px; font-size: var(--ib-text-md); cursor: pointer; }
      input[type='checkbox'] { width: 16px; height: 16px; margin: 0; accent-color: var(--ib-accent); }
      .note { margin: 0; color: var(--ib-text-muted); font-size: var(--ib-text-md); }
      .issue { display: block; color: var(--ib-danger); font-size: var(--ib-text-sm); font-weight: 500; }
      .empty { margin: 0 0 var(--ib-space-3); color: var(--ib-text-muted); font-size: var(--ib-text-md); }
    `,
  ];
  declare value: ActionDraft[];
  declare choices: ActionChoices;
  declare showErrors: boolean;
  declare types: readonly AutomationActionType[];
  /** Rows the person has left, by index: their issues show. */
  private readonly left = new Set<number>();

  constructor() {
    super();
    this.value = [];
    this.choices = noActionChoices();
    this.showErrors = false;
    this.types = AUTOMATION_ACTION_TYPES;
  }

  private emit(value: ActionDraft[]) {
    this.value = value;
    this.dispatchEvent(new CustomEvent('ib-actions-change', { detail: { value }, bubbles: true, composed: true }));
  }

  private set(i: number, patch: Record<string, unknown>) {
    this.emit(this.value.map((a, k) => (k === i ? { ...a, ...patch } : a)));
  }

  private async add() {
    this.emit([...this.value, newAction(this.types.includes('add_tags') ? 'add_tags' : this.types[0]!, this.choices)]);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('li:last-child .head ib-select')?.focus();
  }

  private async removeAt(i: number) {
    this.emit(this.value.filter((_, k) => k !== i));
    this.left.clear();
    await this.updateComplete;
    const rows = this.renderRoot.querySelectorAll<HTMLElement>('li .head ib-select');
    (rows[Math.min(i, rows.length - 1)] ?? this.renderRoot.querySelector<HTMLElement>('ib-button.add'))?.focus();
  }

  /** Moves action `i` one place (`by` -1 up, +1 down); focus follows it (to its other arrow at an end). */
  private async move(i: number, by: -1 | 1) {
    const j = i + by;
    if (j < 0 || j >= this.value.length) return;
    const next = [...this.value];
    [next[i], next[j]] = [next[j]!, next[i]!];
    this.left.clear();
    this.emit(next);
    await this.updateComplete;
    const end = j === 0 || j === next.length - 1;
    const which = end ? (by < 0 ? 'down' : 'up') : by < 0 ? 'up' : 'down';
    this.renderRoot.querySelectorAll('li')[j]?.querySelector<HTMLElement>(`ib-button.${which}`)?.focus();
  }

  private onLeave(i: number, e: FocusEvent) {
    const li = e.currentTarget as HTMLElement;
    if (e.relatedTarget instanceof Node && li.contains(e.relatedTarget)) return;
    this.left.add(i);
    this.requestUpdate();
  }

  render() {
    const rows = this.value;
    const options = TYPE_OPTIONS.filter((o) => this.types.includes(o.value));
    return html`${rows.length
        ? html`<ol aria-label="Actions">
            ${rows.map((a, i) => {
              const issues = this.showErrors || this.left.has(i) ? actionIssues(a) : {};
              const n = i + 1;
              return html`<li class=${Object.keys(issues).length ? 'invalid' : ''} @focusout=${(e: FocusEvent) => this.onLeave(i, e)}>
                <div class="head">
                  <span class="num" aria-hidden="true">Action ${n}</span>
                  <ib-select label="Action ${n}" .options=${options} .value=${live(a.type)}
                    @ib-change=${(e: CustomEvent<{ value: AutomationActionType }>) => this.emit(rows.map((x, k) => (k === i ? newAction(e.detail.value, this.choices) : x)))}></ib-select>
                  <span class="tools">
                    <ib-button class="up" variant="ghost" size="sm" icon label="Move action ${n} up" ?disabled=${i === 0} @click=${() => void this.move(i, -1)}>${up}</ib-button>
                    <ib-button class="down" variant="ghost" size="sm" icon label="Move action ${n} down" ?disabled=${i === rows.length - 1} @click=${() => void this.move(i, 1)}>${down}</ib-button>
                    <ib-button variant="ghost" size="sm" icon label="Remove action ${n}" @click=${() => void this.removeAt(i)}>${closeIcon}</ib-button>
                  </span>
                </div>
                ${actionFields({ n, a, choices: this.choices, set: (p) => this.set(i, p), error: (f) => issues[f] ?? '' })}
                ${issues[''] ? html`<span class="issue">${issues['']}</span>` : nothing}
              </li>`;
            })}
          </ol>`
        : html`<p class="empty">No action yet: add what should happen to the ticket.</p>`}
      <ib-button class="add" size="sm" ?disabled=${rows.length >= MAX_ACTIONS} @click=${() => void this.add()}>Add action</ib-button>`;
  }
}
customElements.define('ib-action-builder', IbActionBuilder);

declare global {
  interface HTMLElementTagNameMap {
    'ib-action-builder': IbActionBuilder;
  }
}
