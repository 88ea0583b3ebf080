import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import {
  slaPolicyCreateSchema,
  slaPolicyUpdateSchema,
  TICKET_PRIORITIES,
  validateCondition,
  type Agent,
  type CalendarRecord,
  type Condition,
  type InboxSummary,
  type SlaPolicyRecord,
  type Team,
} from '@support/protocol';
import { call, rest } from '../../api.js';
import { store } from '../../store.js';
import { settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { settingsCard } from '../settings-card.js';
import { formAlert, type FormValues } from '../form/form-controller.js';
import { setHiddenField } from '../form/hidden-field.js';
import { STALE_MESSAGE } from '../form/form-errors.js';
import { ApiError } from '../../api.js';
import { peopleStyles } from '../people/people-ui.js';
import { ItemArea } from '../people/item-area.js';
import { slaStyles } from './sla.styles.js';
import { describeCondition, humanize, noChoices, type ConditionChoices } from './condition-text.js';
import { formatDuration } from './duration.js';
import { METRICS, policyBody, policyValues, targetField, withDurations } from './policy-form.js';
import './ib-condition-builder.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';

const up = html`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M8 13V3M3.5 7.5L8 3l4.5 4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
const down = html`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M8 3v10M3.5 8.5L8 13l4.5-4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/**
 * The SLA policies area: `/inbox/settings/sla-policies` lists the policies in the order they
 * are tried (the default last; enable, disable and move up or down, the order saved at once
 * with `PUT …/order`); `/inbox/settings/sla-policies/<id>` edits one and `…/new` creates one:
 * name, enabled, conditions (`ib-condition-builder`, context 'sla'), targets per priority and
 * metric (durations; empty is no target), business or calendar time and the calendar, pausing
 * while pending, the warning lead and what a reopen does. The default policy has no conditions
 * and cannot be deleted. Properties: `agent`, `itemId`. Events: `ib-navigate`.
 */
export class IbSettingsSlaPolicies extends ItemArea<SlaPolicyRecord> {
  static styles = [controls, settingsCard, peopleStyles, slaStyles];
  protected readonly area = 'sla-policies';
  protected readonly noun = 'Policy';
  protected readonly endpoint = '/api/settings/sla-policies';
  protected readonly schemas = { create: withDurations(slaPolicyCreateSchema), update: withDurations(slaPolicyUpdateSchema) };
  private calendars: CalendarRecord[] = [];
  protected get plural() {
    return 'policies';
  }
  private choices: ConditionChoices = noChoices();
  /** A save was tried: every condition issue shows. */
  private tried = false;
  /** Policy ids whose row is being changed (enabled, order), so a second press waits. */
  private busy = new Set<string>();
  /** While a switch is saved: the state asked for, shown instead of the row's. */
  private asked = new Map<string, boolean>();

  protected async fetchItems(): Promise<SlaPolicyRecord[]> {
    const s = store.socket;
    const [policies, calendars, inboxes, teams, agents] = await Promise.all([
      rest<SlaPolicyRecord[]>('GET', this.endpoint),
      rest<CalendarRecord[]>('GET', '/api/settings/calendars'),
      s ? call(s, 'inboxes:list', {}) : Promise.resolve(store.inboxes as InboxSummary[]),
      s ? call(s, 'teams:list', {}) : Promise.resolve(store.teams as Team[]),
      s ? call(s, 'agents:list', {}) : Promise.resolve([...store.agents.values()] as Agent[]),
    ]);
    this.calendars = calendars;
    this.choices = {
      inbox: inboxes.map((i) => ({ id: i.id, name: i.name })),
      team: teams.map((t) => ({ id: t.id, name: t.name })),
      user: agents.map((a) => ({ id: a.id, name: a.name })),
      calendar: calendars.map((c) => ({ id: c.id, name: c.name })),
    };
    return policies;
  }

  protected valuesOf(p: SlaPolicyRecord | null): FormValues {
    this.tried = false;
    return policyValues(p);
  }

  protected bodyOf(v: FormValues) {
    return policyBody(v, this.current?.isDefault ?? false);
  }

  /** In the order they are tried: by position, the default last. */
  private get ordered(): SlaPolicyRecord[] {
    return [...this.items].sort((a, b) => Number(a.isDefault) - Number(b.isDefault) || a.position - b.position);
  }

  protected async submit(e: Event) {
    this.tried = true;
    await super.submit(e);
  }

  private replace(p: SlaPolicyRecord) {
    this.items = this.items.map((x) => (x.id === p.id ? p : x));
  }

  private async toggle(p: SlaPolicyRecord, enabled: boolean) {
    if (this.busy.has(p.id)) return;
    this.busy.add(p.id);
    // The switch shows what was asked while it is saved (re-rendering from the row would flip it back until the answer).
    this.asked.set(p.id, enabled);
    this.requestUpdate();
    try {
      this.replace(await rest<SlaPolicyRecord>('PATCH', `${this.endpoint}/${p.id}`, { enabled, expectedUpdatedAt: p.updatedAt }));
      toast(this, `Policy ${p.name} ${enabled ? 'enabled' : 'disabled'}`);
    } catch (err) {
      toast(this, `Not saved: ${err instanceof ApiError && err.code === 'STALE' ? STALE_MESSAGE : (err as Error).message}`, 'error');
      await this.load();
    } finally {
      this.busy.delete(p.id);
      this.asked.delete(p.id);
      this.requestUpdate();
    }
  }

  /** Moves a policy one place up (-1) or down (+1) and saves the order; focus stays on the button pressed, or its twin at an end. */
  private async move(p: SlaPolicyRecord, by: -1 | 1) {
    const list = this.ordered.filter((x) => !x.isDefault);
    const i = list.findIndex((x) => x.id === p.id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= list.length || this.busy.size) return;
    [list[i], list[j]] = [list[j]!, list[i]!];
    const before = this.items;
    this.items = this.items.map((x) => (x.isDefault ? x : { ...x, position: list.findIndex((y) => y.id === x.id) }));
    this.busy.add(p.id);
    this.requestUpdate();
    await this.updateComplete;
    const end = j === 0 || j === list.length - 1;
    const which = end ? (by < 0 ? 'down' : 'up') : by < 0 ? 'up' : 'down';
    this.renderRoot.querySelector<HTMLElement>(`li[data-id="${p.id}"] ib-button.${which}`)?.focus();
    try {
      const saved = await rest<SlaPolicyRecord[]>('PUT', `${this.endpoint}/order`, { ids: list.map((x) => x.id) });
      this.items = saved;
      toast(this, `${p.name} moved ${by < 0 ? 'up' : 'down'}: now tried ${ordinal(j + 1)}`);
    } catch (err) {
      this.items = before;
      toast(this, `Order not saved: ${(err as Error).message}`, 'error');
    } finally {
      this.busy.delete(p.id);
      this.requestUpdate();
    }
  }

  private summary(p: SlaPolicyRecord): string {
    const urgent = p.targets.urgent;
    const time = p.businessHours ? `business hours of ${this.calendars.find((c) => c.id === p.calendarId)?.name ?? 'the default calendar'}` : 'calendar time';
    const first = urgent.first_response === null ? 'no first-response target' : `first response ${formatDuration(urgent.first_response)}`;
    return `Urgent: ${first} · ${time}`;
  }

  protected renderList() {
    const list = this.ordered;
    const movable = list.filter((p) => !p.isDefault);
    const newButton = html`<ib-button variant="primary" href=${settingsUrl('sla-policies', 'new')}>New policy</ib-button>`;
    return html`<section class="card" aria-labelledby="policies-title">
      <div class="card-head">
        <div><h2 class="card-title" id="policies-title">Policies</h2>
          <p class="card-text">A ticket gets the first enabled policy, from the top, whose conditions it meets; the default catches the rest.</p></div>
        ${newButton}
      </div>
      ${movable.length
        ? nothing
        : html`<ib-empty heading="No policies of your own yet" level="3" icon="inbox">Every ticket gets the default policy${list[0]?.enabled ? '' : ', which is off'}. Create a policy for the tickets that need faster answers, such as urgent ones or a VIP inbox.
            <ib-button slot="actions" href=${settingsUrl('sla-policies', 'new')}>New policy</ib-button></ib-empty>`}
      <ol class="items" aria-label="Policies, in the order they are tried">
        ${repeat(list, (p) => p.id, (p, i) => {
          const k = movable.indexOf(p);
          return html`<li data-id=${p.id}>
            <span class="pos" aria-hidden="true">${p.isDefault ? '∗' : i + 1}</span>
            <div class="main">
              <span><a href=${settingsUrl('sla-policies', p.id)}>${p.name}</a> ${p.isDefault ? html`<span class="chip accent">Default</span>` : nothing}</span>
              <span class="sub">${p.isDefault ? 'Every other ticket' : describeCondition(p.conditions, this.choices)}</span>
              <span class="sub">${this.summary(p)}</span>
            </div>
            <div class="actions">
              <label class="switch-label"><input type="checkbox" role="switch" class="switch" aria-label="${p.name} enabled"
                .checked=${live(this.asked.get(p.id) ?? p.enabled)} ?disabled=${this.busy.has(p.id)} @change=${(e: Event) => void this.toggle(p, (e.target as HTMLInputElement).checked)} />
                <span aria-hidden="true">${(this.asked.get(p.id) ?? p.enabled) ? 'On' : 'Off'}</span></label>
              ${p.isDefault
                ? html`<span class="muted" style="width:72px;text-align:center;font-size:var(--ib-text-sm)">Always last</span>`
                : html`<ib-button class="up" icon size="sm" variant="ghost" label="Move ${p.name} up" ?disabled=${k === 0} @click=${() => void this.move(p, -1)}>${up}</ib-button>
                  <ib-button class="down" icon size="sm" variant="ghost" label="Move ${p.name} down" ?disabled=${k === movable.length - 1} @click=${() => void this.move(p, 1)}>${down}</ib-button>`}
            </div>
          </li>`;
        })}
      </ol>
    </section>`;
  }

  private onCondition(e: CustomEvent<{ value: Condition }>) {
    setHiddenField(this.renderRoot, 'conditions', JSON.stringify(e.detail.value));
  }

  private targetsTable() {
    const f = this.form;
    return html`<table class="grid-table fixed">
      <caption class="visually-hidden">Targets per priority</caption>
      <thead><tr><th scope="col">Priority</th>${METRICS.map(([, label]) => html`<th scope="col">${label}</th>`)}</tr></thead>
      <tbody>${TICKET_PRIORITIES.slice().reverse().map(
        (p) => html`<tr><th scope="row">${humanize(p)}</th>${METRICS.map(([m, label]) => {
          const name = targetField(p, m);
          const err = f.error(name);
          return html`<td><input class="field" name=${name} autocomplete="off" placeholder="No target" aria-label="${humanize(p)}: ${label.toLowerCase()}"
              aria-invalid=${err ? 'true' : 'false'} aria-describedby=${err ? `${name}-err` : nothing} .value=${live(String(f.values[name] ?? ''))} />
            ${err ? html`<span class="issue" id="${name}-err">${err}</span>` : nothing}</td>`;
        })}</tr>`,
      )}</tbody>
    </table>`;
  }

  protected renderItem(p: SlaPolicyRecord | null) {
    const f = this.form;
    const v = f.values;
    const condition = JSON.parse(String(v.conditions || '{"all":[]}')) as Condition;
    const own = validateCondition(condition, 'sla').length > 0;
    const calendarOptions = [
      { value: '', label: `Default${this.calendars.find((c) => c.isDefault) ? `: ${this.calendars.find((c) => c.isDefault)!.name}` : ' calendar'}` },
      ...this.calendars.map((c) => ({ value: c.id, label: c.name })),
    ];
    return html`${this.backLink()}
      <form class="card" novalidate aria-labelledby="policy-title" @submit=${this.submit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <h2 class="card-title" id="policy-title">${p ? p.name : 'New policy'}${p?.isDefault ? html` <span class="chip accent">Default</span>` : nothing}</h2>
        <p class="card-text">${p?.isDefault
          ? 'Applies to every ticket no other enabled policy takes.'
          : p ? 'Changes re-plan the open clocks of the tickets it applies to.' : 'Choose the tickets it is for and the times you promise them; it is tried before the default.'}</p>
        <div class="fields">
          <ib-field label="Name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="off" .value=${live(String(v.name))} /></ib-field>
          <label class="switch-label"><input type="checkbox" role="switch" class="switch" name="enabled" .checked=${live(v.enabled === true)} />Enabled</label>
        </div>

        <section class="section" aria-labelledby="cond-title">
          <h3 class="section-title" id="cond-title">Conditions</h3>
          ${p?.isDefault
            ? html`<p class="section-text">Every other ticket: the default policy has no conditions.</p>`
            : html`<p class="section-text">Which tickets this policy is for.</p>
              <ib-condition-builder name="conditions" label="Conditions" .value=${condition} .choices=${this.choices} ?show-errors=${this.tried}
                .error=${own ? '' : f.error('conditions')} @ib-condition-change=${this.onCondition}></ib-condition-builder>
              <input type="hidden" name="conditions" .value=${live(String(v.conditions))} />`}
        </section>

        <section class="section" aria-labelledby="targets-title">
          <h3 class="section-title" id="targets-title">Targets</h3>
          <p class="section-text">How long each step may take, per priority: such as 4h, 1h 30m or 2d. Empty: no target.</p>
          ${this.targetsTable()}
        </section>

        <section class="section" aria-labelledby="time-title">
          <h3 class="section-title" id="time-title">Counting</h3>
          <p class="section-text">Which hours count towards the targets, and when to warn.</p>
          <div class="row-fields">
            <ib-field label="Count" .error=${f.error('businessHours')}>
              <ib-select name="businessHours" .options=${[{ value: 'business', label: 'Business hours only' }, { value: 'calendar', label: 'Every hour (calendar time)' }]} .value=${live(String(v.businessHours))}></ib-select>
            </ib-field>
            <ib-field label="Calendar" hint=${v.businessHours === 'business' ? 'Whose hours count.' : 'Not used while counting every hour.'} .error=${f.error('calendarId')}>
              <ib-select name="calendarId" .options=${calendarOptions} .value=${live(String(v.calendarId))}></ib-select>
            </ib-field>
            <ib-field label="Warn before a breach" hint="Such as 30m; 0m for no warning." .error=${f.error('warnLeadSeconds')}>
              <input class="field" name="warnLeadSeconds" autocomplete="off" .value=${live(String(v.warnLeadSeconds))} />
            </ib-field>
            <ib-field label="When a ticket reopens" hint="Restart: the whole target again. Resume: the time used counts." .error=${f.error('reopen')}>
              <ib-select name="reopen" .options=${[{ value: 'restart', label: 'Restart resolution' }, { value: 'resume', label: 'Resume resolution' }]} .value=${live(String(v.reopen))}></ib-select>
            </ib-field>
          </div>
          <label class="switch-label" style="margin-top:var(--ib-space-4)"><input type="checkbox" role="switch" class="switch" name="pauseStatuses" .checked=${live(v.pauseStatuses === true)} />Pause the clocks while the ticket is pending</label>
        </section>
        ${formAlert(f, () => void this.load())}
        <div class="form-actions">
          ${p && !p.isDefault ? html`<ib-button variant="danger" @click=${() => this.deleteDialog().show()}>Delete policy</ib-button><span class="spacer"></span>` : nothing}
          <ib-button href=${settingsUrl('sla-policies')}>Cancel</ib-button>
          <ib-button type="submit" variant="primary" .loading=${f.saving}>${p ? 'Save' : 'Create policy'}</ib-button>
        </div>
      </form>
      ${p && !p.isDefault
        ? html`<ib-dialog class="delete" size="sm" label="Delete ${p.name}?">
            <p>Its tickets’ open clocks move to the next policy they match, or the default.</p>
            <ib-button slot="footer" autofocus @click=${() => this.deleteDialog().close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="danger" .loading=${this.deleting} @click=${() => void this.deleteCurrent()}>Delete policy</ib-button>
          </ib-dialog>`
        : nothing}`;
  }
}

const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

customElements.define('ib-settings-sla-policies', IbSettingsSlaPolicies);
