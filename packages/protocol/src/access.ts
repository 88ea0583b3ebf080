import { z } from 'zod';
import { idSchema } from './ids.js';
import { jsonText } from './text.js';
import type { Agent, Availability } from './model.js';
import type { NotificationPrefs } from './people.js';
import { memberRoleSchema, permissionSchema, type BuiltinRole, type MemberRole, type Permission } from './permissions.js';

/** Bodies and answers of the auth, workspace and `/api/settings` people routes (routes.ts). */

const nameSchema = (max: number) => jsonText(z.string().trim().min(1).max(max));

/**
 * The `updatedAt` the client last read (ISO). When given and no longer current, the change is
 * refused with 409 STALE (someone else saved first) instead of overwriting theirs.
 */
const expectedSchema = z.string().datetime({ offset: true }).optional();

export const loginSchema = z.strictObject({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
  /** The workspace to log in to; default: the one used last (or the only one). */
  workspaceId: idSchema('workspace').optional(),
});
export type LoginInput = z.input<typeof loginSchema>;

export const switchWorkspaceSchema = z.strictObject({ workspaceId: idSchema('workspace') });
export const workspaceCreateSchema = z.strictObject({ name: nameSchema(100) });

/** A workspace the signed-in user belongs to (active memberships only). */
export type WorkspaceSummary = { id: string; name: string; role: MemberRole };

/**
 * What login, switch and `GET /api/auth/me` answer: the member (`agent`), their permissions
 * in the session's workspace, and every workspace they can switch to. Login and switch add
 * the session `token` and its `expiresAt`.
 */
export type SessionInfo = {
  agent: Agent;
  permissions: Permission[];
  /** The session's workspace; `logoUrl` its logo (a path of the server), null for none. */
  workspace: { id: string; name: string; logoUrl: string | null };
  workspaces: WorkspaceSummary[];
  /** What the inbox notifies them of (their account's choice, the same in every workspace). */
  notificationPrefs: NotificationPrefs;
};
export type LoginResult = SessionInfo & { token: string; expiresAt: string };
export type WorkspaceCreated = { workspace: { id: string; name: string }; inbox: { id: string; name: string } };

/** `PATCH /api/settings/members/:userId`: a new role and/or team list (the whole list). */
export const memberUpdateSchema = z
  .strictObject({
    role: memberRoleSchema.optional(),
    roleId: idSchema('role').nullable().optional(),
    teamIds: z.array(idSchema('team')).max(100).optional(),
    expectedUpdatedAt: expectedSchema,
  })
  .refine((v) => (v.role === undefined ? v.roleId === undefined : (v.role === 'custom') === Boolean(v.roleId)), {
    path: ['roleId'],
    message: 'roleId goes with role "custom", and only with it',
  });
export type MemberUpdate = z.input<typeof memberUpdateSchema>;

/** A member of the workspace as the People screen lists them (deactivated ones included). */
export type Member = {
  userId: string;
  name: string;
  email: string;
  role: MemberRole;
  roleId: string | null;
  status: 'active' | 'deactivated';
  availability: Availability;
  avatarUrl: string | null;
  teamIds: string[];
  createdAt: string;
  updatedAt: string;
};

export const teamCreateSchema = z.strictObject({
  name: nameSchema(80),
  memberIds: z.array(idSchema('user')).max(1000).default([]),
  inboxIds: z.array(idSchema('inbox')).max(200).default([]),
});
export const teamUpdateSchema = z.strictObject({
  name: nameSchema(80).optional(),
  memberIds: z.array(idSchema('user')).max(1000).optional(),
  inboxIds: z.array(idSchema('inbox')).max(200).optional(),
  expectedUpdatedAt: expectedSchema,
});
/** A team with its members and the inboxes it works. */
export type TeamDetail = { id: string; name: string; memberIds: string[]; inboxIds: string[]; createdAt: string; updatedAt: string };

export const roleCreateSchema = z.strictObject({
  name: nameSchema(60),
  permissions: z.array(permissionSchema).max(50),
});
export const roleUpdateSchema = z.strictObject({
  name: nameSchema(60).optional(),
  permissions: z.array(permissionSchema).max(50).optional(),
  expectedUpdatedAt: expectedSchema,
});
/** A custom role: its stored permissions (as saved, without the implied ones) and how many members hold it. */
export type CustomRole = { id: string; name: string; permissions: Permission[]; memberCount: number; createdAt: string; updatedAt: string };
/** `GET /api/settings/roles`: the built-in roles with their permissions, and the custom roles. */
export type RolesList = { builtin: { role: BuiltinRole; permissions: Permission[] }[]; custom: CustomRole[] };

/** Path parameters of the settings routes. */
export const userParamSchema = z.strictObject({ userId: idSchema('user') });
export const teamParamSchema = z.strictObject({ teamId: idSchema('team') });
export const roleParamSchema = z.strictObject({ roleId: idSchema('role') });

/** Sent to a socket whose role, permissions, teams or team inboxes changed: reload what is on screen. */
export type AccessChangedEvent = { role: MemberRole; roleId: string | null; permissions: Permission[] };
/** Sent to a socket that could see a ticket and no longer can (reassigned, moved to another team): drop it. */
export type TicketRemovedEvent = { ticketId: string };
