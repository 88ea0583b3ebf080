import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { InboxDetail, InboxListItem } from '@support/protocol';
import { rest } from '../../api.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { settingsCard } from '../settings-card.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { inboxesStyles } from './inboxes.styles.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-select/ib-select.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-button/ib-button.js';

/**
 * "Delete inbox": a dialog that, when the inbox has tickets, asks what happens to them: move
 * them to another inbox of the same channel (chosen from a menu), or delete them with
 * everything in them. The server does either in one transaction with the deletion.
 * Property: `inbox`. Method: `open()`. Events: `ib-navigate` to the list once deleted.
 */
export class IbInboxDelete extends LitElement {
  static styles = [controls, settingsCard, inboxesStyles];
  static properties = { inbox: { attribute: false }, others: { state: true }, choice: { state: true }, moveTo: { state: true }, busy: { state: true }, error: { state: true } };
  declare inbox: InboxDetail;
  declare others: InboxListItem[];
  declare choice: 'move' | 'delete';
  declare moveTo: string;
  declare busy: boolean;
  declare error: string;

  constructor() {
    super();
    this.others = [];
    this.choice = 'move';
    this.moveTo = '';
    this.busy = false;
    this.error = '';
  }

  private get dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog') as IbDialog;
  }

  /** Opens the dialog; the inboxes tickets could move to are read now. */
  async open(): Promise<void> {
    this.error = '';
    this.busy = false;
    this.dialog.show();
    if (!this.inbox.ticketCount) return;
    const all = await rest<InboxListItem[]>('GET', '/api/settings/inboxes').catch(() => []);
    this.others = all.filter((i) => i.channel === this.inbox.channel && i.id !== this.inbox.id);
    this.moveTo = this.others[0]?.id ?? '';
    this.choice = this.others.length ? 'move' : 'delete';
  }

  private async confirm() {
    if (this.busy) return;
    const n = this.inbox.ticketCount;
    const q = n ? (this.choice === 'move' ? `?tickets=move&moveTo=${encodeURIComponent(this.moveTo)}` : '?tickets=delete') : '';
    this.busy = true;
    this.error = '';
    try {
      await rest('DELETE', `/api/settings/inboxes/${encodeURIComponent(this.inbox.id)}${q}`);
      const target = this.others.find((o) => o.id === this.moveTo)?.name;
      toast(this, n && this.choice === 'move' ? `Inbox deleted; its tickets are in ${target}` : 'Inbox deleted');
      this.dialog.close();
      navigate(this, settingsUrl('inboxes'));
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  private renderChoice() {
    const n = this.inbox.ticketCount;
    const tickets = n === 1 ? 'its ticket' : `its ${n} tickets`;
    const radio = (value: 'move' | 'delete', label: string, hint: string, disabled = false) =>
      html`<label class="check"><input type="radio" name="tickets" .checked=${live(this.choice === value)} ?disabled=${disabled} @change=${() => (this.choice = value)} />
        <span>${label}<small>${hint}</small></span></label>`;
    return html`<fieldset class="choice">
      <legend>What happens to ${tickets}?</legend>
      ${radio('move', 'Move them to another inbox', this.others.length ? `Their conversations, notes and history go with them.` : `There is no other ${this.inbox.channel} inbox to move them to.`, !this.others.length)}
      ${this.choice === 'move' && this.others.length
        ? html`<ib-field label="Move to"><ib-select .options=${this.others.map((o) => ({ value: o.id, label: o.name }))} .value=${live(this.moveTo)}
            @ib-change=${(e: CustomEvent<{ value: string }>) => (this.moveTo = e.detail.value)}></ib-select></ib-field>`
        : nothing}
      ${radio('delete', 'Delete them', 'Messages, notes, attachments and history are deleted for good.')}
    </fieldset>`;
  }

  render() {
    const i = this.inbox;
    if (!i) return nothing;
    const action = i.ticketCount && this.choice === 'delete' ? 'Delete inbox and tickets' : 'Delete inbox';
    return html`<ib-dialog label=${`Delete ${i.name}?`} size="md">
      <p class="card-text">${i.channel === 'chat' ? 'The widget of this inbox stops working on every site that embeds it.' : 'Mail sent to this inbox’s webhook is refused from then on.'} This cannot be undone.</p>
      ${i.ticketCount ? this.renderChoice() : nothing}
      ${this.error ? html`<div class="form-alert" role="alert"><span class="form-alert-text">Not deleted: ${this.error}</span></div>` : nothing}
      <ib-button slot="footer" @click=${() => this.dialog.close()}>Cancel</ib-button>
      <ib-button slot="footer" variant="danger" .loading=${this.busy} ?disabled=${!!i.ticketCount && this.choice === 'move' && !this.moveTo} @click=${this.confirm}>${action}</ib-button>
    </ib-dialog>`;
  }
}
customElements.define('ib-inbox-delete', IbInboxDelete);
