// The inbox app (it takes the place of inbox/dist's script) with a test page in place of the Inboxes area: two settings forms built with
// the form toolkit (bundled by test/support/fixture-page.ts; never part of inbox/dist).
// - "New email inbox" saves through the server's real POST /api/email/inboxes.
// - "Inbox name" stands in for the edit screens of phase B, whose routes do not exist yet: it
//   loads and saves /api/__test/inbox-name, which the browser test answers as those routes
//   will (an expectedUpdatedAt in each body; 409 STALE when it is no longer current).
import { LitElement, html } from 'lit';
import { live } from 'lit/directives/live.js';
import { z } from 'zod';
import { emailInboxCreateSchema, type EmailInboxCreated } from '@support/protocol';
import { AREAS } from '../../../inbox/src/settings/areas.js';
import { rest } from '../../../inbox/src/api.js';
import { controls } from '../../../inbox/src/styles/tokens.js';
import { settingsCard } from '../../../inbox/src/settings/settings-card.js';
import { FormController, formAlert } from '../../../inbox/src/settings/form/form-controller.js';
import '../../../inbox/src/components/ib-field/ib-field.js';
import '../../../inbox/src/components/ib-button/ib-button.js';
import '../../../inbox/src/main.js';

/** The body of the stand-in route: the name and the version the form loaded. */
const inboxNameSchema = z.strictObject({ name: z.string().trim().min(1).max(100), expectedUpdatedAt: z.string() });
type Named = { name: string; updatedAt: string };

class IbTestInboxForms extends LitElement {
  static styles = [controls, settingsCard];
  private readonly create = new FormController(this, {
    schema: emailInboxCreateSchema,
    values: { name: '', address: '', fromName: '' },
    save: (body) => rest<EmailInboxCreated>('POST', '/api/email/inboxes', body),
    saved: () => ({ values: { name: '', address: '', fromName: '' } }),
    savedText: 'Inbox created',
  });
  private readonly rename = new FormController(this, {
    schema: inboxNameSchema,
    values: { name: '' },
    save: (body) => rest<Named>('PUT', '/api/__test/inbox-name', body),
    saved: (r) => ({ values: { name: r.name }, updatedAt: r.updatedAt }),
  });

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    const r = await rest<Named>('GET', '/api/__test/inbox-name');
    this.rename.reset({ name: r.name }, r.updatedAt);
  }

  render() {
    const c = this.create;
    const n = this.rename;
    return html`<form class="card" novalidate aria-labelledby="create-title" @submit=${c.onSubmit} @input=${c.onInput} @change=${c.onInput} @focusout=${c.onBlur}>
        <h2 class="card-title" id="create-title">New email inbox</h2>
        <p class="card-text">Mail sent to its address becomes tickets.</p>
        <div class="fields">
          <ib-field label="Name" required .error=${c.error('name')}><input class="field" name="name" .value=${live(c.values.name)} /></ib-field>
          <ib-field label="Address" hint="The address your customers write to." required .error=${c.error('address')}>
            <input class="field" name="address" type="email" .value=${live(c.values.address)} /></ib-field>
          <ib-field label="Sender name" hint="Shown as the sender of replies; the inbox name if empty." .error=${c.error('fromName')}>
            <input class="field" name="fromName" .value=${live(c.values.fromName)} /></ib-field>
        </div>
        ${formAlert(c)}
        <div class="form-actions"><ib-button type="submit" variant="primary" .loading=${c.saving}>Create inbox</ib-button></div>
      </form>
      <form class="card rename" novalidate aria-labelledby="rename-title" @submit=${n.onSubmit} @input=${n.onInput} @change=${n.onInput} @focusout=${n.onBlur}>
        <h2 class="card-title" id="rename-title">Inbox name</h2>
        <p class="card-text">Saved with the version it was loaded at.</p>
        <div class="fields">
          <ib-field label="Inbox name" required .error=${n.error('name')}><input class="field" name="name" .value=${live(n.values.name)} /></ib-field>
        </div>
        ${formAlert(n, () => void this.load())}
        <div class="form-actions"><ib-button type="submit" variant="primary" .loading=${n.saving}>Save</ib-button></div>
      </form>`;
  }
}
customElements.define('ib-test-inbox-forms', IbTestInboxForms);

const inboxes = AREAS.find((a) => a.key === 'inboxes')!;
inboxes.load = async () => undefined;
inboxes.tag = 'ib-test-inbox-forms';
