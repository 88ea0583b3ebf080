import { LitElement, html, nothing } from 'lit';
import type { CredentialsRegenerated, InboxDetail } from '@support/protocol';
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
 * Receiving mail: the inbox's webhook URL and, for each provider format the server takes, how
 * it authenticates: Basic auth (raw MIME; SendGrid and Postmark in the URL) with a password
 * shown by its last four characters and regenerated after a confirmation (the new one shown
 * once; audited by the server), or Mailgun's signing key. Property: `inbox`. Events:
 * `ib-inbox-changed` (bubbling, composed) after a regeneration.
 */
export class IbWebhookCredentials extends LitElement {
  static styles = [controls, settingsCard, inboxesStyles];
  static properties = { inbox: { attribute: false }, fresh: { state: true }, busy: { state: true } };
  declare inbox: InboxDetail;
  /** The password made just now (shown until the page is left). */
  declare fresh: CredentialsRegenerated | null;
  declare busy: boolean;

  constructor() {
    super();
    this.fresh = null;
    this.busy = false;
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    const before = changed.get('inbox') as InboxDetail | undefined;
    if (before && before.id !== this.inbox.id) this.fresh = null;
  }

  private get dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog') as IbDialog;
  }

  private async regenerate() {
    if (this.busy) return;
    this.busy = true;
    try {
      this.fresh = await rest<CredentialsRegenerated>('POST', `/api/settings/inboxes/${encodeURIComponent(this.inbox.id)}/credentials/regenerate`, { credential: 'basicPassword' });
      this.dialog.close();
      toast(this, 'New webhook password made: update your provider now');
      this.dispatchEvent(new CustomEvent('ib-inbox-changed', { detail: this.fresh.inbox, bubbles: true, composed: true }));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#webhook-password')?.focus();
    } catch (err) {
      toast(this, `Not regenerated: ${(err as Error).message}`, 'error');
    } finally {
      this.busy = false;
    }
  }

  render() {
    const e = this.inbox?.email;
    if (!e) return nothing;
    const w = e.webhook;
    const f = this.fresh;
    const user = f?.basicUser ?? w.basicUser ?? 'webhook';
    const withAuth = (password: string) => w.url.replace('://', `://${user}:${password}@`);
    return html`<section class="card" aria-labelledby="webhook-title">
        <h3 class="card-title" id="webhook-title">Receiving mail</h3>
        <p class="card-text">Have your mail provider post each mail to this URL. Passwords and keys are never shown again once saved.</p>
        <div class="fields wide">
          ${copyField('Webhook URL', w.url, { id: 'webhook-url' })}
          <dl class="kv">
            <dt>Raw MIME</dt><dd><code>Content-Type: message/rfc822</code>, Basic auth as user <code>${user}</code></dd>
            <dt>SendGrid, Postmark</dt><dd>The URL with the credentials in it: <code>${withAuth('<password>')}</code></dd>
            <dt>Mailgun</dt><dd>Forward to the URL (a route ending in <code>mime</code>); signed with the Mailgun key: ${secretHint(w.mailgunSigningKeyHint, 'Mailgun key')}</dd>
            <dt>Webhook password</dt><dd><div class="actions">${secretHint(w.basicPasswordHint, 'Webhook password')}<ib-button size="sm" variant="danger" @click=${() => this.dialog.show()}>Regenerate…</ib-button></div></dd>
          </dl>
          ${f
            ? html`<p class="result ok" role="status">New password made: copy it now, it is shown only once.</p>
                ${copyField('Password', f.basicPassword, { id: 'webhook-password' })}
                ${copyField('URL with credentials', withAuth(encodeURIComponent(f.basicPassword)), { id: 'webhook-url-auth', hint: 'For SendGrid Inbound Parse and Postmark.' })}`
            : nothing}
        </div>
      </section>
      <ib-dialog label="Regenerate the webhook password?" size="sm">
        <p class="card-text">The current password stops working at once: mail your provider posts with it is refused until you give it the new one.</p>
        <ib-button slot="footer" autofocus @click=${() => this.dialog.close()}>Cancel</ib-button>
        <ib-button slot="footer" variant="danger" .loading=${this.busy} @click=${this.regenerate}>Regenerate password</ib-button>
      </ib-dialog>`;
  }
}
customElements.define('ib-webhook-credentials', IbWebhookCredentials);
