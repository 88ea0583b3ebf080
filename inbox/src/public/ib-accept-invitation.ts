import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { invitationJoinSchema, invitationSignInSchema, type InvitationPreview, type LoginResult } from '@support/protocol';
import { rest } from '../api.js';
import { controls } from '../styles/tokens.js';
import { settingsCard } from '../settings/settings-card.js';
import { FormController, formAlert } from '../settings/form/form-controller.js';
import { brand, linkProblem, publicPage } from './public-page.js';
import '../components/ib-field/ib-field.js';
import '../components/ib-button/ib-button.js';

type Values = { name: string; password: string };

/**
 * `/inbox/accept/<token>`: what the invitation joins (workspace, address, role, who invited),
 * then a name and a new password (no account yet) or the account's password (an address with
 * one), validated with the protocol's schemas; accepting signs in and opens the inbox of that
 * workspace. A link that cannot be used says why and what to do.
 * Properties: `token` (from the URL). Events: none (it navigates to `/inbox/` when done).
 */
export class IbAcceptInvitation extends LitElement {
  static styles = [controls, settingsCard, publicPage];
  static properties = { token: {} };
  declare token: string;
  private preview: InvitationPreview | null = null;
  private problem: { heading: string; text: string } | null = null;
  private form: FormController<Values, LoginResult> | null = null;

  constructor() {
    super();
    this.token = '';
  }

  connectedCallback() {
    super.connectedCallback();
    rest<InvitationPreview>('POST', '/api/auth/invitation/preview', { token: this.token }).then(
      (p) => {
        this.preview = p;
        this.form = new FormController<Values, LoginResult>(this, {
          schema: p.hasAccount ? invitationSignInSchema : invitationJoinSchema,
          values: p.hasAccount ? ({ password: '' } as Values) : { name: '', password: '' },
          save: (body) => rest<LoginResult>('POST', '/api/auth/invitation/accept', { token: this.token, ...body }),
          savedText: `Welcome to ${p.workspace.name}`,
        });
        this.requestUpdate();
        void this.updateComplete.then(() => (this.renderRoot.querySelector('h1') as HTMLElement | null)?.focus());
      },
      (err: unknown) => {
        this.problem = linkProblem(err, 'invitation');
        this.requestUpdate();
      },
    );
  }

  private async onSubmit(e: Event) {
    e.preventDefault();
    // Signed in: the app starts again, in the workspace joined (and the token leaves the address bar and history).
    if (await this.form!.submit()) location.replace('/inbox/');
  }

  render() {
    if (this.problem)
      return html`<section class="card" aria-labelledby="title">${brand}<h1 id="title" tabindex="-1">${this.problem.heading}</h1>
        <p class="lead">${this.problem.text}</p><div class="actions"><a href="/inbox/">Go to the login page</a></div></section>`;
    const p = this.preview;
    const f = this.form;
    if (!p || !f) return html`<p class="loading" role="status">Opening your invitation…</p>`;
    return html`<form class="card" novalidate aria-labelledby="title" @submit=${this.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      ${brand}
      <h1 id="title" tabindex="-1">Join ${p.workspace.name}</h1>
      <p class="lead">${p.invitedBy ?? 'An admin'} invited <strong>${p.email}</strong> to join as ${p.roleName.toLowerCase()}.
        ${p.hasAccount ? 'You have an account with this address: enter its password to add this workspace to it.' : 'Choose your name and a password to create your account.'}</p>
      <input type="email" name="username" autocomplete="username" .value=${p.email} hidden />
      <div class="fields">
        ${p.hasAccount
          ? nothing
          : html`<ib-field label="Your name" hint="As your teammates and customers see it." required .error=${f.error('name')}>
              <input class="field" name="name" autocomplete="name" .value=${live(f.values.name)} /></ib-field>`}
        <ib-field label=${p.hasAccount ? 'Password' : 'Choose a password'} hint=${p.hasAccount ? '' : 'At least 8 characters.'} required .error=${f.error('password')}>
          <input class="field" name="password" type="password" autocomplete=${p.hasAccount ? 'current-password' : 'new-password'} .value=${live(f.values.password)} /></ib-field>
      </div>
      ${formAlert(f)}
      <div class="form-actions">
        ${p.hasAccount ? html`<a href="/inbox/forgot">Forgot your password?</a>` : html`<span></span>`}
        <ib-button type="submit" variant="primary" size="lg" .loading=${f.saving}>Accept and join</ib-button>
      </div>
    </form>`;
  }
}
customElements.define('ib-accept-invitation', IbAcceptInvitation);
