import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { AUDIT_ACTIONS, ID_PREFIX, type AuditEvent, type AuditPage } from '@support/protocol';
import { rest } from '../../api.js';
import { store } from '../../store.js';
import type { SelectOption } from '../../components/ib-select/ib-select.js';
import type { TableColumn } from '../../components/ib-table/ib-table.js';
import { navigate, settingsUrl } from '../../lib/route.js';
import { controls, PHONE_MAX } from '../../styles/tokens.js';
import { dateTime } from '../format.js';
import { settingsCard } from '../settings-card.js';
import { apiQuery, diffLines, filterErrors, filtersQuery, NO_FILTERS, readFilters, type AuditFilters } from './audit-filters.js';
import './ib-audit-retention.js';
import '../../components/ib-button/ib-button.js';
import '../../components/ib-empty/ib-empty.js';
import '../../components/ib-field/ib-field.js';
import '../../components/ib-select/ib-select.js';
import '../../components/ib-table/ib-table.js';

const PAGE = 50;

const words = (kind: string) => kind.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
/** Each action area's group in the menu, and the name of its events ("All sign-in events"). */
const AREAS: Record<string, [string, string]> = {
  auth: ['Sign-ins', 'sign-in'], member: ['Members', 'member'], team: ['Teams', 'team'], role: ['Roles', 'role'], inbox: ['Inboxes', 'inbox'],
  workspace: ['Workspace', 'workspace'], audit: ['Audit log', 'audit log'], dead_letter: ['Dead letters', 'dead letter'],
  canned_response: ['Canned responses', 'canned response'],
};
const phoneQuery = matchMedia(`(max-width: ${PHONE_MAX}px)`);

/** The action menu: any, then per area its whole prefix and each action. */
const ACTION_OPTIONS: SelectOption[] = [
  { value: '', label: 'Any action' },
  ...[...new Set(AUDIT_ACTIONS.map((a) => a.split('.')[0]!))].flatMap((area) => {
    const [group, noun] = AREAS[area] ?? [area, area.replaceAll('_', ' ')];
    return [{ value: area, label: `All ${noun} events`, group }, ...AUDIT_ACTIONS.filter((a) => a.startsWith(`${area}.`)).map((a) => ({ value: a, label: a, group }))];
  }),
];
const OBJECT_OPTIONS: SelectOption[] = [{ value: '', label: 'Any kind' }, ...Object.keys(ID_PREFIX).sort().map((k) => ({ value: k, label: words(k) }))];

/**
 * The Audit log area (`audit.read`): the workspace's audit events newest first, filtered by
 * actor, action (a whole prefix), object (kind and id) and dates — the filters live in the URL,
 * so reload and back/forward keep them — a page at a time ("Load more"); each event's changes
 * read as lines. Export (JSONL, CSV) of the filtered events for members with `data.export`;
 * how long events are kept, changeable with `settings.workspace` (`ib-audit-retention`).
 * Properties: `agent`, `permissions`, `itemId` (unused).
 */
export class IbSettingsAudit extends LitElement {
  static styles = [
    controls,
    settingsCard,
    css`
      .filters { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: var(--ib-space-3) var(--ib-space-4); }
      .filters ib-select, .filters .field { width: 100%; }
      .filter-actions { display: flex; align-items: center; flex-wrap: wrap; gap: var(--ib-space-2); margin-top: var(--ib-space-4); }
      .filter-actions .spacer { flex: 1; }
      .card.filters-card { margin-bottom: var(--ib-space-4); }
      .filters[hidden] { display: none; }
      .filters[hidden] + .filter-actions { margin-top: 0; }
      .toggle-filters { margin-bottom: var(--ib-space-3); }
      .more { display: flex; justify-content: center; margin-top: var(--ib-space-4); }
      ib-audit-retention { margin-top: var(--ib-space-4); }
      .status { color: var(--ib-text-muted); }
      @media (max-width: 900px) { .filters { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
      @media (max-width: 520px) { .filters { grid-template-columns: minmax(0, 1fr); } }
    `,
  ];
  static properties = {
    agent: { attribute: false },
    permissions: { attribute: false },
    itemId: { attribute: false },
    filters: { state: true },
    events: { state: true },
    next: { state: true },
    busy: { state: true },
    failed: { state: true },
    filtersOpen: { state: true },
  };
  declare agent: unknown;
  declare permissions: readonly string[];
  declare itemId: string | null;
  declare filters: AuditFilters;
  declare events: AuditEvent[] | null;
  declare next: string | null;
  declare busy: boolean;
  declare failed: string;
  /** On a phone the filters fold away behind a button. */
  declare filtersOpen: boolean;
  private loadSeq = 0;
  private readonly onMedia = () => this.requestUpdate();
  private readonly onPop = () => this.follow(readFilters(location.search));

  constructor() {
    super();
    this.permissions = [];
    this.itemId = null;
    this.filters = readFilters(location.search);
    this.events = null;
    this.next = null;
    this.busy = false;
    this.failed = '';
    this.filtersOpen = false;
  }

  connectedCallback() {
    super.connectedCallback();
    // A log of six columns needs the room (the settings shell widens a page marked so).
    this.toggleAttribute('wide', true);
    window.addEventListener('popstate', this.onPop);
    phoneQuery.addEventListener('change', this.onMedia);
    void this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPop);
    phoneQuery.removeEventListener('change', this.onMedia);
  }

  /** Shows the events for `f` (the URL already says so). */
  private follow(f: AuditFilters) {
    this.filters = f;
    void this.load();
  }

  /** Changes one filter: a new history entry, and the events for it. */
  private set(key: keyof AuditFilters, value: string) {
    if (this.filters[key] === value) return;
    const f = { ...this.filters, [key]: value.trim() };
    navigate(this, `${settingsUrl('audit')}${filtersQuery(f)}`);
    this.follow(f);
  }

  private clear() {
    navigate(this, settingsUrl('audit'));
    this.follow({ ...NO_FILTERS });
  }

  private async load(more = false) {
    const seq = ++this.loadSeq;
    this.busy = true;
    try {
      const q = apiQuery(this.filters);
      q.set('limit', String(PAGE));
      if (more && this.next) q.set('cursor', this.next);
      const p = await rest<AuditPage>('GET', `/api/settings/audit?${q}`);
      // A later filter change wins over an answer still on its way.
      if (seq !== this.loadSeq) return;
      this.events = more ? [...(this.events ?? []), ...p.events] : p.events;
      this.next = p.nextCursor;
      this.failed = '';
    } catch (err) {
      if (seq === this.loadSeq) this.failed = (err as Error).message;
    } finally {
      if (seq === this.loadSeq) this.busy = false;
    }
  }

  private actorOptions(): SelectOption[] {
    const people = [...store.agents.values()].sort((a, b) => a.name.localeCompare(b.name)).map((a) => ({ value: a.id, label: a.name, group: 'People' }));
    const opts: SelectOption[] = [{ value: '', label: 'Anyone' }, { value: 'system', label: 'System' }, ...people];
    const a = this.filters.actor;
    if (a && !opts.some((o) => o.value === a)) opts.push({ value: a, label: this.events?.find((e) => e.actor.id === a)?.actor.name ?? a, group: 'People' });
    return opts;
  }

  /** Who acted: a member's name (for a failed sign-in, the address typed), the system, or an API client. */
  private actorText(e: AuditEvent, inline = false) {
    if (e.actor.type === 'system') return 'System';
    const note = e.actor.type === 'api' ? 'API client' : e.actor.id === null ? 'not signed in' : '';
    if (inline) return note ? `${e.actor.name} (${note})` : e.actor.name;
    return html`<span class="nowrap">${e.actor.name}</span>${note ? html`<span class="secondary">${note}</span>` : nothing}`;
  }

  /**
   * An object as a person names it: "This workspace"; an inbox's or a member's name (its kind
   * below, its id on hover); else its kind, with its id below (to copy into the filter).
   */
  private objectText(e: AuditEvent, inline = false) {
    const { type, id } = e.object;
    if (type === 'workspace') return 'This workspace';
    const named = id && (type === 'inbox' ? store.inboxes.find((i) => i.id === id)?.name : type === 'user' ? store.agents.get(id)?.name : undefined);
    if (inline) return named ? `${words(type)} ${named}` : `${words(type)}${id ? ` ${id}` : ''}`;
    if (named) return html`<span title=${id}>${named}</span><span class="secondary">${words(type)}</span>`;
    return html`${words(type)}${id ? html`<span class="secondary">${id}</span>` : nothing}`;
  }

  /** The table's columns; on a phone one column holds the event: action, actor and time, object, changes. */
  private columns(phone: boolean): TableColumn<AuditEvent>[] {
    const time = (e: AuditEvent) => html`<time class="nowrap" datetime=${e.createdAt}>${dateTime(e.createdAt)}</time>`;
    const changes = (e: AuditEvent) => diffLines(e.diff).map((l) => html`<div>${l}</div>`);
    if (phone)
      return [
        {
          key: 'event',
          label: 'Event',
          rowHeader: true,
          render: (e) => html`${e.action}<span class="secondary">${this.actorText(e, true)} · ${time(e)}${e.ip ? ` · ${e.ip}` : ''}</span>
            <span class="secondary">${this.objectText(e, true)}</span><span class="secondary">${changes(e)}</span>`,
        },
      ];
    return [
      { key: 'createdAt', label: 'Time', width: '140px', render: time },
      { key: 'actor', label: 'Actor', render: (e) => this.actorText(e) },
      { key: 'action', label: 'Action', rowHeader: true, render: (e) => html`<span class="nowrap">${e.action}</span>` },
      { key: 'object', label: 'Object', render: (e) => this.objectText(e) },
      { key: 'diff', label: 'Changes', render: changes },
      { key: 'ip', label: 'IP address', render: (e) => html`<span class="nowrap">${e.ip ?? ''}</span>` },
    ];
  }

  private renderFilters() {
    const f = this.filters;
    const bad = filterErrors(f);
    const any = Object.values(f).some(Boolean);
    const exportable = this.permissions.includes('data.export');
    const q = apiQuery(f).toString();
    const exportUrl = (format: string) => `/api/settings/audit/export?format=${format}${q ? `&${q}` : ''}`;
    const pick = (key: keyof AuditFilters) => (e: CustomEvent<{ value: string }>) => this.set(key, e.detail.value);
    const typed = (key: keyof AuditFilters) => (e: Event) => this.set(key, (e.target as HTMLInputElement).value);
    const active = Object.values(f).filter(Boolean).length;
    const folded = phoneQuery.matches && !this.filtersOpen && !Object.keys(bad).length;
    return html`<section class="card filters-card" aria-labelledby="filters-title">
      <h2 class="card-title visually-hidden" id="filters-title">Filters</h2>
      ${phoneQuery.matches
        ? html`<ib-button class="toggle-filters" size="sm" .expanded=${!folded} aria-controls="filter-fields" @click=${() => (this.filtersOpen = folded)}>
            ${active ? `Filters · ${active} on` : 'Filters'}</ib-button>`
        : nothing}
      <div class="filters" id="filter-fields" ?hidden=${folded}>
        <ib-field label="Actor"><ib-select class="actor" .options=${this.actorOptions()} .value=${live(f.actor)} @ib-change=${pick('actor')}></ib-select></ib-field>
        <ib-field label="Action"><ib-select class="action" .options=${ACTION_OPTIONS} .value=${live(f.action)} @ib-change=${pick('action')}></ib-select></ib-field>
        <ib-field label="Object kind"><ib-select class="object-type" .options=${OBJECT_OPTIONS} .value=${live(f.objectType)} @ib-change=${pick('objectType')}></ib-select></ib-field>
        <ib-field label="Object id" .error=${bad.objectId ?? ''}>
          <input class="field object-id" placeholder="inb_…, usr_…" spellcheck="false" autocomplete="off" .value=${live(f.objectId)} @change=${typed('objectId')}></ib-field>
        <ib-field label="From" .error=${bad.from ?? ''}><input class="field from" type="date" .value=${live(f.from)} @change=${typed('from')}></ib-field>
        <ib-field label="To" .error=${bad.to ?? ''}><input class="field to" type="date" .value=${live(f.to)} @change=${typed('to')}></ib-field>
      </div>
      <div class="filter-actions">
        ${any ? html`<ib-button class="clear" variant="ghost" size="sm" @click=${() => this.clear()}>Clear filters</ib-button>` : nothing}
        <span class="spacer"></span>
        ${exportable
          ? html`<ib-button class="export-csv" size="sm" href=${exportUrl('csv')}>Export CSV</ib-button>
              <ib-button class="export-jsonl" size="sm" href=${exportUrl('jsonl')}>Export JSONL</ib-button>`
          : nothing}
      </div>
    </section>`;
  }

  private renderEvents() {
    if (this.failed && !this.events)
      return html`<ib-empty icon="missing" heading="The audit log could not be loaded">${this.failed}
        <ib-button slot="actions" @click=${() => void this.load()}>Try again</ib-button></ib-empty>`;
    if (!this.events) return html`<p class="status" role="status">Loading…</p>`;
    const filtered = Object.values(this.filters).some(Boolean);
    return html`<ib-table label="Audit events" manual-sort .columns=${this.columns(phoneQuery.matches)} .rows=${this.events} aria-busy=${this.busy ? 'true' : 'false'}>
        <ib-empty slot="empty" icon=${filtered ? 'search' : 'inbox'} heading=${filtered ? 'No event matches these filters' : 'Nothing recorded yet'}>
          ${filtered ? 'Widen the dates or clear a filter.' : 'Sign-ins and settings changes appear here as they happen.'}</ib-empty>
      </ib-table>
      ${this.next ? html`<div class="more"><ib-button class="load-more" .loading=${this.busy} @click=${() => void this.load(true)}>Load more</ib-button></div>` : nothing}`;
  }

  render() {
    return html`${this.renderFilters()}${this.renderEvents()}
      <ib-audit-retention .editable=${this.permissions.includes('settings.workspace')}></ib-audit-retention>`;
  }
}
customElements.define('ib-settings-audit', IbSettingsAudit);
