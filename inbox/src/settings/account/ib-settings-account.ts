import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  accountUpdateSchema,
  AVATAR_MAX_BYTES,
  AVATAR_TYPES,
  passwordChangeSchema,
  SIGNATURE_MAX,
  workspaceCreateSchema,
  type Account,
  type Agent,
  type SessionInfo,
  type WorkspaceCreated,
} from '@support/protocol';
import { me, rest } from '../../api.js';
import { store } from '../../store.js';
import { avatar } from '../../lib/people.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { settingsCard } from '../settings-card.js';
import { FormController, formAlert, type FormValues } from '../form/form-controller.js';
import { peopleStyles, roleName, ROLE_TEXT } from '../people/people-ui.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-field/ib-field.js';

type Prefs = { newTicket: boolean; myTickets: boolean; sound: boolean };

/**
 * The Account area: the signed-in person's account, the same in every workspace. Profile
 * (photo, name; email and role shown), email signature, what the inbox notifies them of,
 * password (their other sessions end), and their workspaces (switch; owners create one).
 * Each card is its own form, validated with the protocol's schemas; they share the
 * account's `updatedAt`, so a save in another tab is refused (STALE) rather than overwritten.
 * Properties: `agent` (the signed-in agent), `itemId` (unused). Events: none.
 */
export class IbSettingsAccount extends LitElement {
  static styles = [
    controls,
    settingsCard,
    peopleStyles,
    css`
      .summary { display: flex; gap: var(--ib-space-4); align-items: center; }
      .summary .avatar { font-size: var(--ib-text-lg); }
      .summary dl { margin: 0; min-width: 0; }
      .summary dd { margin: 0; }
      .account-name { margin: 0; font-size: var(--ib-text-lg); font-weight: 600; overflow-wrap: anywhere; }
      .account-email { color: var(--ib-text-muted); overflow-wrap: anywhere; }
      .account-role { margin-top: var(--ib-space-1); }
      .account-role .chip { font-size: var(--ib-text-sm); line-height: 22px; font-weight: 600; }
      .role-text { display: block; margin-top: var(--ib-space-1); color: var(--ib-text-muted); font-size: var(--ib-text-md); }
      .photo { display: flex; flex-wrap: wrap; gap: var(--ib-space-2); align-items: center; margin-top: var(--ib-space-4); }
      .photo .hint { flex-basis: 100%; color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
      textarea.field { width: 100%; min-height: 96px; resize: vertical; font-family: var(--ib-font-family); }
      .fields .field { width: 100%; }
      .workspaces { list-style: none; margin: 0; padding: 0; border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); }
      .workspaces li { display: flex; align-items: center; gap: var(--ib-space-3); padding: var(--ib-space-2) var(--ib-space-3); min-height: 40px; }
      .workspaces li + li { border-top: 1px solid var(--ib-border-muted); }
      .ws-name { flex: 1; min-width: 0; font-weight: 600; overflow-wrap: anywhere; }
      .current { color: var(--ib-text-muted); font-size: var(--ib-text-sm); font-weight: 600; }
      .check { padding-left: 0; }
      @media (max-width: 520px) { .summary { align-items: flex-start; } }
    `,
  ];
  static properties = { agent: { attribute: false }, itemId: { attribute: false } };
  declare agent: Agent | null;
  declare itemId: string | null;
  private account: Account | null = null;
  private session: SessionInfo | null = null;
  private loadError = '';
  private uploading = false;

  private readonly profile = this.accountForm<{ name: string }>({ name: '' }, (v) => ({ name: v.name }), 'Name saved');
  private readonly signature = this.accountForm<{ signature: string }>({ signature: '' }, (v) => ({ signature: v.signature }), 'Signature saved');
  private readonly prefs = this.accountForm<Prefs>(
    { newTicket: true, myTickets: true, sound: true },
    (v) => ({ notificationPrefs: { newTicket: v.newTicket, myTickets: v.myTickets, sound: v.sound } }),
    'Notification preferences saved',
  );
  private readonly password = new FormController(this, {
    schema: passwordChangeSchema,
    values: { currentPassword: '', newPassword: '' },
    save: (body) => rest('POST', '/api/account/password', body),
    saved: () => ({ values: { currentPassword: '', newPassword: '' } }),
    savedText: 'Password changed. Your other sessions are signed out.',
  });
  private readonly workspace = new FormController<{ name: string }, WorkspaceCreated>(this, {
    schema: workspaceCreateSchema,
    values: { name: '' },
    save: (body) => rest<WorkspaceCreated>('POST', '/api/workspaces', body),
    saved: () => ({ values: { name: '' } }),
    savedText: (w) => `Workspace ${w.workspace.name} created. Switch to it from the list.`,
  });

  constructor() {
    super();
    this.agent = null;
    this.itemId = null;
  }

  /** A form over `PATCH /api/account` sending `body(values)` with the account's `updatedAt`. */
  private accountForm<V extends FormValues>(values: V, body: (v: V) => Record<string, unknown>, savedText: string) {
    return new FormController<V, Account>(this, {
      schema: accountUpdateSchema,
      values,
      toBody: (v, updatedAt) => ({ ...body(v), ...(updatedAt ? { expectedUpdatedAt: updatedAt } : {}) }),
      save: (b) => rest<Account>('PATCH', '/api/account', b),
      saved: (a) => {
        this.took(a);
        return { updatedAt: a.updatedAt };
      },
      savedText,
    });
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      const [account, session] = await Promise.all([rest<Account>('GET', '/api/account'), me()]);
      this.account = account;
      this.session = session;
      this.loadError = '';
      this.profile.reset({ name: account.name }, account.updatedAt);
      this.signature.reset({ signature: account.signature }, account.updatedAt);
      this.prefs.reset({ ...account.notificationPrefs }, account.updatedAt);
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  /** A saved account: every form of it now edits this version; the app shows the new name, photo and preferences. */
  private took(a: Account) {
    this.account = a;
    for (const f of [this.profile, this.signature, this.prefs]) f.updatedAt = a.updatedAt;
    store.notificationPrefs = a.notificationPrefs;
    if (store.agent) store.agent = { ...store.agent, name: a.name, avatarUrl: a.avatarUrl };
    store.changed();
    this.requestUpdate();
  }

  private async upload(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (!(AVATAR_TYPES as readonly string[]).includes(file.type)) return toast(this, 'Choose a PNG, JPEG, GIF or WebP image', 'error');
    if (file.size > AVATAR_MAX_BYTES) return toast(this, `That image is over ${AVATAR_MAX_BYTES / 1024 / 1024} MB: choose a smaller one`, 'error');
    await this.photo(() => rest<Account>('PUT', '/api/account/avatar', undefined, file), 'Photo saved');
  }

  private async photo(run: () => Promise<Account>, done: string) {
    this.uploading = true;
    this.requestUpdate();
    try {
      const a = await run();
      this.took(a);
      this.profile.updatedAt = a.updatedAt;
      toast(this, done);
    } catch (err) {
      toast(this, `Not saved: ${(err as Error).message}`, 'error');
    } finally {
      this.uploading = false;
      this.requestUpdate();
    }
  }

  private async switchTo(id: string) {
    try {
      await store.switchWorkspace(id);
    } catch (err) {
      toast(this, `Could not switch: ${(err as Error).message}`, 'error');
    }
  }

  private async createWorkspace(e: Event) {
    e.preventDefault();
    if (!(await this.workspace.submit())) return;
    (this.renderRoot.querySelector('ib-dialog.new-workspace') as IbDialog).close();
    this.session = await me().catch(() => this.session);
    this.requestUpdate();
  }

  private renderProfile(a: Account) {
    const f = this.profile;
    const role = this.agent?.role ?? 'agent';
    return html`<form class="card" novalidate aria-labelledby="profile-title" @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      <h2 class="card-title" id="profile-title">Profile</h2>
      <p class="card-text">How your teammates see you, in every workspace.</p>
      <div class="summary">
        ${avatar({ id: a.id, name: a.name, avatarUrl: a.avatarUrl }, 64)}
        <dl>
          <dt class="visually-hidden">Name</dt><dd class="account-name">${a.name}</dd>
          <dt class="visually-hidden">Email</dt><dd class="account-email">${a.email}</dd>
          <dt class="visually-hidden">Role in this workspace</dt>
          <dd class="account-role"><span class="chip">${roleName(role, this.agent?.roleId ?? null, null)}</span>
            ${role !== 'custom' ? html`<span class="role-text">${ROLE_TEXT[role]}</span>` : nothing}</dd>
        </dl>
      </div>
      <div class="photo">
        <input id="photo-file" class="visually-hidden" type="file" accept=${AVATAR_TYPES.join(',')} tabindex="-1" aria-hidden="true" @change=${this.upload} />
        <ib-button size="sm" .loading=${this.uploading} @click=${() => (this.renderRoot.querySelector('#photo-file') as HTMLInputElement).click()}>${a.avatarUrl ? 'Change photo' : 'Upload a photo'}</ib-button>
        ${a.avatarUrl ? html`<ib-button size="sm" variant="ghost" @click=${() => void this.photo(() => rest<Account>('DELETE', '/api/account/avatar'), 'Photo removed')}>Remove photo</ib-button>` : nothing}
        <span class="hint">PNG, JPEG, GIF or WebP, up to 1 MB. Without one, your initials show.</span>
      </div>
      <div class="fields" style="margin-top:var(--ib-space-5)">
        <ib-field label="Name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="name" .value=${live(f.values.name)} /></ib-field>
      </div>
      ${formAlert(f, () => void this.load())}
      <div class="form-actions"><ib-button type="submit" variant="primary" .loading=${f.saving}>Save name</ib-button></div>
    </form>`;
  }

  private renderSignature() {
    const f = this.signature;
    return html`<form class="card" novalidate aria-labelledby="signature-title" @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      <h2 class="card-title" id="signature-title">Email signature</h2>
      <p class="card-text">Added under your public replies on email tickets, after a “-- ” line. Chat replies go without it.</p>
      <div class="fields">
        <ib-field label="Signature" hint="Plain text, up to ${SIGNATURE_MAX} characters. Leave it empty for none." .error=${f.error('signature')}>
          <textarea class="field" name="signature" rows="4" .value=${live(f.values.signature)}></textarea></ib-field>
      </div>
      ${formAlert(f, () => void this.load())}
      <div class="form-actions"><ib-button type="submit" variant="primary" .loading=${f.saving}>Save signature</ib-button></div>
    </form>`;
  }

  private renderPrefs() {
    const f = this.prefs;
    const box = (name: keyof Prefs, label: string, detail: string) => html`<label class="check">
      <input type="checkbox" name=${name} .checked=${live(f.values[name])} />
      <span class="check-text"><span class="check-label">${label}</span><span class="check-detail">${detail}</span></span></label>`;
    return html`<form class="card" novalidate aria-labelledby="prefs-title" @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      <h2 class="card-title" id="prefs-title">Notifications</h2>
      <p class="card-text">What the inbox tells you about while you are elsewhere. The bell in the header turns notifications on or off for this browser.</p>
      <fieldset class="checks"><legend class="visually-hidden">Notify me of</legend>
        ${box('newTicket', 'New tickets', 'A ticket arrives in an inbox you see.')}
        ${box('myTickets', 'Messages on my tickets', 'A customer writes on a ticket assigned to you.')}
        ${box('sound', 'Play a sound', 'With each notification.')}
      </fieldset>
      ${formAlert(f, () => void this.load())}
      <div class="form-actions"><ib-button type="submit" variant="primary" .loading=${f.saving}>Save preferences</ib-button></div>
    </form>`;
  }

  private renderPassword() {
    const f = this.password;
    return html`<form class="card" novalidate aria-labelledby="password-title" @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      <h2 class="card-title" id="password-title">Password</h2>
      <p class="card-text">Changing it signs you out everywhere else: other browsers, devices and workspaces.</p>
      <input type="email" name="username" autocomplete="username" .value=${this.account?.email ?? ''} hidden />
      <div class="fields">
        <ib-field label="Current password" required .error=${f.error('currentPassword')}>
          <input class="field" name="currentPassword" type="password" autocomplete="current-password" .value=${live(f.values.currentPassword)} /></ib-field>
        <ib-field label="New password" hint="At least 8 characters." required .error=${f.error('newPassword')}>
          <input class="field" name="newPassword" type="password" autocomplete="new-password" .value=${live(f.values.newPassword)} /></ib-field>
      </div>
      ${formAlert(f)}
      <div class="form-actions"><ib-button type="submit" variant="primary" .loading=${f.saving}>Change password</ib-button></div>
    </form>`;
  }

  private renderWorkspaces() {
    const s = this.session;
    if (!s) return nothing;
    const owner = s.workspaces.some((w) => w.role === 'owner');
    const f = this.workspace;
    return html`<section class="card" aria-labelledby="workspaces-title">
      <div class="card-head">
        <div><h2 class="card-title" id="workspaces-title">Your workspaces</h2>
          <p class="card-text">${s.workspaces.length > 1 ? 'Switch between them here or from the menu in the header.' : 'You are a member of this workspace only.'}</p></div>
        ${owner ? html`<ib-button @click=${() => (this.renderRoot.querySelector('ib-dialog.new-workspace') as IbDialog).show()}>New workspace</ib-button>` : nothing}
      </div>
      <ul class="workspaces">
        ${s.workspaces.map(
          (w) => html`<li><span class="ws-name">${w.name}</span><span class="chip">${roleName(w.role, null, null)}</span>
            ${w.id === s.workspace.id ? html`<span class="current">Current</span>` : html`<ib-button size="sm" label="Switch to ${w.name}" @click=${() => void this.switchTo(w.id)}>Switch</ib-button>`}</li>`,
        )}
      </ul>
      ${owner
        ? html`<ib-dialog class="new-workspace" size="sm" label="New workspace" @ib-close=${() => f.reset({ name: '' })}>
            <form class="dialog-form" id="workspace-form" novalidate @submit=${this.createWorkspace} @input=${f.onInput} @focusout=${f.onBlur}>
              <p>A separate workspace with its own inboxes, people and settings. You are its owner; it starts with a chat inbox.</p>
              <ib-field label="Name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="off" autofocus .value=${live(f.values.name)} /></ib-field>
              ${formAlert(f)}
            </form>
            <ib-button slot="footer" @click=${() => (this.renderRoot.querySelector('ib-dialog.new-workspace') as IbDialog).close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="primary" .loading=${f.saving} @click=${() => (this.renderRoot.querySelector('#workspace-form') as HTMLFormElement).requestSubmit()}>Create workspace</ib-button>
          </ib-dialog>`
        : nothing}
    </section>`;
  }

  render() {
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="Your account could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    const a = this.account;
    if (!a) return html`<p class="loading" role="status">Loading your account…</p>`;
    return html`${this.renderProfile(a)} ${this.renderSignature()} ${this.renderPrefs()} ${this.renderPassword()} ${this.renderWorkspaces()}`;
  }
}
customElements.define('ib-settings-account', IbSettingsAccount);
