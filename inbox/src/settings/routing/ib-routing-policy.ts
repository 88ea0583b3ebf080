import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { DEFAULT_ROUTING_POLICY, routingPolicyPutSchema, type RoutingMode, type RoutingPolicy, type RoutingPolicyFields } from '@support/protocol';
import { rest } from '../../api.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { settingsCard } from '../settings-card.js';
import { FormController, formAlert, type FormValues } from '../form/form-controller.js';
import { slaStyles } from '../sla/sla.styles.js';
import { wholeNumber, withNumbers, type Named } from './routing-data.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';

/** The modes with what each does, in the menu's order. */
export const MODES: { value: RoutingMode; label: string; hint: string }[] = [
  { value: 'manual', label: 'Manual', hint: 'Nobody is picked: tickets wait in the list until someone takes or assigns them.' },
  { value: 'round_robin', label: 'Round robin', hint: 'Each new ticket goes to the available agent who was given one least recently.' },
  { value: 'balanced', label: 'Balanced', hint: 'Each new ticket goes to the available agent with the fewest tickets in the load statuses.' },
];

const DAY = 86_400;
const HOUR = 3600;
const NUMBER_FIELDS = ['chatCapacity', 'emailCapacity', 'awayGraceSeconds', 'reopenWindowSeconds'];

/** The form values of a policy's settings: minutes for the grace, hours or days for the reopen window. */
export function policyFormValues(p: RoutingPolicyFields): FormValues {
  const days = p.reopenWindowSeconds % DAY === 0 && p.reopenWindowSeconds > 0;
  return {
    mode: p.mode,
    loadStatuses: true,
    'load.open': p.loadStatuses.includes('open'),
    'load.pending': p.loadStatuses.includes('pending'),
    chatCapacity: String(p.chatCapacity),
    emailCapacity: String(p.emailCapacity),
    awayGraceSeconds: String(Math.round(p.awayGraceSeconds / 60)),
    reopenWindowSeconds: String(days ? p.reopenWindowSeconds / DAY : Math.round(p.reopenWindowSeconds / HOUR)),
    reopenUnit: days ? 'days' : 'hours',
    calendarId: p.calendarId ?? '',
  };
}

const times = (v: number | null | string, by: number) => (typeof v === 'number' ? v * by : v);

/** The `PUT …/policies` body of a card's values (numbers that do not read stay text: `withNumbers` refuses them). */
export function policyFormBody(v: FormValues, target: { teamId: string } | { inboxId: string }): Record<string, unknown> {
  return {
    mode: v.mode,
    loadStatuses: (['open', 'pending'] as const).filter((s) => v[`load.${s}`] === true),
    chatCapacity: wholeNumber(v.chatCapacity),
    emailCapacity: wholeNumber(v.emailCapacity),
    awayGraceSeconds: times(wholeNumber(v.awayGraceSeconds), 60),
    reopenWindowSeconds: times(wholeNumber(v.reopenWindowSeconds), v.reopenUnit === 'days' ? DAY : HOUR),
    calendarId: v.calendarId ? v.calendarId : null,
    target,
  };
}

/**
 * One team's or inbox's routing policy as a card with its own form: mode, load statuses, the
 * team's chat and email capacity, away grace (minutes), reopen window (hours or days) and
 * working hours (a calendar, or any time). Validated inline with the server's schema; saved
 * with `PUT /api/settings/routing/policies`; "Turn off" deletes the policy (tickets are then
 * assigned by hand). Properties: `target` ({ teamId } or { inboxId }), `name`, `kind`
 * ('Team' | 'Inbox'), `policy` (RoutingPolicy | null), `calendars`. Events: none (toasts).
 */
export class IbRoutingPolicy extends LitElement {
  static properties = { target: { attribute: false }, name: {}, kind: {}, policy: { attribute: false }, calendars: { attribute: false } };
  static styles = [
    controls,
    settingsCard,
    slaStyles,
    css`
      .head { display: flex; align-items: baseline; justify-content: space-between; gap: var(--ib-space-3); flex-wrap: wrap; }
      .kind { font-size: var(--ib-text-sm); color: var(--ib-text-muted); font-weight: 500; margin-inline-start: var(--ib-space-2); }
      .state { font-size: var(--ib-text-sm); font-weight: 600; padding: 2px 8px; border-radius: var(--ib-radius-pill); background: var(--ib-bg-muted); color: var(--ib-text-muted); }
      .state.on { background: var(--ib-success-subtle); color: var(--ib-success-text); }
      fieldset { margin: 0; padding: 0; border: 0; min-width: 0; }
      legend { padding: 0; margin-bottom: var(--ib-space-1); font-size: var(--ib-text-md); font-weight: 600; }
      .checks { display: flex; gap: var(--ib-space-4); min-height: var(--ib-control-md); align-items: center; }
      .checks label { display: inline-flex; align-items: center; gap: 6px; font-size: var(--ib-text-md); cursor: pointer; }
      .checks input { width: 16px; height: 16px; margin: 0; accent-color: var(--ib-accent); }
      .pair { display: grid; grid-template-columns: 1fr 96px; gap: var(--ib-space-2); align-items: start; }
      .spacer { flex: 1; }
    `,
  ];
  declare target: { teamId: string } | { inboxId: string };
  declare name: string;
  declare kind: 'Team' | 'Inbox';
  declare policy: RoutingPolicy | null;
  declare calendars: Named[];
  private turningOff = false;

  private readonly form = new FormController<FormValues, RoutingPolicy>(this, {
    schema: withNumbers(routingPolicyPutSchema, NUMBER_FIELDS),
    values: policyFormValues(DEFAULT_ROUTING_POLICY),
    toBody: (v) => policyFormBody(v, this.target),
    save: (body) => rest<RoutingPolicy>('PUT', '/api/settings/routing/policies', body),
    saved: (p) => {
      this.policy = p;
      return { values: policyFormValues(p), updatedAt: p.updatedAt };
    },
    savedText: () => `Routing of ${this.name} saved`,
  });

  constructor() {
    super();
    this.name = '';
    this.kind = 'Team';
    this.policy = null;
    this.calendars = [];
  }

  protected willUpdate(changed: PropertyValues<this>) {
    if (changed.has('policy') && !this.form.saving) this.form.reset(policyFormValues(this.policy ?? DEFAULT_ROUTING_POLICY), this.policy?.updatedAt);
  }

  private async turnOff() {
    const p = this.policy;
    if (!p || this.turningOff) return;
    this.turningOff = true;
    this.requestUpdate();
    try {
      await rest('DELETE', `/api/settings/routing/policies/${p.id}`);
      this.policy = null;
      toast(this, `Routing of ${this.name} turned off: its tickets are assigned by hand`);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('ib-button[type=submit]')?.focus();
    } catch (err) {
      toast(this, `Not turned off: ${(err as Error).message}`, 'error');
    } finally {
      this.turningOff = false;
      this.requestUpdate();
    }
  }

  render() {
    const f = this.form;
    const v = f.values;
    const id = 'teamId' in this.target ? this.target.teamId : this.target.inboxId;
    const mode = MODES.find((m) => m.value === v.mode) ?? MODES[0]!;
    const calendarOptions = [{ value: '', label: 'Any time' }, ...this.calendars.map((c) => ({ value: c.id, label: c.name }))];
    const loadErr = f.error('loadStatuses');
    return html`<form class="card" novalidate aria-labelledby="t-${id}" @submit=${f.onSubmit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
      <div class="head">
        <h3 class="card-title" id="t-${id}">${this.name}<span class="kind">${this.kind}</span></h3>
        <span class="state ${this.policy ? 'on' : ''}">${this.policy ? MODES.find((m) => m.value === this.policy!.mode)?.label : 'Not set: assigned by hand'}</span>
      </div>
      <p class="card-text">${this.kind === 'Team' ? 'Tickets of this team.' : 'Tickets of this inbox that have no team.'}
        ${this.policy ? '' : 'Save to start giving them out with these settings.'}</p>
      <div class="row-fields">
        <ib-field label="Mode" hint=${mode.hint} .error=${f.error('mode')}>
          <ib-select name="mode" .options=${MODES.map((m) => ({ value: m.value, label: m.label }))} .value=${live(String(v.mode))}></ib-select>
        </ib-field>
        <fieldset aria-describedby=${loadErr ? `load-err-${id}` : nothing}>
          <legend>Load counts tickets that are</legend>
          <div class="checks">
            <label><input type="checkbox" name="load.open" .checked=${live(v['load.open'] === true)} />Open</label>
            <label><input type="checkbox" name="load.pending" .checked=${live(v['load.pending'] === true)} />Pending</label>
          </div>
          ${loadErr ? html`<span class="issue" id="load-err-${id}">${loadErr}</span>` : nothing}
        </fieldset>
        <ib-field label="Chats per agent" hint="Per person, unless set on the Capacities page." .error=${f.error('chatCapacity')}>
          <input class="field" name="chatCapacity" inputmode="numeric" autocomplete="off" .value=${live(String(v.chatCapacity))} />
        </ib-field>
        <ib-field label="Emails per agent" hint="Per person, unless set on the Capacities page." .error=${f.error('emailCapacity')}>
          <input class="field" name="emailCapacity" inputmode="numeric" autocomplete="off" .value=${live(String(v.emailCapacity))} />
        </ib-field>
        <ib-field label="Away grace (minutes)" hint="How long someone away keeps unanswered chats." .error=${f.error('awayGraceSeconds')}>
          <input class="field" name="awayGraceSeconds" inputmode="numeric" autocomplete="off" .value=${live(String(v.awayGraceSeconds))} />
        </ib-field>
        <div class="pair">
          <ib-field label="Reopen window" hint="A reopened ticket goes back to its last agent within this." .error=${f.error('reopenWindowSeconds')}>
            <input class="field" name="reopenWindowSeconds" inputmode="numeric" autocomplete="off" .value=${live(String(v.reopenWindowSeconds))} />
          </ib-field>
          <ib-field label="In">
            <ib-select name="reopenUnit" .options=${[{ value: 'hours', label: 'Hours' }, { value: 'days', label: 'Days' }]} .value=${live(String(v.reopenUnit))}></ib-select>
          </ib-field>
        </div>
        <ib-field label="Working hours" hint="Outside them nobody is given tickets." .error=${f.error('calendarId')}>
          <ib-select name="calendarId" .options=${calendarOptions} .value=${live(String(v.calendarId))}></ib-select>
        </ib-field>
      </div>
      ${formAlert(f)}
      <div class="form-actions">
        ${this.policy
          ? html`<ib-button .loading=${this.turningOff} label="Turn off routing of ${this.name}" @click=${() => void this.turnOff()}>Turn off</ib-button><span class="spacer"></span>`
          : nothing}
        <ib-button type="submit" variant="primary" .loading=${f.saving} label="Save routing of ${this.name}">Save</ib-button>
      </div>
    </form>`;
  }
}

customElements.define('ib-routing-policy', IbRoutingPolicy);
