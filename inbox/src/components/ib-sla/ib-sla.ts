import { LitElement, css, html, nothing } from 'lit';
import type { SlaClockRecord, SlaEventRecord } from '@support/protocol';
import { store } from '../../store.js';
import { StoreController } from '../../store-controller.js';
import { ClockController } from '../../lib/ticker.js';
import { clockTime, clocksToShow, clockTone, EVENT_LABELS, formatSpan, METRIC_LABELS, relativeDue, STATE_LABELS } from '../../lib/sla.js';
import { controls } from '../../styles/tokens.js';

/**
 * The open ticket's SLA: for each metric its clock (the soonest open one, else the latest) with
 * its state, due time (absolute and counting down; amber in the warning lead, red once
 * breached), target and policy, and a collapsible history of every clock transition. Reads
 * `store.open.sla` (`sla:get`, read again on `ticket:sla`); renders nothing for a ticket
 * without clocks. Ticks once a second while a running clock is shown.
 */
export class IbSla extends LitElement {
  static styles = [
    controls,
    css`
      :host { display: block; font-size: var(--ib-text-sm); }
      :host([hidden]) { display: none; }
      .bar { display: flex; flex-wrap: wrap; gap: var(--ib-space-2); align-items: stretch; }
      h3 { margin: 0; font-size: var(--ib-text-xs); letter-spacing: 0.04em; text-transform: uppercase; color: var(--ib-text-muted); align-self: center; }
      ul { list-style: none; margin: 0; padding: 0; display: contents; }
      .clock {
        display: flex; flex-direction: column; padding: 3px var(--ib-space-2);
        border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); background: var(--ib-bg-canvas); line-height: 18px;
      }
      .head { display: flex; gap: var(--ib-space-2); align-items: center; }
      .clock.warning { background: var(--ib-attention-subtle); border-color: var(--ib-attention-border); }
      .clock.breached { background: var(--ib-danger-subtle); border-color: var(--ib-danger); }
      .metric { font-weight: 600; color: var(--ib-text); }
      .due { color: var(--ib-text-muted); font-variant-numeric: tabular-nums; }
      .clock.warning .due { color: var(--ib-attention); }
      .clock.breached .due { color: var(--ib-danger); }
      .badge { border-radius: var(--ib-radius-pill); padding: 0 6px; font-size: var(--ib-text-xs); font-weight: 600; background: var(--ib-bg-muted); color: var(--ib-text); }
      .badge.running { background: var(--ib-accent-subtle); color: var(--ib-accent-hover); }
      .badge.paused { background: var(--ib-bg-muted); color: var(--ib-text-muted); }
      .badge.breached, .badge.fulfilled_after_breach { background: var(--ib-danger); color: #fff; }
      .badge.fulfilled { background: var(--ib-success-subtle); color: var(--ib-success-text); }
      .toggle {
        align-self: center; border: 0; background: none; padding: 2px var(--ib-space-1); color: var(--ib-accent); cursor: pointer; font-size: var(--ib-text-sm);
        text-decoration: underline; text-underline-offset: 2px; border-radius: 4px;
      }
      .toggle:hover { background: var(--ib-bg-hover); }
      ol { margin: var(--ib-space-2) 0 0; padding: var(--ib-space-2) var(--ib-space-3); list-style: none; background: var(--ib-bg-canvas); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); max-height: 180px; overflow-y: auto; }
      ol li { display: grid; grid-template-columns: 11.5em 9em minmax(0, 1fr); gap: var(--ib-space-2); line-height: 20px; }
      ol time { color: var(--ib-text-muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
      ol .kind.breached { color: var(--ib-danger); font-weight: 600; }
      ol .kind.warned { color: var(--ib-attention); font-weight: 600; }
    `,
  ];
  private readonly _store = new StoreController(this);
  private readonly clock = new ClockController(this);
  private historyOpen = false;
  private ticking = false;

  private shown: SlaClockRecord[] = [];

  willUpdate() {
    const d = store.open?.sla;
    this.shown = d ? clocksToShow(d.clocks) : [];
    this.ticking = this.shown.some((c) => (c.state === 'running' || c.state === 'breached') && c.dueAt !== null);
    // No clocks: no room taken in the header either.
    this.hidden = !this.shown.length;
  }

  updated() {
    this.clock.need(this.ticking);
  }

  private due(c: SlaClockRecord, now: number) {
    const target = `Target ${formatSpan(c.targetSeconds)}`;
    if (c.state === 'paused') return html`Paused with ${formatSpan(Math.max(0, c.targetSeconds - c.usedSeconds))} left · ${target}`;
    if (c.state === 'cancelled') return html`No longer applies · ${target}`;
    if ((c.state === 'fulfilled' || c.state === 'fulfilled_after_breach') && c.stoppedAt)
      return html`Met <time datetime=${c.stoppedAt}>${clockTime(c.stoppedAt, now)}</time> · ${target}`;
    if (!c.dueAt) return html`${target}`;
    const rel = relativeDue(c.dueAt, now);
    return html`Due <time datetime=${c.dueAt}>${clockTime(c.dueAt, now)}</time> (<span class="rel">${rel.past ? rel.text : `in ${rel.text}`}</span>) · ${target}`;
  }

  private row(c: SlaClockRecord, now: number) {
    const tone = clockTone(c, now);
    // A running clock past its due time is breached for the agent before the server's event.
    const state = c.state === 'running' && tone === 'breached' ? 'breached' : c.state;
    return html`<li class="clock ${tone}" data-metric=${c.metric} data-state=${state} data-tone=${tone} title=${c.policyName ? `Policy: ${c.policyName}` : ''}>
      <span class="head"><span class="metric">${METRIC_LABELS[c.metric]}</span><span class="badge ${state}">${STATE_LABELS[state]}</span></span>
      <span class="due">${this.due(c, now)}</span>
    </li>`;
  }

  private event(e: SlaEventRecord, now: number) {
    return html`<li>
      <time datetime=${e.at}>${clockTime(e.at, now)}</time>
      <span>${METRIC_LABELS[e.metric]}</span>
      <span class="kind ${e.kind}">${EVENT_LABELS[e.kind]}</span>
    </li>`;
  }

  render() {
    const d = store.open?.sla;
    const shown = this.shown;
    if (!d || !shown.length) return nothing;
    const now = this.clock.now();
    return html`<section aria-labelledby="sla-heading">
      <div class="bar">
        <h3 id="sla-heading">SLA</h3>
        <ul>${shown.map((c) => this.row(c, now))}</ul>
        ${d.events.length
          ? html`<button class="toggle" aria-expanded=${this.historyOpen} aria-controls="sla-history"
              @click=${() => ((this.historyOpen = !this.historyOpen), this.requestUpdate())}>${this.historyOpen ? 'Hide history' : `History (${d.events.length})`}</button>`
          : nothing}
      </div>
      ${this.historyOpen ? html`<ol id="sla-history" aria-label="SLA history">${[...d.events].reverse().map((e) => this.event(e, now))}</ol>` : nothing}
    </section>`;
  }
}
customElements.define('ib-sla', IbSla);
