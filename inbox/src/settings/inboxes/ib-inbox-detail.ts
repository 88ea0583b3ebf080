import { LitElement, html } from 'lit';
import type { Agent, InboxDetail } from '@support/protocol';
import { ApiError, rest } from '../../api.js';
import { settingsUrl } from '../../lib/route.js';
import { backIcon } from '../../lib/icons.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';
import { inboxesStyles } from './inboxes.styles.js';
import type { IbInboxDelete } from './ib-inbox-delete.js';
import './ib-chat-inbox.js';
import './ib-email-inbox.js';
import './ib-inbox-delete.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-button/ib-button.js';

/**
 * One inbox's settings (`/inbox/settings/inboxes/inb_…`): its name and channel, the chat
 * (`ib-chat-inbox`) or email (`ib-email-inbox`) settings, and "Delete inbox". Holds the
 * inbox as the server last answered it; every part that saves hands the new answer back
 * (`ib-inbox-changed`), so each sends the current `updatedAt` with its next save.
 * Properties: `inboxId`, `agent`. Events: `ib-inbox-loaded` (`detail`: the inbox) once read,
 * `ib-navigate` (through links and the delete dialog).
 */
export class IbInboxDetail extends LitElement {
  static styles = [controls, settingsCard, inboxesStyles];
  static properties = { inboxId: { attribute: false }, agent: { attribute: false }, inbox: { state: true }, problem: { state: true } };
  declare inboxId: string;
  declare agent: Agent | null;
  declare inbox: InboxDetail | null;
  declare problem: '' | 'missing' | string;

  constructor() {
    super();
    this.inboxId = '';
    this.agent = null;
    this.inbox = null;
    this.problem = '';
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('inboxId')) {
      this.inbox = null;
      void this.load();
    }
  }

  /** Reads the inbox again (after a conflict, or someone else's save). */
  async load(): Promise<void> {
    const id = this.inboxId;
    try {
      const inbox = await rest<InboxDetail>('GET', `/api/settings/inboxes/${encodeURIComponent(id)}`);
      if (id !== this.inboxId) return;
      this.inbox = inbox;
      this.dispatchEvent(new CustomEvent('ib-inbox-loaded', { detail: inbox }));
      this.problem = '';
    } catch (err) {
      this.problem = err instanceof ApiError && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION_FAILED') ? 'missing' : (err as Error).message;
    }
  }

  private changed(e: CustomEvent<InboxDetail>) {
    this.inbox = e.detail;
  }

  render() {
    const back = html`<a class="back" href=${settingsUrl('inboxes')}>${backIcon}<span>All inboxes</span></a>`;
    if (this.problem === 'missing')
      return html`${back}<ib-empty icon="missing" heading="There is no such inbox">It may have been deleted. <a slot="actions" class="back" href=${settingsUrl('inboxes')}>See all inboxes</a></ib-empty>`;
    if (this.problem)
      return html`${back}<div class="form-alert" role="alert"><span class="form-alert-text">The inbox could not be loaded: ${this.problem}</span><ib-button size="sm" @click=${this.load}>Retry</ib-button></div>`;
    const i = this.inbox;
    if (!i) return html`${back}<p class="muted" role="status">Loading…</p>`;
    const tickets = i.ticketCount === 1 ? '1 ticket' : `${i.ticketCount} tickets`;
    return html`${back}
      <div class="title"><h2>${i.name}</h2><span class="chip ${i.channel}">${i.channel === 'chat' ? 'Chat' : 'Email'}</span><span class="muted">${tickets}</span></div>
      ${i.channel === 'chat'
        ? html`<ib-chat-inbox .inbox=${i} @ib-inbox-changed=${this.changed} @ib-reload=${this.load}></ib-chat-inbox>`
        : html`<ib-email-inbox .inbox=${i} .agent=${this.agent} @ib-inbox-changed=${this.changed} @ib-reload=${this.load}></ib-email-inbox>`}
      <section class="card danger" aria-labelledby="delete-title">
        <div class="card-head">
          <div>
            <h3 class="card-title" id="delete-title">Delete this inbox</h3>
            <p class="card-text">${i.ticketCount
              ? html`Its ${tickets} can move to another ${i.channel} inbox, or be deleted with it.`
              : i.channel === 'chat' ? 'The widget stops working on every site that embeds it.' : 'Mail sent to its webhook is refused from then on.'}</p>
          </div>
          <ib-button variant="danger" @click=${() => (this.renderRoot.querySelector('ib-inbox-delete') as IbInboxDelete).open()}>Delete inbox…</ib-button>
        </div>
      </section>
      <ib-inbox-delete .inbox=${i}></ib-inbox-delete>`;
  }
}
customElements.define('ib-inbox-detail', IbInboxDetail);
