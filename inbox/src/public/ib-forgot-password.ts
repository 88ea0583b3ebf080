import { LitElement, html } from 'lit';
import { live } from 'lit/directives/live.js';
import { passwordForgotSchema } from '@support/protocol';
import { rest } from '../api.js';
import { controls } from '../styles/tokens.js';
import { settingsCard } from '../settings/settings-card.js';
import { FormController, formAlert } from '../settings/form/form-controller.js';
import { brand, publicPage } from './public-page.js';
import '../components/ib-field/ib-field.js';
import '../components/ib-button/ib-button.js';

/**
 * `/inbox/forgot`: asks for the account's address and has a reset link mailed. The answer is
 * the same whether an account has the address or not, and so is this page's.
 * Properties: none. Events: none.
 */
export class IbForgotPassword extends LitElement {
  static styles = [controls, settingsCard, publicPage];
  private sentTo: string | null = null;
  private readonly form = new FormController(this, {
    schema: passwordForgotSchema,
    values: { email: '' },
    save: (body) => rest('POST', '/api/auth/password/forgot', body),
    savedText: 'Check your email',
  });

  firstUpdated() {
    (this.renderRoot.querySelector('input[name=email]') as HTMLInputElement | null)?.focus();
  }

  private async onSubmit(e: Event) {
    e.preventDefault();
    const email = this.form.values.email.trim();
    if (await this.form.submit()) {
      this.sentTo = email;
      this.requestUpdate();
      await this.updateComplete;
      (this.renderRoot.querySelector('h1') as HTMLElement | null)?.focus();
    }
  }

  render() {
    if (this.sentTo)
      return html`<section class="card" aria-labelledby="title">${brand}<h1 id="title" tabindex="-1">Check your email</h1>
        <p class="lead">If an account uses <strong>${this.sentTo}</strong>, a link to choose a new password is on its way. It works once, for an hour.</p>
        <p class="note">No mail after a few minutes? Check your spam folder, or <a href="/inbox/forgot" @click=${() => this.again()}>try another address</a>.</p>
        <div class="actions"><a href="/inbox/">Back to log in</a></div></section>`;
    const f = this.form;
    return html`<form class="card" novalidate aria-labelledby="title" @submit=${this.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      ${brand}
      <h1 id="title">Reset your password</h1>
      <p class="lead">Enter the email address you log in with. We mail you a link to choose a new password.</p>
      <div class="fields">
        <ib-field label="Email" required .error=${f.error('email')}>
          <input class="field" name="email" type="email" autocomplete="username" .value=${live(f.values.email)} /></ib-field>
      </div>
      ${formAlert(f)}
      <div class="form-actions"><a href="/inbox/">Back to log in</a>
        <ib-button type="submit" variant="primary" size="lg" .loading=${f.saving}>Send the link</ib-button></div>
    </form>`;
  }

  private again() {
    this.sentTo = null;
    this.form.reset({ email: '' });
  }
}
customElements.define('ib-forgot-password', IbForgotPassword);
