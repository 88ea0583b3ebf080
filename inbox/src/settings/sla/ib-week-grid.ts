import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { WEEKDAYS, type Interval, type Weekday } from '@support/protocol';
import { addInterval, DAY_NAMES, hhmm, minutesOf, tidyTime, type WeekInput } from './week.js';

export type { WeekInput } from './week.js';
const SNAP = 30;
const DAY = 1440;
import { controls } from '../../styles/tokens.js';
import { closeIcon } from '../../lib/icons.js';
import '../../components/ib-button/ib-button.js';

/**
 * The working week as a grid: a row per weekday (Monday first) over 24 hours. Drag across a
 * row (or click it: one hour) to add an interval, snapped to half hours and merged with the
 * ones it touches; each interval is also a pair of from/to inputs with a remove button, and
 * "Add hours" adds one by keyboard (the next free hours), so split shifts take a few presses.
 * An end at or before the start runs past midnight (docs/calendars.md). Issues show under
 * their interval once it was left, or all with `showErrors`.
 *
 * Properties: `weekly` (WeekInput), `issues` (Map of `<day>.<index>` → message), `showErrors`,
 * `disabled`. Events: `ib-week-change` (`detail: { weekly }`) on every edit.
 */
export class IbWeekGrid extends LitElement {
  static styles = [
    controls,
    css`
      :host { display: block; }
      :host([disabled]) .grid { opacity: 0.55; }
      .toolbar { display: flex; gap: var(--ib-space-2); flex-wrap: wrap; margin-bottom: var(--ib-space-3); }
      .grid { display: grid; grid-template-columns: 96px 1fr; column-gap: var(--ib-space-3); row-gap: var(--ib-space-1); }
      .hours { grid-column: 2; position: relative; height: 18px; font-size: var(--ib-text-xs); color: var(--ib-text-muted); }
      .hours span { position: absolute; transform: translateX(-50%); }
      .hours span:first-child { transform: none; }
      .hours span:last-child { transform: translateX(-100%); }
      .name { font-size: var(--ib-text-md); font-weight: 600; padding-top: 6px; }
      .track {
        position: relative; height: 32px; border-radius: var(--ib-radius); cursor: crosshair; touch-action: none; user-select: none;
        background: repeating-linear-gradient(to right, var(--ib-bg-canvas) 0, var(--ib-bg-canvas) calc(100% / 24 - 1px), var(--ib-border-muted) calc(100% / 24 - 1px), var(--ib-border-muted) calc(100% / 24));
        border: 1px solid var(--ib-border-muted);
      }
      .block {
        position: absolute; top: 3px; bottom: 3px; border-radius: 4px; background: var(--ib-accent); color: var(--ib-text-on-accent);
        font-size: var(--ib-text-xs); font-weight: 600; overflow: hidden; white-space: nowrap; padding: 0 4px; display: flex; align-items: center; pointer-events: none;
      }
      .block.preview { background: var(--ib-accent-subtle); border: 1px dashed var(--ib-accent); color: var(--ib-text); }
      .block.bad { background: var(--ib-danger); }
      .editors { grid-column: 2; display: flex; flex-wrap: wrap; align-items: center; gap: var(--ib-space-2) var(--ib-space-3); margin-bottom: var(--ib-space-3); }
      .iv { display: inline-flex; align-items: center; gap: 4px; }
      .iv .field { width: 64px; text-align: center; font-variant-numeric: tabular-nums; }
      .closed { font-size: var(--ib-text-sm); color: var(--ib-text-muted); }
      .issue { flex-basis: 100%; color: var(--ib-danger); font-size: var(--ib-text-sm); font-weight: 500; }
      @media (max-width: 720px) { .grid { grid-template-columns: 1fr; } .hours, .editors { grid-column: 1; } }
    `,
  ];
  static properties = { weekly: { attribute: false }, issues: { attribute: false }, showErrors: { type: Boolean }, disabled: { type: Boolean, reflect: true } };
  declare weekly: WeekInput;
  declare issues: Map<string, string>;
  declare showErrors: boolean;
  declare disabled: boolean;
  private drag: { day: Weekday; from: number; to: number; left: number; width: number } | null = null;
  private readonly touched = new Set<string>();

  constructor() {
    super();
    this.weekly = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    this.issues = new Map();
    this.showErrors = false;
    this.disabled = false;
  }

  private emit(weekly: WeekInput) {
    this.weekly = weekly;
    this.dispatchEvent(new CustomEvent('ib-week-change', { detail: { weekly }, bubbles: true, composed: true }));
  }

  private setDay(day: Weekday, list: Interval[]) {
    this.emit({ ...this.weekly, [day]: list });
  }

  private minuteAt(x: number, d: { left: number; width: number }): number {
    const m = Math.round((((x - d.left) / d.width) * DAY) / SNAP) * SNAP;
    return Math.max(0, Math.min(DAY, m));
  }

  private onDown(e: PointerEvent, day: Weekday) {
    if (this.disabled || e.button !== 0) return;
    const track = e.currentTarget as HTMLElement;
    const r = track.getBoundingClientRect();
    track.setPointerCapture(e.pointerId);
    const from = this.minuteAt(e.clientX, r);
    this.drag = { day, from, to: from, left: r.left, width: r.width };
    this.requestUpdate();
  }

  private onMove(e: PointerEvent) {
    if (!this.drag) return;
    this.drag = { ...this.drag, to: this.minuteAt(e.clientX, this.drag) };
    this.requestUpdate();
  }

  private onUp() {
    const d = this.drag;
    if (!d) return;
    this.drag = null;
    let [s, e] = [Math.min(d.from, d.to), Math.max(d.from, d.to)];
    // A click adds the hour it points at.
    if (s === e) [s, e] = s >= DAY ? [DAY - 60, DAY] : [Math.floor(s / 60) * 60, Math.min(DAY, Math.floor(s / 60) * 60 + 60)];
    this.setDay(d.day, addInterval(this.weekly[d.day], s, e));
  }

  /** The next free hours of a day: 09:00–17:00 on an empty day, else four hours from an hour after the last end. */
  private addByKeyboard(day: Weekday) {
    const list = this.weekly[day];
    const ends = list.map((iv) => minutesOf(iv.end)).filter((m): m is number => m !== null);
    const last = ends.length ? Math.max(...ends) : null;
    const start = last === null ? 9 * 60 : Math.min(last + 60, DAY - 60);
    const end = last === null ? 17 * 60 : Math.min(start + 240, DAY);
    this.setDay(day, [...list, { start: hhmm(start), end: hhmm(end) }]);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(`input[data-key="${day}.${list.length}.start"]`)?.focus());
  }

  private copyMonday() {
    const mon = this.weekly.mon;
    this.emit({ ...this.weekly, tue: [...mon], wed: [...mon], thu: [...mon], fri: [...mon] });
  }

  private editor(day: Weekday, iv: Interval, i: number) {
    const key = `${day}.${i}`;
    const set = (part: 'start' | 'end', value: string) => this.setDay(day, this.weekly[day].map((x, j) => (j === i ? { ...x, [part]: value } : x)));
    const input = (part: 'start' | 'end') => html`<input class="field" data-key="${key}.${part}" inputmode="numeric" maxlength="5" autocomplete="off"
      aria-label="${DAY_NAMES[day]}, hours ${i + 1}: ${part === 'start' ? 'from' : 'to'}" ?disabled=${this.disabled} .value=${live(iv[part])}
      aria-invalid=${this.showIssue(key) ? 'true' : 'false'} aria-describedby=${this.showIssue(key) ? `issue-${day}-${i}` : nothing}
      @input=${(e: Event) => set(part, (e.target as HTMLInputElement).value)}
      @change=${(e: Event) => set(part, tidyTime((e.target as HTMLInputElement).value))}
      @blur=${() => {
        this.touched.add(key);
        this.requestUpdate();
      }} />`;
    return html`<span class="iv">${input('start')}<span aria-hidden="true">–</span>${input('end')}
      <ib-button icon size="sm" variant="ghost" label="Remove ${DAY_NAMES[day]} hours ${i + 1}" ?disabled=${this.disabled}
        @click=${() => {
          this.touched.clear();
          this.setDay(day, this.weekly[day].filter((_, j) => j !== i));
        }}>${closeIcon}</ib-button></span>`;
  }

  private showIssue(key: string): string {
    return this.showErrors || this.touched.has(key) ? (this.issues.get(key) ?? '') : '';
  }

  private blocks(day: Weekday) {
    const out = [];
    for (const [i, iv] of this.weekly[day].entries()) {
      const s = minutesOf(iv.start);
      let e = minutesOf(iv.end);
      if (s === null || e === null) continue;
      if (e <= s) e = DAY;
      const bad = !!this.issues.get(`${day}.${i}`);
      out.push(html`<div class="block ${bad ? 'bad' : ''}" style="left:${(s / DAY) * 100}%;width:${((e - s) / DAY) * 100}%">${iv.start}–${iv.end}</div>`);
    }
    const d = this.drag;
    if (d && d.day === day && d.from !== d.to) {
      const [s, e] = [Math.min(d.from, d.to), Math.max(d.from, d.to)];
      out.push(html`<div class="block preview" style="left:${(s / DAY) * 100}%;width:${((e - s) / DAY) * 100}%">${hhmm(s)}–${hhmm(e)}</div>`);
    }
    return out;
  }

  render() {
    return html`<div class="toolbar">
        <ib-button size="sm" ?disabled=${this.disabled} @click=${() => this.copyMonday()}>Copy Monday to Tuesday–Friday</ib-button>
      </div>
      <div class="grid">
        <div class="hours" aria-hidden="true">${[0, 3, 6, 9, 12, 15, 18, 21, 24].map((h) => html`<span style="left:${(h / 24) * 100}%">${String(h).padStart(2, '0')}</span>`)}</div>
        ${WEEKDAYS.map((day) => {
          const messages = this.weekly[day].map((_, i) => [i, this.showIssue(`${day}.${i}`)] as const).filter(([, m]) => m);
          return html`<div class="name" id="name-${day}">${DAY_NAMES[day]}</div>
            <div class="track" data-day=${day} aria-hidden="true" title="Drag to add working hours"
              @pointerdown=${(e: PointerEvent) => this.onDown(e, day)} @pointermove=${this.onMove} @pointerup=${this.onUp} @pointercancel=${() => { this.drag = null; this.requestUpdate(); }}>
              ${this.blocks(day)}
            </div>
            <div class="editors" role="group" aria-labelledby="name-${day}">
              ${this.weekly[day].length ? this.weekly[day].map((iv, i) => this.editor(day, iv, i)) : html`<span class="closed">Closed</span>`}
              <ib-button size="sm" variant="ghost" label="Add hours on ${DAY_NAMES[day]}" ?disabled=${this.disabled} @click=${() => this.addByKeyboard(day)}>Add hours</ib-button>
              ${messages.map(([i, m]) => html`<span class="issue" id="issue-${day}-${i}">${i + 1}: ${m}</span>`)}
            </div>`;
        })}
      </div>`;
  }
}
customElements.define('ib-week-grid', IbWeekGrid);

declare global {
  interface HTMLElementTagNameMap {
    'ib-week-grid': IbWeekGrid;
  }
}
