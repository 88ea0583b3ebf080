import { LitElement, html, nothing } from 'lit';
import type { InboxDetail, InboxSecret } from '@support/protocol';
import { rest } from '../../api.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { settingsCard } from '../settings-card.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { inboxesStyles } from './inboxes.styles.js';
import { copyField, secretHint } from './copy.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-button/ib-button.js';

/**
 * A chat inbox's identity-verification secret: hidden (its last four characters), shown on
 * request (each reveal is audited by the server), rotated after a confirmation (the old one
 * stops working at once). Property: `inbox`. Events: `ib-inbox-changed` (bubbling, composed)
 * after a rotation, with the inbox as it is now.
 */
export class IbIdentitySecret extends LitElement {
  static styles = [controls, settingsCard, inboxesStyles];
  static properties = { inbox: { attribute: false }, secret: { state: true }, busy: { state: true } };
  declare inbox: InboxDetail;
  /** The secret while shown. */
  declare secret: string | null;
  declare busy: '' | 'reveal' | 'rotate';

  constructor() {
    super();
    this.secret = null;
    this.busy = '';
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    const before = changed.get('inbox') as InboxDetail | undefined;
    if (before && before.id !== this.inbox.id) this.secret = null;
  }

  private get dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog') as IbDialog;
  }

  private async call(what: 'reveal' | 'rotate') {
    if (this.busy) return;
    this.busy = what;
    try {
      const r = await rest<InboxSecret>('POST', `/api/settings/inboxes/${encodeURIComponent(this.inbox.id)}/secret/${what}`);
      this.secret = r.secret;
      if (what === 'rotate') {
        this.dialog.close();
        toast(this, 'New secret made: the old one no longer works');
        this.dispatchEvent(new CustomEvent('ib-inbox-changed', { detail: r.inbox, bubbles: true, composed: true }));
      }
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#identity-secret')?.focus();
    } catch (err) {
      toast(this, `${what === 'reveal' ? 'Could not show the secret' : 'Not rotated'}: ${(err as Error).message}`, 'error');
    } finally {
      this.busy = '';
    }
  }

  render() {
    if (!this.inbox?.chat) return nothing;
    return html`<section class="card" aria-labelledby="secret-title">
        <h3 class="card-title" id="secret-title">Identity verification</h3>
        <p class="card-text">Your server signs each signed-in user’s id with this secret (hex HMAC-SHA256 of the id) and the page passes it as
          <code>SupportWidget.identify({ id, hash })</code>, so nobody can chat as someone else. Keep it on your server, never in a page.</p>
        ${this.secret
          ? html`<div class="fields">${copyField('Secret', this.secret, { id: 'identity-secret' })}</div>
              <div class="actions" style="margin-top:var(--ib-space-3)"><ib-button @click=${() => (this.secret = null)}>Hide</ib-button>
                <ib-button variant="danger" @click=${() => this.dialog.show()}>Rotate…</ib-button></div>`
          : html`<div class="actions">
              ${secretHint(this.inbox.chat.secretHint, 'Secret')}
              <ib-button .loading=${this.busy === 'reveal'} @click=${() => void this.call('reveal')}>Reveal</ib-button>
              <ib-button variant="danger" @click=${() => this.dialog.show()}>Rotate…</ib-button>
            </div>`}
      </section>
      <ib-dialog label="Rotate the secret?" size="sm">
        <p class="card-text">A new secret replaces this one at once: identify calls your site signs with the old one are refused until your server uses the new one.</p>
        <ib-button slot="footer" autofocus @click=${() => this.dialog.close()}>Cancel</ib-button>
        <ib-button slot="footer" variant="danger" .loading=${this.busy === 'rotate'} @click=${() => void this.call('rotate')}>Rotate secret</ib-button>
      </ib-dialog>`;
  }
}
customElements.define('ib-identity-secret', IbIdentitySecret);
