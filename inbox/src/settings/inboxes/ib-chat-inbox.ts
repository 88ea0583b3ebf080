import { LitElement, css, html } from 'lit';
import { live } from 'lit/directives/live.js';
import { inboxUpdateSchema, type InboxDetail, type WidgetConfig } from '@support/protocol';
import { rest } from '../../api.js';
import { store } from '../../store.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';
import { FormController, formAlert } from '../form/form-controller.js';
import { inboxesStyles } from './inboxes.styles.js';
import { followInbox, formButtons } from './inbox-form.js';
import { copyText } from './copy.js';
import './ib-widget-preview.js';
import './ib-identity-secret.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';
import '../../components/ib-button/ib-button.js';

const MODES = [{ value: 'off', label: 'Don’t ask' }, { value: 'optional', label: 'Optional' }, { value: 'required', label: 'Required' }];
const POSITIONS = [{ value: 'right', label: 'Bottom right' }, { value: 'left', label: 'Bottom left' }];
const SCHEMES = [{ value: 'auto', label: 'Follow the site' }, { value: 'light', label: 'Light' }, { value: 'dark', label: 'Dark' }];
const HEX = /^#[0-9a-fA-F]{6}$/;

/** The form's values: one per control, named by the path of its field in the PATCH body. */
const valuesOf = (i: InboxDetail) => {
  const w = i.chat!.widget;
  return {
    name: i.name,
    'widget.teamName': w.teamName ?? '',
    'widget.greeting': w.greeting,
    'widget.replyTime': w.replyTime,
    'widget.color': w.color,
    'widget.position': w.position as string,
    'widget.colorScheme': w.colorScheme as string,
    'widget.preChat.name': w.preChat.name as string,
    'widget.preChat.email': w.preChat.email as string,
    'widget.awayMessage': w.awayMessage,
    'widget.awayOutsideHours': w.awayOutsideHours,
    allowedOrigins: i.chat!.allowedOrigins.join('\n'),
  };
};
type Values = ReturnType<typeof valuesOf>;

const bodyOf = (v: Values, updatedAt: string | undefined) => ({
  name: v.name,
  widget: {
    teamName: v['widget.teamName'],
    greeting: v['widget.greeting'],
    replyTime: v['widget.replyTime'],
    color: v['widget.color'],
    position: v['widget.position'],
    colorScheme: v['widget.colorScheme'],
    preChat: { name: v['widget.preChat.name'], email: v['widget.preChat.email'] },
    awayMessage: v['widget.awayMessage'],
    awayOutsideHours: v['widget.awayOutsideHours'],
  },
  allowedOrigins: v.allowedOrigins.split(/[\s,]+/).filter(Boolean),
  ...(updatedAt ? { expectedUpdatedAt: updatedAt } : {}),
});

/**
 * A chat inbox's settings: every widget setting (validated with the protocol's
 * `inboxUpdateSchema`, as the server does) beside a live preview of the real widget fed by
 * the unsaved values; the embed snippet; the identity-verification secret. Property: `inbox`.
 * Events: `ib-inbox-changed` (`detail`: the inbox as saved), `ib-reload` (read it again).
 */
export class IbChatInbox extends LitElement {
  static styles = [
    controls,
    settingsCard,
    inboxesStyles,
    css`
      .grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(300px, 440px); gap: var(--ib-space-4); align-items: start; }
      .grid .fields { max-width: none; }
      .preview { position: sticky; top: 0; }
      .color { display: flex; gap: var(--ib-space-2); align-items: flex-start; }
      .color ib-field { flex: 1; }
      /* Level with the field: under the label (its line and the field's gap). */
      .color input[type='color'] { flex: none; margin-top: 23px; width: 44px; height: var(--ib-control-md); padding: 2px; border: 1px solid var(--ib-border-control); border-radius: var(--ib-radius); background: var(--ib-bg); cursor: pointer; }
      .color .field { font-family: var(--ib-font-mono); }
      .grid > .card { margin-top: 0; }
      .grid + .card { margin-top: var(--ib-space-4); }
      @media (max-width: 1040px) { .grid { grid-template-columns: minmax(0, 1fr); } .preview { position: static; max-width: 480px; } }
    `,
  ];
  static properties = { inbox: { attribute: false } };
  declare inbox: InboxDetail;
  private reloading = false;
  private readonly form = new FormController<Values, InboxDetail>(this, {
    schema: inboxUpdateSchema,
    values: {} as Values,
    toBody: bodyOf,
    save: (body) => rest<InboxDetail>('PATCH', `/api/settings/inboxes/${encodeURIComponent(this.inbox.id)}`, body),
    saved: (r) => {
      this.dispatchEvent(new CustomEvent('ib-inbox-changed', { detail: r }));
      return { values: valuesOf(r), updatedAt: r.updatedAt };
    },
  });

  protected willUpdate(changed: Map<string, unknown>): void {
    if (!changed.has('inbox')) return;
    const before = changed.get('inbox') as InboxDetail | undefined;
    followInbox(this.form, { before, inbox: this.inbox, reload: this.reloading, values: valuesOf });
    this.reloading = false;
  }

  private reload() {
    this.reloading = true;
    this.dispatchEvent(new CustomEvent('ib-reload'));
  }

  /** What the widget would get with the values as they are now (a colour being typed keeps the saved one meanwhile). */
  private previewConfig(): WidgetConfig {
    const v = this.form.values;
    const w = this.inbox.chat!.widget;
    const color = HEX.test(v['widget.color']) ? v['widget.color'] : w.color;
    return {
      inboxId: this.inbox.id,
      name: v.name || this.inbox.name,
      agentsOnline: true,
      hours: null,
      attachmentMaxBytes: 10 * 1024 * 1024,
      // The header shows the workspace's logo, as visitors will see it.
      logoUrl: store.workspace?.logoUrl ?? null,
      language: 'en',
      settings: {
        teamName: v['widget.teamName'].trim() || v.name.trim() || this.inbox.name,
        greeting: v['widget.greeting'],
        replyTime: v['widget.replyTime'],
        color,
        position: v['widget.position'] as 'left' | 'right',
        colorScheme: v['widget.colorScheme'] as 'auto' | 'light' | 'dark',
        preChat: { name: v['widget.preChat.name'] as 'off', email: v['widget.preChat.email'] as 'off' },
        awayMessage: v['widget.awayMessage'],
        awayOutsideHours: v['widget.awayOutsideHours'],
      },
    };
  }

  private pickColor(e: Event) {
    this.form.values = { ...this.form.values, 'widget.color': (e.target as HTMLInputElement).value };
    this.requestUpdate();
  }

  private renderForm() {
    const f = this.form;
    const v = f.values;
    const text = (name: keyof Values, label: string, hint = '', required = true) =>
      html`<ib-field label=${label} hint=${hint} ?required=${required} .error=${f.error(name)}><input class="field" name=${name} .value=${live(v[name])} /></ib-field>`;
    const area = (name: keyof Values, label: string, hint = '', required = true, rows = 2) =>
      html`<ib-field label=${label} hint=${hint} ?required=${required} .error=${f.error(name)}><textarea class="field" name=${name} rows=${rows} .value=${live(v[name])}></textarea></ib-field>`;
    const menu = (name: keyof Values, label: string, options: { value: string; label: string }[]) =>
      html`<ib-field label=${label} .error=${f.error(name)}><ib-select name=${name} .options=${options} .value=${live(v[name])}></ib-select></ib-field>`;
    return html`<form class="card" novalidate aria-labelledby="widget-title" @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      <h3 class="card-title" id="widget-title">Widget</h3>
      <p class="card-text">What visitors see on your site. The preview shows your changes before you save them.</p>
      <div class="fields">
        ${text('name', 'Inbox name', 'Agents see it; the widget’s header too, unless you set a team name.')}
        ${text('widget.teamName', 'Team name', 'Shown in the widget’s header.', false)}
        ${area('widget.greeting', 'Greeting', 'The first thing a visitor reads.')}
        ${text('widget.replyTime', 'Reply time', 'Shown as “Typically replies in …”, for example “a few minutes”.')}
        <div class="color">
          <ib-field label="Colour" required hint="The launcher, the header and the visitor’s messages: pick it, or type it as #rrggbb." .error=${f.error('widget.color')}>
            <input class="field" name="widget.color" .value=${live(v['widget.color'])} spellcheck="false" autocomplete="off" /></ib-field>
          <input type="color" aria-label="Pick the colour" .value=${live(HEX.test(v['widget.color']) ? v['widget.color'].toLowerCase() : this.inbox.chat!.widget.color)} @input=${this.pickColor} />
        </div>
        <div class="pair">${menu('widget.position', 'Position', POSITIONS)}${menu('widget.colorScheme', 'Colour scheme', SCHEMES)}</div>
        <div class="pair">${menu('widget.preChat.name', 'Ask for a name', MODES)}${menu('widget.preChat.email', 'Ask for an email address', MODES)}</div>
        ${area('widget.awayMessage', 'Away message', 'Shown with an email field when no agent is online.')}
        <label class="check"><input type="checkbox" name="widget.awayOutsideHours" .checked=${live(v['widget.awayOutsideHours'])} />
          <span>Away outside business hours<small>Outside the workspace’s default hours (Settings › Business hours) the widget is away too, and says when the team is back.</small></span></label>
        ${area('allowedOrigins', 'Allowed sites', 'One site per line, such as https://shop.example or https://*.shop.example for its subdomains. Empty: any site may show the widget.', false, 3)}
      </div>
      ${formAlert(f, () => this.reload())}
      ${formButtons(this.form, () => valuesOf(this.inbox), this.inbox.updatedAt)}
    </form>`;
  }

  render() {
    if (!this.inbox?.chat) return html``;
    const chat = this.inbox.chat;
    return html`<div class="grid">
        ${this.renderForm()}
        <section class="card preview" aria-labelledby="preview-title">
          <h3 class="card-title" id="preview-title">Preview</h3>
          <p class="card-text">The real widget, with your unsaved changes.</p>
          <ib-widget-preview .config=${this.previewConfig()}></ib-widget-preview>
        </section>
      </div>
      <section class="card" aria-labelledby="embed-title">
        <div class="card-head">
          <div>
            <h3 class="card-title" id="embed-title">Embed code</h3>
            <p class="card-text">Paste it before <code>&lt;/body&gt;</code> on every page that shows the widget. Add <code>data-color-scheme="dark"</code> to force a scheme on one site.</p>
          </div>
          <ib-button label="Copy embed code" @click=${(e: Event) => void copyText(e.currentTarget!, chat.embed, 'Embed code')}>Copy</ib-button>
        </div>
        <pre class="code">${chat.embed}</pre>
      </section>
      <ib-identity-secret .inbox=${this.inbox}></ib-identity-secret>`;
  }
}
customElements.define('ib-chat-inbox', IbChatInbox);
