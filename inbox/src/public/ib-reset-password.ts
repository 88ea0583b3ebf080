import { LitElement, html } from 'lit';
import { live } from 'lit/directives/live.js';
import { passwordResetFormSchema, type PasswordResetCheck } from '@support/protocol';
import { rest } from '../api.js';
import { controls } from '../styles/tokens.js';
import { settingsCard } from '../settings/settings-card.js';
import { FormController, formAlert } from '../settings/form/form-controller.js';
import { brand, linkProblem, publicPage } from './public-page.js';
import '../components/ib-field/ib-field.js';
import '../components/ib-button/ib-button.js';

/**
 * `/inbox/reset/<token>`: checks the link, asks for a new password (validated with the
 * protocol's schema), sets it; then says every session was signed out and links to the login.
 * A link that cannot be used says why and offers a new one.
 * Properties: `token` (from the URL). Events: none.
 */
export class IbResetPassword extends LitElement {
  static styles = [controls, settingsCard, publicPage];
  static properties = { token: {} };
  declare token: string;
  private state: 'checking' | 'form' | 'done' = 'checking';
  private problem: { heading: string; text: string } | null = null;
  private readonly form = new FormController(this, {
    schema: passwordResetFormSchema,
    values: { password: '' },
    save: (body) => rest('POST', '/api/auth/password/reset', { token: this.token, ...body }),
    savedText: 'Your password is changed',
  });

  constructor() {
    super();
    this.token = '';
  }

  connectedCallback() {
    super.connectedCallback();
    rest<PasswordResetCheck>('POST', '/api/auth/password/check', { token: this.token }).then(
      () => this.show('form'),
      (err: unknown) => {
        this.problem = linkProblem(err, 'reset');
        this.show('form');
      },
    );
  }

  private show(state: 'form' | 'done') {
    this.state = state;
    this.requestUpdate();
    void this.updateComplete.then(() => (this.renderRoot.querySelector('h1') as HTMLElement | null)?.focus());
  }

  private async onSubmit(e: Event) {
    e.preventDefault();
    if (await this.form.submit()) this.show('done');
  }

  render() {
    if (this.problem)
      return html`<section class="card" aria-labelledby="title">${brand}<h1 id="title" tabindex="-1">${this.problem.heading}</h1>
        <p class="lead">${this.problem.text}</p>
        <div class="actions"><a href="/inbox/forgot">Send me a new link</a><a href="/inbox/">Go to the login page</a></div></section>`;
    if (this.state === 'checking') return html`<p class="loading" role="status">Checking your link…</p>`;
    if (this.state === 'done')
      return html`<section class="card" aria-labelledby="title">${brand}<h1 id="title" tabindex="-1">Your password is changed</h1>
        <p class="lead">For your safety, every session of your account was signed out, on every device. Log in with your new password.</p>
        <div class="actions"><ib-button variant="primary" size="lg" href="/inbox/">Log in</ib-button></div></section>`;
    const f = this.form;
    return html`<form class="card" novalidate aria-labelledby="title" @submit=${this.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      ${brand}
      <h1 id="title" tabindex="-1">Choose a new password</h1>
      <p class="lead">Once it is set, every session of your account is signed out, on every device.</p>
      <div class="fields">
        <ib-field label="New password" hint="At least 8 characters." required .error=${f.error('password')}>
          <input class="field" name="password" type="password" autocomplete="new-password" .value=${live(f.values.password)} /></ib-field>
      </div>
      ${formAlert(f)}
      <div class="form-actions"><a href="/inbox/">Back to log in</a>
        <ib-button type="submit" variant="primary" size="lg" .loading=${f.saving}>Set the new password</ib-button></div>
    </form>`;
  }
}
customElements.define('ib-reset-password', IbResetPassword);
