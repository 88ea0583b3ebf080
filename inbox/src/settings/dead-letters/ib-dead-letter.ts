import { LitElement, css, html, nothing, svg } from 'lit';
import type { DeadLetterDetail, DeadLetterReprocessResult } from '@support/protocol';
import { ApiError, rest } from '../../api.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { formatSize } from '../../lib/email-html.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { backIcon } from '../../lib/icons.js';
import { controls } from '../../styles/tokens.js';
import { dateTime } from '../format.js';
import { settingsCard } from '../settings-card.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-empty/ib-empty.js';

/** What a successful reprocess did, in a sentence. */
function takenIn(r: Exclude<DeadLetterReprocessResult, { result: 'dead_letter' }>): string {
  switch (r.result) {
    case 'created':
      return r.newTicket ? 'It opened a new ticket.' : 'It was added to its ticket.';
    case 'duplicate':
      return 'It was already in its ticket: nothing was added twice.';
    default:
      return 'It became a delivery report on its ticket.';
  }
}

const doneIcon = svg`<svg width="20" height="20" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="8" fill="var(--ib-success)"/><path d="M4.5 8.2l2.3 2.3 4.7-4.9" fill="none" stroke="#fff" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** A reason as a sentence: its first letter capital. */
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * One email dead letter: who sent it, to which inbox, when, why it was refused (and how
 * often it was reprocessed), and its raw mail as text (the first 256 KB; the download has
 * it all). Reprocess feeds the raw mail to the inbox again: taken in, the page says what it
 * became with a link to the ticket; refused again, the new reason shows. Delete asks first.
 * Properties: `deadLetterId`. Events: `ib-navigate` (back to the list after a delete).
 */
export class IbDeadLetter extends LitElement {
  static styles = [
    controls,
    settingsCard,
    css`
      .back {
        display: inline-flex; align-items: center; gap: var(--ib-space-1); margin: 0 0 var(--ib-space-3) -2px; padding: 4px var(--ib-space-2) 4px 2px;
        border-radius: var(--ib-radius); color: var(--ib-accent); font-size: var(--ib-text-md); font-weight: 500; text-decoration: none;
      }
      .back:hover { background: var(--ib-bg-hover); }
      .back:hover { text-decoration: underline; }
      h2 { overflow-wrap: anywhere; }
      dl { display: grid; grid-template-columns: 120px minmax(0, 1fr); gap: var(--ib-space-2) var(--ib-space-4); margin: 0 0 var(--ib-space-4); font-size: var(--ib-text-md); }
      dt { color: var(--ib-text-muted); font-weight: 500; }
      dd { margin: 0; overflow-wrap: anywhere; }
      .reason { padding: var(--ib-space-3); border-radius: var(--ib-radius); background: var(--ib-danger-subtle); color: var(--ib-text); font-size: var(--ib-text-md); overflow-wrap: anywhere; }
      .reason strong { display: block; margin-bottom: 2px; }
      .actions { display: flex; flex-wrap: wrap; gap: var(--ib-space-2); margin-top: var(--ib-space-4); }
      .actions .delete { margin-left: auto; }
      .done .card-title { display: flex; align-items: center; gap: var(--ib-space-2); }
      .done .card-title:focus { outline: none; }
      .done .actions { margin-top: 0; }
      pre {
        margin: 0; max-height: 420px; overflow: auto; padding: var(--ib-space-3); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius);
        background: var(--ib-bg-canvas); font: var(--ib-text-sm) / 1.5 var(--ib-font-mono); white-space: pre-wrap; overflow-wrap: anywhere;
      }
      .note { margin: var(--ib-space-2) 0 0; color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
      @media (max-width: 520px) {
        dl { grid-template-columns: minmax(0, 1fr); gap: 2px; }
        dd + dt { margin-top: var(--ib-space-2); }
        .actions .delete { margin-left: 0; }
      }
    `,
  ];
  static properties = { deadLetterId: { attribute: false }, letter: { state: true }, failed: { state: true }, busy: { state: true }, done: { state: true } };
  declare deadLetterId: string;
  declare letter: DeadLetterDetail | null;
  declare failed: { missing: boolean; message: string } | null;
  declare busy: boolean;
  declare done: Exclude<DeadLetterReprocessResult, { result: 'dead_letter' }> | null;

  constructor() {
    super();
    this.deadLetterId = '';
    this.letter = null;
    this.failed = null;
    this.busy = false;
    this.done = null;
  }

  protected willUpdate(changed: Map<string, unknown>) {
    if (changed.has('deadLetterId')) void this.load();
  }

  private async load() {
    this.letter = null;
    this.failed = null;
    this.done = null;
    try {
      this.letter = await rest<DeadLetterDetail>('GET', `/api/settings/dead-letters/${encodeURIComponent(this.deadLetterId)}`);
    } catch (err) {
      this.failed = { missing: err instanceof ApiError && err.code === 'NOT_FOUND', message: (err as Error).message };
    }
  }

  private async reprocess() {
    if (this.busy) return;
    this.busy = true;
    try {
      const r = await rest<DeadLetterReprocessResult>('POST', `/api/settings/dead-letters/${encodeURIComponent(this.deadLetterId)}/reprocess`);
      if (r.result === 'dead_letter') {
        this.letter = { ...this.letter!, ...r.deadLetter };
        toast(this, `Refused again: ${r.reason}`, 'error');
      } else {
        // The page says it (its heading takes focus): no toast on top.
        this.done = r;
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('.done h2')?.focus();
      }
    } catch (err) {
      toast(this, `Not reprocessed: ${(err as Error).message}`, 'error');
    } finally {
      this.busy = false;
    }
  }

  private dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog.confirm') as IbDialog;
  }

  private async deleteIt() {
    this.dialog().close();
    try {
      await rest('DELETE', `/api/settings/dead-letters/${encodeURIComponent(this.deadLetterId)}`);
      toast(this, 'Dead letter deleted');
      navigate(this, settingsUrl('dead-letters'));
    } catch (err) {
      toast(this, `Not deleted: ${(err as Error).message}`, 'error');
    }
  }

  private renderDone(r: Exclude<DeadLetterReprocessResult, { result: 'dead_letter' }>) {
    return html`<section class="card done" aria-labelledby="done-title">
      <h2 class="card-title" id="done-title" tabindex="-1">${doneIcon}Mail taken in</h2>
      <p class="card-text">${takenIn(r)} The dead letter is gone from the list.</p>
      <div class="actions">
        ${r.ticketId ? html`<ib-button class="open-ticket" variant="primary" href="/inbox/t/${r.ticketId}">Open the ticket</ib-button>` : nothing}
        <ib-button href=${settingsUrl('dead-letters')}>Back to dead letters</ib-button>
      </div>
    </section>`;
  }

  render() {
    const back = html`<a class="back" href=${settingsUrl('dead-letters')}>${backIcon}<span>All dead letters</span></a>`;
    if (this.done) return this.renderDone(this.done);
    if (this.failed)
      return html`${back}<ib-empty icon="missing" heading=${this.failed.missing ? 'This dead letter is gone' : 'This dead letter could not be loaded'}>
          ${this.failed.missing ? 'It was reprocessed or deleted, or the link is wrong.' : this.failed.message}</ib-empty>`;
    const d = this.letter;
    if (!d) return html`${back}<p role="status">Loading…</p>`;
    return html`${back}
      <section class="card" aria-labelledby="dl-title">
        <h2 class="card-title" id="dl-title">${d.subject || '(no subject)'}</h2>
        <p class="card-text">Kept because the inbox could not take it in.</p>
        <dl>
          <dt>From</dt><dd class="sender">${d.sender ?? 'Unknown sender'}</dd>
          <dt>Inbox</dt><dd>${d.inbox?.name ?? 'A deleted inbox'}</dd>
          <dt>Received</dt><dd><time datetime=${d.receivedAt}>${dateTime(d.receivedAt)}</time></dd>
          <dt>Size</dt><dd>${formatSize(d.size)}</dd>
          ${d.attempts ? html`<dt>Reprocessed</dt><dd class="attempts">${d.attempts === 1 ? 'once' : `${d.attempts} times`}, last on ${dateTime(d.lastAttemptAt!)}</dd>` : nothing}
        </dl>
        <div class="reason" role="status"><strong>Why it was refused</strong><span class="reason-text">${sentence(d.reason)}</span></div>
        <div class="actions">
          <ib-button class="reprocess" variant="primary" .loading=${this.busy} @click=${() => void this.reprocess()}>Reprocess</ib-button>
          <ib-button class="download" href="/api/settings/dead-letters/${d.id}/raw">Download .eml</ib-button>
          <ib-button class="delete" variant="danger" @click=${() => this.dialog().show()}>Delete</ib-button>
        </div>
      </section>
      <section class="card" aria-labelledby="raw-title">
        <h2 class="card-title" id="raw-title">Raw mail</h2>
        <p class="card-text">Exactly as it arrived, shown as plain text.</p>
        <pre tabindex="0" aria-labelledby="raw-title">${d.rawText}</pre>
        ${d.truncated ? html`<p class="note">Only the first 256 KB are shown. Download the mail to see all of it.</p>` : nothing}
      </section>
      <ib-dialog class="confirm" label="Delete this mail?" size="sm">
        <p>It is deleted for good, raw mail included. This cannot be undone.</p>
        <ib-button slot="footer" autofocus @click=${() => this.dialog().close()}>Cancel</ib-button>
        <ib-button slot="footer" variant="danger" @click=${() => void this.deleteIt()}>Delete</ib-button>
      </ib-dialog>`;
  }
}
customElements.define('ib-dead-letter', IbDeadLetter);
