import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { cannedResponseFieldsSchema, cannedResponseUpdateSchema, TEMPLATE_PLACEHOLDERS, type CannedAttachment, type CannedResponse } from '@support/protocol';
import { rest, uploadAttachment } from '../../api.js';
import { store } from '../../store.js';
import { CANNED_ENDPOINT, sharingOptions } from '../../lib/canned.js';
import { formatSize } from '../../lib/email-html.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';
import { slaStyles } from '../sla/sla.styles.js';
import { FormController, formAlert, type FormValues } from '../form/form-controller.js';
import { setHiddenField } from '../form/hidden-field.js';
import { cannedBody, cannedValues, mayEdit, teamOptions } from './canned-form.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';

const MAX_FILES = 10;
const PLACEHOLDER_OPTIONS = [
  { value: '', label: 'Insert a placeholder…' },
  ...Object.entries(TEMPLATE_PLACEHOLDERS).map(([k, d]) => ({ value: k, label: `{{${k}}} — ${d}` })),
  { value: 'contact.attributes.', label: '{{contact.attributes.…}} — A contact attribute (type its key)' },
];

/**
 * The form of one canned response (`item`, or a new one when null): short code, title, body
 * (with a placeholder menu that inserts at the caret), folder (`folders` suggested), who sees
 * it, and files (uploaded here, sent with each use). Validated inline with the protocol's
 * schema. Events: `ib-canned-saved` (`detail`: the saved CannedResponse), `ib-canned-delete`
 * (the Delete button: the page asks first).
 */
export class IbCannedEditor extends LitElement {
  static properties = { item: { attribute: false }, folders: { attribute: false } };
  static styles = [
    controls, settingsCard, slaStyles,
    css`
      .fields { max-width: 640px; }
      textarea.field { min-height: 160px; resize: vertical; width: 100%; }
      .pair { display: grid; grid-template-columns: 1fr 2fr; gap: var(--ib-space-4); }
      .files { display: flex; flex-wrap: wrap; gap: 6px; margin: 0 0 var(--ib-space-2); padding: 0; list-style: none; }
      .files button { border: 0; background: none; cursor: pointer; padding: 0 4px; color: var(--ib-text-muted); border-radius: var(--ib-radius); }
      .files button:focus-visible { outline: 2px solid var(--ib-focus); }
      input[type='file'] { display: none; }
      fieldset { border: 0; margin: 0; padding: 0; min-width: 0; display: contents; }
      .note { margin: 0 0 var(--ib-space-4); padding: var(--ib-space-2) var(--ib-space-3); background: var(--ib-warning-subtle); color: var(--ib-warning-text); border-radius: var(--ib-radius); font-size: var(--ib-text-md); }
      .spacer { flex: 1; }
      .placeholders { max-width: 360px; margin-top: calc(-1 * var(--ib-space-2)); }
      .row-fields { grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); }
      @media (max-width: 720px) { .pair { grid-template-columns: 1fr; } }
    `,
  ];
  declare item: CannedResponse | null;
  declare folders: string[];
  private uploading = 0;
  private fileError = '';
  /** What the last save answered. */
  private last: CannedResponse | null = null;

  private readonly form = new FormController<FormValues, CannedResponse>(this, {
    schema: () => (this.item ? cannedResponseUpdateSchema : cannedResponseFieldsSchema),
    values: { ...cannedValues(null), files: '[]' },
    toBody: (v, updatedAt): Record<string, unknown> => ({
      ...cannedBody(v, this.files(v).map((f) => f.id)),
      ...(this.item && updatedAt ? { expectedUpdatedAt: updatedAt } : {}),
    }),
    save: async (body) =>
      (this.last = await (this.item ? rest<CannedResponse>('PATCH', `${CANNED_ENDPOINT}/${this.item.id}`, body) : rest<CannedResponse>('POST', CANNED_ENDPOINT, body))),
    saved: (r) => ({ values: this.valuesOf(r), updatedAt: r.updatedAt }),
    savedText: (r) => `/${r.shortCode} ${this.item ? 'saved' : 'created'}`,
  });

  constructor() {
    super();
    this.item = null;
    this.folders = [];
  }

  private valuesOf(r: CannedResponse | null): FormValues {
    return { ...cannedValues(r), files: JSON.stringify(r?.attachments ?? []) };
  }

  private files(v: FormValues = this.form.values): CannedAttachment[] {
    return JSON.parse(String(v.files || '[]')) as CannedAttachment[];
  }

  protected willUpdate(changed: PropertyValues<this>) {
    if (changed.has('item') && (!this.form.dirty || changed.get('item')?.id !== this.item?.id)) this.form.reset(this.valuesOf(this.item), this.item?.updatedAt);
  }

  /** Sets a value as if the person typed it (through a hidden control, so the form takes it like any input). */
  private setValue(name: string, value: string) {
    setHiddenField(this.renderRoot, name, value);
  }

  private insertPlaceholder(e: CustomEvent<{ value: string }>) {
    const name = e.detail.value;
    const select = e.target as HTMLElement & { value: string };
    select.value = '';
    if (!name) return;
    const t = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea[name=body]')!;
    t.focus();
    t.setRangeText(`{{${name}}}`, t.selectionStart, t.selectionEnd, 'end');
    // Inside the braces, where the key of an attribute goes.
    if (name.endsWith('.')) t.setSelectionRange(t.selectionStart - 2, t.selectionStart - 2);
    t.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }

  private async onFiles(e: Event) {
    const input = e.target as HTMLInputElement;
    const picked = Array.from(input.files ?? []);
    input.value = '';
    this.fileError = '';
    if (this.files().length + this.uploading + picked.length > MAX_FILES) {
      this.fileError = `At most ${MAX_FILES} files`;
      this.requestUpdate();
      return;
    }
    this.uploading += picked.length;
    this.requestUpdate();
    for (const f of picked) {
      try {
        const a = await uploadAttachment(f);
        this.setValue('files', JSON.stringify([...this.files(), { id: a.id, filename: a.filename, contentType: a.contentType, size: a.size }]));
      } catch (err) {
        this.fileError = `${f.name}: ${(err as Error).message}`;
      } finally {
        this.uploading--;
        this.requestUpdate();
      }
    }
  }

  private removeFile(id: string) {
    this.setValue('files', JSON.stringify(this.files().filter((f) => f.id !== id)));
  }

  private async submit(e: Event) {
    e.preventDefault();
    if (this.uploading) {
      this.fileError = 'Wait for the files to finish uploading';
      this.requestUpdate();
      return;
    }
    this.last = null;
    if ((await this.form.submit()) && this.last) this.dispatchEvent(new CustomEvent('ib-canned-saved', { detail: this.last, bubbles: true, composed: true }));
  }

  render() {
    const f = this.form;
    const v = f.values;
    const r = this.item;
    const manages = store.permissions.includes('settings.workflow');
    const teams = teamOptions(store.teams, store.agent?.id, manages);
    const editable = !r || mayEdit(r, store.agent?.id, store.teams, manages);
    const files = this.files();
    return html`<form class="card" novalidate aria-labelledby="canned-title" @submit=${this.submit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      <h2 class="card-title" id="canned-title">${r ? `/${r.shortCode}` : 'New canned response'}</h2>
      <p class="card-text">${r ? `Used ${r.usageCount} ${r.usageCount === 1 ? 'time' : 'times'}.` : 'Agents insert it by typing / and its short code in a reply.'}</p>
      ${editable ? nothing : html`<p class="note">Only ${r?.sharing === 'team' ? 'the team’s members or ' : ''}members allowed to configure workflow can change it.</p>`}
      <fieldset ?disabled=${!editable}>
      <div class="fields">
        <div class="pair">
          <ib-field label="Short code" required hint="Letters, digits, - and _." .error=${f.error('shortCode')}>
            <input class="field" name="shortCode" autocomplete="off" spellcheck="false" .value=${live(String(v.shortCode))} /></ib-field>
          <ib-field label="Title" required .error=${f.error('title')}>
            <input class="field" name="title" autocomplete="off" .value=${live(String(v.title))} /></ib-field>
        </div>
        <ib-field label="Text" required hint="Placeholders are filled in for the ticket; {{contact.first_name | there}} uses “there” when the name is unknown." .error=${f.error('body')}>
          <textarea class="field" name="body" .value=${live(String(v.body))}></textarea></ib-field>
        <ib-select class="placeholders" label="Insert a placeholder" size="sm" .options=${PLACEHOLDER_OPTIONS} value="" @ib-change=${this.insertPlaceholder}></ib-select>
        <div class="row-fields">
          <ib-field label="Folder" hint="Optional: groups it in lists." .error=${f.error('folder')}>
            <input class="field" name="folder" autocomplete="off" list="canned-folders" .value=${live(String(v.folder))} /></ib-field>
          <ib-field label="Who can use it" .error=${f.error('sharing')}>
            <ib-select name="sharing" .options=${sharingOptions(manages, teams.length > 1)} .value=${live(String(v.sharing))}></ib-select></ib-field>
          ${v.sharing === 'team'
            ? html`<ib-field label="Team" required .error=${f.error('teamId')}>
                <ib-select name="teamId" .options=${teams} .value=${live(String(v.teamId))}></ib-select></ib-field>`
            : nothing}
        </div>
        <datalist id="canned-folders">${this.folders.map((x) => html`<option value=${x}></option>`)}</datalist>
        <div>
          <h3 class="section-title">Files</h3>
          <p class="section-text">Sent along each time it is used (at most ${MAX_FILES}).</p>
          ${files.length || this.uploading
            ? html`<ul class="files" aria-label="Files">
                ${files.map((x) => html`<li class="chip">${x.filename} (${formatSize(x.size)})<button type="button" aria-label="Remove ${x.filename}" @click=${() => this.removeFile(x.id)}>×</button></li>`)}
                ${this.uploading ? html`<li class="chip">uploading ${this.uploading} file(s)…</li>` : nothing}
              </ul>`
            : nothing}
          <ib-button size="sm" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click()}>Attach files</ib-button>
          <input type="file" multiple aria-label="Attach files" @change=${this.onFiles} />
          ${this.fileError ? html`<p class="issue" role="alert">${this.fileError}</p>` : nothing}
        </div>
        <input type="hidden" name="files" .value=${live(String(v.files))} />
      </div>
      </fieldset>
      ${formAlert(f)}
      <div class="form-actions">
        ${r && editable ? html`<ib-button variant="danger" @click=${() => this.dispatchEvent(new CustomEvent('ib-canned-delete', { bubbles: true, composed: true }))}>Delete</ib-button><span class="spacer"></span>` : nothing}
        <ib-button href="/inbox/settings/canned">${editable ? 'Cancel' : 'Back'}</ib-button>
        ${editable ? html`<ib-button type="submit" variant="primary" .loading=${f.saving}>${r ? 'Save' : 'Create canned response'}</ib-button>` : nothing}
      </div>
    </form>`;
  }
}
customElements.define('ib-canned-editor', IbCannedEditor);
