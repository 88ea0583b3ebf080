import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { calendarCreateSchema, calendarUpdateSchema, type CalendarRecord, type Holiday } from '@support/protocol';
import { ApiError, rest } from '../../api.js';
import { settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import { settingsCard } from '../settings-card.js';
import { formAlert, type FormValues } from '../form/form-controller.js';
import { setHiddenField } from '../form/hidden-field.js';
import { STALE_MESSAGE } from '../form/form-errors.js';
import { peopleStyles } from '../people/people-ui.js';
import { ItemArea } from '../people/item-area.js';
import { timeZoneOptions } from '../workspace/time-zones.js';
import { slaStyles } from './sla.styles.js';
import { calendarValues, definitionOf, entryIssues, F, weekSummary, type OverrideInput } from './calendar-form.js';
import { holidaysTable, overridesTable } from './calendar-dates.js';
import type { WeekInput } from './week.js';
import './ib-week-grid.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-field/ib-field.js';

/**
 * The Business hours area: `/inbox/settings/calendars` lists the calendars (the default first;
 * "Make default"); `/inbox/settings/calendars/<id>` edits one and `…/new` creates one: name,
 * time zone (searchable), the week (`ib-week-grid`: drawn or typed intervals, split shifts),
 * open 24/7, holidays (typed, or imported from an .ics file: merged into the list, saved with
 * the form) and special days. Every entry is checked with the protocol's calendar schema.
 * Deleting one that a policy counts in is refused with the server's reason.
 * Properties: `agent`, `itemId`. Events: `ib-navigate`.
 */
export class IbSettingsCalendars extends ItemArea<CalendarRecord> {
  static styles = [controls, settingsCard, peopleStyles, slaStyles];
  protected readonly area = 'calendars';
  protected readonly noun = 'Calendar';
  protected readonly endpoint = '/api/settings/calendars';
  protected readonly schemas = { create: calendarCreateSchema, update: calendarUpdateSchema };
  private readonly zones = timeZoneOptions();
  private tried = false;
  private readonly touched = new Set<string>();
  private importing = false;
  private busy = '';

  protected fetchItems(): Promise<CalendarRecord[]> {
    return rest<CalendarRecord[]>('GET', this.endpoint);
  }

  protected valuesOf(c: CalendarRecord | null): FormValues {
    this.tried = false;
    this.touched.clear();
    return calendarValues(c);
  }

  protected bodyOf(v: FormValues) {
    return { name: v.name, definition: definitionOf(v) };
  }

  protected async submit(e: Event) {
    this.tried = true;
    await super.submit(e);
    // The form focuses a wrong field by its name; an entry of the week or of a date list has none: focus the first one marked wrong.
    if (this.form.error('name') || this.form.error(F.timeZone) || ![F.weekly, F.holidays, F.overrides].some((k) => this.form.error(k))) return;
    await this.updateComplete;
    const grid = this.renderRoot.querySelector('ib-week-grid');
    await grid?.updateComplete;
    const bad = grid?.shadowRoot?.querySelector<HTMLElement>('input[aria-invalid="true"]') ?? this.renderRoot.querySelector<HTMLElement>('table input[aria-invalid="true"]');
    bad?.focus();
  }

  /** Sets a field the form holds as JSON, through its hidden control, so the form takes it as any input. */
  private setJson(name: string, value: unknown) {
    setHiddenField(this.renderRoot, name, JSON.stringify(value));
  }

  private async makeDefault(c: CalendarRecord) {
    if (this.busy) return;
    this.busy = c.id;
    this.requestUpdate();
    try {
      await rest('PATCH', `${this.endpoint}/${c.id}`, { isDefault: true, expectedUpdatedAt: c.updatedAt });
      toast(this, `${c.name} is now the default calendar`);
    } catch (err) {
      toast(this, `Not saved: ${err instanceof ApiError && err.code === 'STALE' ? STALE_MESSAGE : (err as Error).message}`, 'error');
    }
    this.busy = '';
    await this.load();
  }

  /** Reads an .ics file's holidays (the server parses it; nothing is saved) and adds those on dates not listed yet. */
  private async importIcs(input: HTMLInputElement) {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.importing = true;
    this.requestUpdate();
    try {
      const text = await file.text();
      const { holidays } = await rest<{ holidays: Holiday[] }>('POST', `${this.endpoint}/holidays/ics`, undefined, new Blob([text], { type: 'text/calendar' }));
      const list = JSON.parse(String(this.form.values[F.holidays] || '[]')) as Holiday[];
      const have = new Set(list.map((h) => h.date));
      const added = holidays.filter((h) => !have.has(h.date) && have.add(h.date));
      this.setJson(F.holidays, [...list, ...added].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)));
      const skipped = holidays.length - added.length;
      toast(this, `${added.length} ${added.length === 1 ? 'holiday' : 'holidays'} added from ${file.name}${skipped ? ` (${skipped} on dates listed already)` : ''}. Save to keep them.`, 'info');
    } catch (err) {
      toast(this, `Could not read ${file.name}: ${(err as Error).message}`, 'error');
    } finally {
      this.importing = false;
      this.requestUpdate();
    }
  }

  protected renderList() {
    const list = [...this.items].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
    return html`<section class="card" aria-labelledby="calendars-title">
      <div class="card-head">
        <div><h2 class="card-title" id="calendars-title">Calendars</h2>
          <p class="card-text">SLA clocks count the hours of a policy’s calendar; the default one serves every policy that names none, and the widget’s away message.</p></div>
        <ib-button variant="primary" href=${settingsUrl('calendars', 'new')}>New calendar</ib-button>
      </div>
      ${list.length
        ? html`<ul class="items" aria-label="Calendars">${list.map(
            (c) => html`<li>
              <div class="main">
                <span><a href=${settingsUrl('calendars', c.id)}>${c.name}</a> ${c.isDefault ? html`<span class="chip accent">Default</span>` : nothing}</span>
                <span class="sub">${weekSummary(c.definition)} · ${c.definition.timeZone}</span>
                <span class="sub">${c.definition.holidays.length} ${c.definition.holidays.length === 1 ? 'holiday' : 'holidays'} · ${c.policyCount
                  ? `used by ${c.policyCount} ${c.policyCount === 1 ? 'policy' : 'policies'}`
                  : 'used by no policy'}</span>
              </div>
              <div class="actions">${c.isDefault
                ? nothing
                : html`<ib-button size="sm" label="Make default: ${c.name}" .loading=${this.busy === c.id} @click=${() => void this.makeDefault(c)}>Make default</ib-button>`}</div>
            </li>`,
          )}</ul>`
        : html`<ib-empty heading="No calendars yet" level="3" icon="inbox">A calendar says when your team works. Create one with your opening hours and holidays.
            <ib-button slot="actions" href=${settingsUrl('calendars', 'new')}>New calendar</ib-button></ib-empty>`}
    </section>`;
  }

  protected renderItem(c: CalendarRecord | null) {
    const f = this.form;
    const v = f.values;
    const def = definitionOf(v);
    const issues = entryIssues(def);
    const shown = (k: string) => this.tried || this.touched.has(k);
    const touch = (k: string) => {
      this.touched.add(k);
      this.requestUpdate();
    };
    const holidays = (def.holidays ?? []) as Holiday[];
    const overrides = (def.overrides ?? []) as OverrideInput[];
    return html`${this.backLink()}
      <form class="card" novalidate aria-labelledby="calendar-title" @submit=${this.submit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <h2 class="card-title" id="calendar-title">${c ? c.name : 'New calendar'}${c?.isDefault ? html` <span class="chip accent">Default</span>` : nothing}</h2>
        <p class="card-text">${c ? 'Saving re-plans the open SLA clocks that count in it.' : 'Name it, choose its time zone and draw the hours the team works.'}</p>
        <div class="row-fields">
          <ib-field label="Name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="off" .value=${live(String(v.name))} /></ib-field>
          <ib-field label="Time zone" required hint="Type to search: a city such as Berlin." .error=${f.error(F.timeZone)}>
            <input class="field" name=${F.timeZone} list="zones" autocomplete="off" spellcheck="false" .value=${live(String(v[F.timeZone]))} />
          </ib-field>
        </div>
        <datalist id="zones">${this.zones.map((z) => html`<option value=${z.value}>${z.label}</option>`)}</datalist>

        <section class="section" aria-labelledby="week-title">
          <h3 class="section-title" id="week-title">Working hours</h3>
          <p class="section-text">Drag across a day to add hours, or add and type them. Several per day make split shifts; hours past midnight go on to the next day.</p>
          <label class="switch-label" style="margin-bottom:var(--ib-space-3)"><input type="checkbox" role="switch" class="switch" name=${F.alwaysOpen} .checked=${live(v[F.alwaysOpen] === true)} />Open 24/7 (the hours below are kept but not used)</label>
          <ib-week-grid .weekly=${def.weekly as WeekInput} .issues=${issues.weekly} ?showErrors=${this.tried} ?disabled=${v[F.alwaysOpen] === true}
            @ib-week-change=${(e: CustomEvent<{ weekly: WeekInput }>) => this.setJson(F.weekly, e.detail.weekly)}></ib-week-grid>
          ${!issues.weekly.size && f.error(F.weekly) ? html`<span class="issue" role="alert">${f.error(F.weekly)}</span>` : nothing}
          <input type="hidden" name=${F.weekly} .value=${live(String(v[F.weekly]))} />
        </section>

        <section class="section" aria-labelledby="holidays-title">
          <div class="card-head" style="margin-bottom:0">
            <div><h3 class="section-title" id="holidays-title">Holidays</h3>
              <p class="section-text">Closed all day.</p></div>
            <div class="actions" style="display:flex;gap:var(--ib-space-2)">
              <input type="file" class="visually-hidden" id="ics" accept=".ics,text/calendar" tabindex="-1" aria-hidden="true" @change=${(e: Event) => void this.importIcs(e.target as HTMLInputElement)} />
              <ib-button size="sm" .loading=${this.importing} @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#ics')!.click()}>Import .ics file</ib-button>
              <ib-button size="sm" @click=${() => {
                this.setJson(F.holidays, [...holidays, { date: '', name: '' }]);
                void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(`input[data-holiday="${holidays.length}"]`)?.focus());
              }}>Add holiday</ib-button>
            </div>
          </div>
          ${holidaysTable({ list: holidays, issues: issues.holidays, shown, touch, change: (l) => this.setJson(F.holidays, l) })}
          ${!issues.holidays.size && f.error(F.holidays) ? html`<span class="issue" role="alert">${f.error(F.holidays)}</span>` : nothing}
          <input type="hidden" name=${F.holidays} .value=${live(String(v[F.holidays]))} />
        </section>

        <section class="section" aria-labelledby="overrides-title">
          <div class="card-head" style="margin-bottom:0">
            <div><h3 class="section-title" id="overrides-title">Special days</h3>
              <p class="section-text">A date with its own hours, instead of its weekday’s.</p></div>
            <ib-button size="sm" @click=${() => {
              this.setJson(F.overrides, [...overrides, { date: '', intervals: [] }]);
              void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(`input[data-override="${overrides.length}"]`)?.focus());
            }}>Add special day</ib-button>
          </div>
          ${overridesTable({ list: overrides, issues: issues.overrides, shown, touch, change: (l) => this.setJson(F.overrides, l) })}
          ${!issues.overrides.size && f.error(F.overrides) ? html`<span class="issue" role="alert">${f.error(F.overrides)}</span>` : nothing}
          <input type="hidden" name=${F.overrides} .value=${live(String(v[F.overrides]))} />
        </section>
        ${formAlert(f, () => void this.load())}
        <div class="form-actions">
          ${c ? html`<ib-button variant="danger" @click=${() => this.deleteDialog().show()}>Delete calendar</ib-button><span class="spacer"></span>` : nothing}
          <ib-button href=${settingsUrl('calendars')}>Cancel</ib-button>
          <ib-button type="submit" variant="primary" .loading=${f.saving}>${c ? 'Save' : 'Create calendar'}</ib-button>
        </div>
      </form>
      ${c
        ? html`<ib-dialog class="delete" size="sm" label="Delete ${c.name}?">
            <p>${c.policyCount ? `${c.policyCount} SLA ${c.policyCount === 1 ? 'policy counts' : 'policies count'} in it: choose another calendar for them first.` : 'No SLA policy counts in it.'}</p>
            <ib-button slot="footer" autofocus @click=${() => this.deleteDialog().close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="danger" .loading=${this.deleting} @click=${() => void this.deleteCurrent()}>Delete calendar</ib-button>
          </ib-dialog>`
        : nothing}`;
  }
}
customElements.define('ib-settings-calendars', IbSettingsCalendars);
