import { z } from 'zod';

/**
 * The permission catalogue. A member's role grants a set of these; every `/agent` socket
 * event (agent.ts, AGENT_EVENTS) and REST route (routes.ts, ROUTES) declares the one it needs.
 */
export const PERMISSIONS = [
  'tickets.read.all',
  'tickets.read.team',
  'tickets.read.mine',
  'tickets.write',
  'tickets.assign',
  'contacts.read',
  'contacts.write',
  'settings.inboxes',
  'settings.people',
  'settings.workflow',
  'settings.workspace',
  'reports.read',
  'audit.read',
  'data.export',
] as const;
export type Permission = (typeof PERMISSIONS)[number];
export const permissionSchema = z.enum(PERMISSIONS);

/** What each permission allows, in the words a settings screen shows. */
export const PERMISSION_INFO: Record<Permission, string> = {
  'tickets.read.all': 'See every ticket of the workspace',
  'tickets.read.team': "See the tickets of their teams' inboxes, of their teams, and assigned to them",
  'tickets.read.mine': 'See the tickets assigned to them',
  'tickets.write': 'Reply, write notes, change status, priority and tags',
  'tickets.assign': 'Assign tickets to agents and teams',
  'contacts.read': 'See contacts and their details',
  'contacts.write': 'Edit contacts',
  'settings.inboxes': 'Create and configure inboxes',
  'settings.people': 'Manage members, teams and roles',
  'settings.workflow': 'Configure SLA, routing and automation',
  'settings.workspace': 'Change the workspace name, time zone, language and logo',
  'reports.read': 'See reports',
  'audit.read': 'Read the audit log',
  'data.export': 'Export data',
};

/**
 * Permissions that imply others: a wider ticket sight includes the narrower ones (so
 * `tickets.read.mine` is "can read some tickets"), and editing contacts includes reading them.
 */
const IMPLIES: Partial<Record<Permission, Permission[]>> = {
  'tickets.read.all': ['tickets.read.team', 'tickets.read.mine'],
  'tickets.read.team': ['tickets.read.mine'],
  'contacts.write': ['contacts.read'],
};

/** The built-in roles, widest first. Custom roles (a stored permission list) have role `custom`. */
export const BUILTIN_ROLES = ['owner', 'admin', 'supervisor', 'agent'] as const;
export type BuiltinRole = (typeof BUILTIN_ROLES)[number];
/** A membership's role: a built-in one, or `custom` with a `roleId`. */
export const MEMBER_ROLES = [...BUILTIN_ROLES, 'custom'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const memberRoleSchema = z.enum(MEMBER_ROLES);

/**
 * What each built-in role grants. Owners and admins have every permission; what only owners
 * may do (make or remove owners, deactivate an owner) is checked by the services, not here.
 */
export const BUILTIN_ROLE_PERMISSIONS: Record<BuiltinRole, readonly Permission[]> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS,
  supervisor: ['tickets.read.all', 'tickets.write', 'tickets.assign', 'contacts.read', 'contacts.write', 'reports.read', 'settings.workflow'],
  agent: ['tickets.read.team', 'tickets.write', 'tickets.assign', 'contacts.read', 'contacts.write'],
};

/**
 * A permission set with what it implies added and anything unknown dropped (a custom role
 * stored before a permission was renamed), in catalogue order.
 */
export function expandPermissions(perms: Iterable<string>): Permission[] {
  const have = new Set<string>();
  const add = (p: string) => {
    if (have.has(p) || !(PERMISSIONS as readonly string[]).includes(p)) return;
    have.add(p);
    for (const q of IMPLIES[p as Permission] ?? []) add(q);
  };
  for (const p of perms) add(p);
  return PERMISSIONS.filter((p) => have.has(p));
}

/** The permissions of a membership: its built-in role's, or (role `custom`) the custom role's stored list. */
export function permissionsOfRole(role: MemberRole, custom?: readonly string[] | null): Permission[] {
  return expandPermissions(role === 'custom' ? (custom ?? []) : BUILTIN_ROLE_PERMISSIONS[role]);
}

/**
 * What a declared route or event needs: a permission, `member` (any active member of the
 * session's workspace) or `public` (no session at all).
 */
export type Access = Permission | 'member' | 'public';

/** Whether a member with `perms` may use something declared with `access`. */
export function allows(perms: readonly Permission[], access: Access): boolean {
  return access === 'public' || access === 'member' || perms.includes(access);
}

/**
 * Which tickets a member sees: `all` of the workspace; `team`: those whose inbox one of their
 * teams works, whose team is one of theirs, or assigned to them; `mine`: assigned to them;
 * `none`.
 */
export type TicketScope = 'all' | 'team' | 'mine' | 'none';
export function ticketScope(perms: readonly Permission[]): TicketScope {
  if (perms.includes('tickets.read.all')) return 'all';
  if (perms.includes('tickets.read.team')) return 'team';
  if (perms.includes('tickets.read.mine')) return 'mine';
  return 'none';
}
