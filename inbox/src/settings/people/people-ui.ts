import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { PHONE_MAX } from '../../styles/tokens.js';
import type { BuiltinRole, MemberRole, RolesList } from '@support/protocol';
import type { SelectOption } from '../../components/ib-select/ib-select.js';
import type { FormValues } from '../form/form-controller.js';

/** What the People, Teams and Roles screens share: role names and menus, and checkbox lists bound to a FormController. */

/** Whether the screen is a phone's (PHONE_MAX): tables show fewer, richer columns there. The host updates when it changes. */
export class PhoneController implements ReactiveController {
  private readonly query = matchMedia(`(max-width: ${PHONE_MAX}px)`);
  phone = this.query.matches;
  private readonly onChange = () => {
    this.phone = this.query.matches;
    this.host.requestUpdate();
  };
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected() {
    this.query.addEventListener('change', this.onChange);
  }
  hostDisconnected() {
    this.query.removeEventListener('change', this.onChange);
  }
}

export const ROLE_LABEL: Record<BuiltinRole, string> = { owner: 'Owner', admin: 'Admin', supervisor: 'Supervisor', agent: 'Agent' };

/** What each built-in role may do, in a sentence. */
export const ROLE_TEXT: Record<BuiltinRole, string> = {
  owner: 'Can do everything, including making or removing owners and deleting the workspace.',
  admin: 'Can change every setting and manage people, except owners.',
  supervisor: 'Sees and assigns every ticket, and sets up SLAs, routing and automation.',
  agent: 'Works the tickets of their teams and the ones assigned to them.',
};

/** A role as people read it: a built-in role's name, or the custom role's. */
export function roleName(role: MemberRole, roleId: string | null, roles: RolesList | null): string {
  if (role !== 'custom') return ROLE_LABEL[role];
  return roles?.custom.find((r) => r.id === roleId)?.name ?? 'Custom role';
}

/** The value of a role in a role menu: `agent`, or `custom:<role id>`. */
export const roleValue = (role: MemberRole, roleId: string | null) => (role === 'custom' ? `custom:${roleId}` : role);
/** A role menu's value as the API takes it. */
export function parseRole(v: string): { role: MemberRole; roleId: string | null } {
  return v.startsWith('custom:') ? { role: 'custom', roleId: v.slice(7) } : { role: v as MemberRole, roleId: null };
}

/** The choices of a role menu: the built-in roles (owner only for owners), then the workspace's custom roles. */
export function roleOptions(roles: RolesList | null, owner: boolean): SelectOption[] {
  const builtin = (['agent', 'supervisor', 'admin', 'owner'] as const).map((r) => ({
    value: r, label: ROLE_LABEL[r], group: 'Built-in roles', disabled: r === 'owner' && !owner,
  }));
  const custom = (roles?.custom ?? []).map((r) => ({ value: `custom:${r.id}`, label: r.name, group: 'Custom roles' }));
  return [...builtin, ...custom];
}

/** The ids checked in a checkbox list whose controls are named `<prefix><id>`. */
export const checkedIds = (values: FormValues, prefix: string) =>
  Object.entries(values).filter(([k, v]) => k.startsWith(prefix) && v === true).map(([k]) => k.slice(prefix.length));

/** Form values for a checkbox list: `<prefix><id>` true for the ids in `on`. */
export const checkboxValues = (prefix: string, all: string[], on: string[]): Record<string, boolean> =>
  Object.fromEntries(all.map((id) => [`${prefix}${id}`, on.includes(id)]));

export type CheckItem = { id: string; label: string; detail?: string; lead?: unknown };

/**
 * A group of checkboxes (`fieldset` with a legend) bound to a form's values: each control is
 * named `<prefix><id>`. `empty` says what to do when there is nothing to choose from.
 */
export function checkList(o: { legend: string; hint?: string; prefix: string; items: CheckItem[]; values: FormValues; empty: unknown; columns?: boolean }) {
  return html`<fieldset class="checks">
    <legend>${o.legend}</legend>
    ${o.hint ? html`<p class="checks-hint">${o.hint}</p>` : nothing}
    ${o.items.length
      ? html`<div class="check-grid ${o.columns ? 'two' : ''}">${o.items.map(
          (i) => html`<label class="check">
            <input type="checkbox" name="${o.prefix}${i.id}" .checked=${o.values[`${o.prefix}${i.id}`] === true} />
            ${i.lead ?? nothing}
            <span class="check-text"><span class="check-label">${i.label}</span>${i.detail ? html`<span class="check-detail" title=${i.detail}>${i.detail}</span>` : nothing}</span>
          </label>`,
        )}</div>`
      : html`<p class="checks-empty">${o.empty}</p>`}
  </fieldset>`;
}

/** Styles of the people screens: checkbox lists, card headers with an action, avatars, dialog forms, the way back from an item. */
export const peopleStyles = css`
  .card-head { display: flex; align-items: flex-start; justify-content: space-between; gap: var(--ib-space-3); flex-wrap: wrap; margin-bottom: var(--ib-space-4); }
  .card-head .card-text { margin-bottom: 0; }
  fieldset.checks { margin: 0; padding: 0; border: 0; min-width: 0; }
  fieldset.checks legend { padding: 0; margin-bottom: var(--ib-space-1); font-size: var(--ib-text-md); font-weight: 600; }
  .checks-hint, .checks-empty { margin: 0 0 var(--ib-space-2); color: var(--ib-text-muted); font-size: var(--ib-text-sm); }
  .check-grid { display: grid; gap: 2px; max-height: 280px; overflow-y: auto; padding: var(--ib-space-1); margin: 0 calc(-1 * var(--ib-space-1)); }
  .check-grid.two { grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); }
  .check { display: flex; align-items: center; gap: var(--ib-space-2); padding: 6px var(--ib-space-2); border-radius: var(--ib-radius); cursor: pointer; min-width: 0; }
  .check:hover { background: var(--ib-bg-hover); }
  .check input { flex: none; width: 16px; height: 16px; margin: 0; accent-color: var(--ib-accent); }
  .check-text { display: flex; flex-direction: column; min-width: 0; }
  .check-label { font-size: var(--ib-text-md); overflow-wrap: anywhere; }
  .check-detail { font-size: var(--ib-text-sm); color: var(--ib-text-muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .avatar { flex: none; display: inline-block; border-radius: 50%; color: #fff; font-size: var(--ib-text-sm); font-weight: 600; text-align: center; }
  .muted { color: var(--ib-text-muted); }
  .dialog-form { display: flex; flex-direction: column; gap: var(--ib-space-4); }
  .dialog-form .field, .dialog-form ib-select { width: 100%; }
  ib-dialog p { margin: 0 0 var(--ib-space-3); }
  ib-dialog p:last-child { margin-bottom: 0; }
  .back { display: inline-flex; align-items: center; gap: var(--ib-space-1); margin-bottom: var(--ib-space-3); color: var(--ib-accent); font-size: var(--ib-text-md); font-weight: 500; text-decoration: none; }
  .back:hover { text-decoration: underline; }
  .form-actions .spacer { flex: 1; }
  .fields.wide { max-width: none; margin-top: var(--ib-space-5); gap: var(--ib-space-5); }
`;
