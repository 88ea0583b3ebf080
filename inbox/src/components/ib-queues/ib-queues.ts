import { LitElement, css, html, nothing } from 'lit';
import { store } from '../../store.js';
import { StoreController } from '../../store-controller.js';
import { ClockController } from '../../lib/ticker.js';
import { queueName, waitingQueues, waitText } from '../../lib/routing.js';
import { controls } from '../../styles/tokens.js';

/**
 * The routing queues for supervisors (`reports.read`): how many tickets wait for an agent in
 * all, the longest wait, and (expanded with its toggle) each queue by team or inbox with its
 * length and its oldest ticket's wait ("waiting 3 min"), kept live by `routing:queue` and a
 * once-a-second clock while someone waits. "No one is waiting" when nobody does. Hidden for
 * members without `reports.read` and until the queues are known.
 */
export class IbQueues extends LitElement {
  static styles = [
    controls,
    css`
      :host { display: block; font-size: var(--ib-text-sm); padding: var(--ib-space-2) var(--ib-space-3); border-bottom: 1px solid var(--ib-border-muted); }
      :host([hidden]) { display: none; }
      .line { display: flex; align-items: center; gap: var(--ib-space-2); min-height: 24px; }
      h3 { margin: 0; font-size: var(--ib-text-xs); letter-spacing: 0.04em; text-transform: uppercase; color: var(--ib-text-muted); }
      .sum { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--ib-text); }
      .sum.none { color: var(--ib-text-muted); }
      .toggle {
        border: 0; background: none; padding: 2px var(--ib-space-1); color: var(--ib-accent); cursor: pointer; font-size: var(--ib-text-sm);
        text-decoration: underline; text-underline-offset: 2px; border-radius: 4px;
      }
      .toggle:hover { background: var(--ib-bg-hover); }
      ul { list-style: none; margin: var(--ib-space-1) 0 0; padding: 0; max-height: 160px; overflow-y: auto; }
      li { display: grid; grid-template-columns: minmax(0, 1fr) auto auto; gap: var(--ib-space-2); line-height: 22px; }
      .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
      .len, .wait { color: var(--ib-text-muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
    `,
  ];
  private readonly _store = new StoreController(this);
  private readonly clock = new ClockController(this);
  private expanded = false;
  private ticking = false;

  willUpdate() {
    this.hidden = !store.seesQueues || store.queues === null;
  }

  updated() {
    this.clock.need(!this.hidden && this.ticking);
  }

  render() {
    const queues = store.queues;
    if (!store.seesQueues || !queues) return nothing;
    const { list, total } = waitingQueues(queues);
    const now = this.clock.now();
    this.ticking = list.some((q) => q.oldestSince);
    const oldest = list[0]?.oldestSince;
    return html`<section aria-labelledby="queues-heading">
      <div class="line">
        <h3 id="queues-heading">Queues</h3>
        ${total
          ? html`<span class="sum">${total} waiting${oldest ? html` · longest ${waitText(oldest, now).replace('waiting ', '')}` : nothing}</span>
              <button class="toggle" aria-expanded=${this.expanded} aria-controls="queue-list"
                @click=${() => ((this.expanded = !this.expanded), this.requestUpdate())}>${this.expanded ? 'Hide' : 'Show'}</button>`
          : html`<span class="sum none">No one is waiting</span>`}
      </div>
      ${total && this.expanded
        ? html`<ul id="queue-list" aria-label="Queues">
            ${list.map(
              (q) => html`<li data-team=${q.teamId ?? ''} data-inbox=${q.inboxId ?? ''}>
                <span class="name">${queueName(q, store)}</span>
                <span class="len">${q.length} ${q.length === 1 ? 'ticket' : 'tickets'}</span>
                <span class="wait">${q.oldestSince ? html`<time datetime=${q.oldestSince}>${waitText(q.oldestSince, now)}</time>` : nothing}</span>
              </li>`,
            )}
          </ul>`
        : nothing}
    </section>`;
  }
}
customElements.define('ib-queues', IbQueues);
