import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { inboxUpdateSchema, SMTP_TLS_MODES, type Agent, type InboxDetail, type TestMailResult } from '@support/protocol';
import { rest } from '../../api.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { settingsCard } from '../settings-card.js';
import { FormController, formAlert } from '../form/form-controller.js';
import { inboxesStyles } from './inboxes.styles.js';
import { followInbox, formButtons } from './inbox-form.js';
import './ib-webhook-credentials.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';
import '../../components/ib-button/ib-button.js';

const TLS_LABEL: Record<(typeof SMTP_TLS_MODES)[number], string> = { starttls: 'STARTTLS (port 587)', tls: 'TLS (port 465)', none: 'None (private relay only)' };

const valuesOf = (i: InboxDetail) => {
  const e = i.email!;
  return {
    name: i.name,
    address: e.address,
    fromName: e.fromName ?? '',
    replyDomain: e.replyDomain ?? '',
    mailgunSigningKey: '',
    smtpOwn: Boolean(e.smtp),
    'smtp.host': e.smtp?.host ?? '',
    'smtp.port': e.smtp ? String(e.smtp.port) : '587',
    'smtp.user': e.smtp?.user ?? '',
    'smtp.password': '',
    'smtp.tls': (e.smtp?.tls ?? 'starttls') as string,
  };
};
type Values = ReturnType<typeof valuesOf>;

const bodyOf = (v: Values, updatedAt: string | undefined) => ({
  name: v.name,
  address: v.address,
  fromName: v.fromName || null,
  replyDomain: v.replyDomain || null,
  ...(v.mailgunSigningKey ? { mailgunSigningKey: v.mailgunSigningKey } : {}),
  smtp: v.smtpOwn
    ? {
        host: v['smtp.host'],
        port: /^\d+$/.test(v['smtp.port'].trim()) ? Number(v['smtp.port']) : v['smtp.port'],
        user: v['smtp.user'],
        ...(v['smtp.password'] ? { password: v['smtp.password'] } : {}),
        tls: v['smtp.tls'],
      }
    : null,
  ...(updatedAt ? { expectedUpdatedAt: updatedAt } : {}),
});

/**
 * An email inbox's settings: address, display name, reply domain, the Mailgun signing key
 * (write-only), an SMTP server of its own (password write-only), validated with the
 * protocol's `inboxUpdateSchema`; "Send a test mail" (to the signed-in agent, with the saved
 * settings, showing the server's answer); the webhook URL and credentials
 * (`ib-webhook-credentials`). Properties: `inbox`, `agent`. Events: `ib-inbox-changed`,
 * `ib-reload`.
 */
export class IbEmailInbox extends LitElement {
  static styles = [controls, settingsCard, inboxesStyles];
  static properties = { inbox: { attribute: false }, agent: { attribute: false }, test: { state: true }, testing: { state: true } };
  declare inbox: InboxDetail;
  declare agent: Agent | null;
  declare test: TestMailResult | null;
  declare testing: boolean;
  private reloading = false;
  private readonly form = new FormController<Values, InboxDetail>(this, {
    schema: inboxUpdateSchema,
    values: {} as Values,
    toBody: bodyOf,
    save: (body) => this.patch(body),
    saved: (r) => ({ values: valuesOf(r), updatedAt: r.updatedAt }),
  });

  constructor() {
    super();
    this.agent = null;
    this.test = null;
    this.testing = false;
  }

  protected willUpdate(changed: Map<string, unknown>): void {
    if (!changed.has('inbox')) return;
    const before = changed.get('inbox') as InboxDetail | undefined;
    followInbox(this.form, { before, inbox: this.inbox, reload: this.reloading, values: valuesOf });
    if (before && before.id !== this.inbox.id) this.test = null;
    this.reloading = false;
  }

  private async patch(body: Record<string, unknown>): Promise<InboxDetail> {
    const r = await rest<InboxDetail>('PATCH', `/api/settings/inboxes/${encodeURIComponent(this.inbox.id)}`, body);
    this.dispatchEvent(new CustomEvent('ib-inbox-changed', { detail: r }));
    return r;
  }

  private reload() {
    this.reloading = true;
    this.dispatchEvent(new CustomEvent('ib-reload'));
  }

  private async removeMailgunKey() {
    try {
      await this.patch({ mailgunSigningKey: null, ...(this.form.updatedAt ? { expectedUpdatedAt: this.form.updatedAt } : {}) });
      toast(this, 'Mailgun signing key removed');
    } catch (err) {
      toast(this, `Not removed: ${(err as Error).message}`, 'error');
    }
  }

  private async sendTest() {
    if (this.testing) return;
    this.testing = true;
    this.test = null;
    try {
      this.test = await rest<TestMailResult>('POST', `/api/settings/inboxes/${encodeURIComponent(this.inbox.id)}/test-mail`);
    } catch (err) {
      this.test = { sent: false, to: this.agent?.email ?? '', via: 'none', response: null, error: (err as Error).message };
    } finally {
      this.testing = false;
    }
  }

  private renderForm() {
    const f = this.form;
    const v = f.values;
    const e = this.inbox.email!;
    const text = (name: keyof Values, label: string, o: { hint?: string; required?: boolean; type?: string; placeholder?: string } = {}) =>
      html`<ib-field label=${label} hint=${o.hint ?? ''} ?required=${o.required ?? false} .error=${f.error(name)}>
        <input class="field" name=${name} type=${o.type ?? 'text'} autocomplete="off" placeholder=${o.placeholder ?? ''} .value=${live(v[name] as string)} /></ib-field>`;
    const stored = (hint: string | null) => (hint ? `Stored, ending in ${hint.slice(1)}: leave empty to keep it` : '');
    return html`<form class="card" novalidate aria-labelledby="email-title" @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      <h3 class="card-title" id="email-title">Email</h3>
      <p class="card-text">Mail to this address becomes tickets; replies go out from it.</p>
      <div class="fields">
        ${text('name', 'Inbox name', { required: true, hint: 'Agents see it; the sender name of replies too, unless you set one.' })}
        ${text('address', 'Address', { required: true, type: 'email', hint: 'The address your customers write to.' })}
        <div class="pair">
          ${text('fromName', 'Sender name', { hint: 'The inbox name if empty.' })}
          ${text('replyDomain', 'Reply domain', { hint: 'Of the reply+…@ address; the address’s domain if empty.' })}
        </div>
        <h4 class="subhead">Outgoing mail</h4>
        <label class="check"><input type="checkbox" name="smtpOwn" .checked=${live(v.smtpOwn)} />
          <span>Send this inbox’s replies through its own SMTP server<small>${e.globalSmtp ? 'Otherwise they go through the server’s SMTP (SMTP_URL).' : 'The server has no SMTP of its own (SMTP_URL): without one here, replies are not sent.'}</small></span></label>
        ${v.smtpOwn
          ? html`<div class="pair">${text('smtp.host', 'SMTP host', { required: true, placeholder: 'smtp.example.com' })}${text('smtp.port', 'Port', { required: true, type: 'text' })}</div>
              <ib-field label="Encryption" .error=${f.error('smtp.tls')}><ib-select name="smtp.tls" .options=${SMTP_TLS_MODES.map((m) => ({ value: m, label: TLS_LABEL[m] }))} .value=${live(v['smtp.tls'])}></ib-select></ib-field>
              <div class="pair">${text('smtp.user', 'User', { hint: 'Empty: no login.' })}${text('smtp.password', 'Password', { type: 'password', placeholder: e.smtp?.passwordHint ? '••••••••' : '', hint: stored(e.smtp?.passwordHint ?? null) })}</div>`
          : nothing}
        <h4 class="subhead">Mailgun</h4>
        <div>
          ${text('mailgunSigningKey', 'Mailgun signing key', { type: 'password', placeholder: e.webhook.mailgunSigningKeyHint ? '••••••••' : '', hint: e.webhook.mailgunSigningKeyHint ? stored(e.webhook.mailgunSigningKeyHint) : 'Only when Mailgun delivers this inbox’s mail: its HTTP webhook signing key.' })}
          ${e.webhook.mailgunSigningKeyHint ? html`<ib-button variant="ghost" size="sm" style="margin-top:var(--ib-space-1)" @click=${this.removeMailgunKey}>Remove the stored key</ib-button>` : nothing}
        </div>
      </div>
      ${formAlert(f, () => this.reload())}
      ${formButtons(this.form, () => valuesOf(this.inbox), this.inbox.updatedAt)}
    </form>`;
  }

  private renderTest() {
    const e = this.inbox.email!;
    const via = e.smtp ? `its SMTP server ${e.smtp.host}` : e.globalSmtp ? 'the server’s SMTP' : null;
    const t = this.test;
    return html`<section class="card" aria-labelledby="test-title">
      <div class="card-head">
        <div>
          <h3 class="card-title" id="test-title">Send a test mail</h3>
          <p class="card-text">${via ? html`From ${e.address} to you (${this.agent?.email ?? 'your address'}), through ${via}, with the saved settings.` : 'No SMTP server is set up for this inbox or the server: set one above first.'}
            ${this.form.dirty ? html`<strong>Save your changes first.</strong>` : nothing}</p>
        </div>
        <ib-button .loading=${this.testing} @click=${this.sendTest}>Send a test mail</ib-button>
      </div>
      <div role="status">${t
        ? t.sent
          ? html`<p class="result ok">Sent to ${t.to}. The server answered <code>${t.response}</code></p>`
          : html`<p class="result bad">Not sent: ${t.error}</p>`
        : nothing}</div>
    </section>`;
  }

  render() {
    if (!this.inbox?.email) return nothing;
    return html`${this.renderForm()}${this.renderTest()}<ib-webhook-credentials .inbox=${this.inbox}></ib-webhook-credentials>`;
  }
}
customElements.define('ib-email-inbox', IbEmailInbox);
