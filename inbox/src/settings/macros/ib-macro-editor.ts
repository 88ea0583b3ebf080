import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { macroFieldsSchema, SHARING, type Macro } from '@support/protocol';
import { rest } from '../../api.js';
import { backIcon } from '../../lib/icons.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import type { ActionChoices } from '../../lib/named.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { actionsValid, type ActionDraft } from '../../components/ib-action-builder/actions.js';
import { settingsCard } from '../settings-card.js';
import { FormController, formAlert, type FormValues } from '../form/form-controller.js';
import { setHiddenField } from '../form/hidden-field.js';
import type { Schema } from '../form/form-errors.js';
import { peopleStyles } from '../people/people-ui.js';
import { slaStyles } from '../sla/sla.styles.js';
import '../../components/ib-action-builder/ib-action-builder.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';

export const MACROS = '/api/macros';
export const SHARING_TEXT = { personal: 'Only me', team: 'A team', workspace: 'Everyone in the workspace' } as const;

const values = (m: Macro | null): FormValues => ({
  name: m?.name ?? '',
  description: m?.description ?? '',
  sharing: m?.sharing ?? 'personal',
  teamId: m?.teamId ?? '',
  actions: JSON.stringify(m?.actions ?? []),
});
const body = (v: FormValues): Record<string, unknown> => ({
  name: v.name,
  description: v.description,
  sharing: v.sharing,
  teamId: v.sharing === 'team' ? v.teamId || null : null,
  actions: JSON.parse(String(v.actions || '[]')) as unknown[],
});
const schema: Schema = {
  safeParse(b: unknown) {
    const { expectedUpdatedAt: _, ...m } = b as Record<string, unknown>;
    return macroFieldsSchema.safeParse(m);
  },
};

/**
 * One macro's form: name, description, who sees it (only its author, a team — with the team
 * picker —, the workspace) and its actions (`ib-action-builder`), checked inline with the
 * server's schema (macroFieldsSchema). Properties: `macro` (null: a new one), `choices`,
 * `canShare` (whether team and workspace sharing is allowed: settings.workflow).
 * Events: `ib-macro-saved` (`detail: { macro }`), `ib-macro-deleted` (`detail: { id }`), `ib-navigate`.
 */
export class IbMacroEditor extends LitElement {
  static properties = { macro: { attribute: false }, choices: { attribute: false }, canShare: { attribute: false } };
  static styles = [
    controls, settingsCard, peopleStyles, slaStyles,
    css`
      .fields textarea { width: 100%; box-sizing: border-box; resize: vertical; }
      .radios { display: flex; flex-direction: column; gap: var(--ib-space-2); border: 0; padding: 0; margin: 0; }
      .radios legend { padding: 0; margin-bottom: var(--ib-space-1); font-size: var(--ib-text-md); font-weight: 600; }
      .radios label { display: inline-flex; align-items: center; gap: 6px; font-size: var(--ib-text-md); cursor: pointer; }
      .radios input { width: 16px; height: 16px; margin: 0; accent-color: var(--ib-accent); }
      .hint { margin: 0; color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
    `,
  ];
  declare macro: Macro | null;
  declare choices: ActionChoices;
  declare canShare: boolean;
  private tried = false;
  private deleting = false;
  private last: Macro | null = null;

  private readonly form = new FormController<FormValues, Macro>(this, {
    schema,
    values: values(null),
    toBody: (v, updatedAt) => ({ ...body(v), ...(this.macro && updatedAt ? { expectedUpdatedAt: updatedAt } : {}) }),
    save: async (b) => (this.last = await (this.macro ? rest<Macro>('PATCH', `${MACROS}/${this.macro.id}`, b) : rest<Macro>('POST', MACROS, b))),
    saved: (m) => ({ values: values(m), updatedAt: m.updatedAt }),
    savedText: (m) => `Macro ${m.name} ${this.macro ? 'saved' : 'created'}`,
  });

  constructor() {
    super();
    this.macro = null;
    this.canShare = false;
  }

  protected willUpdate(changed: PropertyValues<this>) {
    const before = changed.get('macro') as Macro | null | undefined;
    // Another macro, or this one read again (Reload after a stale save): the form takes it.
    if (changed.has('macro') && (before?.id !== this.macro?.id || (this.macro && this.macro.updatedAt !== this.form.updatedAt && (this.form.stale || !this.form.dirty)))) {
      this.tried = false;
      this.form.reset(values(this.macro), this.macro?.updatedAt);
    }
  }

  private async submit(e: Event) {
    e.preventDefault();
    this.tried = true;
    const creating = !this.macro;
    this.last = null;
    if (!(await this.form.submit()) || !this.last) return;
    const saved: Macro = this.last;
    this.dispatchEvent(new CustomEvent('ib-macro-saved', { detail: { macro: saved }, bubbles: true, composed: true }));
    if (creating) navigate(this, settingsUrl('macros', saved.id), true);
  }

  private setActions(v: ActionDraft[]) {
    setHiddenField(this.renderRoot, 'actions', JSON.stringify(v));
  }

  private dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog.delete') as IbDialog;
  }

  private async deleteMacro() {
    const m = this.macro;
    if (!m || this.deleting) return;
    this.deleting = true;
    this.requestUpdate();
    try {
      await rest('DELETE', `${MACROS}/${m.id}`);
      this.form.reset(values(null));
      this.dialog().close();
      toast(this, `Macro ${m.name} deleted`);
      this.dispatchEvent(new CustomEvent('ib-macro-deleted', { detail: { id: m.id }, bubbles: true, composed: true }));
      navigate(this, settingsUrl('macros'));
    } catch (err) {
      this.dialog().close();
      toast(this, `Not deleted: ${(err as Error).message}`, 'error');
    } finally {
      this.deleting = false;
      this.requestUpdate();
    }
  }

  render() {
    const m = this.macro;
    const f = this.form;
    const v = f.values;
    const actions = JSON.parse(String(v.actions || '[]')) as ActionDraft[];
    const actionsError = actionsValid(actions) || !this.tried ? f.error('actions') : '';
    const teams = [{ value: '', label: 'Pick a team' }, ...this.choices.teams.map((t) => ({ value: t.id, label: t.name }))];
    return html`<a class="back" href=${settingsUrl('macros')}>${backIcon}All macros</a>
      <form class="card" novalidate aria-labelledby="macro-title" @submit=${this.submit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <h2 class="card-title" id="macro-title">${m ? m.name : 'New macro'}</h2>
        <p class="card-text">An agent applies a macro to a ticket from its “Macros” menu, after a preview of what it will do.</p>
        <div class="fields">
          <ib-field label="Name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="off" .value=${live(String(v.name))} /></ib-field>
          <ib-field label="Description" hint="Optional: when to use it." .error=${f.error('description')}>
            <textarea class="field" name="description" rows="2" .value=${live(String(v.description))}></textarea></ib-field>
          <fieldset class="radios"><legend>Who can use it</legend>
            ${SHARING.map((s) => html`<label><input type="radio" name="sharing" value=${s} .checked=${live(v.sharing === s)} ?disabled=${s !== 'personal' && !this.canShare && v.sharing !== s} />${SHARING_TEXT[s]}</label>`)}
            ${this.canShare ? nothing : html`<p class="hint">Sharing with a team or the workspace needs the workflow settings permission.</p>`}
          </fieldset>
          ${v.sharing === 'team'
            ? html`<ib-field label="Team" required .error=${f.error('teamId')}><ib-select name="teamId" .options=${teams} .value=${live(String(v.teamId))}></ib-select></ib-field>`
            : nothing}
        </div>
        <section class="section" aria-labelledby="act-title">
          <h3 class="section-title" id="act-title">Actions</h3>
          <p class="section-text">What applying it does to the ticket, in this order; an action that fails does not stop the others.</p>
          ${actionsError ? html`<p class="issue" role="alert">${actionsError}</p>` : nothing}
          <ib-action-builder .value=${actions} .choices=${this.choices} ?show-errors=${this.tried}
            @ib-actions-change=${(e: CustomEvent<{ value: ActionDraft[] }>) => this.setActions(e.detail.value)}></ib-action-builder>
          <input type="hidden" name="actions" .value=${live(String(v.actions))} />
        </section>
        ${formAlert(f, () => this.dispatchEvent(new CustomEvent('ib-reload', { bubbles: true, composed: true })))}
        <div class="form-actions">
          ${m ? html`<ib-button variant="danger" @click=${() => this.dialog().show()}>Delete macro</ib-button><span class="spacer"></span>` : nothing}
          <ib-button href=${settingsUrl('macros')}>Cancel</ib-button>
          <ib-button type="submit" variant="primary" .loading=${f.saving}>${m ? 'Save' : 'Create macro'}</ib-button>
        </div>
      </form>
      ${m
        ? html`<ib-dialog class="delete" size="sm" label="Delete ${m.name}?">
            <p>Nobody can apply it any more. Tickets it was applied to keep what it did.</p>
            <ib-button slot="footer" autofocus @click=${() => this.dialog().close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="danger" .loading=${this.deleting} @click=${() => void this.deleteMacro()}>Delete macro</ib-button>
          </ib-dialog>`
        : nothing}`;
  }
}
customElements.define('ib-macro-editor', IbMacroEditor);
