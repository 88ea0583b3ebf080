import { LitElement, css, html, nothing } from 'lit';
import type { Agent } from '@support/protocol';
import { avatarColor, initials } from '../../lib/people.js';
import { controls } from '../../styles/tokens.js';
import { settingsCard } from '../settings-card.js';

/** What each built-in role may do, in a sentence. */
const ROLE_TEXT: Record<string, string> = {
  owner: 'Can do everything, including making or removing owners and deleting the workspace.',
  admin: 'Can change every setting and manage people, except owners.',
  supervisor: 'Sees and assigns every ticket, and sets up SLAs, routing and automation.',
  agent: 'Works the tickets of their teams and the ones assigned to them.',
};

/**
 * The Account area: the signed-in agent's name, email and role in this workspace, read-only.
 * Properties: `agent` (the signed-in agent, as the settings read it from `/api/auth/me`),
 * `itemId` (unused). Events: none.
 */
export class IbSettingsAccount extends LitElement {
  static styles = [
    controls,
    settingsCard,
    css`
      .card { display: flex; gap: var(--ib-space-5); align-items: flex-start; }
      .avatar { flex: none; width: 56px; height: 56px; border-radius: 50%; display: grid; place-items: center; color: #fff; font-size: var(--ib-text-lg); font-weight: 600; }
      dl { flex: 1; min-width: 0; display: grid; grid-template-columns: 96px minmax(0, 1fr); gap: var(--ib-space-3) var(--ib-space-4); margin: 0; align-items: baseline; }
      dt { color: var(--ib-text-muted); font-weight: 500; }
      dd { margin: 0; overflow-wrap: anywhere; }
      .role-text { display: block; margin-top: var(--ib-space-1); color: var(--ib-text-muted); font-size: var(--ib-text-md); }
      .chip { font-size: var(--ib-text-sm); line-height: 22px; font-weight: 600; }
      @media (max-width: 520px) {
        .card { flex-direction: column; gap: var(--ib-space-4); }
        dl { grid-template-columns: minmax(0, 1fr); gap: 2px; width: 100%; }
        dd + dt { margin-top: var(--ib-space-3); }
      }
    `,
  ];
  static properties = { agent: { attribute: false }, itemId: { attribute: false } };
  declare agent: Agent | null;
  declare itemId: string | null;

  constructor() {
    super();
    this.agent = null;
    this.itemId = null;
  }

  render() {
    const a = this.agent;
    if (!a) return nothing;
    const role = a.role as string;
    return html`<section class="card" aria-labelledby="account-title">
      <h2 id="account-title" class="visually-hidden">Your account</h2>
      <span class="avatar" aria-hidden="true" style="background:${avatarColor(a.id)}">${initials(a.name)}</span>
      <dl>
        <dt>Name</dt><dd class="account-name">${a.name}</dd>
        <dt>Email</dt><dd class="account-email">${a.email}</dd>
        <dt>Role</dt><dd class="account-role"><span class="chip">${role.charAt(0).toUpperCase()}${role.slice(1)}</span>
          ${ROLE_TEXT[role] ? html`<span class="role-text">${ROLE_TEXT[role]}</span>` : nothing}</dd>
      </dl>
    </section>`;
  }
}
customElements.define('ib-settings-account', IbSettingsAccount);
