import { LitElement, html, nothing, svg } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { controls } from '../../styles/tokens.js';
import { tableStyles } from './ib-table.styles.js';

export type TableSort = { key: string; dir: 'asc' | 'desc' };

/** One column of an `ib-table`. */
export type TableColumn<T> = {
  key: string;
  label: string;
  sortable?: boolean;
  /** What the column sorts by (default: `row[key]`); nulls sort last. */
  sortValue?: (row: T) => string | number | null | undefined;
  /** The cell's content (default: `row[key]` as text). */
  render?: (row: T) => unknown;
  align?: 'start' | 'end';
  /** A CSS width ('30%', '120px'). */
  width?: string;
  /** This column names the row (`<th scope="row">`). */
  rowHeader?: boolean;
  /** The header's label is for screen readers only (a column of checkboxes). */
  labelHidden?: boolean;
};

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const arrow = (dir: 'asc' | 'desc' | null) =>
  svg`<svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round">${
    dir === 'asc' ? svg`<path d="M6 10V2M2.5 5.5L6 2l3.5 3.5"/>` : dir === 'desc' ? svg`<path d="M6 2v8M2.5 6.5L6 10l3.5-3.5"/>` : svg`<path d="M3.5 4.5L6 2l2.5 2.5M3.5 7.5L6 10l2.5-2.5" opacity="0.6"/>`
  }</svg>`;

/**
 * A data table (people, inboxes, dead letters, the audit log).
 *
 * Properties: `label` (its caption and accessible name; required), `columns`
 * (TableColumn<T>[]), `rows` (T[]), `rowKey` (a row's stable key; default `row.id`), `sort`
 * (TableSort | null: the sorted column and direction), `manualSort` (the rows come sorted,
 * by the server: a header press only fires `ib-sort`), `activatable` (each row opens
 * something).
 * Keyboard: a sortable header is a button (Enter or Space sorts by it, again reverses). With
 * `activatable` the rows are one tab stop: ArrowUp/ArrowDown/Home/End move between rows,
 * Enter (or a click) activates one. A table wider than its box scrolls and is focusable.
 * Slots: `empty`, shown in place of the rows when there are none (an `ib-empty`).
 * Cells render inside the table's shadow root: besides `controls` (`.chip`,
 * `.visually-hidden`), column renders may use `.muted`, `.sub` (a second, smaller line),
 * `.lead` (an avatar or icon before text), `.avatar`, `.row-actions` (buttons at the end; `.nowrap`: on one line),
 * `.chip.success|warning|danger` and `.yes` (a check mark).
 * Events: `ib-sort` (`detail: TableSort`) when a header is pressed; `ib-activate`
 * (`detail: { row, index }`) when a row is activated.
 */
export class IbTable<T = Record<string, unknown>> extends LitElement {
  static styles = [controls, tableStyles];
  static properties = {
    label: {},
    columns: { attribute: false },
    rows: { attribute: false },
    rowKey: { attribute: false },
    sort: { attribute: false },
    manualSort: { type: Boolean, attribute: 'manual-sort' },
    activatable: { type: Boolean },
  };
  declare label: string;
  declare columns: TableColumn<T>[];
  declare rows: T[];
  declare rowKey: (row: T) => string;
  declare sort: TableSort | null;
  declare manualSort: boolean;
  declare activatable: boolean;
  /** The row that takes Tab (activatable tables). */
  private active = 0;
  private overflowing = false;
  private readonly resize = new ResizeObserver(() => this.measure());

  constructor() {
    super();
    this.label = '';
    this.columns = [];
    this.rows = [];
    this.rowKey = (r) => String((r as { id?: unknown }).id);
    this.sort = null;
    this.manualSort = false;
    this.activatable = false;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  firstUpdated() {
    this.resize.observe(this.renderRoot.querySelector('.scroll')!);
    this.resize.observe(this.renderRoot.querySelector('table')!);
  }

  private measure() {
    const box = this.renderRoot.querySelector('.scroll') as HTMLElement;
    const over = box.scrollWidth > box.clientWidth + 1;
    if (over !== this.overflowing) {
      this.overflowing = over;
      this.requestUpdate();
    }
  }

  /** The rows in the order shown. */
  sorted(): T[] {
    const s = this.sort;
    const col = s && this.columns.find((c) => c.key === s.key);
    if (!s || !col || this.manualSort) return this.rows;
    const value = col.sortValue ?? ((r: T) => (r as Record<string, unknown>)[col.key] as string | number | null | undefined);
    const sign = s.dir === 'asc' ? 1 : -1;
    return [...this.rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
      return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y)));
    });
  }

  private pressHeader(key: string) {
    const dir = this.sort?.key === key && this.sort.dir === 'asc' ? 'desc' : 'asc';
    this.sort = { key, dir };
    this.dispatchEvent(new CustomEvent<TableSort>('ib-sort', { detail: { key, dir }, bubbles: true, composed: true }));
  }

  private activate(index: number) {
    const row = this.sorted()[index];
    if (row === undefined) return;
    this.active = index;
    this.requestUpdate();
    this.dispatchEvent(new CustomEvent('ib-activate', { detail: { row, index }, bubbles: true, composed: true }));
  }

  private onRowKey(e: KeyboardEvent) {
    // Keys on a control inside a cell are that control's.
    if ((e.target as HTMLElement).localName !== 'tr') return;
    const n = this.rows.length;
    const to = { ArrowDown: this.active + 1, ArrowUp: this.active - 1, Home: 0, End: n - 1 }[e.key];
    if (e.key === 'Enter') {
      e.preventDefault();
      this.activate(this.active);
    } else if (to !== undefined) {
      e.preventDefault();
      this.active = Math.max(0, Math.min(n - 1, to));
      this.requestUpdate();
      void this.updateComplete.then(() => (this.renderRoot.querySelectorAll('tbody tr')[this.active] as HTMLElement | undefined)?.focus());
    }
  }

  private cell(c: TableColumn<T>, row: T) {
    const content = c.render ? c.render(row) : String((row as Record<string, unknown>)[c.key] ?? '');
    return c.rowHeader ? html`<th scope="row" class=${c.align ?? 'start'}>${content}</th>` : html`<td class=${c.align ?? 'start'}>${content}</td>`;
  }

  private header(c: TableColumn<T>) {
    const dir = this.sort?.key === c.key ? this.sort.dir : null;
    return html`<th scope="col" class=${c.align ?? 'start'} style=${ifDefined(c.width ? `width:${c.width}` : undefined)}
      aria-sort=${dir ? (dir === 'asc' ? 'ascending' : 'descending') : nothing}>
      ${c.sortable ? html`<button class="sort" @click=${() => this.pressHeader(c.key)}>${c.label}${arrow(dir)}</button>` : c.labelHidden ? html`<span class="visually-hidden">${c.label}</span>` : c.label}
    </th>`;
  }

  render() {
    const rows = this.sorted();
    if (this.active >= rows.length) this.active = Math.max(0, rows.length - 1);
    return html`<div class="scroll" tabindex=${this.overflowing ? 0 : nothing} role=${this.overflowing ? 'region' : nothing} aria-label=${this.overflowing ? this.label : nothing}>
      <table class=${this.activatable ? 'activatable' : ''}>
        <caption class="visually-hidden">${this.label}</caption>
        <thead><tr>${this.columns.map((c) => this.header(c))}</tr></thead>
        <tbody @keydown=${this.activatable ? this.onRowKey : null}>
          ${rows.length
            ? rows.map(
                (r, i) => html`<tr data-key=${this.rowKey(r)} tabindex=${this.activatable ? (i === this.active ? 0 : -1) : nothing}
                  @click=${this.activatable ? () => this.activate(i) : null}>${this.columns.map((c) => this.cell(c, r))}</tr>`,
              )
            : html`<tr class="empty"><td colspan=${this.columns.length || 1}><slot name="empty"><p class="none">Nothing here yet.</p></slot></td></tr>`}
        </tbody>
      </table>
    </div>`;
  }
}
customElements.define('ib-table', IbTable);

declare global {
  interface HTMLElementTagNameMap {
    'ib-table': IbTable;
  }
}
