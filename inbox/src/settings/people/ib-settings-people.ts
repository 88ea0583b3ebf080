import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  invitationCreateSchema,
  memberUpdateSchema,
  type Agent,
  type Invitation,
  type InvitationIssued,
  type Member,
  type RolesList,
  type TeamDetail,
} from '@support/protocol';
import { rest } from '../../api.js';
import { avatar } from '../../lib/people.js';
import { controls } from '../../styles/tokens.js';
import { toast } from '../../components/ib-toast/ib-toast.js';
import type { TableColumn } from '../../components/ib-table/ib-table.js';
import type { IbDialog } from '../../components/ib-dialog/ib-dialog.js';
import { settingsCard } from '../settings-card.js';
import { FormController, formAlert, type FormValues } from '../form/form-controller.js';
import { checkboxValues, checkedIds, checkList, parseRole, peopleStyles, PhoneController, roleName, roleOptions, roleValue } from './people-ui.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';
import '../../components/ib-table/ib-table.js';

const TEAM = 'team:';
const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** How an invitation's mail went, in words, and how it looks. */
function mailState(i: Invitation): { text: string; tone: 'success' | '' | 'warning' | 'danger' } {
  const m = i.mail;
  if (!m) return { text: 'No mail', tone: '' };
  switch (m.status) {
    case 'sent':
      return { text: 'Mail sent', tone: 'success' };
    case 'queued':
    case 'sending':
      return { text: m.error ? 'Mail retrying' : 'Mail on its way', tone: 'warning' };
    case 'failed':
      return { text: 'Mail failed', tone: 'danger' };
    case 'not_sent':
      return { text: 'Not mailed: no mail server', tone: '' };
    default:
      return { text: 'Mail cancelled', tone: '' };
  }
}

/**
 * The People area: the workspace's members (role, teams, status) with an edit dialog (role
 * and teams) and deactivate (confirmed: their tickets become unassigned) or reactivate;
 * pending invitations with re-send, revoke and, when the server gave one (no mail server),
 * the link to copy; and the invite dialog (email, role, teams). Forms validate with the
 * protocol's schemas and show the server's field errors; an edit someone else saved first
 * is refused (STALE) with Reload.
 * Properties: `agent` (the signed-in agent), `itemId` (unused). Events: none.
 */
export class IbSettingsPeople extends LitElement {
  static styles = [controls, settingsCard, peopleStyles];
  static properties = { agent: { attribute: false }, itemId: { attribute: false } };
  declare agent: Agent | null;
  declare itemId: string | null;
  private members: Member[] = [];
  private invitations: Invitation[] = [];
  private roles: RolesList | null = null;
  private teams: TeamDetail[] = [];
  private loaded = false;
  private loadError = '';
  /** Links the server gave this page (no mail server), by invitation id: the server keeps none. */
  private readonly links = new Map<string, string>();
  /** The invitation just created without a mail server, whose link the invite dialog now shows. */
  private issued: InvitationIssued | null = null;
  private editing: Member | null = null;
  private confirming: Member | null = null;
  private busy = new Set<string>();
  private readonly screen = new PhoneController(this);

  private readonly invite = new FormController<FormValues, InvitationIssued>(this, {
    schema: invitationCreateSchema,
    values: { email: '', role: 'agent' },
    toBody: (v) => ({ email: v.email, ...parseRole(String(v.role)), teamIds: checkedIds(v, TEAM) }),
    save: async (body) => (this.lastIssued = await rest<InvitationIssued>('POST', '/api/settings/invitations', body)),
    savedText: (r) => (r.link ? `Invitation created for ${r.invitation.email}` : `Invitation mailed to ${r.invitation.email}`),
  });
  /** The answer of the last invitation created. */
  private lastIssued: InvitationIssued | null = null;

  private readonly edit = new FormController<FormValues, Member>(this, {
    schema: memberUpdateSchema,
    values: { role: 'agent' },
    toBody: (v, updatedAt) => ({ ...parseRole(String(v.role)), teamIds: checkedIds(v, TEAM), ...(updatedAt ? { expectedUpdatedAt: updatedAt } : {}) }),
    save: (body) => rest<Member>('PATCH', `/api/settings/members/${this.editing!.userId}`, body),
    saved: (m) => ({ values: this.editValues(m), updatedAt: m.updatedAt }),
    savedText: (m) => `Role and teams of ${m.name} saved`,
  });

  constructor() {
    super();
    this.agent = null;
    this.itemId = null;
  }

  connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      const [members, invitations, roles, teams] = await Promise.all([
        rest<Member[]>('GET', '/api/settings/members'),
        rest<Invitation[]>('GET', '/api/settings/invitations'),
        rest<RolesList>('GET', '/api/settings/roles'),
        rest<TeamDetail[]>('GET', '/api/settings/teams'),
      ]);
      Object.assign(this, { members, invitations, roles, teams, loaded: true, loadError: '' });
    } catch (err) {
      this.loadError = (err as Error).message;
    }
    this.requestUpdate();
  }

  private get isOwner(): boolean {
    return this.agent?.role === 'owner';
  }

  private teamNames(ids: string[]): string {
    return this.teams.filter((t) => ids.includes(t.id)).map((t) => t.name).join(', ');
  }

  private dialog(name: string): IbDialog {
    return this.renderRoot.querySelector(`ib-dialog.${name}`) as IbDialog;
  }

  // Invite

  private openInvite() {
    this.issued = null;
    this.invite.reset({ email: '', role: 'agent', ...checkboxValues(TEAM, this.teams.map((t) => t.id), []) });
    this.dialog('invite').show();
  }

  private async submitInvite(e: Event) {
    e.preventDefault();
    if (!(await this.invite.submit())) return;
    const r = this.lastIssued!;
    this.invitations = [r.invitation, ...this.invitations.filter((i) => i.id !== r.invitation.id)];
    // No mail server: the dialog shows the link to pass on (the list keeps it while this page is open).
    if (r.link) {
      this.links.set(r.invitation.id, r.link);
      this.issued = r;
      // The form (and the field that had focus) is gone: focus goes to what to do now.
      this.requestUpdate();
      await this.updateComplete;
      const copy = this.renderRoot.querySelector('ib-button.copy') as (HTMLElement & { updateComplete: Promise<unknown> }) | null;
      await copy?.updateComplete;
      copy?.focus();
    } else this.dialog('invite').close();
    this.requestUpdate();
  }

  private closeInvite() {
    this.invite.reset({ email: '', role: 'agent', ...checkboxValues(TEAM, this.teams.map((t) => t.id), []) });
    this.issued = null;
  }

  private async copy(link: string) {
    try {
      await navigator.clipboard.writeText(link);
      toast(this, 'Link copied');
    } catch {
      const input = this.renderRoot.querySelector('input.link') as HTMLInputElement | null;
      input?.select();
      toast(this, 'Select the link and copy it (Ctrl+C or ⌘C)', 'info');
    }
  }

  private async resend(i: Invitation) {
    await this.act(i.id, async () => {
      const r = await rest<InvitationIssued>('POST', `/api/settings/invitations/${i.id}/resend`);
      this.invitations = this.invitations.map((x) => (x.id === i.id ? r.invitation : x));
      if (r.link) {
        this.links.set(i.id, r.link);
        toast(this, `New link for ${i.email}: copy it from the list (no mail server to send it)`, 'info');
      } else {
        this.links.delete(i.id);
        toast(this, `Invitation mailed again to ${i.email}; the earlier link no longer works`);
      }
    });
  }

  private async revoke(i: Invitation) {
    await this.act(i.id, async () => {
      await rest('DELETE', `/api/settings/invitations/${i.id}`);
      this.invitations = this.invitations.filter((x) => x.id !== i.id);
      this.links.delete(i.id);
      toast(this, `Invitation to ${i.email} revoked: its link no longer works`);
    });
  }

  /** Runs a row action once at a time per row, saying in the toast when it fails. */
  private async act(key: string, run: () => Promise<void>) {
    if (this.busy.has(key)) return;
    this.busy.add(key);
    this.requestUpdate();
    try {
      await run();
    } catch (err) {
      toast(this, `Not done: ${(err as Error).message}`, 'error');
      await this.load();
    } finally {
      this.busy.delete(key);
      this.requestUpdate();
    }
  }

  // Edit, deactivate

  private editValues(m: Member): FormValues {
    return { role: roleValue(m.role, m.roleId), ...checkboxValues(TEAM, this.teams.map((t) => t.id), m.teamIds) };
  }

  private openEdit(m: Member) {
    this.editing = m;
    this.edit.reset(this.editValues(m), m.updatedAt);
    this.requestUpdate();
    void this.updateComplete.then(() => this.dialog('edit').show());
  }

  private async submitEdit(e: Event) {
    e.preventDefault();
    if (!(await this.edit.submit())) return;
    const fresh = await rest<Member[]>('GET', '/api/settings/members').catch(() => null);
    if (fresh) this.members = fresh;
    this.dialog('edit').close();
    this.requestUpdate();
  }

  private async reloadEdit() {
    await this.load();
    const m = this.members.find((x) => x.userId === this.editing?.userId);
    if (m) {
      this.editing = m;
      this.edit.reset(this.editValues(m), m.updatedAt);
    }
  }

  private closeEdit() {
    if (this.editing) this.edit.reset(this.editValues(this.editing), this.editing.updatedAt);
    this.editing = null;
    this.requestUpdate();
  }

  private askDeactivate(m: Member) {
    this.confirming = m;
    this.requestUpdate();
    void this.updateComplete.then(() => this.dialog('confirm').show());
  }

  private async setActive(m: Member, active: boolean) {
    await this.act(m.userId, async () => {
      const r = await rest<Member>('POST', `/api/settings/members/${m.userId}/${active ? 'reactivate' : 'deactivate'}`);
      this.members = this.members.map((x) => (x.userId === m.userId ? r : x));
      toast(this, active ? `${m.name} can log in again` : `${m.name} is deactivated and signed out`);
    });
    if (!active) this.dialog('confirm').close();
  }

  // Rendering

  private memberColumns(): TableColumn<Member>[] {
    const me = this.agent?.id;
    const status = (m: Member) => html`<span class="chip ${m.status === 'active' ? 'success' : ''}">${m.status === 'active' ? 'Active' : 'Deactivated'}</span>`;
    const person: TableColumn<Member> = {
      key: 'name', label: 'Person', sortable: true, rowHeader: true, width: this.screen.phone ? undefined : '32%',
      render: (m) => html`<span class="lead">${avatar({ id: m.userId, name: m.name, avatarUrl: m.avatarUrl }, 32)}
        <span>${m.name}${m.userId === me ? html` <span class="muted">(you)</span>` : nothing}<span class="sub">${m.email}</span>
          ${this.screen.phone
            ? html`<span class="sub">${roleName(m.role, m.roleId, this.roles)}${m.teamIds.length ? ` · ${this.teamNames(m.teamIds)}` : ''}</span>${m.status === 'active' ? nothing : status(m)}`
            : nothing}</span></span>`,
    };
    const actions = this.memberActions(me);
    // A phone has room for two columns: who (with role, teams, status) and what to do.
    if (this.screen.phone) return [person, actions];
    return [
      person,
      { key: 'role', label: 'Role', sortable: true, sortValue: (m) => roleName(m.role, m.roleId, this.roles), render: (m) => roleName(m.role, m.roleId, this.roles) },
      { key: 'teams', label: 'Teams', render: (m) => this.teamNames(m.teamIds) || html`<span class="muted">No team</span>` },
      { key: 'status', label: 'Status', sortable: true, render: status },
      actions,
    ];
  }

  private memberActions(me: string | undefined): TableColumn<Member> {
    return {
        key: 'actions', label: 'Actions', align: 'end',
        render: (m) => html`<span class="row-actions ${this.screen.phone ? '' : 'nowrap'}">
          ${m.userId === me
            ? nothing
            : m.status === 'active'
              ? html`<ib-button size="sm" variant="ghost" .loading=${this.busy.has(m.userId)} label="Deactivate ${m.name}" @click=${() => this.askDeactivate(m)}>Deactivate</ib-button>`
              : html`<ib-button size="sm" variant="ghost" .loading=${this.busy.has(m.userId)} label="Reactivate ${m.name}" @click=${() => void this.setActive(m, true)}>Reactivate</ib-button>`}
          <ib-button size="sm" label="Edit the role and teams of ${m.name}" @click=${() => this.openEdit(m)}>Edit</ib-button>
        </span>`,
    };
  }

  private invitationColumns(): TableColumn<Invitation>[] {
    const state = (i: Invitation) => {
      const s = mailState(i);
      return html`<span class="chip ${i.expired ? 'danger' : s.tone}">${i.expired ? 'Expired' : s.text}</span>
        <span class="sub">${i.expired ? `on ${day(i.expiresAt)}` : `Expires ${day(i.expiresAt)}`}</span>`;
    };
    const email: TableColumn<Invitation> = {
      key: 'email', label: 'Email', sortable: true, rowHeader: true, width: this.screen.phone ? undefined : '34%',
      render: (i) => html`<span>${i.email}</span>${this.screen.phone ? html`<span class="sub">${roleName(i.role, i.roleId, this.roles)}</span>${state(i)}` : nothing}`,
    };
    if (this.screen.phone) return [email, this.invitationActions()];
    return [
      email,
      { key: 'role', label: 'Role', render: (i) => roleName(i.role, i.roleId, this.roles) },
      { key: 'state', label: 'State', render: state },
      this.invitationActions(),
    ];
  }

  private invitationActions(): TableColumn<Invitation> {
    return {
        key: 'actions', label: 'Actions', align: 'end',
        render: (i) => html`<span class="row-actions ${this.screen.phone ? '' : 'nowrap'}">
          ${this.links.has(i.id) && !i.expired ? html`<ib-button size="sm" label="Copy link for ${i.email}" @click=${() => void this.copy(this.links.get(i.id)!)}>Copy link</ib-button>` : nothing}
          <ib-button size="sm" .loading=${this.busy.has(i.id)} label="Re-send the invitation to ${i.email}" @click=${() => void this.resend(i)}>Re-send</ib-button>
          <ib-button size="sm" variant="ghost" label="Revoke the invitation to ${i.email}" @click=${() => void this.revoke(i)}>Revoke</ib-button>
        </span>`,
    };
  }

  private teamItems() {
    return this.teams.map((t) => ({ id: t.id, label: t.name, detail: `${t.memberIds.length} ${t.memberIds.length === 1 ? 'member' : 'members'}` }));
  }

  private renderInviteDialog() {
    const f = this.invite;
    const issued = this.issued;
    return html`<ib-dialog class="invite" label=${issued ? 'Send this link yourself' : 'Invite people'} @ib-close=${() => this.closeInvite()}>
      ${issued
        ? html`<p>No mail server is set up, so no mail was sent. Send this link to <strong>${issued.invitation.email}</strong> yourself. It works once, until ${day(issued.invitation.expiresAt)}.</p>
            <ib-field label="Invitation link"><input class="field link" readonly .value=${issued.link ?? ''} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /></ib-field>
            <ib-button slot="footer" @click=${() => this.dialog('invite').close()}>Done</ib-button>
            <ib-button slot="footer" class="copy" variant="primary" @click=${() => void this.copy(issued.link!)}>Copy link</ib-button>`
        : html`<form class="dialog-form" id="invite-form" novalidate @submit=${this.submitInvite} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
              <ib-field label="Email address" required .error=${f.error('email')}>
                <input class="field" name="email" type="email" autocomplete="off" autofocus .value=${live(String(f.values.email))} /></ib-field>
              <ib-field label="Role" hint="What they may see and do. Change it any time.">
                <ib-select name="role" .options=${roleOptions(this.roles, this.isOwner)} .value=${live(String(f.values.role))}></ib-select></ib-field>
              ${checkList({ legend: 'Teams', hint: 'Agents see the tickets of their teams’ inboxes.', prefix: TEAM, items: this.teamItems(), values: f.values,
                empty: html`No teams yet. <a href="/inbox/settings/teams/new">Create a team</a> to group people with the inboxes they work.` })}
              ${formAlert(f)}
            </form>
            <ib-button slot="footer" @click=${() => this.dialog('invite').close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="primary" .loading=${f.saving} @click=${() => this.formEl('invite-form')?.requestSubmit()}>Send invitation</ib-button>`}
    </ib-dialog>`;
  }

  private formEl(id: string): HTMLFormElement | null {
    return this.renderRoot.querySelector(`#${id}`);
  }

  private renderEditDialog() {
    const m = this.editing;
    const f = this.edit;
    return html`<ib-dialog class="edit" label=${m ? `Role and teams of ${m.name}` : 'Role and teams'} @ib-close=${() => this.closeEdit()}>
      ${m
        ? html`<form class="dialog-form" id="edit-form" novalidate @submit=${this.submitEdit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
              <ib-field label="Role" .error=${f.error('role')}>
                <ib-select name="role" .options=${roleOptions(this.roles, this.isOwner)} .value=${live(String(f.values.role))} ?disabled=${m.role === 'owner' && !this.isOwner}></ib-select></ib-field>
              ${checkList({ legend: 'Teams', prefix: TEAM, items: this.teamItems(), values: f.values,
                empty: html`No teams yet. <a href="/inbox/settings/teams/new">Create a team</a>.` })}
              ${formAlert(f, () => void this.reloadEdit())}
            </form>
            <ib-button slot="footer" @click=${() => this.dialog('edit').close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="primary" .loading=${f.saving} @click=${() => this.formEl('edit-form')?.requestSubmit()}>Save</ib-button>`
        : nothing}
    </ib-dialog>`;
  }

  private renderConfirmDialog() {
    const m = this.confirming;
    return html`<ib-dialog class="confirm" size="sm" label=${m ? `Deactivate ${m.name}?` : 'Deactivate?'} @ib-close=${() => (this.confirming = null)}>
      ${m
        ? html`<p>${m.name} is signed out at once and can no longer log in to this workspace.</p>
            <p><strong>Their open and pending tickets become unassigned</strong>, so that someone else can take them. Their messages keep their name.</p>
            <p>You can reactivate them later.</p>
            <ib-button slot="footer" autofocus @click=${() => this.dialog('confirm').close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="danger" .loading=${this.busy.has(m.userId)} @click=${() => void this.setActive(m, false)}>Deactivate</ib-button>`
        : nothing}
    </ib-dialog>`;
  }

  render() {
    if (this.loadError)
      return html`<ib-empty icon="missing" heading="The people of this workspace could not be loaded">${this.loadError}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.loaded) return html`<p class="loading" role="status">Loading people…</p>`;
    const active = this.members.filter((m) => m.status === 'active').length;
    return html`
      <section class="card" aria-labelledby="members-title">
        <div class="card-head">
          <div><h2 class="card-title" id="members-title">Members</h2>
            <p class="card-text">${active} active${this.members.length > active ? `, ${this.members.length - active} deactivated` : ''}</p></div>
          <ib-button variant="primary" @click=${() => this.openInvite()}>Invite people</ib-button>
        </div>
        <ib-table label="Members" .columns=${this.memberColumns()} .rows=${this.members} .rowKey=${(m: Member) => m.userId}></ib-table>
      </section>
      <section class="card" aria-labelledby="invitations-title">
        <h2 class="card-title" id="invitations-title">Pending invitations</h2>
        <p class="card-text">Each link works once and expires. Re-sending makes a new link; the earlier one stops working.</p>
        ${this.invitations.length
          ? html`<ib-table label="Pending invitations" .columns=${this.invitationColumns()} .rows=${this.invitations}></ib-table>`
          : html`<ib-empty heading="No pending invitations" level="3">Invite teammates with <strong>Invite people</strong>: they get a link to join with the role and teams you choose.</ib-empty>`}
      </section>
      ${this.renderInviteDialog()} ${this.renderEditDialog()} ${this.renderConfirmDialog()}
    `;
  }
}
customElements.define('ib-settings-people', IbSettingsPeople);
