import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Agent, CannedResponse } from '@support/protocol';
import { rest } from '../../api.js';
import { store } from '../../store.js';
import { CANNED_ENDPOINT, sharingText } from '../../lib/canned.js';
import { backIcon } from '../../lib/icons.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { settingsCard } from '../settings-card.js';
import { peopleStyles } from '../people/people-ui.js';
import { slaStyles } from '../sla/sla.styles.js';
import './ib-canned-editor.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-field/ib-field.js';

/** Those matching `q` (any case): short code, title or text. */
const matches = (r: CannedResponse, q: string) => !q || [r.shortCode, r.title, r.body].some((s) => s.toLowerCase().includes(q));

/**
 * The Canned responses area: `/inbox/settings/canned` lists those the member sees, grouped by
 * folder, with a search, who sees each and how often it was used; `…/canned/new` creates one
 * and `…/canned/<cnr_…>` edits one (`ib-canned-editor`); delete asks first.
 * Properties: `agent`, `itemId`. Events: `ib-navigate`.
 */
export class IbSettingsCanned extends LitElement {
  static properties = { agent: { attribute: false }, itemId: { attribute: false } };
  static styles = [
    controls, settingsCard, peopleStyles, slaStyles,
    css`
      .search { max-width: 360px; margin-bottom: var(--ib-space-4); }
      .search input { width: 100%; }
      .folder + .folder { margin-top: var(--ib-space-4); }
      .folder-title { margin: 0 0 var(--ib-space-2); font-size: var(--ib-text-md); font-weight: 600; color: var(--ib-text-muted); }
      .items .main a { font-family: var(--ib-font-mono); }
      .items .main .title { font-weight: 500; }
      .sub.preview { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
      .meta { flex: none; display: flex; flex-direction: column; align-items: flex-end; gap: 2px; font-size: var(--ib-text-sm); color: var(--ib-text-muted); text-align: end; }
      @media (max-width: 600px) { .items > li { flex-wrap: wrap; row-gap: var(--ib-space-2); } .items .main { flex-basis: 100%; } .meta { flex-direction: row; gap: var(--ib-space-2); align-items: center; } }
    `,
  ];
  declare agent: Agent | null;
  declare itemId: string | null;
  private items: CannedResponse[] | null = null;
  private loadError = '';
  private q = '';
  private deleting = false;

  constructor() {
    super();
    this.agent = null;
    this.itemId = null;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.items = await rest<CannedResponse[]>('GET', `${CANNED_ENDPOINT}?limit=500`);
      this.loadError = '';
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  private get current(): CannedResponse | null {
    return this.items?.find((r) => r.id === this.itemId) ?? null;
  }

  private onSaved(e: CustomEvent<CannedResponse>) {
    const r = e.detail;
    const creating = !this.current;
    this.items = [...this.items!.filter((x) => x.id !== r.id), r];
    if (creating) navigate(this, settingsUrl('canned', r.id), true);
    this.requestUpdate();
  }

  private dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog.delete') as IbDialog;
  }

  private async deleteCurrent() {
    const r = this.current;
    if (!r || this.deleting) return;
    this.deleting = true;
    this.requestUpdate();
    try {
      await rest('DELETE', `${CANNED_ENDPOINT}/${r.id}`);
      this.items = this.items!.filter((x) => x.id !== r.id);
      this.dialog().close();
      toast(this, `/${r.shortCode} deleted`);
      navigate(this, settingsUrl('canned'));
    } catch (err) {
      this.dialog().close();
      toast(this, `Not deleted: ${(err as Error).message}`, 'error');
    } finally {
      this.deleting = false;
      this.requestUpdate();
    }
  }

  private folders(): string[] {
    return [...new Set(this.items!.map((r) => r.folder).filter(Boolean))].sort((a, b) => a.localeCompare(b));
  }

  private renderRow(r: CannedResponse) {
    const team = r.teamId ? (store.teams.find((t) => t.id === r.teamId)?.name ?? null) : null;
    return html`<li>
      <div class="main">
        <span><a href=${settingsUrl('canned', r.id)}>/${r.shortCode}</a> · <span class="title">${r.title}</span></span>
        <span class="sub preview">${r.body}</span>
      </div>
      <div class="meta">
        <span class="chip">${sharingText(r.sharing, team)}</span>
        <span>Used ${r.usageCount} ${r.usageCount === 1 ? 'time' : 'times'}${r.attachments.length ? ` · ${r.attachments.length} ${r.attachments.length === 1 ? 'file' : 'files'}` : ''}</span>
      </div>
    </li>`;
  }

  private renderList(all: CannedResponse[]) {
    const q = this.q.trim().toLowerCase().replace(/^\//, '');
    const shown = all.filter((r) => matches(r, q)).sort((a, b) => a.shortCode.localeCompare(b.shortCode));
    const groups = [...this.folders(), ''].map((folder) => ({ folder, rows: shown.filter((r) => r.folder === folder) })).filter((g) => g.rows.length);
    const add = html`<ib-button variant="primary" href=${settingsUrl('canned', 'new')}>New canned response</ib-button>`;
    return html`<section class="card" aria-labelledby="canned-title">
      <div class="card-head">
        <div><h2 class="card-title" id="canned-title">Your canned responses</h2>
          <p class="card-text">Type / in a reply to insert one: its placeholders are filled in for the ticket.</p></div>
        ${all.length ? add : nothing}
      </div>
      ${all.length
        ? html`<div class="search"><ib-field label="Search">
              <input class="field" type="search" placeholder="Short code, title or text" .value=${live(this.q)}
                @input=${(e: Event) => { this.q = (e.target as HTMLInputElement).value; this.requestUpdate(); }} /></ib-field></div>
            ${groups.length
              ? groups.map((g, i) => html`<section class="folder" aria-labelledby="folder-${i}">
                  <h3 class="folder-title" id="folder-${i}">${g.folder || 'No folder'}</h3>
                  <ul class="items">${g.rows.map((r) => this.renderRow(r))}</ul>
                </section>`)
              : html`<ib-empty heading="Nothing matches “${this.q}”" level="3" icon="search">Try part of a short code, a title or a few words of the text.</ib-empty>`}`
        : html`<ib-empty heading="No canned responses yet" level="3" icon="inbox">Save the replies you write again and again, then type / in a reply to insert one. You can also save a reply from the composer with “Save as canned response”.
            <ib-button slot="actions" variant="primary" href=${settingsUrl('canned', 'new')}>New canned response</ib-button></ib-empty>`}
    </section>`;
  }

  render() {
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="The canned responses could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.items) return html`<p class="card-text" role="status">Loading canned responses…</p>`;
    if (!this.itemId) return this.renderList(this.items);
    const r = this.current;
    const back = html`<a class="back" href=${settingsUrl('canned')}>${backIcon}All canned responses</a>`;
    if (this.itemId !== 'new' && !r)
      return html`${back}<ib-empty icon="missing" heading="There is no such canned response">It may have been deleted, or it is someone else’s.
        <ib-button slot="actions" href=${settingsUrl('canned')}>All canned responses</ib-button></ib-empty>`;
    return html`${back}
      <ib-canned-editor .item=${r} .folders=${this.folders()} @ib-canned-saved=${this.onSaved} @ib-canned-delete=${() => this.dialog().show()}></ib-canned-editor>
      ${r
        ? html`<ib-dialog class="delete" size="sm" label="Delete /${r.shortCode}?">
            <p>Nobody can insert it any more${r.attachments.length ? ', and its files are deleted' : ''}. Replies already sent with it stay as they are.</p>
            <ib-button slot="footer" autofocus @click=${() => this.dialog().close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="danger" .loading=${this.deleting} @click=${() => void this.deleteCurrent()}>Delete</ib-button>
          </ib-dialog>`
        : nothing}`;
  }
}
customElements.define('ib-settings-canned', IbSettingsCanned);
