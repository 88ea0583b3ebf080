import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { inboxCreateSchema, type InboxCreated } from '@support/protocol';
import { rest } from '../../api.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';
import { FormController, formAlert } from '../form/form-controller.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { inboxesStyles } from './inboxes.styles.js';
import { copyField } from './copy.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-button/ib-button.js';

const EMPTY = { channel: 'chat', name: '', address: '', fromName: '', replyDomain: '', mailgunSigningKey: '' };
type Values = typeof EMPTY;

/**
 * "New inbox": a dialog with the channel (chat or email) and what that channel needs,
 * validated with the protocol's `inboxCreateSchema`. A chat inbox opens its settings at once;
 * an email inbox first shows its webhook URL and password, the only time the password is
 * shown. Method: `open()`. Events: `ib-created` (`detail: InboxCreated`), `ib-navigate`.
 */
export class IbInboxCreate extends LitElement {
  static styles = [controls, settingsCard, inboxesStyles];
  static properties = { created: { state: true } };
  declare created: InboxCreated | null;
  /** What the last save answered (the form resets its values, this keeps the answer). */
  private lastCreated: InboxCreated | null = null;
  private readonly form = new FormController<Values, InboxCreated>(this, {
    schema: inboxCreateSchema,
    values: { ...EMPTY },
    toBody: (v) => {
      const out: Record<string, unknown> = { channel: v.channel, name: v.name };
      if (v.channel === 'email') for (const k of ['address', 'fromName', 'replyDomain', 'mailgunSigningKey'] as const) if (v[k]) out[k] = v[k];
      return out;
    },
    save: (body) => rest<InboxCreated>('POST', '/api/settings/inboxes', body),
    saved: (r) => {
      this.lastCreated = r;
      return { values: { ...EMPTY } };
    },
    savedText: 'Inbox created',
  });

  constructor() {
    super();
    this.created = null;
  }

  private get dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog') as IbDialog;
  }

  /** Opens the dialog on an empty form. */
  open(): void {
    this.created = null;
    this.form.reset({ ...EMPTY });
    this.dialog.show();
  }

  private setChannel(channel: 'chat' | 'email') {
    this.form.values = { ...this.form.values, channel };
    this.requestUpdate();
  }

  private async submit() {
    if (!(await this.form.submit()) || !this.lastCreated) return;
    const created = this.lastCreated;
    this.dispatchEvent(new CustomEvent('ib-created', { detail: created }));
    if (created.webhook) this.created = created;
    else this.openInbox(created.inbox.id);
  }

  private openInbox(id: string) {
    this.dialog.close();
    navigate(this, settingsUrl('inboxes', id));
  }

  private renderCreated(c: InboxCreated) {
    const w = c.webhook!;
    const withAuth = w.url.replace('://', `://${w.basicUser}:${encodeURIComponent(w.basicPassword)}@`);
    return html`<p class="card-text">Point your mail provider at this address. <strong>The password is shown only now:</strong> copy it before you close this window (you can make a new one later).</p>
      <div class="fields">
        ${copyField('Webhook URL', w.url, { id: 'new-url', hint: 'Raw MIME (message/rfc822) with Basic auth, or Mailgun with its signing key.' })}
        ${copyField('User', w.basicUser, { id: 'new-user' })}
        ${copyField('Password', w.basicPassword, { id: 'new-password' })}
        ${copyField('URL with credentials', withAuth, { id: 'new-url-auth', hint: 'For SendGrid Inbound Parse and Postmark, which take the credentials in the URL.' })}
      </div>
      <ib-button slot="footer" variant="primary" @click=${() => this.openInbox(c.inbox.id)}>Open inbox settings</ib-button>`;
  }

  private renderForm() {
    const f = this.form;
    const v = f.values;
    const email = v.channel === 'email';
    const choice = (value: 'chat' | 'email', label: string) =>
      html`<button type="button" aria-pressed=${v.channel === value ? 'true' : 'false'} @click=${() => this.setChannel(value)}>${label}</button>`;
    return html`<form novalidate @submit=${(e: Event) => (e.preventDefault(), void this.submit())} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <div class="fields">
          <div class="copy-field">
            <span class="group-label" id="channel-label">Channel</span>
            <div class="segmented" role="group" aria-labelledby="channel-label">${choice('chat', 'Chat widget')}${choice('email', 'Email')}</div>
          </div>
          <ib-field label="Name" required hint=${email ? 'Agents see it in the inbox; replies are sent under it unless you set a sender name.' : 'Agents see it in the inbox; the widget’s header shows it unless you set a team name.'} .error=${f.error('name')}>
            <input class="field" name="name" autocomplete="off" autofocus .value=${live(v.name)} /></ib-field>
          ${email
            ? html`<ib-field label="Address" required hint="The address your customers write to." .error=${f.error('address')}>
                  <input class="field" name="address" type="email" autocomplete="off" .value=${live(v.address)} /></ib-field>
                <div class="pair">
                  <ib-field label="Sender name" hint="The inbox name if empty." .error=${f.error('fromName')}><input class="field" name="fromName" .value=${live(v.fromName)} /></ib-field>
                  <ib-field label="Reply domain" hint="The address’s domain if empty." .error=${f.error('replyDomain')}><input class="field" name="replyDomain" .value=${live(v.replyDomain)} /></ib-field>
                </div>
                <ib-field label="Mailgun signing key" hint="Only when Mailgun delivers this inbox’s mail." .error=${f.error('mailgunSigningKey')}>
                  <input class="field" name="mailgunSigningKey" type="password" autocomplete="off" .value=${live(v.mailgunSigningKey)} /></ib-field>`
            : nothing}
        </div>
        ${formAlert(f)}
        <button type="submit" hidden></button>
      </form>
      <ib-button slot="footer" @click=${() => this.dialog.close()}>Cancel</ib-button>
      <ib-button slot="footer" variant="primary" .loading=${f.saving} @click=${() => void this.submit()}>Create inbox</ib-button>`;
  }

  render() {
    return html`<ib-dialog label=${this.created ? 'Email inbox created' : 'New inbox'} size="md">${this.created ? this.renderCreated(this.created) : this.renderForm()}</ib-dialog>`;
  }
}
customElements.define('ib-inbox-create', IbInboxCreate);
