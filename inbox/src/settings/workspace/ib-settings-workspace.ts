import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { LOGO_MAX_BYTES, LOGO_TYPES, WORKSPACE_LANGUAGES, workspaceUpdateSchema, type WorkspaceSettings } from '@support/protocol';
import { rest } from '../../api.js';
import { store } from '../../store.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { controls } from '../../styles/tokens.js';
import { FormController, formAlert } from '../form/form-controller.js';
import { saveFailure } from '../form/form-errors.js';
import { settingsCard } from '../settings-card.js';
import { retentionDays, retentionOptions, retentionValue } from '../retention.js';
import { timeZoneOptions } from './time-zones.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';
import '../../components/ib-empty/ib-empty.js';

type Values = { name: string; timeZone: string; language: string; auditRetentionDays: string };

const valuesOf = (w: WorkspaceSettings): Values => ({ name: w.name, timeZone: w.timeZone, language: w.language, auditRetentionDays: retentionValue(w.auditRetentionDays) });
const LANGUAGES = WORKSPACE_LANGUAGES.map((l) => ({ value: l.tag, label: l.label }));
const KB = LOGO_MAX_BYTES / 1024;

/** "14:05" in `zone` now, or '' when the zone is not one Intl knows. */
function timeIn(zone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(new Date());
  } catch {
    return '';
  }
}

/**
 * The Workspace area (`settings.workspace`): the general settings form (name, time zone with
 * a searchable list, default language, how long the audit log is kept), saved with the
 * version it was loaded at (a stale edit says someone else saved first), and the logo (upload,
 * replace, remove; checked for type and size before it is sent). A saved name or logo shows
 * in the inbox header at once.
 * Properties: `agent`, `permissions`, `itemId` (unused). Events: none (toasts through ib-toast).
 */
export class IbSettingsWorkspace extends LitElement {
  static styles = [
    controls,
    settingsCard,
    css`
      .field { width: 100%; }
      .logo-row { display: flex; gap: var(--ib-space-5); align-items: center; }
      .logo-box {
        flex: none; width: 88px; height: 88px; display: grid; place-items: center; border: 1px solid var(--ib-border); border-radius: var(--ib-radius-lg);
        background: repeating-conic-gradient(var(--ib-bg-muted) 0% 25%, var(--ib-bg) 0% 50%) 50% / 16px 16px;
      }
      .logo-box img { max-width: 72px; max-height: 72px; object-fit: contain; }
      .logo-box .none { color: var(--ib-text-muted); font-size: var(--ib-text-sm); text-align: center; padding: var(--ib-space-2); background: var(--ib-bg); border-radius: var(--ib-radius); }
      .logo-side { min-width: 0; display: flex; flex-direction: column; gap: var(--ib-space-3); }
      .logo-side p { margin: 0; color: var(--ib-text-muted); font-size: var(--ib-text-md); }
      .logo-actions { display: flex; flex-wrap: wrap; gap: var(--ib-space-2); }
      .logo-error { display: flex; gap: var(--ib-space-1); color: var(--ib-danger); font-size: var(--ib-text-sm); font-weight: 500; }
      .logo-error:empty { display: none; }
      input[type='file'] { display: none; }
      @media (max-width: 520px) { .logo-row { flex-direction: column; align-items: flex-start; gap: var(--ib-space-3); } }
    `,
  ];
  static properties = { agent: { attribute: false }, permissions: { attribute: false }, itemId: { attribute: false }, ws: { state: true }, failed: { state: true }, logoBusy: { state: true }, logoError: { state: true } };
  declare agent: unknown;
  declare permissions: readonly string[];
  declare itemId: string | null;
  declare ws: WorkspaceSettings | null;
  declare failed: string;
  declare logoBusy: boolean;
  declare logoError: string;
  private zones: { value: string; label: string }[] | null = null;
  private readonly form = new FormController<Values, WorkspaceSettings>(this, {
    schema: workspaceUpdateSchema,
    values: { name: '', timeZone: '', language: 'en', auditRetentionDays: '365' },
    // Every field is sent (an empty one too, so the schema names it); the retention as days or null.
    toBody: (v, updatedAt) => ({ ...v, auditRetentionDays: retentionDays(v.auditRetentionDays), ...(updatedAt ? { expectedUpdatedAt: updatedAt } : {}) }),
    save: (body) => rest<WorkspaceSettings>('PATCH', '/api/settings/workspace', body),
    saved: (w) => {
      this.took(w);
      return { values: valuesOf(w), updatedAt: w.updatedAt };
    },
  });

  constructor() {
    super();
    this.permissions = [];
    this.itemId = null;
    this.ws = null;
    this.failed = '';
    this.logoBusy = false;
    this.logoError = '';
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      const w = await rest<WorkspaceSettings>('GET', '/api/settings/workspace');
      this.failed = '';
      this.took(w);
      this.form.reset(valuesOf(w), w.updatedAt);
    } catch (err) {
      this.failed = (err as Error).message;
    }
  }

  /** Shows `w` (and the inbox header follows its name and logo). */
  private took(w: WorkspaceSettings) {
    this.ws = w;
    if (store.workspace?.id === w.id) store.setWorkspace({ id: w.id, name: w.name, logoUrl: w.logo?.url ?? null });
  }

  private pickLogo() {
    this.logoError = '';
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  private async onFile(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (!(LOGO_TYPES as readonly string[]).includes(file.type)) return void (this.logoError = 'Choose a PNG, JPEG, GIF or WebP image.');
    if (file.size > LOGO_MAX_BYTES) return void (this.logoError = `This image is ${Math.ceil(file.size / 1024)} KB; the logo can be at most ${KB} KB.`);
    await this.changeLogo('PUT', file);
  }

  /** Uploads (`file`) or removes the logo, based on the version the page shows; a save of the other fields keeps working after it. */
  private async changeLogo(method: 'PUT' | 'DELETE', file?: File) {
    if (this.logoBusy || !this.ws) return;
    this.logoBusy = true;
    this.logoError = '';
    const shown = this.ws;
    try {
      const q = this.form.updatedAt ? `?expectedUpdatedAt=${encodeURIComponent(this.form.updatedAt)}` : '';
      const w = await rest<WorkspaceSettings>(method, `/api/settings/workspace/logo${q}`, undefined, file);
      this.took(w);
      // The form was loaded at the version this change replaced: it goes on from the new one.
      if (this.form.updatedAt === shown.updatedAt) this.form.updatedAt = w.updatedAt;
      toast(this, method === 'PUT' ? 'Logo saved' : 'Logo removed');
    } catch (err) {
      const f = saveFailure(err, ['logo']);
      this.logoError = f.stale ? 'Someone else changed the workspace since you opened this page. Reload it, then try again.' : (f.errors.logo ?? f.message);
      toast(this, `Not saved: ${f.stale ? 'someone else saved first' : this.logoError}`, 'error');
    } finally {
      this.logoBusy = false;
    }
  }

  private renderLogo(w: WorkspaceSettings) {
    return html`<section class="card" aria-labelledby="logo-title">
      <h2 class="card-title" id="logo-title">Logo</h2>
      <p class="card-text">Shown in the header of the chat widget and at the top of the inbox.</p>
      <div class="logo-row">
        <div class="logo-box">${w.logo ? html`<img class="logo" src=${w.logo.url} alt="The current logo">` : html`<span class="none">No logo</span>`}</div>
        <div class="logo-side">
          <p>PNG, JPEG, GIF or WebP, up to ${KB} KB. A square image of at least 64 × 64 pixels looks best.</p>
          <div class="logo-actions">
            <input type="file" accept=${LOGO_TYPES.join(',')} @change=${this.onFile} tabindex="-1" aria-hidden="true">
            <ib-button class="upload" .loading=${this.logoBusy} @click=${this.pickLogo}>${w.logo ? 'Replace logo' : 'Upload logo'}</ib-button>
            ${w.logo ? html`<ib-button class="remove" variant="ghost" ?disabled=${this.logoBusy} @click=${() => void this.changeLogo('DELETE')}>Remove</ib-button>` : nothing}
          </div>
          <div class="logo-error" role="alert">${this.logoError}</div>
        </div>
      </div>
    </section>`;
  }

  render() {
    if (this.failed)
      return html`<ib-empty icon="missing" heading="The workspace settings could not be loaded">${this.failed}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    const w = this.ws;
    if (!w) return html`<p class="loading" role="status">Loading…</p>`;
    const f = this.form;
    this.zones ??= timeZoneOptions();
    const now = timeIn(f.values.timeZone);
    return html`<form class="card" novalidate aria-labelledby="general-title" @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <h2 class="card-title" id="general-title">General</h2>
        <p class="card-text">How the workspace is named, when its day starts and ends, and what it speaks.</p>
        <div class="fields">
          <ib-field label="Workspace name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="organization" .value=${live(f.values.name)}></ib-field>
          <ib-field label="Time zone" required hint=${now ? `Business hours, reports and dates in emails use it. It is ${now} there now.` : 'Business hours, reports and dates in emails use it. Type a city to search.'} .error=${f.error('timeZone')}>
            <input class="field" name="timeZone" list="time-zones" autocomplete="off" spellcheck="false" placeholder="Type a city, e.g. Paris" .value=${live(f.values.timeZone)}>
          </ib-field>
          <datalist id="time-zones">${this.zones.map((z) => html`<option value=${z.value} label=${z.label}></option>`)}</datalist>
          <ib-field label="Default language" hint="What the chat widget and emails speak when nothing else decides." .error=${f.error('language')}>
            <ib-select name="language" .options=${LANGUAGES} .value=${live(f.values.language)}></ib-select>
          </ib-field>
          <ib-field label="Keep the audit log" hint="Older events are deleted. Exports keep what they hold." .error=${f.error('auditRetentionDays')}>
            <ib-select name="auditRetentionDays" .options=${retentionOptions(w.auditRetentionDays)} .value=${live(f.values.auditRetentionDays)}></ib-select>
          </ib-field>
        </div>
        ${formAlert(f, () => void this.load())}
        <div class="form-actions"><ib-button type="submit" variant="primary" .loading=${f.saving}>Save changes</ib-button></div>
      </form>
      ${this.renderLogo(w)}`;
  }
}
customElements.define('ib-settings-workspace', IbSettingsWorkspace);
