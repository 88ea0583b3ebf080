import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { cannedResponseFieldsSchema, type CannedResponse } from '@support/protocol';
import { rest } from '../../api.js';
import { store } from '../../store.js';
import { CANNED_ENDPOINT, sharingOptions } from '../../lib/canned.js';
import { controls } from '../../styles/tokens.js';
import { FormController, formAlert, type FormValues } from '../../settings/form/form-controller.js';
import { cannedBody, cannedValues, teamOptions } from '../../settings/canned/canned-form.js';
import type { IbDialog } from '../ib-dialog/ib-dialog.js';
import '../ib-button/ib-button.js';
import '../ib-dialog/ib-dialog.js';
import '../ib-field/ib-field.js';
import '../ib-select/ib-select.js';

/**
 * "Save as canned response": a dialog that saves a text written in the composer as a canned
 * response (short code, title, folder, who sees it). `open(body)` shows it; it closes after a
 * save ("Saved as /code" in the page's toast). Events: none.
 */
export class IbCannedSave extends LitElement {
  static styles = [
    controls,
    css`
      :host { display: contents; }
      form { display: flex; flex-direction: column; gap: var(--ib-space-4); }
      .preview { margin: 0; padding: var(--ib-space-2) var(--ib-space-3); max-height: 120px; overflow: auto; white-space: pre-wrap; word-break: break-word;
        background: var(--ib-bg-canvas); border: 1px solid var(--ib-border-muted); border-radius: var(--ib-radius); font-size: var(--ib-text-md); }
      .row { display: grid; grid-template-columns: 1fr 1fr; gap: var(--ib-space-3); }
      .error { color: var(--ib-danger); font-size: var(--ib-text-sm); margin: var(--ib-space-1) 0 0; }
      .form-alert { display: flex; gap: var(--ib-space-2); padding: var(--ib-space-3); border: 1px solid var(--ib-danger); border-radius: var(--ib-radius); background: var(--ib-danger-subtle); }
      @media (max-width: 520px) { .row { grid-template-columns: 1fr; } }
    `,
  ];

  private readonly form = new FormController<FormValues, CannedResponse>(this, {
    schema: cannedResponseFieldsSchema,
    values: cannedValues(null),
    toBody: (v) => cannedBody(v),
    save: (body) => rest<CannedResponse>('POST', CANNED_ENDPOINT, body),
    savedText: (r) => `Saved as /${r.shortCode}`,
  });

  private get dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog') as IbDialog;
  }

  /** Shows the dialog for `body`, with empty fields. */
  async open(body: string) {
    this.form.reset(cannedValues(null, body.trim()));
    await this.updateComplete;
    this.dialog.show();
  }

  private async submit(e: Event) {
    e.preventDefault();
    if (await this.form.submit()) this.dialog.close();
  }

  render() {
    const f = this.form;
    const v = f.values;
    const manages = store.permissions.includes('settings.workflow');
    const teams = teamOptions(store.teams, store.agent?.id, manages);
    const bodyError = f.error('body');
    return html`<ib-dialog label="Save as canned response" @ib-close=${() => f.reset(cannedValues(null))}>
      <form id="canned-save" novalidate @submit=${this.submit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <div>
          <p class="preview" aria-label="Text to save">${v.body}</p>
          ${bodyError ? html`<p class="error" role="alert">${bodyError}</p>` : nothing}
        </div>
        <div class="row">
          <ib-field label="Short code" required hint="Type / and this in a reply to insert it." .error=${f.error('shortCode')}>
            <input class="field" name="shortCode" autocomplete="off" autofocus spellcheck="false" .value=${live(String(v.shortCode))} /></ib-field>
          <ib-field label="Title" required .error=${f.error('title')}>
            <input class="field" name="title" autocomplete="off" .value=${live(String(v.title))} /></ib-field>
        </div>
        <div class="row">
          <ib-field label="Folder" hint="Optional: groups it in lists." .error=${f.error('folder')}>
            <input class="field" name="folder" autocomplete="off" .value=${live(String(v.folder))} /></ib-field>
          <ib-field label="Who can use it" .error=${f.error('sharing')}>
            <ib-select name="sharing" .options=${sharingOptions(manages, teams.length > 1)} .value=${live(String(v.sharing))}></ib-select></ib-field>
        </div>
        ${v.sharing === 'team'
          ? html`<ib-field label="Team" required .error=${f.error('teamId')}>
              <ib-select name="teamId" .options=${teams} .value=${live(String(v.teamId))}></ib-select></ib-field>`
          : nothing}
        ${formAlert(f)}
        <button type="submit" hidden></button>
      </form>
      <ib-button slot="footer" @click=${() => this.dialog.close()}>Cancel</ib-button>
      <ib-button slot="footer" variant="primary" .loading=${f.saving} @click=${() => this.renderRoot.querySelector<HTMLFormElement>('#canned-save')?.requestSubmit()}>
        Save canned response</ib-button>
    </ib-dialog>`;
  }
}
customElements.define('ib-canned-save', IbCannedSave);
