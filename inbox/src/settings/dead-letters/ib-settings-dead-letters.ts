import { LitElement, css, html, nothing } from 'lit';
import type { DeadLetter, DeadLetterPage, DeadLettersDeleted } from '@support/protocol';
import { rest } from '../../api.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import type { TableColumn } from '../../components/ib-table/ib-table.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { settingsUrl } from '../../lib/route.js';
import { controls, PHONE_MAX } from '../../styles/tokens.js';
import { dateTime } from '../format.js';
import { settingsCard } from '../settings-card.js';
import './ib-dead-letter.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-table/ib-table.js';

const PAGE = 25;
const phoneQuery = matchMedia(`(max-width: ${PHONE_MAX}px)`);
/** A reason as a sentence: its first letter capital. */
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The Email dead letters area (`settings.inboxes`): mail an email inbox could not take in,
 * newest first, a page at a time ("Load more"); each opens at
 * `/inbox/settings/dead-letters/<id>` (`ib-dead-letter`: the raw mail, reprocess, download,
 * delete). Several can be chosen and deleted at once, after a confirmation.
 * Properties: `agent`, `permissions`, `itemId` (the open dead letter, or null for the list).
 */
export class IbSettingsDeadLetters extends LitElement {
  static styles = [
    controls,
    settingsCard,
    css`
      .toolbar { display: flex; align-items: center; flex-wrap: wrap; gap: var(--ib-space-2); margin-bottom: var(--ib-space-3); min-height: var(--ib-control-md); }
      .toolbar label { display: inline-flex; align-items: center; gap: var(--ib-space-2); font-size: var(--ib-text-md); font-weight: 500; cursor: pointer; }
      .toolbar .count { color: var(--ib-text-muted); font-size: var(--ib-text-md); }
      .toolbar .spacer { flex: 1; }
      input[type='checkbox'] { width: 16px; height: 16px; margin: 0; accent-color: var(--ib-accent); cursor: pointer; }
      .more { display: flex; justify-content: center; margin-top: var(--ib-space-4); }
      .status { color: var(--ib-text-muted); }
    `,
  ];
  static properties = {
    agent: { attribute: false },
    permissions: { attribute: false },
    itemId: { attribute: false },
    letters: { state: true },
    next: { state: true },
    selected: { state: true },
    failed: { state: true },
    busy: { state: true },
  };
  declare agent: unknown;
  declare permissions: readonly string[];
  declare itemId: string | null;
  declare letters: DeadLetter[] | null;
  declare next: string | null;
  declare selected: Set<string>;
  declare failed: string;
  declare busy: boolean;
  private loadedFor: string | null | undefined = undefined;
  private readonly onMedia = () => this.requestUpdate();

  constructor() {
    super();
    this.permissions = [];
    this.itemId = null;
    this.letters = null;
    this.next = null;
    this.selected = new Set();
    this.failed = '';
    this.busy = false;
  }

  connectedCallback() {
    super.connectedCallback();
    phoneQuery.addEventListener('change', this.onMedia);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    phoneQuery.removeEventListener('change', this.onMedia);
  }

  protected willUpdate() {
    // Back from one dead letter to the list: read it again (that one may be gone).
    if (this.itemId === null && this.loadedFor !== null) {
      this.loadedFor = null;
      void this.load();
    }
    if (this.itemId !== null) this.loadedFor = this.itemId;
  }

  private async load(more = false) {
    this.busy = true;
    try {
      const q = new URLSearchParams({ limit: String(PAGE), ...(more && this.next ? { cursor: this.next } : {}) });
      const p = await rest<DeadLetterPage>('GET', `/api/settings/dead-letters?${q}`);
      this.letters = more ? [...(this.letters ?? []), ...p.deadLetters] : p.deadLetters;
      this.next = p.nextCursor;
      if (!more) this.selected = new Set([...this.selected].filter((id) => p.deadLetters.some((d) => d.id === id)));
      this.failed = '';
    } catch (err) {
      this.failed = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  private toggle(id: string, on: boolean) {
    const s = new Set(this.selected);
    if (on) s.add(id);
    else s.delete(id);
    this.selected = s;
  }

  private toggleAll(on: boolean) {
    this.selected = new Set(on ? (this.letters ?? []).map((d) => d.id) : []);
  }

  private confirmDelete() {
    (this.renderRoot.querySelector('ib-dialog.confirm') as IbDialog).show();
  }

  private async deleteSelected() {
    const ids = [...this.selected];
    (this.renderRoot.querySelector('ib-dialog.confirm') as IbDialog).close();
    try {
      const r = await rest<DeadLettersDeleted>('POST', '/api/settings/dead-letters/delete', { ids });
      toast(this, r.deleted === 1 ? '1 dead letter deleted' : `${r.deleted} dead letters deleted`);
      this.selected = new Set();
      await this.load();
    } catch (err) {
      toast(this, `Not deleted: ${(err as Error).message}`, 'error');
    }
  }

  /** The table's columns; on a phone one column holds the mail, its reason and date. */
  private columns(phone: boolean): TableColumn<DeadLetter>[] {
    const select: TableColumn<DeadLetter> = {
      key: 'select',
      label: 'Select',
      labelHidden: true,
      width: '36px',
      render: (d) => html`<input type="checkbox" aria-label="Select the mail ${d.subject ? `“${d.subject}”` : 'without a subject'}${d.sender ? ` from ${d.sender}` : ''}"
        .checked=${this.selected.has(d.id)} @change=${(e: Event) => this.toggle(d.id, (e.target as HTMLInputElement).checked)}>`,
    };
    const from = (d: DeadLetter) => `${d.sender ?? 'Unknown sender'} · ${d.inbox ? d.inbox.name : 'a deleted inbox'}`;
    const when = (d: DeadLetter) => html`<time class="nowrap" datetime=${d.receivedAt}>${dateTime(d.receivedAt)}</time>`;
    const subject = (d: DeadLetter) => html`<a class="subject" href=${settingsUrl('dead-letters', d.id)}>${d.subject || '(no subject)'}</a>`;
    if (phone)
      return [
        select,
        { key: 'mail', label: 'Mail', rowHeader: true, render: (d) => html`${subject(d)}<span class="secondary">${from(d)}</span>
          <span class="secondary">${sentence(d.reason)}</span><span class="secondary">${when(d)}</span>` },
      ];
    return [
      select,
      { key: 'mail', label: 'Mail', rowHeader: true, render: (d) => html`${subject(d)}<span class="secondary">${from(d)}</span>` },
      { key: 'reason', label: 'Reason', render: (d) => sentence(d.reason) },
      { key: 'receivedAt', label: 'Received', width: '150px', render: when },
    ];
  }

  private renderList() {
    if (this.failed && !this.letters)
      return html`<ib-empty icon="missing" heading="The dead letters could not be loaded">${this.failed}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    const letters = this.letters;
    if (!letters) return html`<p class="status" role="status">Loading…</p>`;
    const n = this.selected.size;
    const allOn = letters.length > 0 && letters.every((d) => this.selected.has(d.id));
    return html`<div class="toolbar">
        ${letters.length
          ? html`<label><input type="checkbox" .checked=${allOn} @change=${(e: Event) => this.toggleAll((e.target as HTMLInputElement).checked)}>Select all shown</label>
              <span class="count" role="status">${n ? `${n} selected` : ''}</span>`
          : nothing}
        <span class="spacer"></span>
        ${n ? html`<ib-button class="delete-selected" variant="danger" size="sm" @click=${this.confirmDelete}>Delete ${n === 1 ? '1 mail' : `${n} mails`}</ib-button>` : nothing}
        <ib-button class="refresh" size="sm" .loading=${this.busy} @click=${() => void this.load()}>Refresh</ib-button>
      </div>
      <ib-table label="Dead letters" .columns=${this.columns(phoneQuery.matches)} .rows=${letters}>
        <ib-empty slot="empty" icon="inbox" heading="No dead letters">Mail an email inbox cannot take in (no sender, unreadable, a loop) is kept here to
          reprocess or delete. There is none right now.</ib-empty>
      </ib-table>
      ${this.next ? html`<div class="more"><ib-button class="load-more" .loading=${this.busy} @click=${() => void this.load(true)}>Load more</ib-button></div>` : nothing}
      <ib-dialog class="confirm" label="Delete ${n === 1 ? 'this mail' : `${n} mails`}?" size="sm">
        <p>${n === 1 ? 'It is' : 'They are'} deleted for good, raw mail included. This cannot be undone.</p>
        <ib-button slot="footer" autofocus @click=${() => (this.renderRoot.querySelector('ib-dialog.confirm') as IbDialog).close()}>Cancel</ib-button>
        <ib-button slot="footer" variant="danger" @click=${() => void this.deleteSelected()}>Delete</ib-button>
      </ib-dialog>`;
  }

  render() {
    if (this.itemId) return html`<ib-dead-letter .deadLetterId=${this.itemId}></ib-dead-letter>`;
    return this.renderList();
  }
}
customElements.define('ib-settings-dead-letters', IbSettingsDeadLetters);
