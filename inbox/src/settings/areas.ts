import type { Agent } from '@support/protocol';
import { SETTINGS_AREAS, type SettingsArea } from '../lib/route.js';

/** What an area needs: a permission of the catalogue, or `member` (anyone signed in to the workspace). */
export type AreaPermission = 'member' | 'tickets.write' | 'settings.workspace' | 'settings.inboxes' | 'settings.people' | 'settings.workflow' | 'reports.read' | 'audit.read';

/**
 * One settings area. `load` imports the module that defines `tag`, the area's page (its own
 * chunk); the page gets `.agent` (the signed-in agent) and `.itemId` (the `<id>` of
 * `/inbox/settings/<area>/<id>`, or null). An area without `load` shows what it will hold.
 */
export type AreaDef = {
  key: SettingsArea;
  label: string;
  group: string;
  permission: AreaPermission;
  description: string;
  load?: () => Promise<unknown>;
  tag?: string;
};

const area = (key: SettingsArea, group: string, permission: AreaPermission, description: string, page?: { load: () => Promise<unknown>; tag: string }): AreaDef => ({
  key,
  label: SETTINGS_AREAS[key],
  group,
  permission,
  description,
  ...page,
});

/** The areas in navigation order, grouped. Phase-B screens add their `load` and `tag` here. */
export const AREAS: AreaDef[] = [
  area('account', 'You', 'member', 'Your profile, email signature, notifications, password and workspaces.', {
    load: () => import('./account/ib-settings-account.js'),
    tag: 'ib-settings-account',
  }),
  area('workspace', 'Workspace', 'settings.workspace', 'The workspace’s name, time zone, default language and logo.', {
    load: () => import('./workspace/ib-settings-workspace.js'),
    tag: 'ib-settings-workspace',
  }),
  area('inboxes', 'Workspace', 'settings.inboxes', 'Chat and email inboxes: the widget and its embed code, addresses, webhook credentials and SMTP.', {
    load: () => import('./inboxes/ib-settings-inboxes.js'),
    tag: 'ib-settings-inboxes',
  }),
  area('dead-letters', 'Workspace', 'settings.inboxes', 'Mail an email inbox could not process: the reason, the raw mail, reprocess or delete.', {
    load: () => import('./dead-letters/ib-settings-dead-letters.js'),
    tag: 'ib-settings-dead-letters',
  }),
  area('people', 'People', 'settings.people', 'Invite people, choose their role and teams, deactivate an account.', {
    load: () => import('./people/ib-settings-people.js'),
    tag: 'ib-settings-people',
  }),
  area('teams', 'People', 'settings.people', 'Teams, their members and the inboxes they work.', {
    load: () => import('./people/ib-settings-teams.js'),
    tag: 'ib-settings-teams',
  }),
  area('roles', 'People', 'settings.people', 'Custom roles: named sets of permissions. The built-in roles are shown for reference.', {
    load: () => import('./people/ib-settings-roles.js'),
    tag: 'ib-settings-roles',
  }),
  area('sla-policies', 'Workflow', 'settings.workflow', 'The response and resolution times you promise, per priority; the first policy whose conditions a ticket meets applies.', {
    load: () => import('./sla/ib-settings-sla-policies.js'),
    tag: 'ib-settings-sla-policies',
  }),
  area('calendars', 'Workflow', 'settings.workflow', 'The hours your teams work, holidays and special days: SLA clocks count only these hours.', {
    load: () => import('./sla/ib-settings-calendars.js'),
    tag: 'ib-settings-calendars',
  }),
  area('routing', 'Workflow', 'settings.workflow', 'Who gets each new ticket: how each team and inbox gives out tickets, how many each person takes, and rules that act first.', {
    load: () => import('./routing/ib-settings-routing.js'),
    tag: 'ib-settings-routing',
  }),
  area('automation', 'Workflow', 'settings.workflow', 'Rules that act on tickets when something happens or when time passes: tag, prioritise, assign, note, reply, notify, snooze.', {
    load: () => import('./automation/ib-settings-automation.js'),
    tag: 'ib-settings-automation',
  }),
  area('macros', 'Workflow', 'tickets.write', 'Sets of actions an agent applies to a ticket in one click, after a preview: reply, tag, set the status, snooze.', {
    load: () => import('./macros/ib-settings-macros.js'),
    tag: 'ib-settings-macros',
  }),
  area('canned', 'Workflow', 'tickets.write', 'Saved replies agents insert by typing / in a reply: yours, your teams’ and the workspace’s.', {
    load: () => import('./canned/ib-settings-canned.js'),
    tag: 'ib-settings-canned',
  }),
  area('sla-compliance', 'Workflow', 'reports.read', 'The share of SLA targets met per policy, team or agent over a date range.', {
    load: () => import('./sla/ib-settings-sla-compliance.js'),
    tag: 'ib-settings-sla-compliance',
  }),
  area('audit', 'Security', 'audit.read', 'Who changed what and when, sign-ins included; filter and export.', {
    load: () => import('./audit/ib-settings-audit.js'),
    tag: 'ib-settings-audit',
  }),
];

/**
 * Whether a member with `permissions` (the catalogue keys the session lists: `GET /api/auth/me`,
 * the login answer, `access:changed`) may use what `permission` guards.
 */
export function can(permissions: readonly string[], permission: AreaPermission): boolean {
  return permission === 'member' || permissions.includes(permission);
}

export const areaOf = (key: string | null): AreaDef | undefined => AREAS.find((a) => a.key === key);
