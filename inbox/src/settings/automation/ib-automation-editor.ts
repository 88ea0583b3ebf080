import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { AUTOMATION_EVENTS, AUTOMATION_EVENT_LABELS, validateCondition, type AutomationRule, type Condition } from '@support/protocol';
import { rest } from '../../api.js';
import { backIcon } from '../../lib/icons.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { actionsValid, type ActionDraft } from '../../components/ib-action-builder/actions.js';
import { settingsCard } from '../settings-card.js';
import { FormController, formAlert, type FormValues } from '../form/form-controller.js';
import { setHiddenField } from '../form/hidden-field.js';
import { peopleStyles } from '../people/people-ui.js';
import { slaStyles } from '../sla/sla.styles.js';
import { RULES } from './ib-automation-list.js';
import { agoText, eventKey, ruleBody, ruleSchema, ruleValues, type AutomationData } from './rule-values.js';
import './ib-automation-test.js';
import './ib-automation-runs.js';
import '../sla/ib-condition-builder.js';
import '../../components/ib-action-builder/ib-action-builder.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-field/ib-field.js';

/**
 * One automation rule's page: the form (name, description, switch, trigger, events, conditions
 * with `ib-condition-builder` in the `automation_event` or `automation_time` context, actions
 * with `ib-action-builder`), checked inline with the server's schema (automationRuleFieldsSchema)
 * so an invalid rule cannot be sent; under it "Test on a ticket" (the form as it stands) and,
 * for a saved rule, its run log. Properties: `rule` (null: a new one), `data`.
 * Events: `ib-rule-saved` (`detail: { rule }`), `ib-rule-deleted` (`detail: { id }`), `ib-navigate`.
 */
export class IbAutomationEditor extends LitElement {
  static properties = { rule: { attribute: false }, data: { attribute: false } };
  static styles = [
    controls, settingsCard, peopleStyles, slaStyles,
    css`
      .fields textarea { width: 100%; box-sizing: border-box; resize: vertical; }
      .radios { display: flex; flex-wrap: wrap; gap: var(--ib-space-2) var(--ib-space-4); border: 0; padding: 0; margin: var(--ib-space-2) 0 0; }
      .radios + .section-text { margin-top: var(--ib-space-3); }
      .radios legend, .events legend { padding: 0; margin-bottom: var(--ib-space-2); font-size: var(--ib-text-md); font-weight: 600; }
      .radios label, .events label { display: inline-flex; align-items: center; gap: 6px; font-size: var(--ib-text-md); cursor: pointer; }
      .radios input, .events input { width: 16px; height: 16px; margin: 0; accent-color: var(--ib-accent); }
      .events { border: 0; padding: 0; margin: var(--ib-space-4) 0 0; min-width: 0; }
      .event-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: var(--ib-space-2) var(--ib-space-3); }
      .hint { margin: 2px 0 0; color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
      .events-hint { margin: 0 0 var(--ib-space-2); }
      ib-automation-test, ib-automation-runs { margin-top: var(--ib-space-4); }
    `,
  ];
  declare rule: AutomationRule | null;
  declare data: AutomationData;
  private tried = false;
  private deleting = false;
  private last: AutomationRule | null = null;

  private readonly form = new FormController<FormValues, AutomationRule>(this, {
    schema: ruleSchema,
    values: ruleValues(null),
    toBody: (v, updatedAt) => ({ ...ruleBody(v), ...(this.rule && updatedAt ? { expectedUpdatedAt: updatedAt } : {}) }),
    save: async (body) => (this.last = await (this.rule ? rest<AutomationRule>('PATCH', `${RULES}/${this.rule.id}`, body) : rest<AutomationRule>('POST', RULES, body))),
    saved: (r) => ({ values: ruleValues(r), updatedAt: r.updatedAt }),
    savedText: (r) => `Rule ${r.name} ${this.rule ? 'saved' : 'created'}`,
  });

  constructor() {
    super();
    this.rule = null;
  }

  protected willUpdate(changed: PropertyValues<this>) {
    const before = changed.get('rule') as AutomationRule | null | undefined;
    // Another rule, or this one read again (Reload after a stale save): the form takes it.
    if (changed.has('rule') && (before?.id !== this.rule?.id || (this.rule && this.rule.updatedAt !== this.form.updatedAt && (this.form.stale || !this.form.dirty)))) {
      this.tried = false;
      this.form.reset(ruleValues(this.rule), this.rule?.updatedAt);
    }
  }

  private async submit(e: Event) {
    e.preventDefault();
    this.tried = true;
    const creating = !this.rule;
    this.last = null;
    if (!(await this.form.submit()) || !this.last) return;
    const saved: AutomationRule = this.last;
    this.dispatchEvent(new CustomEvent('ib-rule-saved', { detail: { rule: saved }, bubbles: true, composed: true }));
    if (creating) navigate(this, settingsUrl('automation', saved.id), true);
  }

  /** Through a hidden control, so the form takes a builder's change as it takes any other input. */
  private setHidden(name: string, value: unknown) {
    setHiddenField(this.renderRoot, name, JSON.stringify(value));
  }

  private dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog.delete') as IbDialog;
  }

  private async deleteRule() {
    const r = this.rule;
    if (!r || this.deleting) return;
    this.deleting = true;
    this.requestUpdate();
    try {
      await rest('DELETE', `${RULES}/${r.id}`);
      this.form.reset(ruleValues(null));
      this.dialog().close();
      toast(this, `Rule ${r.name} deleted`);
      this.dispatchEvent(new CustomEvent('ib-rule-deleted', { detail: { id: r.id }, bubbles: true, composed: true }));
      navigate(this, settingsUrl('automation'));
    } catch (err) {
      this.dialog().close();
      toast(this, `Not deleted: ${(err as Error).message}`, 'error');
    } finally {
      this.deleting = false;
      this.requestUpdate();
    }
  }

  private renderTrigger(v: FormValues) {
    const time = v.trigger === 'time';
    const f = this.form;
    return html`<section class="section" aria-labelledby="when-title">
      <h3 class="section-title" id="when-title">When it runs</h3>
      <fieldset class="radios"><legend class="visually-hidden">Trigger</legend>
        <label><input type="radio" name="trigger" value="event" .checked=${live(!time)} />On events</label>
        <label><input type="radio" name="trigger" value="time" .checked=${live(time)} />On time</label>
      </fieldset>
      ${time
        ? html`<p class="section-text">Checked as time passes: it acts once on a ticket when its conditions come to hold (they need a “… since” duration, such as minutes since the last customer message), and again only after they stopped holding.</p>`
        : html`<fieldset class="events" aria-describedby=${f.error('events') ? 'events-err' : nothing}><legend>Events</legend>
            <p class="hint events-hint">“Customer message” includes the message that opens a ticket; a rule on both events runs once for it.</p>
            <div class="event-grid">${AUTOMATION_EVENTS.map((e) => html`<label><input type="checkbox" name=${eventKey(e)} .checked=${live(v[eventKey(e)] === true)} />${AUTOMATION_EVENT_LABELS[e]}</label>`)}</div>
            ${f.error('events') ? html`<p class="issue" id="events-err" role="alert">${f.error('events')}</p>` : nothing}
          </fieldset>`}
    </section>`;
  }

  render() {
    const r = this.rule;
    const f = this.form;
    const v = f.values;
    const context = v.trigger === 'time' ? 'automation_time' : 'automation_event';
    const condition = JSON.parse(String(v.conditions || '{"all":[]}')) as Condition;
    const actions = JSON.parse(String(v.actions || '[]')) as ActionDraft[];
    const ownCondition = validateCondition(condition, context).length > 0;
    const actionsError = actionsValid(actions) || !this.tried ? f.error('actions') : '';
    return html`<a class="back" href=${settingsUrl('automation')}>${backIcon}All rules</a>
      <form class="card" novalidate aria-labelledby="rule-title" @submit=${this.submit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <h2 class="card-title" id="rule-title">${r ? r.name : 'New rule'}</h2>
        <p class="card-text">${r
          ? r.runCount
            ? html`Ran ${r.runCount} ${r.runCount === 1 ? 'time' : 'times'}, acted ${r.matchCount}, ${r.errorCount} with a failure${r.lastRunAt ? html`, last <time datetime=${r.lastRunAt}>${agoText(r.lastRunAt)}</time>` : ''}. Changes apply from the next event.`
            : 'Not run yet. Changes apply from the next event.'
          : 'Choose when it runs, which tickets it is for and what it does; it runs after the other rules.'}</p>
        <div class="fields">
          <ib-field label="Name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="off" .value=${live(String(v.name))} /></ib-field>
          <ib-field label="Description" hint="Optional: why the rule exists, for whoever reads it next." .error=${f.error('description')}>
            <textarea class="field" name="description" rows="2" .value=${live(String(v.description))}></textarea></ib-field>
          <label class="switch-label"><input type="checkbox" role="switch" class="switch" name="enabled" .checked=${live(v.enabled === true)} />On</label>
        </div>
        ${this.renderTrigger(v)}
        <section class="section" aria-labelledby="cond-title">
          <h3 class="section-title" id="cond-title">Conditions</h3>
          <p class="section-text">Which tickets it acts on.</p>
          <ib-condition-builder name="conditions" label="Conditions" context=${context}
            .emptyText=${v.trigger === 'time' ? 'No condition yet: a time rule needs a “minutes since …” condition.' : 'No condition: the rule acts on every ticket the event happens on. Add one to narrow it.'} .value=${condition} .choices=${this.data.conditions} ?show-errors=${this.tried}
            .error=${ownCondition ? '' : f.error('conditions')} @ib-condition-change=${(e: CustomEvent<{ value: Condition }>) => this.setHidden('conditions', e.detail.value)}></ib-condition-builder>
          <input type="hidden" name="conditions" .value=${live(String(v.conditions))} />
        </section>
        <section class="section" aria-labelledby="act-title">
          <h3 class="section-title" id="act-title">Actions</h3>
          <p class="section-text">What it does, in this order; an action that fails does not stop the others.</p>
          ${actionsError ? html`<p class="issue" role="alert">${actionsError}</p>` : nothing}
          <ib-action-builder .value=${actions} .choices=${this.data.actions} ?show-errors=${this.tried}
            @ib-actions-change=${(e: CustomEvent<{ value: ActionDraft[] }>) => this.setHidden('actions', e.detail.value)}></ib-action-builder>
          <input type="hidden" name="actions" .value=${live(String(v.actions))} />
        </section>
        ${formAlert(f, () => this.dispatchEvent(new CustomEvent('ib-reload', { bubbles: true, composed: true })))}
        <div class="form-actions">
          ${r ? html`<ib-button variant="danger" @click=${() => this.dialog().show()}>Delete rule</ib-button><span class="spacer"></span>` : nothing}
          <ib-button href=${settingsUrl('automation')}>Cancel</ib-button>
          <ib-button type="submit" variant="primary" .loading=${f.saving}>${r ? 'Save' : 'Create rule'}</ib-button>
        </div>
      </form>
      <ib-automation-test .body=${() => ruleBody(this.form.values)} .events=${v.trigger === 'time' ? [] : AUTOMATION_EVENTS.filter((e) => v[eventKey(e)] === true)}
        .choices=${this.data}></ib-automation-test>
      ${r ? html`<ib-automation-runs .ruleId=${r.id} .choices=${this.data.conditions}></ib-automation-runs>` : nothing}
      ${r
        ? html`<ib-dialog class="delete" size="sm" label="Delete ${r.name}?">
            <p>It stops running at once. Its past runs stay in the log; what it already did to tickets stays done.</p>
            <ib-button slot="footer" autofocus @click=${() => this.dialog().close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="danger" .loading=${this.deleting} @click=${() => void this.deleteRule()}>Delete rule</ib-button>
          </ib-dialog>`
        : nothing}`;
  }
}
customElements.define('ib-automation-editor', IbAutomationEditor);
