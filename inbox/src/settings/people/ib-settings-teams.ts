import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { teamCreateSchema, teamUpdateSchema, type InboxSummary, type Member, type TeamDetail } from '@support/protocol';
import { call, rest } from '../../api.js';
import { store } from '../../store.js';
import { avatar } from '../../lib/people.js';
import { chatIcon, emailIcon } from '../../lib/icons.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { controls } from '../../styles/tokens.js';
import type { TableColumn } from '../../components/ib-table/ib-table.js';
import { settingsCard } from '../settings-card.js';
import { formAlert, type FormValues } from '../form/form-controller.js';
import { checkboxValues, checkedIds, checkList, peopleStyles } from './people-ui.js';
import { ItemArea } from './item-area.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-dialog/ib-dialog.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-table/ib-table.js';

const MEMBER = 'member:';
const INBOX = 'inbox:';

/**
 * The Teams area: `/inbox/settings/teams` lists the teams (members, the inboxes they work);
 * `/inbox/settings/teams/<id>` edits one (name, members, inboxes) and `…/new` creates one;
 * delete asks first. Members of a team who have team sight see its inboxes' tickets, at once.
 * Properties: `agent`, `itemId` (a team id, `new`, or null for the list). Events: `ib-navigate`.
 */
export class IbSettingsTeams extends ItemArea<TeamDetail> {
  static styles = [controls, settingsCard, peopleStyles];
  protected readonly area = 'teams';
  protected readonly noun = 'Team';
  protected readonly endpoint = '/api/settings/teams';
  protected readonly schemas = { create: teamCreateSchema, update: teamUpdateSchema };
  private members: Member[] = [];
  private inboxes: InboxSummary[] = [];

  protected async fetchItems(): Promise<TeamDetail[]> {
    const [teams, members, inboxes] = await Promise.all([
      rest<TeamDetail[]>('GET', this.endpoint),
      rest<Member[]>('GET', '/api/settings/members'),
      store.socket ? call(store.socket, 'inboxes:list', {}) : Promise.resolve(store.inboxes),
    ]);
    this.members = members;
    this.inboxes = inboxes;
    return teams;
  }

  protected valuesOf(t: TeamDetail | null): FormValues {
    return {
      name: t?.name ?? '',
      ...checkboxValues(MEMBER, this.members.map((m) => m.userId), t?.memberIds ?? []),
      ...checkboxValues(INBOX, this.inboxes.map((i) => i.id), t?.inboxIds ?? []),
    };
  }

  protected bodyOf(v: FormValues) {
    return { name: v.name, memberIds: checkedIds(v, MEMBER), inboxIds: checkedIds(v, INBOX) };
  }

  private columns(): TableColumn<TeamDetail>[] {
    const names = (ids: string[], all: { id: string; name: string }[]) => ids.map((id) => all.find((x) => x.id === id)?.name).filter(Boolean).join(', ');
    const people = (t: TeamDetail) =>
      t.memberIds.length ? html`${t.memberIds.length} · <span class="muted">${names(t.memberIds, this.members.map((m) => ({ id: m.userId, name: m.name })))}</span>` : html`<span class="muted">Nobody yet</span>`;
    const inboxes = (t: TeamDetail) => names(t.inboxIds, this.inboxes) || html`<span class="muted">No inbox</span>`;
    if (this.screen.phone)
      return [{ key: 'name', label: 'Team', sortable: true, rowHeader: true,
        render: (t) => html`<span>${t.name}</span><span class="sub">Members: ${people(t)}</span><span class="sub">Inboxes: ${inboxes(t)}</span>` }];
    return [
      { key: 'name', label: 'Team', sortable: true, rowHeader: true, width: '28%', render: (t) => html`<span>${t.name}</span>` },
      { key: 'members', label: 'Members', sortable: true, sortValue: (t) => t.memberIds.length, render: people },
      { key: 'inboxes', label: 'Inboxes', render: inboxes },
    ];
  }

  protected renderList() {
    return html`<section class="card" aria-labelledby="teams-title">
      <div class="card-head">
        <div><h2 class="card-title" id="teams-title">Teams</h2>
          <p class="card-text">An agent sees the tickets of the inboxes their teams work, and those assigned to them.</p></div>
        <ib-button variant="primary" href=${settingsUrl('teams', 'new')}>New team</ib-button>
      </div>
      ${this.items.length
        ? html`<ib-table label="Teams" activatable .columns=${this.columns()} .rows=${this.items}
            @ib-activate=${(e: CustomEvent<{ row: TeamDetail }>) => navigate(this, settingsUrl('teams', e.detail.row.id))}></ib-table>`
        : html`<ib-empty heading="No teams yet" level="3" icon="inbox">Teams group people with the inboxes they work. Create one, add its members and choose its inboxes.
            <ib-button slot="actions" href=${settingsUrl('teams', 'new')}>New team</ib-button></ib-empty>`}
    </section>`;
  }

  protected renderItem(t: TeamDetail | null) {
    const f = this.form;
    const memberItems = this.members
      .filter((m) => m.status === 'active' || t?.memberIds.includes(m.userId))
      .map((m) => ({ id: m.userId, label: m.name, detail: m.status === 'active' ? m.email : `${m.email} · deactivated`, lead: avatar({ id: m.userId, name: m.name, avatarUrl: m.avatarUrl }, 24) }));
    const inboxItems = this.inboxes.map((i) => ({
      id: i.id, label: i.name, detail: i.channel === 'email' ? 'Email inbox' : 'Chat inbox',
      lead: html`<span class="muted" aria-hidden="true">${i.channel === 'email' ? emailIcon : chatIcon}</span>`,
    }));
    return html`${this.backLink()}
      <form class="card" novalidate aria-labelledby="team-title" @submit=${this.submit} @input=${f.onInput} @change=${f.onInput} @focusout=${f.onBlur}>
        <h2 class="card-title" id="team-title">${t ? t.name : 'New team'}</h2>
        <p class="card-text">${t ? 'Changes reach its members’ open inboxes at once.' : 'Name the team, add its people and choose the inboxes it works.'}</p>
        <div class="fields">
          <ib-field label="Name" required .error=${f.error('name')}><input class="field" name="name" autocomplete="off" .value=${live(String(f.values.name))} /></ib-field>
        </div>
        <div class="fields wide">
          ${checkList({ legend: 'Members', prefix: MEMBER, items: memberItems, values: f.values, columns: true,
            empty: html`Nobody to add yet. <a href=${settingsUrl('people')}>Invite people</a> first.` })}
          ${checkList({ legend: 'Inboxes it works', hint: 'Its members see these inboxes’ tickets.', prefix: INBOX, items: inboxItems, values: f.values, columns: true,
            empty: 'This workspace has no inbox yet.' })}
        </div>
        ${formAlert(f, () => void this.load())}
        <div class="form-actions">
          ${t ? html`<ib-button variant="danger" @click=${() => this.deleteDialog().show()}>Delete team</ib-button><span class="spacer"></span>` : nothing}
          <ib-button href=${settingsUrl('teams')}>Cancel</ib-button>
          <ib-button type="submit" variant="primary" .loading=${f.saving}>${t ? 'Save' : 'Create team'}</ib-button>
        </div>
      </form>
      ${t
        ? html`<ib-dialog class="delete" size="sm" label="Delete ${t.name}?">
            <p>Its ${t.memberIds.length} ${t.memberIds.length === 1 ? 'member stops' : 'members stop'} seeing the tickets of its inboxes through it, at once. Its tickets keep no team. People and tickets are not deleted.</p>
            <ib-button slot="footer" autofocus @click=${() => this.deleteDialog().close()}>Cancel</ib-button>
            <ib-button slot="footer" variant="danger" .loading=${this.deleting} @click=${() => void this.deleteCurrent()}>Delete team</ib-button>
          </ib-dialog>`
        : nothing}`;
  }
}
customElements.define('ib-settings-teams', IbSettingsTeams);
