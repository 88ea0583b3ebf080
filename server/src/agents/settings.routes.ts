import type { Request } from 'express';
import { fromWire } from '../db/ids.js';
import type { RouteHandlers } from '../http/routes.js';
import type { ServiceContext } from '../lib/context.js';
import { auditRequest } from '../audit/audit.request.js';
import { deactivateMember, getMember, listMembers, reactivateMember, updateMember } from './members.service.js';
import { createRole, deleteRole, listRoles, updateRole } from './roles.service.js';
import { createTeamDetail, deleteTeam, listTeamDetails, updateTeam } from './teams.service.js';

type SettingsRoute =
  | 'settings.members.list' | 'settings.members.update' | 'settings.members.deactivate' | 'settings.members.reactivate'
  | 'settings.teams.list' | 'settings.teams.create' | 'settings.teams.update' | 'settings.teams.delete'
  | 'settings.roles.list' | 'settings.roles.create' | 'settings.roles.update' | 'settings.roles.delete';

const ids = (kind: 'user' | 'inbox' | 'team', list: string[] | undefined) => list?.map((i) => fromWire(kind, i));

/**
 * `/api/settings/members|teams|roles`: the People, Teams and Roles settings over the services
 * (members, teams, roles). Every route needs `settings.people` (declared in the protocol's
 * ROUTES); owner-only rules are the services'. Deactivate and reactivate answer the member.
 */
export function settingsRoutes(ctx: ServiceContext): Pick<RouteHandlers, SettingsRoute> {
  const actorOf = (me: { userId: string }) => ({ type: 'agent' as const, id: me.userId });
  const by = (me: { userId: string }, req: Request) => ({ actor: actorOf(me), request: auditRequest(req) });
  return {
    'settings.members.list': ({ me }) => listMembers(ctx, { workspaceId: me.workspaceId }),
    'settings.members.update': ({ me, params, body, req }) =>
      updateMember(ctx, {
        workspaceId: me.workspaceId,
        userId: fromWire('user', params.userId),
        actor: actorOf(me),
        role: body.role,
        roleId: body.roleId === undefined ? undefined : body.roleId && fromWire('role', body.roleId),
        teamIds: ids('team', body.teamIds),
        expectedUpdatedAt: body.expectedUpdatedAt,
        request: auditRequest(req),
      }),
    'settings.members.deactivate': async ({ me, params, req }) => {
      const o = { workspaceId: me.workspaceId, userId: fromWire('user', params.userId), actor: actorOf(me), request: auditRequest(req) };
      await deactivateMember(ctx, o);
      return getMember(ctx.db, o);
    },
    'settings.members.reactivate': async ({ me, params, req }) => {
      const o = { workspaceId: me.workspaceId, userId: fromWire('user', params.userId), actor: actorOf(me), request: auditRequest(req) };
      await reactivateMember(ctx, o);
      return getMember(ctx.db, o);
    },
    'settings.teams.list': ({ me }) => listTeamDetails(ctx, { workspaceId: me.workspaceId }),
    'settings.teams.create': async ({ me, req, res, body }) => {
      const team = await createTeamDetail(ctx, {
        workspaceId: me.workspaceId, name: body.name, memberIds: ids('user', body.memberIds)!, inboxIds: ids('inbox', body.inboxIds)!, ...by(me, req),
      });
      res.status(201);
      return team;
    },
    'settings.teams.update': ({ me, req, params, body }) =>
      updateTeam(ctx, {
        workspaceId: me.workspaceId,
        teamId: fromWire('team', params.teamId),
        name: body.name,
        memberIds: ids('user', body.memberIds),
        inboxIds: ids('inbox', body.inboxIds),
        expectedUpdatedAt: body.expectedUpdatedAt,
        ...by(me, req),
      }),
    'settings.teams.delete': async ({ me, req, params, res }) => {
      await deleteTeam(ctx, { workspaceId: me.workspaceId, teamId: fromWire('team', params.teamId), ...by(me, req) });
      res.status(204).end();
    },
    'settings.roles.list': ({ me }) => listRoles(ctx, { workspaceId: me.workspaceId }),
    'settings.roles.create': async ({ me, req, res, body }) => {
      const role = await createRole(ctx, { workspaceId: me.workspaceId, name: body.name, permissions: body.permissions, ...by(me, req) });
      res.status(201);
      return role;
    },
    'settings.roles.update': ({ me, req, params, body }) =>
      updateRole(ctx, {
        workspaceId: me.workspaceId, roleId: fromWire('role', params.roleId), name: body.name, permissions: body.permissions, expectedUpdatedAt: body.expectedUpdatedAt,
        ...by(me, req),
      }),
    'settings.roles.delete': async ({ me, req, params, res }) => {
      await deleteRole(ctx, { workspaceId: me.workspaceId, roleId: fromWire('role', params.roleId), ...by(me, req) });
      res.status(204).end();
    },
  };
}
