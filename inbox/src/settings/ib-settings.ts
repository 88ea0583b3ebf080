import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import type { Agent, SessionInfo } from '@support/protocol';
import { me } from '../api.js';
import { navigate, settingsUrl, type SettingsRoute } from '../lib/route.js';
import { backIcon } from '../lib/icons.js';
import { controls, PHONE_MAX } from '../styles/tokens.js';
import { AREAS, areaOf, can, type AreaDef } from './areas.js';
import { settingsStyles } from './ib-settings.styles.js';
import '../components/ib-empty/ib-empty.js';

const phoneQuery = matchMedia(`(max-width: ${PHONE_MAX}px)`);

/**
 * The settings area (a chunk of its own): the navigation on the left (the areas the agent's
 * permissions allow, grouped, the current one marked) and one page per area, at
 * `/inbox/settings/<area>/<id>`. On a phone, `/inbox/settings` is the list of areas and an
 * area's page comes alone with a way back to it; on a wider screen `/inbox/settings` opens
 * the first area. An unknown area says "not found"; an area the agent may not use says so.
 * After a move between areas focus goes to the page's heading. What the agent may use is read
 * again from `GET /api/auth/me` when the settings open (roles change); until then from
 * `permissions`.
 *
 * Properties: `route` (SettingsRoute, from the URL), `agent` (the app's signed-in agent),
 * `permissions` (the session's, as the app holds them), `inboxUrl` (where "Back to the inbox"
 * goes). Area pages get the fresh agent (`agent`), its `permissions` and the URL's `itemId`.
 * Events: `ib-navigate` (through `navigate`) to open the first area.
 */
export class IbSettings extends LitElement {
  static styles = [controls, settingsStyles];
  static properties = { route: { attribute: false }, agent: { attribute: false }, permissions: { attribute: false }, inboxUrl: {} };
  declare route: SettingsRoute;
  declare agent: Agent;
  declare permissions: readonly string[];
  declare inboxUrl: string;
  private phone = phoneQuery.matches;
  /** The session as `/api/auth/me` answers now (null until it has). */
  private fresh: SessionInfo | null = null;
  /** Area modules loaded (or failed), by key. */
  private readonly loaded = new Map<string, 'loading' | 'ready' | 'failed'>();
  private readonly onMedia = () => {
    this.phone = phoneQuery.matches;
    this.requestUpdate();
  };

  constructor() {
    super();
    this.route = { area: null, id: null };
    this.permissions = [];
    this.inboxUrl = '/inbox/';
  }

  connectedCallback() {
    super.connectedCallback();
    phoneQuery.addEventListener('change', this.onMedia);
    me().then(
      (a) => {
        this.fresh = a;
        this.requestUpdate();
      },
      () => {},
    );
  }

  private get me(): Agent {
    return this.fresh?.agent ?? this.agent;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    phoneQuery.removeEventListener('change', this.onMedia);
  }

  private visibleAreas(): AreaDef[] {
    return this.me ? AREAS.filter((a) => can(this.fresh?.permissions ?? this.permissions, a.permission)) : [];
  }

  protected updated(changed: PropertyValues<this>) {
    // A wide screen has room for the list and a page: open the first area.
    if (!this.route.area && !this.phone) navigate(this, settingsUrl(this.visibleAreas()[0]?.key ?? 'account'), true);
    const before = changed.get('route') as SettingsRoute | undefined;
    if (before && (before.area !== this.route.area || before.id !== this.route.id)) {
      const target = this.route.area
        ? this.renderRoot.querySelector('.page h1')
        : this.renderRoot.querySelector(`nav a[href="${settingsUrl(before.area)}"]`) ?? this.renderRoot.querySelector('nav h1');
      (target as HTMLElement | null)?.focus();
    }
  }

  private loadArea(a: AreaDef) {
    if (!a.load || this.loaded.has(a.key)) return;
    this.loaded.set(a.key, 'loading');
    a.load().then(
      () => this.loaded.set(a.key, 'ready'),
      () => this.loaded.set(a.key, 'failed'),
    ).finally(() => this.requestUpdate());
  }

  private renderNav(areas: AreaDef[]) {
    const groups = [...new Set(areas.map((a) => a.group))];
    const index = !this.route.area;
    return html`<nav aria-label="Settings">
      <a class="to-inbox" href=${this.inboxUrl}>${backIcon}<span>Back to the inbox</span></a>
      ${index ? html`<h1 class="nav-title" tabindex="-1">Settings</h1>` : html`<div class="nav-title">Settings</div>`}
      ${groups.map(
        (g, i) => html`<div class="group" id="group-${i}">${g}</div>
          <ul aria-labelledby="group-${i}">
            ${areas.filter((a) => a.group === g).map(
              (a) => html`<li><a href=${settingsUrl(a.key)} aria-current=${a.key === this.route.area ? 'page' : nothing}>${a.label}</a></li>`,
            )}
          </ul>`,
      )}
    </nav>`;
  }

  private renderBody(a: AreaDef | undefined, allowed: boolean) {
    if (!a)
      return html`<ib-empty icon="missing" heading="There is no such settings page">The link may be wrong, or the page may have moved.
        <a slot="actions" class="link" href=${settingsUrl()}>See all settings</a></ib-empty>`;
    if (!allowed)
      return html`<ib-empty icon="lock" heading="Your role does not give access to this page">An owner or an admin of this workspace can change your role.</ib-empty>`;
    if (!a.load || !a.tag)
      return html`<ib-empty icon="inbox" heading="Not available yet">These settings arrive in a later version of the inbox.</ib-empty>`;
    this.loadArea(a);
    const state = this.loaded.get(a.key);
    if (state === 'failed')
      return html`<ib-empty icon="missing" heading="This page could not be loaded">Check your connection, then reload the page.</ib-empty>`;
    if (state !== 'ready') return html`<p class="loading" role="status">Loading…</p>`;
    const tag = unsafeStatic(a.tag);
    return staticHtml`<${tag} .agent=${this.me} .permissions=${this.fresh?.permissions ?? this.permissions} .itemId=${this.route.id}></${tag}>`;
  }

  render() {
    const areas = this.visibleAreas();
    const a = areaOf(this.route.area);
    const allowed = !!a && areas.includes(a);
    return html`<div class="layout ${this.route.area ? 'has-page' : 'index'}">
      ${this.renderNav(areas)}
      ${this.route.area
        ? html`<main class="page">
            <a class="to-list" href=${settingsUrl()}>${backIcon}<span>Settings</span></a>
            <header>
              <h1 tabindex="-1">${a?.label ?? 'Not found'}</h1>
              ${a && allowed ? html`<p class="description">${a.description}</p>` : nothing}
            </header>
            ${this.renderBody(a, allowed)}
          </main>`
        : nothing}
    </div>`;
  }
}
customElements.define('ib-settings', IbSettings);
