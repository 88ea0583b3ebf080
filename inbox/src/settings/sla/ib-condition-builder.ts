import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  CONDITION_OPERATOR_INFO,
  CONTACT_ATTRIBUTE_PREFIX,
  conditionFieldsFor,
  conditionOperatorsFor,
  validateCondition,
  type Condition,
  type ConditionContext,
  type ConditionFieldDef,
  type ConditionIssue,
  type ConditionLeaf,
  type ConditionOperator,
  type ConditionScalar,
  type ConditionValue,
} from '@support/protocol';
import { controls } from '../../styles/tokens.js';
import { closeIcon } from '../../lib/icons.js';
import type { SelectOption } from '../../components/ib-select/ib-select.js';
import { describeCondition, fieldDef, humanize, noChoices, valueLabel, type ConditionChoices } from './condition-text.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-select/ib-select.js';

type Mode = 'all' | 'any';
const NONE = '__none__';
const sentence = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** Whether a condition is one group of leaves (what the builder edits), not nested groups. */
export function isFlat(c: Condition): boolean {
  const all = c.all ?? [];
  const any = c.any ?? [];
  if (all.length && any.length) return false;
  return [...all, ...any].every((n) => 'field' in n);
}

/** The value a fresh row of `def` with `op` starts with: the first choice where there is one, else nothing. */
function firstValue(def: ConditionFieldDef, op: ConditionOperator, choices: ConditionChoices): ConditionValue | undefined {
  const shape = CONDITION_OPERATOR_INFO[op].value;
  if (shape === 'none' || shape === 'calendar') return undefined;
  const first = def.type === 'enum' ? def.values?.[0] : def.type === 'id' && def.idKind ? choices[def.idKind][0]?.id : undefined;
  if (first === undefined) return shape === 'list' ? [] : undefined;
  return shape === 'list' ? [first] : first;
}

/**
 * A condition builder for one context of the shared condition language (docs/conditions.md):
 * a match-all / match-any switch over rows of field, operator and value, each offering only
 * what the catalogue allows in `context` (enums and ids as menus or checkboxes, text and
 * numbers as inputs, lists of text comma-separated). The condition is checked with
 * `validateCondition` (the server's own check) and each issue shows under its row once the
 * row was left, or everywhere with `showErrors`. A condition with nested groups (made through
 * the API) is shown in words and kept as it is.
 *
 * Properties: `value` (Condition), `context` (ConditionContext, default 'sla'), `choices`
 * (ConditionChoices: inboxes, teams, users, calendars by name), `showErrors`, `label`, `name`,
 * `error` (a message from elsewhere, shown under the rows: the server's), `emptyText` (what no
 * condition means in this screen).
 * Events: `ib-condition-change` (`detail: { value: Condition }`) on every edit.
 */
export class IbConditionBuilder extends LitElement {
  static styles = [
    controls,
    css`
      :host { display: block; }
      .mode { display: flex; align-items: center; gap: var(--ib-space-2); flex-wrap: wrap; margin-bottom: var(--ib-space-3); font-size: var(--ib-text-md); }
      .mode .segmented { display: inline-flex; }
      ol { list-style: none; margin: 0 0 var(--ib-space-3); padding: 0; display: flex; flex-direction: column; gap: var(--ib-space-2); }
      li { padding: var(--ib-space-2) var(--ib-space-3); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); background: var(--ib-bg-canvas); }
      li.invalid { border-color: var(--ib-danger); }
      .row { display: flex; flex-wrap: wrap; gap: var(--ib-space-2); align-items: flex-start; }
      .row > ib-select, .row > .field { flex: 1 1 160px; }
      .row > .value { flex: 2 1 220px; min-width: 0; }
      .value .field, .value ib-select { width: 100%; }
      .conj { font-size: var(--ib-text-xs); font-weight: 600; text-transform: uppercase; color: var(--ib-text-muted); letter-spacing: 0.04em; margin: 0 0 2px; }
      .checks { display: flex; flex-wrap: wrap; gap: 2px var(--ib-space-3); padding: 4px 0; border: 0; margin: 0; min-width: 0; }
      .checks label { display: inline-flex; align-items: center; gap: 6px; font-size: var(--ib-text-md); cursor: pointer; }
      .checks input { width: 16px; height: 16px; margin: 0; accent-color: var(--ib-accent); }
      .none { color: var(--ib-text-muted); font-size: var(--ib-text-md); padding-top: 6px; }
      .issue { display: block; margin-top: var(--ib-space-1); color: var(--ib-danger); font-size: var(--ib-text-sm); font-weight: 500; }
      .empty, .nested { margin: 0 0 var(--ib-space-3); color: var(--ib-text-muted); font-size: var(--ib-text-md); }
    `,
  ];
  static properties = {
    value: { attribute: false },
    context: {},
    choices: { attribute: false },
    showErrors: { type: Boolean, attribute: 'show-errors' },
    label: {},
    name: { reflect: true },
    error: {},
    emptyText: { attribute: false },
  };
  declare value: Condition;
  declare context: ConditionContext;
  declare choices: ConditionChoices;
  declare showErrors: boolean;
  declare label: string;
  declare name: string;
  declare error: string;
  /** What an empty condition means here (default: the SLA policies' sentence). */
  declare emptyText: string | undefined;
  private readonly touched = new Set<number>();
  /** What was typed in list inputs (comma-separated), by row: kept while it reads as the same list. */
  private readonly raw = new Map<number, string>();

  constructor() {
    super();
    this.value = { all: [] };
    this.context = 'sla';
    this.choices = noChoices();
    this.showErrors = false;
    this.label = 'Conditions';
    this.name = '';
    this.error = '';
  }

  private get mode(): Mode {
    return this.value.any?.length ? 'any' : 'all';
  }

  private get rows(): ConditionLeaf[] {
    return (this.value[this.mode] ?? []) as ConditionLeaf[];
  }

  /** The builder's issues (validateCondition in `context`), the ones on a row by its index; -1: the condition as a whole. */
  issues(): Map<number, ConditionIssue[]> {
    const out = new Map<number, ConditionIssue[]>();
    for (const i of validateCondition(this.value, this.context)) {
      const row = i.path[0] === this.mode && typeof i.path[1] === 'number' ? i.path[1] : -1;
      out.set(row, [...(out.get(row) ?? []), i]);
    }
    return out;
  }

  /** Focuses the first control of the first row with an issue, else the first control. */
  focus() {
    const bad = [...this.issues().keys()].filter((k) => k >= 0).sort((a, b) => a - b)[0] ?? 0;
    const row = this.renderRoot.querySelector<HTMLElement>(`li[data-row="${bad}"]`) ?? this.renderRoot;
    const el = row.querySelector<HTMLElement>('.value input, .value select') ?? row.querySelector<HTMLElement>('input, select, ib-button');
    el?.focus();
  }

  private emit(rows: ConditionLeaf[], mode = this.mode) {
    this.value = { [mode]: rows };
    this.dispatchEvent(new CustomEvent('ib-condition-change', { detail: { value: this.value }, bubbles: true, composed: true }));
  }

  private setRow(i: number, leaf: ConditionLeaf) {
    this.emit(this.rows.map((r, j) => (j === i ? leaf : r)));
  }

  private add() {
    const def = conditionFieldsFor(this.context)[0]!;
    const op = conditionOperatorsFor(def, this.context)[0]!;
    const v = firstValue(def, op, this.choices);
    this.emit([...this.rows, { field: def.key, op, ...(v === undefined ? {} : { value: v }) }]);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`li[data-row="${this.rows.length - 1}"] ib-select`)?.focus());
  }

  private removeRow(i: number) {
    this.raw.clear();
    const shift = [...this.touched].filter((t) => t !== i).map((t) => (t > i ? t - 1 : t));
    this.touched.clear();
    shift.forEach((t) => this.touched.add(t));
    this.emit(this.rows.filter((_, j) => j !== i));
    void this.updateComplete.then(() => {
      const next = this.renderRoot.querySelector<HTMLElement>(`li[data-row="${Math.min(i, this.rows.length - 1)}"] ib-select`) ?? this.renderRoot.querySelector<HTMLElement>('.add');
      next?.focus();
    });
  }

  private pickField(i: number, field: string) {
    const def = fieldDef(field);
    if (!def) return;
    const op = conditionOperatorsFor(def, this.context)[0]!;
    const v = firstValue(def, op, this.choices);
    this.raw.delete(i);
    this.setRow(i, { field, op, ...(v === undefined ? {} : { value: v }) });
  }

  private pickOp(i: number, op: ConditionOperator) {
    const leaf = this.rows[i]!;
    const def = fieldDef(leaf.field);
    if (!def) return;
    const before = CONDITION_OPERATOR_INFO[leaf.op].value;
    const after = CONDITION_OPERATOR_INFO[op].value;
    let value = leaf.value;
    // Keep what was chosen when the shape allows: one value becomes a list of one, and back.
    if (after === 'none' || after === 'calendar') value = undefined;
    else if (before === after) value = leaf.value;
    else if (after === 'list') value = leaf.value === undefined ? (firstValue(def, op, this.choices) ?? []) : [leaf.value as ConditionScalar];
    else value = Array.isArray(leaf.value) ? leaf.value[0] : firstValue(def, op, this.choices);
    this.raw.delete(i);
    this.setRow(i, { field: leaf.field, op, ...(value === undefined ? {} : { value }) });
  }

  private setValue(i: number, value: ConditionValue | undefined) {
    const { field, op } = this.rows[i]!;
    this.setRow(i, { field, op, ...(value === undefined ? {} : { value }) });
  }

  private fieldOptions(): SelectOption[] {
    return [
      ...conditionFieldsFor(this.context).map((f) => ({ value: f.key, label: f.label, group: f.key.startsWith('contact.') ? 'Contact' : 'Ticket' })),
      { value: CONTACT_ATTRIBUTE_PREFIX, label: 'Contact attribute…', group: 'Contact' },
    ];
  }

  /** The ids and enum values a field offers, as menu options. */
  private valueOptions(def: ConditionFieldDef): SelectOption[] {
    if (def.type === 'enum') return (def.values ?? []).map((v) => ({ value: v, label: humanize(v) }));
    if (def.type === 'id' && def.idKind) {
      const items = this.choices[def.idKind].map((c) => ({ value: c.id, label: c.name }));
      return def.nullable ? [...items, { value: NONE, label: valueLabel(def, null, this.choices).replace(/^./, (c) => c.toUpperCase()) }] : items;
    }
    return [];
  }

  private renderValue(i: number, leaf: ConditionLeaf, def: ConditionFieldDef, n: number) {
    const shape = CONDITION_OPERATOR_INFO[leaf.op].value;
    const label = `Condition ${n} value`;
    if (shape === 'none') return html`<span class="none">No value needed</span>`;
    if (shape === 'calendar') {
      const options = [{ value: '', label: 'The workspace’s default calendar' }, ...this.choices.calendar.map((c) => ({ value: c.id, label: c.name }))];
      return html`<ib-select label="Condition ${n} calendar" .options=${options} .value=${live(typeof leaf.value === 'string' ? leaf.value : '')}
        @ib-change=${(e: CustomEvent<{ value: string }>) => this.setValue(i, e.detail.value || undefined)}></ib-select>`;
    }
    const options = this.valueOptions(def);
    if (options.length || def.type === 'enum' || def.type === 'id') {
      const toValue = (v: string): ConditionScalar => (v === NONE ? null : v);
      const fromValue = (v: ConditionScalar | undefined) => (v === null ? NONE : (v ?? ''));
      if (shape === 'list') {
        const chosen = new Set((Array.isArray(leaf.value) ? leaf.value : []).map(fromValue));
        if (!options.length) return html`<span class="none">Nothing to choose from yet</span>`;
        return html`<fieldset class="checks"><legend class="visually-hidden">${label}</legend>${options.map(
          (o) => html`<label><input type="checkbox" .checked=${live(chosen.has(o.value))}
            @change=${(e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              const next = options.filter((x) => (x.value === o.value ? on : chosen.has(x.value))).map((x) => toValue(x.value));
              this.setValue(i, next);
            }} />${o.label}</label>`,
        )}</fieldset>`;
      }
      const withPick = leaf.value === undefined ? [{ value: '', label: 'Choose…', disabled: true }, ...options] : options;
      return html`<ib-select label=${label} .options=${withPick} .value=${live(fromValue(leaf.value as ConditionScalar | undefined))}
        @ib-change=${(e: CustomEvent<{ value: string }>) => this.setValue(i, toValue(e.detail.value))}></ib-select>`;
    }
    const numeric = def.type === 'number' || (def.type === 'attribute' && ['gt', 'gte', 'lt', 'lte'].includes(leaf.op));
    if (shape === 'list') {
      const list = Array.isArray(leaf.value) ? leaf.value.map(String) : [];
      const typed = this.raw.get(i);
      const shown = typed !== undefined && splitList(typed).join('\u0000') === list.join('\u0000') ? typed : list.join(', ');
      return html`<input class="field" aria-label="${label}, separated by commas" placeholder=${def.type === 'tags' ? 'vip, billing' : 'one, another'} .value=${live(shown)}
        @input=${(e: Event) => {
          const text = (e.target as HTMLInputElement).value;
          this.raw.set(i, text);
          this.setValue(i, splitList(text).map((s) => (numeric && s !== '' && Number.isFinite(Number(s)) ? Number(s) : s)));
        }} />`;
    }
    return html`<input class="field" aria-label=${label} type=${numeric ? 'number' : 'text'} .value=${live(leaf.value === undefined || leaf.value === null ? '' : String(leaf.value))}
      @input=${(e: Event) => {
        const text = (e.target as HTMLInputElement).value;
        if (numeric) this.setValue(i, text === '' ? undefined : Number(text));
        else this.setValue(i, text);
      }} />`;
  }

  private renderRow(leaf: ConditionLeaf, i: number, issues: ConditionIssue[]) {
    const n = i + 1;
    const attribute = leaf.field.startsWith(CONTACT_ATTRIBUTE_PREFIX);
    const def = fieldDef(attribute ? CONTACT_ATTRIBUTE_PREFIX : leaf.field);
    const shown = this.showErrors || this.touched.has(i) ? issues : [];
    const issueId = `issue-${i}`;
    const ops = def ? conditionOperatorsFor(def, this.context).map((op) => ({ value: op, label: CONDITION_OPERATOR_INFO[op].label })) : [];
    return html`<li data-row=${i} class=${shown.length ? 'invalid' : ''} aria-describedby=${shown.length ? issueId : nothing}
      @focusout=${(e: FocusEvent) => {
        if ((e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) return;
        this.touched.add(i);
        this.requestUpdate();
      }}>
      ${i > 0 ? html`<p class="conj" aria-hidden="true">${this.mode === 'all' ? 'and' : 'or'}</p>` : nothing}
      <div class="row">
        <ib-select label="Condition ${n} field" .options=${this.fieldOptions()} .value=${live(attribute ? CONTACT_ATTRIBUTE_PREFIX : leaf.field)}
          @ib-change=${(e: CustomEvent<{ value: string }>) => this.pickField(i, e.detail.value)}></ib-select>
        ${attribute
          ? html`<input class="field" aria-label="Condition ${n} attribute key" placeholder="plan" .value=${live(leaf.field.slice(CONTACT_ATTRIBUTE_PREFIX.length))}
              @input=${(e: Event) => this.setRow(i, { ...leaf, field: CONTACT_ATTRIBUTE_PREFIX + (e.target as HTMLInputElement).value })} />`
          : nothing}
        <ib-select label="Condition ${n} operator" .options=${ops} .value=${live(leaf.op)}
          @ib-change=${(e: CustomEvent<{ value: string }>) => this.pickOp(i, e.detail.value as ConditionOperator)}></ib-select>
        <div class="value">${def ? this.renderValue(i, leaf, def, n) : nothing}</div>
        <ib-button icon variant="ghost" label="Remove condition ${n}" @click=${() => this.removeRow(i)}>${closeIcon}</ib-button>
      </div>
      ${shown.length ? html`<span class="issue" id=${issueId}>${shown.map((x) => sentence(x.message)).join('; ')}</span>` : nothing}
    </li>`;
  }

  render() {
    if (!isFlat(this.value))
      return html`<p class="nested">${describeCondition(this.value, this.choices)}</p>
        <p class="nested">This condition has nested groups, which this screen cannot edit; it is kept as it is.</p>`;
    const issues = this.issues();
    const mode = this.mode;
    const whole = issues.get(-1) ?? [];
    return html`<div class="mode" role="group" aria-label="${this.label}: which must hold">
        <span>Tickets match when</span>
        <div class="segmented">
          ${(['all', 'any'] as const).map(
            (m) => html`<button type="button" aria-pressed=${m === mode ? 'true' : 'false'} @click=${() => this.emit(this.rows, m)}>${m === 'all' ? 'all of these hold' : 'any of these holds'}</button>`,
          )}
        </div>
      </div>
      ${this.rows.length
        ? html`<ol aria-label=${this.label}>${this.rows.map((r, i) => this.renderRow(r, i, issues.get(i) ?? []))}</ol>`
        : html`<p class="empty">${this.emptyText ?? 'No conditions: this policy applies to every ticket an earlier policy does not take. Add one to narrow it.'}</p>`}
      ${whole.length && this.showErrors ? html`<span class="issue">${whole.map((x) => sentence(x.message)).join('; ')}</span>` : nothing}
      ${this.error ? html`<span class="issue" role="alert">${this.error}</span>` : nothing}
      <ib-button class="add" size="sm" @click=${() => this.add()}>Add condition</ib-button>`;
  }
}

/** "a, b ,, c" → ["a", "b", "c"]. */
function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

customElements.define('ib-condition-builder', IbConditionBuilder);

declare global {
  interface HTMLElementTagNameMap {
    'ib-condition-builder': IbConditionBuilder;
  }
}
