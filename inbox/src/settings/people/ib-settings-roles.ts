import { css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  BUILTIN_ROLES,
  PERMISSION_INFO,
  PERMISSIONS,
  permissionsOfRole,
  roleCreateSchema,
  roleUpdateSchema,
  type CustomRole,
  type Permission,
  type RolesList,
} from '@support/protocol';
import { rest } from '../../api.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import type { TableColumn } from '../../components/ib-table/ib-table.js';
import { settingsCard } from '../settings-card.js';
import { formAlert, type FormValues } from '../form/form-controller.js';
import { checkboxValues, checkedIds, checkList, peopleStyles, ROLE_LABEL, ROLE_TEXT } from './people-ui.js';
import { ItemArea } from './item-area.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-table/ib-table.js';

const PERM = 'perm:';

/** The catalogue in groups, as the checklists and the built-in table show it. */
const GROUPS: { legend: string; hint?: string; keys: Permission[] }[] = [
  { legend: 'Tickets', hint: 'Seeing every ticket includes the team’s and their own; seeing the team’s includes their own.', keys: ['tickets.read.all', 'tickets.read.team', 'tickets.read.mine', 'tickets.write', 'tickets.assign'] },
  { legend: 'Contacts', hint: 'Editing contacts includes seeing them.', keys: ['contacts.read', 'contacts.write'] },
  { legend: 'Settings', keys: ['settings.inboxes', 'settings.people', 'settings.workflow', 'settings.workspace'] },
  { legend: 'Reports and data', keys: ['reports.read', 'audit.read', 'data.export'] },
];

type PermRow = { id: Permission };

/**
 * The Roles area: the built-in roles, read-only, as a table of what each may do; the custom
 * roles (`/inbox/settings/roles`), each a named permission checklist edited at
 * `/inbox/settings/roles/<id>` (`…/new` creates one). A role members hold, or that pending
 * invitations give, cannot be deleted (the server says so). Members' open inboxes follow a
 * change at once.
 * Properties: `agent`, `itemId` (a role id, `new`, or null). Events: `ib-navigate`.
 */
export class IbSettingsRoles extends ItemArea<CustomRole> {
  static styles = [
    controls,
    settingsCard,
    peopleStyles,
    css`
      .builtin { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: var(--ib-space-2) var(--ib-space-4); margin: 0 0 var(--ib-space-4); font-size: var(--ib-text-md); }
      .builtin dt { font-weight: 600; }
      .builtin dd { margin: 0; color: var(--ib-text-muted); }
      .builtin .perms { display: block; margin: var(--ib-space-1) 0 0; padding: 0 0 0 1.2em; color: var(--ib-text); font-size: var(--ib-text-sm); }
      .builtin span.perms { padding: 0; }
      .builtin li + li { margin-top: 2px; }
      @media (max-width: 520px) { .builtin { grid-template-columns: minmax(0, 1fr); gap: 2px; } .builtin dd + dt { margin-top: var(--ib-space-3); } }
    `,
  ];
  protected readonly area = 'roles';
  protected readonly noun = 'Role';
  protected readonly endpoint = '/api/settings/roles';
  protected readonly schemas = { create: roleCreateSchema, update: roleUpdateSchema };

  protected async fetchItems(): Promise<CustomRole[]> {
    return (await rest<RolesList>('GET', this.endpoint)).custom;
  }

  protected valuesOf(r: CustomRole | null): FormValues {
    return { name: r?.name ?? '', ...checkboxValues(PERM, [...PERMISSIONS], r?.permissions ?? []) };
  }

  protected bodyOf(v: FormValues) {
    return { name: v.name, permissions: checkedIds(v, PERM) };
  }

  private builtinColumns(): TableColumn<PermRow>[] {
    const mark = (yes: boolean) =>
      yes ? html`<span class="yes" aria-hidden="true">✓</span><span class="visually-hidden">Yes</span>` : html`<span class="muted" aria-hidden="true">–</span><span class="visually-hidden">No</span>`;
    return [
      { key: 'id', label: 'Permission', rowHeader: true, width: '44%', render: (p) => html`<span>${PERMISSION_INFO[p.id]}</span><span class="sub">${p.id}</span>` },
      ...BUILTIN_ROLES.map((role) => ({ key: role, label: ROLE_LABEL[role], align: 'end' as const, render: (p: PermRow) => mark(permissionsOfRole(role).includes(p.id)) })),
    ];
  }

  private customColumns(): TableColumn<CustomRole>[] {
    if (this.screen.phone)
      return [
        { key: 'name', label: 'Role', sortable: true, rowHeader: true,
          render: (r) => html`<span>${r.name}</span><span class="sub">${r.permissions.length} ${r.permissions.length === 1 ? 'permission' : 'permissions'}</span>` },
        { key: 'memberCount', label: 'Members', sortable: true, align: 'end' },
      ];
    return [
      { key: 'name', label: 'Role', sortable: true, rowHeader: true, width: '30%', render: (r) => html`<span>${r.name}</span>` },
      {
        key: 'permissions', label: 'Permissions', sortable: true, sortValue: (r) => r.permissions.length,
        render: (r) => (r.permissions.length ? html`${r.permissions.length} · <span class="muted">${r.permissions.join(', ')}</span>` : html`<span class="muted">None</span>`),
      },
      { key: 'memberCount', label: 'Members', sortable: true, align: 'end' },
    ];
  }

  protected renderList() {
    const custom = this.items;
    return html`<section class="card" aria-labelledby="custom-title">
        <div class="card-head">
          <div><h2 class="card-title" id="custom-title">Custom roles</h2>
            <p class="card-text">A named set of permissions, for people the built-in roles do not fit.</p></div>
          <ib-button variant="primary" href=${settingsUrl('roles', 'new')}>New role</ib-button>
        </div>
        ${custom.length
          ? html`<ib-table label="Custom roles" activatable .columns=${this.customColumns()} .rows=${custom}
              @ib-activate=${(e: CustomEvent<{ row: CustomRole }>) => navigate(this, settingsUrl('roles', e.detail.row.id))}></ib-table>`
          : html`<ib-empty heading="No custom roles" level="3" icon="lock">For example an auditor who reads the audit log and nothing else, or agents who see only the tickets assigned to them.
              <ib-button slot="actions" href=${settingsUrl('roles', 'new')}>New role</ib-button></ib-empty>`}
      </section>
      <section class="card" aria-labelledby="builtin-title">
        <h2 class="card-title" id="builtin-title">Built-in roles</h2>
        <p class="card-text">Every workspace has these; they cannot be changed.</p>
        <dl class="builtin">${BUILTIN_ROLES.map(
          (r) => html`<dt>${ROLE_LABEL[r]}</dt><dd>${ROLE_TEXT[r]}${this.screen.phone
            ? permissionsOfRole(r).length === PERMISSIONS.length
              ? html`<span class="perms">Every permission</span>`
              : html`<ul class="perms">${permissionsOfRole(r).map((p) => html`<li>${PERMISSION_INFO[p]}</li>`)}</ul>`
            : nothing}</dd>`,
        )}</dl>
        ${this.screen.phone ? nothing : html`<ib-table label="What the built-in roles may do" .columns=${this.builtinColumns()} .rows=${PERMISSIONS.map((id) => ({ id }))}></ib-table>`}
      </section>`;
  }

  protected renderItem(r: CustomRole | null) {
    const f = this.form;
    return html`${this.backLink()}
      <form class="card" novalidate aria-labelledby="role-title" @submit=${this.submit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <h2 class="card-title" id="role-title">${r ? r.name : 'New role'}</h2>
        <p class="card-text">${r ? `${r.memberCount} ${r.memberCount === 1 ? 'member holds' : 'members hold'} this role; a change reaches their open inboxes at once.` : 'Name the role and choose what its members may do.'}</p>
        <div class="fields">
          <ib-field label="Name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="off" .value=${live(String(f.values.name))} /></ib-field>
        </div>
        <div class="fields wide">
          ${GROUPS.map((g) => checkList({ legend: g.legend, hint: g.hint, prefix: PERM, values: f.values, items: g.keys.map((k) => ({ id: k, label: PERMISSION_INFO[k], detail: k })), empty: nothing }))}
        </div>
        ${formAlert(f, () => void this.load())}
        <div class="form-actions">
          ${r ? html`<ib-button variant="danger" @click=${() => this.deleteDialog().show()}>Delete role</ib-button><span class="spacer"></span>` : nothing}
          <ib-button href=${settingsUrl('roles')}>Cancel</ib-button>
          <ib-button type="submit" variant="primary" .loading=${f.saving}>${r ? 'Save' : 'Create role'}</ib-button>
        </div>
      </form>
      ${r
        ? html`<ib-dialog class="delete" size="sm" label="Delete ${r.name}?">
            <p>${r.memberCount ? `${r.memberCount} ${r.memberCount === 1 ? 'member holds' : 'members hold'} it: give them another role on the People page first.` : 'Nobody holds this role. Deleting it cannot be undone.'}</p>
            <ib-button slot="footer" autofocus @click=${() => this.deleteDialog().close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="danger" .loading=${this.deleting} ?disabled=${r.memberCount > 0} @click=${() => void this.deleteCurrent()}>Delete role</ib-button>
          </ib-dialog>`
        : nothing}`;
  }
}
customElements.define('ib-settings-roles', IbSettingsRoles);
