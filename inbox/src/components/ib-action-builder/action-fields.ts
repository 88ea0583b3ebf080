import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { TEMPLATE_PLACEHOLDERS } from '@support/protocol';
import type { ActionChoices, Named } from '../../lib/named.js';
import { PRIORITY_OPTIONS, STATUS_OPTIONS, type ActionDraft } from './actions.js';
import '../ib-field/ib-field.js';
import '../ib-select/ib-select.js';

/** What a row's fields need from the builder: change the action, read a field's error, the choices. */
export type RowContext = {
  n: number;
  a: ActionDraft;
  choices: ActionChoices;
  set: (patch: Record<string, unknown>) => void;
  error: (field: string) => string;
};

const UNITS = [
  { value: '1', label: 'minutes' },
  { value: '60', label: 'hours' },
  { value: '1440', label: 'days' },
];
const PLACEHOLDER_OPTIONS = [
  { value: '', label: 'Choose a placeholder…' },
  ...Object.entries(TEMPLATE_PLACEHOLDERS).map(([k, v]) => ({ value: k, label: `{{${k}}} · ${v.split(':')[0]}` })),
];

const options = (xs: Named[], none?: string) => [...(none !== undefined ? [{ value: '', label: none }] : []), ...xs.map((x) => ({ value: x.id, label: x.name }))];
const value = (e: Event) => (e.target as HTMLInputElement).value;
const parseTags = (s: string) => s.split(',').map((t) => t.trim()).filter(Boolean);

/** The unit a snooze length shows in: the largest that divides it. */
export const unitOf = (minutes: unknown) => (typeof minutes !== 'number' || !minutes ? 60 : minutes % 1440 === 0 ? 1440 : minutes % 60 === 0 ? 60 : 1);

/** Puts the chosen `{{name}}` at the caret of the template's textarea and reports the new text; with none chosen, focus goes to the menu. */
function insertPlaceholder(e: Event, ctx: RowContext, key: string) {
  const box = (e.currentTarget as HTMLElement).closest('.template')!;
  const sel = box.querySelector('ib-select.placeholder') as (HTMLElement & { value: string }) | null;
  const name = sel?.value ?? '';
  if (!name) return sel?.focus();
  const area = box.querySelector('textarea');
  const text = String(ctx.a[key] ?? '');
  const at = area?.selectionStart ?? text.length;
  const end = area?.selectionEnd ?? at;
  const token = `{{${name}}}`;
  ctx.set({ [key]: text.slice(0, at) + token + text.slice(end) });
  requestAnimationFrame(() => {
    area?.focus();
    area?.setSelectionRange(at + token.length, at + token.length);
  });
}

function template(ctx: RowContext, key: 'body' | 'message', label: string, hint: string) {
  return html`<div class="template">
    <ib-field label=${label} hint=${hint} .error=${ctx.error(key)}>
      <textarea class="field" rows="3" .value=${live(String(ctx.a[key] ?? ''))} @input=${(e: Event) => ctx.set({ [key]: value(e) })}></textarea>
    </ib-field>
    <div class="insert">
      <ib-select class="placeholder" size="sm" label="Placeholder for ${label.toLowerCase()} of action ${ctx.n}" .options=${PLACEHOLDER_OPTIONS} .value=${''}></ib-select>
      <ib-button size="sm" label="Insert the placeholder in ${label.toLowerCase()} of action ${ctx.n}" @click=${(e: Event) => insertPlaceholder(e, ctx, key)}>Insert</ib-button>
    </div>
  </div>`;
}

function checks(legend: string, items: Named[], on: string[], set: (ids: string[]) => void) {
  if (!items.length) return nothing;
  return html`<fieldset class="checks"><legend>${legend}</legend>
    ${items.map((x) => html`<label><input type="checkbox" .checked=${live(on.includes(x.id))}
      @change=${(e: Event) => set((e.target as HTMLInputElement).checked ? [...on, x.id] : on.filter((id) => id !== x.id))} />${x.name}</label>`)}
  </fieldset>`;
}

/** The fields of one action, by its type; each labelled with its action's number for screen readers through its field. */
export function actionFields(ctx: RowContext) {
  const { a, choices: c, set, error } = ctx;
  switch (a.type) {
    case 'set_status':
      return html`<ib-field label="Status" .error=${error('status')}><ib-select .options=${STATUS_OPTIONS} .value=${live(String(a.status ?? ''))} @ib-change=${(e: CustomEvent<{ value: string }>) => set({ status: e.detail.value })}></ib-select></ib-field>`;
    case 'set_priority':
      return html`<ib-field label="Priority" .error=${error('priority')}><ib-select .options=${PRIORITY_OPTIONS} .value=${live(String(a.priority ?? ''))} @ib-change=${(e: CustomEvent<{ value: string }>) => set({ priority: e.detail.value })}></ib-select></ib-field>`;
    case 'set_team':
      return html`<ib-field label="Team" .error=${error('teamId')}><ib-select .options=${options(c.teams, 'No team (clear it)')} .value=${live(String(a.teamId ?? ''))} @ib-change=${(e: CustomEvent<{ value: string }>) => set({ teamId: e.detail.value || null })}></ib-select></ib-field>`;
    case 'set_assignee':
      return html`<ib-field label="Assignee" .error=${error('assigneeId')}><ib-select .options=${options(c.agents, 'Nobody (unassign)')} .value=${live(String(a.assigneeId ?? ''))} @ib-change=${(e: CustomEvent<{ value: string }>) => set({ assigneeId: e.detail.value || null })}></ib-select></ib-field>`;
    case 'route':
      return html`<p class="note">The ticket goes through the routing rules and its team’s or inbox’s policy, as “Route now” does.</p>`;
    case 'add_tags':
    case 'remove_tags':
      return html`<ib-field label="Tags" hint="Comma-separated, such as refund, vip." .error=${error('tags')}>
        <input class="field" autocomplete="off" .value=${(a.tags as string[] | undefined ?? []).join(', ')} @input=${(e: Event) => set({ tags: parseTags(value(e)) })} /></ib-field>`;
    case 'add_note':
      return template(ctx, 'body', 'Note', 'Seen by agents only.');
    case 'send_message':
      return template(ctx, 'body', 'Reply', 'Sent to the customer: in the chat, or by email on an email ticket.');
    case 'notify':
      return html`<div class="notify">
        ${checks('People', c.agents, (a.userIds as string[]) ?? [], (ids) => set({ userIds: ids }))}
        ${checks('Teams', c.teams, (a.teamIds as string[]) ?? [], (ids) => set({ teamIds: ids }))}
        <label class="check-one"><input type="checkbox" .checked=${live(a.assignee === true)} @change=${(e: Event) => set({ assignee: (e.target as HTMLInputElement).checked })} />The ticket’s assignee</label>
        ${error('userIds') ? html`<span class="issue" role="alert">${error('userIds')}</span>` : nothing}
        ${template(ctx, 'message', 'Message', 'Shown in their notifications and sent by email.')}
      </div>`;
    case 'apply_sla':
      return c.policies.length
        ? html`<ib-field label="SLA policy" .error=${error('policyId')}><ib-select .options=${options(c.policies)} .value=${live(String(a.policyId ?? ''))} @ib-change=${(e: CustomEvent<{ value: string }>) => set({ policyId: e.detail.value })}></ib-select></ib-field>`
        : html`<p class="note">There is no SLA policy to apply yet: create one in Settings › SLA policies.</p>${error('policyId') ? html`<span class="issue">${error('policyId')}</span>` : nothing}`;
    case 'snooze': {
      const unit = unitOf(a.minutes);
      const amount = typeof a.minutes === 'number' ? String(a.minutes / unit) : String(a.minutes ?? '');
      const toMinutes = (text: string, u: number) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) * u : text);
      return html`<div class="snooze">
        <ib-field label="Snooze for" .error=${error('minutes')}>
          <input class="field" inputmode="numeric" autocomplete="off" .value=${live(amount)} @input=${(e: Event) => set({ minutes: toMinutes(value(e), unit) })} /></ib-field>
        <ib-field label="Unit"><ib-select .options=${UNITS} .value=${live(String(unit))} @ib-change=${(e: CustomEvent<{ value: string }>) => set({ minutes: toMinutes(amount, Number(e.detail.value)) })}></ib-select></ib-field>
      </div>
      <p class="note">The ticket is pending until then; it opens again sooner if the customer writes.</p>`;
    }
  }
}
