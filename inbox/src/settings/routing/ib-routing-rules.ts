import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { routingRuleCreateSchema, routingRuleUpdateSchema, TICKET_PRIORITIES, validateCondition, type Condition, type RoutingRule } from '@support/protocol';
import { ApiError, rest } from '../../api.js';
import { backIcon } from '../../lib/icons.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { settingsCard } from '../settings-card.js';
import { FormController, formAlert, type FormValues } from '../form/form-controller.js';
import { setHiddenField } from '../form/hidden-field.js';
import { STALE_MESSAGE } from '../form/form-errors.js';
import { peopleStyles } from '../people/people-ui.js';
import { slaStyles } from '../sla/sla.styles.js';
import { describeCondition } from '../sla/condition-text.js';
import type { RoutingData } from './routing-data.js';
import { choicesOf, describeActions, priorityOptions, ruleBody, ruleValues, withNone } from './rule-form.js';
import '../sla/ib-condition-builder.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';

const up = html`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M8 13V3M3.5 7.5L8 3l4.5 4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
const down = html`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M8 3v10M3.5 8.5L8 13l4.5-4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
const ENDPOINT = '/api/settings/routing/rules';

/**
 * The rules page of the routing area: `…/routing/rules` lists the rules in the order they are
 * tried (switch each on or off, move up or down: saved at once); `…/routing/new-rule` creates
 * one and `…/routing/<rtr_…>` edits one: name, switch, conditions (`ib-condition-builder`,
 * context 'routing') and actions (team, priority, tags, agent). Properties: `data`, `itemId`.
 * Events: `ib-navigate`.
 */
export class IbRoutingRules extends LitElement {
  static properties = { data: { attribute: false }, itemId: { attribute: false } };
  static styles = [controls, settingsCard, peopleStyles, slaStyles, css`.card-head > div { flex: 1 1 320px; }`];
  declare data: RoutingData;
  declare itemId: string | null;
  private rules: RoutingRule[] | null = null;
  private loadError = '';
  private busy = new Set<string>();
  private tried = false;
  private deleting = false;
  /** What the last save answered. */
  private last: RoutingRule | null = null;

  private readonly form = new FormController<FormValues, RoutingRule>(this, {
    schema: () => (this.current ? routingRuleUpdateSchema : routingRuleCreateSchema),
    values: ruleValues(null),
    toBody: (v, updatedAt) => ({ ...ruleBody(v), ...(this.current && updatedAt ? { expectedUpdatedAt: updatedAt } : {}) }),
    save: async (body) => (this.last = await (this.current ? rest<RoutingRule>('PATCH', `${ENDPOINT}/${this.current.id}`, body) : rest<RoutingRule>('POST', ENDPOINT, body))),
    saved: (r) => ({ values: ruleValues(r), updatedAt: r.updatedAt }),
    savedText: (r) => `Rule ${r.name} ${this.current ? 'saved' : 'created'}`,
  });

  constructor() {
    super();
    this.itemId = null;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  protected willUpdate(changed: PropertyValues<this>) {
    if (changed.has('itemId') && this.rules) this.fill();
  }

  private get current(): RoutingRule | null {
    return this.rules?.find((r) => r.id === this.itemId) ?? null;
  }

  private fill() {
    this.tried = false;
    this.form.reset(ruleValues(this.current), this.current?.updatedAt);
  }

  private async load() {
    try {
      this.rules = await rest<RoutingRule[]>('GET', ENDPOINT);
      this.loadError = '';
      this.fill();
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  private replace(r: RoutingRule) {
    this.rules = [...this.rules!.filter((x) => x.id !== r.id), r].sort((a, b) => a.position - b.position);
  }

  private async submit(e: Event) {
    e.preventDefault();
    this.tried = true;
    const creating = !this.current;
    this.last = null;
    if (!(await this.form.submit()) || !this.last) return;
    this.replace(this.last);
    if (creating) navigate(this, settingsUrl('routing', (this.last as RoutingRule).id), true);
    this.requestUpdate();
  }

  private async toggle(r: RoutingRule, enabled: boolean) {
    if (this.busy.has(r.id)) return;
    this.busy.add(r.id);
    this.requestUpdate();
    try {
      this.replace(await rest<RoutingRule>('PATCH', `${ENDPOINT}/${r.id}`, { enabled, expectedUpdatedAt: r.updatedAt }));
      toast(this, `Rule ${r.name} ${enabled ? 'on' : 'off'}`);
    } catch (err) {
      toast(this, `Not saved: ${err instanceof ApiError && err.code === 'STALE' ? STALE_MESSAGE : (err as Error).message}`, 'error');
      await this.load();
    } finally {
      this.busy.delete(r.id);
      this.requestUpdate();
    }
  }

  /** Moves a rule one place up (-1) or down (+1) and saves the order; focus stays on the button pressed, or its twin at an end. */
  private async move(r: RoutingRule, by: -1 | 1) {
    const list = [...this.rules!];
    const i = list.findIndex((x) => x.id === r.id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= list.length || this.busy.size) return;
    [list[i], list[j]] = [list[j]!, list[i]!];
    const before = this.rules!;
    this.rules = list.map((x, k) => ({ ...x, position: k + 1 }));
    this.busy.add(r.id);
    this.requestUpdate();
    await this.updateComplete;
    const end = j === 0 || j === list.length - 1;
    const which = end ? (by < 0 ? 'down' : 'up') : by < 0 ? 'up' : 'down';
    this.renderRoot.querySelector<HTMLElement>(`li[data-id="${r.id}"] ib-button.${which}`)?.focus();
    try {
      this.rules = await rest<RoutingRule[]>('PUT', `${ENDPOINT}/order`, { ids: list.map((x) => x.id) });
      toast(this, `${r.name} moved ${by < 0 ? 'up' : 'down'}: now tried ${j + 1} of ${list.length}`);
    } catch (err) {
      this.rules = before;
      toast(this, `Order not saved: ${(err as Error).message}`, 'error');
    } finally {
      this.busy.delete(r.id);
      this.requestUpdate();
    }
  }

  private dialog(): IbDialog {
    return this.renderRoot.querySelector('ib-dialog.delete') as IbDialog;
  }

  private async deleteRule() {
    const r = this.current;
    if (!r || this.deleting) return;
    this.deleting = true;
    this.requestUpdate();
    try {
      await rest('DELETE', `${ENDPOINT}/${r.id}`);
      this.rules = this.rules!.filter((x) => x.id !== r.id);
      this.form.reset(ruleValues(null));
      this.dialog().close();
      toast(this, `Rule ${r.name} deleted`);
      navigate(this, settingsUrl('routing', 'rules'));
    } catch (err) {
      this.dialog().close();
      toast(this, `Not deleted: ${(err as Error).message}`, 'error');
    } finally {
      this.deleting = false;
      this.requestUpdate();
    }
  }

  private renderList(rules: RoutingRule[]) {
    const choices = choicesOf(this.data);
    const newButton = html`<ib-button variant="primary" href=${settingsUrl('routing', 'new-rule')}>New rule</ib-button>`;
    return html`<section class="card" aria-labelledby="rules-title">
      <div class="card-head">
        <div><h2 class="card-title" id="rules-title">Rules</h2>
          <p class="card-text">On each new ticket the first rule on, from the top, whose conditions it meets acts; then the policy of its team or inbox gives it out.</p></div>
        ${rules.length ? newButton : nothing}
      </div>
      ${rules.length
        ? html`<ol class="items" aria-label="Rules, in the order they are tried">
            ${repeat(rules, (r) => r.id, (r, i) => html`<li data-id=${r.id}>
              <span class="pos" aria-hidden="true">${i + 1}</span>
              <div class="main">
                <a href=${settingsUrl('routing', r.id)}>${r.name}</a>
                <span class="sub">${describeCondition(r.conditions, choices)}</span>
                <span class="sub">${describeActions(r.actions, this.data)}</span>
              </div>
              <div class="actions">
                <label class="switch-label"><input type="checkbox" role="switch" class="switch" aria-label="${r.name} on"
                  .checked=${live(r.enabled)} ?disabled=${this.busy.has(r.id)} @change=${(e: Event) => void this.toggle(r, (e.target as HTMLInputElement).checked)} />
                  <span aria-hidden="true">${r.enabled ? 'On' : 'Off'}</span></label>
                <ib-button class="up" icon size="sm" variant="ghost" label="Move ${r.name} up" ?disabled=${i === 0} @click=${() => void this.move(r, -1)}>${up}</ib-button>
                <ib-button class="down" icon size="sm" variant="ghost" label="Move ${r.name} down" ?disabled=${i === rules.length - 1} @click=${() => void this.move(r, 1)}>${down}</ib-button>
              </div>
            </li>`)}
          </ol>`
        : html`<ib-empty heading="No routing rules yet" level="3" icon="inbox">Every new ticket goes straight to its team’s or inbox’s policy. Create a rule to send some tickets elsewhere first: billing questions to the Billing team, VIP customers marked urgent, a key account to their own agent.
            <ib-button slot="actions" variant="primary" href=${settingsUrl('routing', 'new-rule')}>New rule</ib-button></ib-empty>`}
    </section>`;
  }

  private onCondition(e: CustomEvent<{ value: Condition }>) {
    setHiddenField(this.renderRoot, 'conditions', JSON.stringify(e.detail.value));
  }

  private renderItem(r: RoutingRule | null) {
    const f = this.form;
    const v = f.values;
    const condition = JSON.parse(String(v.conditions || '{"all":[]}')) as Condition;
    const own = validateCondition(condition, 'routing').length > 0;
    const actionsError = f.error('actions');
    return html`<a class="back" href=${settingsUrl('routing', 'rules')}>${backIcon}All rules</a>
      <form class="card" novalidate aria-labelledby="rule-title" @submit=${this.submit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <h2 class="card-title" id="rule-title">${r ? r.name : 'New rule'}</h2>
        <p class="card-text">${r ? 'Changes apply to tickets routed from now on.' : 'Choose the tickets it is for and what happens to them; it is tried after the other rules.'}</p>
        <div class="fields">
          <ib-field label="Name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="off" .value=${live(String(v.name))} /></ib-field>
          <label class="switch-label"><input type="checkbox" role="switch" class="switch" name="enabled" .checked=${live(v.enabled === true)} />On</label>
        </div>
        <section class="section" aria-labelledby="cond-title">
          <h3 class="section-title" id="cond-title">Conditions</h3>
          <p class="section-text">Which new tickets this rule is for. No condition: every ticket.</p>
          <ib-condition-builder name="conditions" label="Conditions" context="routing" .value=${condition} .choices=${choicesOf(this.data)} ?show-errors=${this.tried}
            .error=${own ? '' : f.error('conditions')} @ib-condition-change=${this.onCondition}></ib-condition-builder>
          <input type="hidden" name="conditions" .value=${live(String(v.conditions))} />
        </section>
        <section class="section" aria-labelledby="act-title" aria-describedby=${actionsError ? 'act-err' : nothing}>
          <h3 class="section-title" id="act-title">Actions</h3>
          <p class="section-text">What happens to a ticket that meets the conditions: at least one.</p>
          ${actionsError ? html`<p class="issue" id="act-err" role="alert">${actionsError}</p>` : nothing}
          <div class="row-fields">
            <ib-field label="Team" .error=${f.error('actions.teamId')}>
              <ib-select name="actions.teamId" .options=${withNone('Leave as it is', this.data.teams)} .value=${live(String(v['actions.teamId']))}></ib-select>
            </ib-field>
            <ib-field label="Priority" .error=${f.error('actions.priority')}>
              <ib-select name="actions.priority" .options=${priorityOptions(TICKET_PRIORITIES)} .value=${live(String(v['actions.priority']))}></ib-select>
            </ib-field>
            <ib-field label="Add tags" hint="Comma-separated, such as billing, refund." .error=${f.error('actions.addTags')}>
              <input class="field" name="actions.addTags" autocomplete="off" .value=${live(String(v['actions.addTags']))} />
            </ib-field>
            <ib-field label="Agent" hint="Given the ticket when available; otherwise it is routed as usual." .error=${f.error('actions.assigneeId')}>
              <ib-select name="actions.assigneeId" .options=${withNone('Nobody in particular', this.data.agents)} .value=${live(String(v['actions.assigneeId']))}></ib-select>
            </ib-field>
          </div>
        </section>
        ${formAlert(f, () => void this.load())}
        <div class="form-actions">
          ${r ? html`<ib-button variant="danger" @click=${() => this.dialog().show()}>Delete rule</ib-button><span class="spacer"></span>` : nothing}
          <ib-button href=${settingsUrl('routing', 'rules')}>Cancel</ib-button>
          <ib-button type="submit" variant="primary" .loading=${f.saving}>${r ? 'Save' : 'Create rule'}</ib-button>
        </div>
      </form>
      ${r
        ? html`<ib-dialog class="delete" size="sm" label="Delete ${r.name}?">
            <p>New tickets are no longer checked against it. Tickets it already routed keep their team, priority and tags.</p>
            <ib-button slot="footer" autofocus @click=${() => this.dialog().close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="danger" .loading=${this.deleting} @click=${() => void this.deleteRule()}>Delete rule</ib-button>
          </ib-dialog>`
        : nothing}`;
  }

  render() {
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="The rules could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.rules) return html`<p role="status" class="card-text">Loading rules…</p>`;
    if (this.itemId === 'rules') return this.renderList(this.rules);
    if (this.itemId !== 'new-rule' && !this.current)
      return html`<ib-empty icon="missing" heading="There is no such rule">It may have been deleted.
        <ib-button slot="actions" href=${settingsUrl('routing', 'rules')}>All rules</ib-button></ib-empty>`;
    return this.renderItem(this.current);
  }
}

customElements.define('ib-routing-rules', IbRoutingRules);
