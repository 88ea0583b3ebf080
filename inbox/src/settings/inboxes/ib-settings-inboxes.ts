import { LitElement, html } from 'lit';
import type { Agent, InboxDetail, InboxListItem } from '@support/protocol';
import { rest } from '../../api.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';
import type { TableColumn } from '../../components/ib-table/ib-table.js';
import { inboxesStyles } from './inboxes.styles.js';
import type { IbInboxCreate } from './ib-inbox-create.js';
import './ib-inbox-create.js';
import './ib-inbox-detail.js';
import '../../components/ib-table/ib-table.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-button/ib-button.js';

const CHANNEL_LABEL = { chat: 'Chat', email: 'Email' } as const;
const CHIP_STYLE = { chat: 'background:var(--ib-accent-subtle)', email: 'background:var(--ib-attention-subtle);color:var(--ib-attention)' } as const;

const columns: TableColumn<InboxListItem>[] = [
  { key: 'name', label: 'Name', sortable: true, rowHeader: true },
  // Cells render inside ib-table: the tokens reach them, the page's classes do not.
  { key: 'channel', label: 'Channel', sortable: true, width: '110px', render: (r) => html`<span class="chip" style=${CHIP_STYLE[r.channel]}>${CHANNEL_LABEL[r.channel]}</span>` },
  { key: 'address', label: 'Address', sortable: true, render: (r) => r.address ?? html`<span style="color:var(--ib-text-muted)">Website widget</span>` },
  { key: 'ticketCount', label: 'Tickets', sortable: true, align: 'end', width: '90px' },
];

/**
 * The Inboxes area (`/inbox/settings/inboxes`): the workspace's chat and email inboxes (name,
 * channel, address, tickets; a row opens the inbox) and "New inbox"; with an `itemId`
 * (`/inbox/settings/inboxes/inb_…`) one inbox's settings (`ib-inbox-detail`).
 * Properties: `agent`, `itemId` (from the settings shell). Events: `ib-navigate` to an inbox.
 */
export class IbSettingsInboxes extends LitElement {
  static styles = [controls, settingsCard, inboxesStyles];
  static properties = { agent: { attribute: false }, itemId: { attribute: false }, rows: { state: true }, failed: { state: true } };
  declare agent: Agent | null;
  declare itemId: string | null;
  declare rows: InboxListItem[] | null;
  declare failed: string;

  constructor() {
    super();
    this.agent = null;
    this.itemId = null;
    this.rows = null;
    this.failed = '';
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (!this.itemId) this.toggleAttribute('wide', false);
    // Back on the list (or first shown): read it again, another admin may have changed it.
    if (changed.has('itemId') && !this.itemId) void this.load();
  }

  private async load() {
    try {
      this.rows = await rest<InboxListItem[]>('GET', '/api/settings/inboxes');
      this.failed = '';
    } catch (err) {
      this.failed = (err as Error).message;
    }
  }

  private create() {
    (this.renderRoot.querySelector('ib-inbox-create') as IbInboxCreate).open();
  }

  render() {
    // A chat inbox's page holds its form beside the widget's preview: it takes the whole width.
    if (this.itemId)
      return html`<ib-inbox-detail .inboxId=${this.itemId} .agent=${this.agent}
        @ib-inbox-loaded=${(e: CustomEvent<InboxDetail>) => this.toggleAttribute('wide', e.detail.channel === 'chat')}></ib-inbox-detail>`;
    return html`<section class="card" aria-labelledby="inboxes-title">
        <div class="card-head">
          <div>
            <h2 class="card-title" id="inboxes-title">Your inboxes</h2>
            <p class="card-text">Where conversations arrive: the chat widget on your website, or an email address.</p>
          </div>
          <ib-button variant="primary" @click=${this.create}>New inbox</ib-button>
        </div>
        ${this.failed
          ? html`<div class="form-alert" role="alert"><span class="form-alert-text">The inboxes could not be loaded: ${this.failed}</span><ib-button size="sm" @click=${this.load}>Retry</ib-button></div>`
          : this.rows === null
            ? html`<p class="muted" role="status">Loading…</p>`
            : html`<ib-table label="Inboxes" .columns=${columns} .rows=${this.rows} .sort=${{ key: 'name', dir: 'asc' }} activatable
                @ib-activate=${(e: CustomEvent<{ row: InboxListItem }>) => navigate(this, settingsUrl('inboxes', e.detail.row.id))}>
                <ib-empty slot="empty" icon="inbox" heading="No inboxes yet">Create a chat inbox for the widget on your website, or an email inbox for your support address.
                  <ib-button slot="actions" variant="primary" @click=${this.create}>New inbox</ib-button></ib-empty>
              </ib-table>`}
      </section>
      <ib-inbox-create @ib-created=${() => void this.load()}></ib-inbox-create>`;
  }
}
customElements.define('ib-settings-inboxes', IbSettingsInboxes);
