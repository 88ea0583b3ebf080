import { z } from 'zod';
import type { Access } from './permissions.js';
import {
  loginSchema,
  memberUpdateSchema,
  roleCreateSchema,
  roleParamSchema,
  roleUpdateSchema,
  switchWorkspaceSchema,
  teamCreateSchema,
  teamParamSchema,
  teamUpdateSchema,
  userParamSchema,
  workspaceCreateSchema,
} from './access.js';
import {
  accountUpdateSchema,
  invitationAcceptSchema,
  invitationCreateSchema,
  invitationParamSchema,
  linkTokenBodySchema,
  passwordChangeSchema,
  passwordForgotSchema,
  passwordResetSchema,
} from './people.js';
import { auditExportQuerySchema, auditListQuerySchema, auditRetentionSchema } from './audit.js';
import { deadLetterBulkDeleteSchema, deadLetterListQuerySchema, deadLetterParamSchema } from './dead-letters.js';
import { emailInboxCreateSchema } from './email.js';
import { credentialRegenerateSchema, inboxCreateSchema, inboxDeleteQuerySchema, inboxParamSchema, inboxUpdateSchema } from './inboxes.js';
import { widgetConfigQuerySchema } from './widget.js';
import {
  calendarCreateSchema,
  calendarParamSchema,
  calendarUpdateSchema,
  slaComplianceQuerySchema,
  slaPolicyCreateSchema,
  slaPolicyOrderSchema,
  slaPolicyParamSchema,
  slaPolicyUpdateSchema,
} from './sla.js';
import {
  routingCapacityFieldsSchema,
  routingCapacityParamSchema,
  routingPolicyParamSchema,
  routingPolicyPutSchema,
  routingRuleCreateSchema,
  routingRuleOrderSchema,
  routingRuleParamSchema,
  routingRuleUpdateSchema,
  ticketRouteParamSchema,
} from './routing.js';
import {
  automationRuleCreateSchema,
  automationRuleOrderSchema,
  automationRuleParamSchema,
  automationRuleTestSchema,
  automationRuleUpdateSchema,
  automationRunsQuerySchema,
  macroBulkApplySchema,
  macroFieldsSchema,
  macroParamSchema,
  macroTicketParamSchema,
  macroUpdateSchema,
} from './automation.js';
import { cannedResponseFieldsSchema, cannedResponseListQuerySchema, cannedResponseParamSchema, cannedResponseUpdateSchema } from './canned.js';
import { notificationListQuerySchema, notificationReadSchema } from './notifications.js';
import { workspaceLogoParamSchema, workspaceLogoQuerySchema, workspaceUpdateSchema } from './workspace.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP route: method, Express path, what it needs (`public`: no session; `member`: any
 * active member of the session's workspace; else a permission), and the zod schemas of its
 * JSON body, query and path parameters (parsed after the permission check). `visitors`: a
 * visitor session token is accepted as well (the permission applies to agents only).
 */
export type RouteDecl = {
  method: HttpMethod;
  path: string;
  permission: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  visitors?: true;
  summary: string;
};

export const attachmentUploadQuerySchema = z.object({ filename: z.string().min(1, 'required query parameter') });

/**
 * Every HTTP route the server mounts, in one table: the server mounts routes only from it
 * (server/src/http/routes.ts) and the role matrix test walks it, and fails for any route
 * Express has that is not here.
 */
export const ROUTES = {
  health: { method: 'GET', path: '/healthz', permission: 'public', summary: 'liveness' },
  ready: { method: 'GET', path: '/readyz', permission: 'public', summary: 'readiness (database, Redis, not stopping)' },
  'widget.loader': { method: 'GET', path: '/widget.js', permission: 'public', summary: 'the widget loader script' },
  'widget.config': { method: 'GET', path: '/api/widget/config', permission: 'public', query: widgetConfigQuerySchema, summary: "an inbox's widget settings" },
  'auth.login': { method: 'POST', path: '/api/auth/login', permission: 'public', body: loginSchema, summary: 'log in to a workspace' },
  'auth.logout': { method: 'POST', path: '/api/auth/logout', permission: 'public', summary: 'end this session' },
  'auth.me': { method: 'GET', path: '/api/auth/me', permission: 'member', summary: 'the session: member, permissions, workspaces' },
  'auth.switch': { method: 'POST', path: '/api/auth/switch', permission: 'member', body: switchWorkspaceSchema, summary: 'a session for another workspace of this user' },
  'auth.invitation.preview': { method: 'POST', path: '/api/auth/invitation/preview', permission: 'public', body: linkTokenBodySchema, summary: 'what an invitation link joins' },
  'auth.invitation.accept': { method: 'POST', path: '/api/auth/invitation/accept', permission: 'public', body: invitationAcceptSchema, summary: 'accept an invitation and log in' },
  'auth.password.forgot': { method: 'POST', path: '/api/auth/password/forgot', permission: 'public', body: passwordForgotSchema, summary: 'mail a password-reset link (same answer for any address)' },
  'auth.password.check': { method: 'POST', path: '/api/auth/password/check', permission: 'public', body: linkTokenBodySchema, summary: 'whether a password-reset link can be used' },
  'auth.password.reset': { method: 'POST', path: '/api/auth/password/reset', permission: 'public', body: passwordResetSchema, summary: 'set a new password through a reset link' },
  'account.get': { method: 'GET', path: '/api/account', permission: 'member', summary: 'your account' },
  'account.update': { method: 'PATCH', path: '/api/account', permission: 'member', body: accountUpdateSchema, summary: 'your name, signature, notification preferences' },
  'account.password': { method: 'POST', path: '/api/account/password', permission: 'member', body: passwordChangeSchema, summary: 'change your password (other sessions end)' },
  'account.avatar.set': { method: 'PUT', path: '/api/account/avatar', permission: 'member', summary: 'upload your avatar (the body is the image)' },
  'account.avatar.delete': { method: 'DELETE', path: '/api/account/avatar', permission: 'member', summary: 'remove your avatar' },
  'avatars.get': { method: 'GET', path: '/api/avatars/:userId', permission: 'member', params: userParamSchema, summary: 'the avatar of a member of your workspace' },
  'workspaces.create': { method: 'POST', path: '/api/workspaces', permission: 'member', body: workspaceCreateSchema, summary: 'a new workspace (owners of any workspace)' },
  'workspaces.logo': { method: 'GET', path: '/api/workspaces/:workspaceId/logo/:logoId', permission: 'public', params: workspaceLogoParamSchema, summary: "a workspace's logo (the widget header shows it)" },
  'email.original': { method: 'GET', path: '/api/email/messages/:messageId/original', permission: 'tickets.read.mine', summary: 'the full original of an email message' },
  'email.raw': { method: 'GET', path: '/api/email/messages/:messageId/raw', permission: 'tickets.read.mine', summary: 'the RFC 822 source of an email message' },
  'email.inboxes.create': { method: 'POST', path: '/api/email/inboxes', permission: 'settings.inboxes', body: emailInboxCreateSchema, summary: 'a new email inbox' },
  'attachments.upload': { method: 'POST', path: '/api/attachments', permission: 'tickets.write', visitors: true, query: attachmentUploadQuerySchema, summary: 'upload a file to attach' },
  'attachments.get': { method: 'GET', path: '/api/attachments/:id', permission: 'tickets.read.mine', visitors: true, summary: 'download an attachment' },
  'settings.members.list': { method: 'GET', path: '/api/settings/members', permission: 'settings.people', summary: 'members of the workspace' },
  'settings.members.update': { method: 'PATCH', path: '/api/settings/members/:userId', permission: 'settings.people', params: userParamSchema, body: memberUpdateSchema, summary: "a member's role and teams" },
  'settings.members.deactivate': { method: 'POST', path: '/api/settings/members/:userId/deactivate', permission: 'settings.people', params: userParamSchema, summary: 'deactivate a member' },
  'settings.members.reactivate': { method: 'POST', path: '/api/settings/members/:userId/reactivate', permission: 'settings.people', params: userParamSchema, summary: 'reactivate a member' },
  'settings.invitations.list': { method: 'GET', path: '/api/settings/invitations', permission: 'settings.people', summary: 'pending invitations' },
  'settings.invitations.create': { method: 'POST', path: '/api/settings/invitations', permission: 'settings.people', body: invitationCreateSchema, summary: 'invite someone by email' },
  'settings.invitations.resend': { method: 'POST', path: '/api/settings/invitations/:invitationId/resend', permission: 'settings.people', params: invitationParamSchema, summary: 'a new link for a pending invitation (the old one stops working)' },
  'settings.invitations.revoke': { method: 'DELETE', path: '/api/settings/invitations/:invitationId', permission: 'settings.people', params: invitationParamSchema, summary: 'revoke a pending invitation' },
  'settings.teams.list': { method: 'GET', path: '/api/settings/teams', permission: 'settings.people', summary: 'teams with members and inboxes' },
  'settings.teams.create': { method: 'POST', path: '/api/settings/teams', permission: 'settings.people', body: teamCreateSchema, summary: 'a new team' },
  'settings.teams.update': { method: 'PATCH', path: '/api/settings/teams/:teamId', permission: 'settings.people', params: teamParamSchema, body: teamUpdateSchema, summary: "a team's name, members, inboxes" },
  'settings.teams.delete': { method: 'DELETE', path: '/api/settings/teams/:teamId', permission: 'settings.people', params: teamParamSchema, summary: 'delete a team' },
  'settings.roles.list': { method: 'GET', path: '/api/settings/roles', permission: 'settings.people', summary: 'built-in and custom roles' },
  'settings.roles.create': { method: 'POST', path: '/api/settings/roles', permission: 'settings.people', body: roleCreateSchema, summary: 'a new custom role' },
  'settings.roles.update': { method: 'PATCH', path: '/api/settings/roles/:roleId', permission: 'settings.people', params: roleParamSchema, body: roleUpdateSchema, summary: "a custom role's name, permissions" },
  'settings.roles.delete': { method: 'DELETE', path: '/api/settings/roles/:roleId', permission: 'settings.people', params: roleParamSchema, summary: 'delete a custom role no member holds' },
  'settings.inboxes.list': { method: 'GET', path: '/api/settings/inboxes', permission: 'settings.inboxes', summary: 'inboxes with channel, address and ticket count' },
  'settings.inboxes.create': { method: 'POST', path: '/api/settings/inboxes', permission: 'settings.inboxes', body: inboxCreateSchema, summary: 'a new chat or email inbox' },
  'settings.inboxes.get': { method: 'GET', path: '/api/settings/inboxes/:inboxId', permission: 'settings.inboxes', params: inboxParamSchema, summary: "an inbox's settings (secrets by their last four characters)" },
  'settings.inboxes.update': { method: 'PATCH', path: '/api/settings/inboxes/:inboxId', permission: 'settings.inboxes', params: inboxParamSchema, body: inboxUpdateSchema, summary: "an inbox's name, widget, origins, address, SMTP" },
  'settings.inboxes.delete': { method: 'DELETE', path: '/api/settings/inboxes/:inboxId', permission: 'settings.inboxes', params: inboxParamSchema, query: inboxDeleteQuerySchema, summary: 'delete an inbox, moving or deleting its tickets' },
  'settings.inboxes.secret.reveal': { method: 'POST', path: '/api/settings/inboxes/:inboxId/secret/reveal', permission: 'settings.inboxes', params: inboxParamSchema, summary: 'the identity-verification secret (audited)' },
  'settings.inboxes.secret.rotate': { method: 'POST', path: '/api/settings/inboxes/:inboxId/secret/rotate', permission: 'settings.inboxes', params: inboxParamSchema, summary: 'a new identity-verification secret (audited)' },
  'settings.inboxes.credentials.regenerate': { method: 'POST', path: '/api/settings/inboxes/:inboxId/credentials/regenerate', permission: 'settings.inboxes', params: inboxParamSchema, body: credentialRegenerateSchema, summary: 'a new webhook password (audited)' },
  'settings.inboxes.testMail': { method: 'POST', path: '/api/settings/inboxes/:inboxId/test-mail', permission: 'settings.inboxes', params: inboxParamSchema, summary: 'send a test mail to yourself (audited)' },
  'widget.preview': { method: 'GET', path: '/widget/preview', permission: 'public', summary: 'the widget preview page (settings, fed by postMessage)' },
  'settings.audit.list': { method: 'GET', path: '/api/settings/audit', permission: 'audit.read', query: auditListQuerySchema, summary: 'a page of audit events, filtered' },
  'settings.audit.export': { method: 'GET', path: '/api/settings/audit/export', permission: 'data.export', query: auditExportQuerySchema, summary: 'every matching audit event as JSONL or CSV (audited)' },
  'settings.audit.retention.get': { method: 'GET', path: '/api/settings/audit/retention', permission: 'audit.read', summary: 'days audit events are kept' },
  'settings.audit.retention.set': { method: 'PUT', path: '/api/settings/audit/retention', permission: 'settings.workspace', body: auditRetentionSchema, summary: 'set how long audit events are kept' },
  'settings.workspace.get': { method: 'GET', path: '/api/settings/workspace', permission: 'settings.workspace', summary: "the workspace's name, time zone, language, logo, audit retention" },
  'settings.workspace.update': { method: 'PATCH', path: '/api/settings/workspace', permission: 'settings.workspace', body: workspaceUpdateSchema, summary: "change the workspace's name, time zone, language, audit retention" },
  'settings.workspace.logo.set': { method: 'PUT', path: '/api/settings/workspace/logo', permission: 'settings.workspace', query: workspaceLogoQuerySchema, summary: "upload the workspace's logo (the body is the image)" },
  'settings.workspace.logo.delete': { method: 'DELETE', path: '/api/settings/workspace/logo', permission: 'settings.workspace', query: workspaceLogoQuerySchema, summary: "remove the workspace's logo" },
  'settings.deadLetters.list': { method: 'GET', path: '/api/settings/dead-letters', permission: 'settings.inboxes', query: deadLetterListQuerySchema, summary: 'a page of inbound mail that could not be taken in' },
  'settings.deadLetters.deleteMany': { method: 'POST', path: '/api/settings/dead-letters/delete', permission: 'settings.inboxes', body: deadLetterBulkDeleteSchema, summary: 'delete several dead letters' },
  'settings.deadLetters.get': { method: 'GET', path: '/api/settings/dead-letters/:deadLetterId', permission: 'settings.inboxes', params: deadLetterParamSchema, summary: 'a dead letter and its raw mail as text' },
  'settings.deadLetters.raw': { method: 'GET', path: '/api/settings/dead-letters/:deadLetterId/raw', permission: 'settings.inboxes', params: deadLetterParamSchema, summary: "a dead letter's raw mail, as a download" },
  'settings.deadLetters.reprocess': { method: 'POST', path: '/api/settings/dead-letters/:deadLetterId/reprocess', permission: 'settings.inboxes', params: deadLetterParamSchema, summary: 'take a dead letter in again (audited)' },
  'settings.deadLetters.delete': { method: 'DELETE', path: '/api/settings/dead-letters/:deadLetterId', permission: 'settings.inboxes', params: deadLetterParamSchema, summary: 'delete a dead letter (audited)' },
  'settings.calendars.list': { method: 'GET', path: '/api/settings/calendars', permission: 'settings.workflow', summary: 'business-hours calendars (the default first)' },
  'settings.calendars.create': { method: 'POST', path: '/api/settings/calendars', permission: 'settings.workflow', body: calendarCreateSchema, summary: 'a new calendar' },
  'settings.calendars.ics': { method: 'POST', path: '/api/settings/calendars/holidays/ics', permission: 'settings.workflow', summary: 'the holidays of an iCalendar file (the body, text/calendar); nothing is saved' },
  'settings.calendars.update': { method: 'PATCH', path: '/api/settings/calendars/:calendarId', permission: 'settings.workflow', params: calendarParamSchema, body: calendarUpdateSchema, summary: "a calendar's name, hours, holidays, or make it the default (open SLA clocks are re-planned)" },
  'settings.calendars.delete': { method: 'DELETE', path: '/api/settings/calendars/:calendarId', permission: 'settings.workflow', params: calendarParamSchema, summary: 'delete a calendar no policy uses' },
  'settings.slaPolicies.list': { method: 'GET', path: '/api/settings/sla-policies', permission: 'settings.workflow', summary: 'SLA policies in the order they are tried (the default last)' },
  'settings.slaPolicies.create': { method: 'POST', path: '/api/settings/sla-policies', permission: 'settings.workflow', body: slaPolicyCreateSchema, summary: 'a new SLA policy (tried before the default)' },
  'settings.slaPolicies.order': { method: 'PUT', path: '/api/settings/sla-policies/order', permission: 'settings.workflow', body: slaPolicyOrderSchema, summary: 'the order policies are tried in' },
  'settings.slaPolicies.update': { method: 'PATCH', path: '/api/settings/sla-policies/:policyId', permission: 'settings.workflow', params: slaPolicyParamSchema, body: slaPolicyUpdateSchema, summary: "a policy's conditions, targets, calendar, pausing, warning (open clocks are re-planned)" },
  'settings.slaPolicies.delete': { method: 'DELETE', path: '/api/settings/sla-policies/:policyId', permission: 'settings.workflow', params: slaPolicyParamSchema, summary: 'delete a policy (not the default)' },
  'sla.compliance': { method: 'GET', path: '/api/sla/compliance', permission: 'reports.read', query: slaComplianceQuerySchema, summary: 'share of SLA targets met per policy, team or agent over a date range' },
  'settings.routing.policies.list': { method: 'GET', path: '/api/settings/routing/policies', permission: 'settings.workflow', summary: 'routing policies of teams and inboxes' },
  'settings.routing.policies.put': { method: 'PUT', path: '/api/settings/routing/policies', permission: 'settings.workflow', body: routingPolicyPutSchema, summary: "create or replace a team's or an inbox's routing policy (its queue is drained)" },
  'settings.routing.policies.delete': { method: 'DELETE', path: '/api/settings/routing/policies/:policyId', permission: 'settings.workflow', params: routingPolicyParamSchema, summary: 'delete a routing policy (its tickets are then assigned by hand)' },
  'settings.routing.capacities.list': { method: 'GET', path: '/api/settings/routing/capacities', permission: 'settings.workflow', summary: "members' capacity overrides (null: the team default)" },
  'settings.routing.capacities.put': { method: 'PUT', path: '/api/settings/routing/capacities/:userId', permission: 'settings.workflow', params: routingCapacityParamSchema, body: routingCapacityFieldsSchema, summary: "set a member's chat and email capacity (null: the team default); queues drain" },
  'settings.routing.rules.list': { method: 'GET', path: '/api/settings/routing/rules', permission: 'settings.workflow', summary: 'routing rules in the order they are tried' },
  'settings.routing.rules.create': { method: 'POST', path: '/api/settings/routing/rules', permission: 'settings.workflow', body: routingRuleCreateSchema, summary: 'a new routing rule (tried last)' },
  'settings.routing.rules.order': { method: 'PUT', path: '/api/settings/routing/rules/order', permission: 'settings.workflow', body: routingRuleOrderSchema, summary: 'the order rules are tried in' },
  'settings.routing.rules.update': { method: 'PATCH', path: '/api/settings/routing/rules/:ruleId', permission: 'settings.workflow', params: routingRuleParamSchema, body: routingRuleUpdateSchema, summary: "a rule's name, conditions, actions or switch" },
  'settings.routing.rules.delete': { method: 'DELETE', path: '/api/settings/routing/rules/:ruleId', permission: 'settings.workflow', params: routingRuleParamSchema, summary: 'delete a routing rule' },
  'routing.queue': { method: 'GET', path: '/api/routing/queue', permission: 'reports.read', summary: 'each routing queue: length and oldest wait' },
  'tickets.route': { method: 'POST', path: '/api/tickets/:ticketId/route', permission: 'tickets.assign', params: ticketRouteParamSchema, summary: 'run the routing rules and policy for a ticket now (explained in its timeline)' },
  'settings.automation.rules.list': { method: 'GET', path: '/api/settings/automation/rules', permission: 'settings.workflow', summary: 'automation rules in the order they run, with run counts' },
  'settings.automation.rules.create': { method: 'POST', path: '/api/settings/automation/rules', permission: 'settings.workflow', body: automationRuleCreateSchema, summary: 'a new automation rule (runs last)' },
  'settings.automation.rules.order': { method: 'PUT', path: '/api/settings/automation/rules/order', permission: 'settings.workflow', body: automationRuleOrderSchema, summary: 'the order rules run in' },
  'settings.automation.rules.test': { method: 'POST', path: '/api/settings/automation/rules/test', permission: 'settings.workflow', body: automationRuleTestSchema, summary: 'what a rule would do on a ticket, changing nothing' },
  'settings.automation.rules.update': { method: 'PATCH', path: '/api/settings/automation/rules/:ruleId', permission: 'settings.workflow', params: automationRuleParamSchema, body: automationRuleUpdateSchema, summary: "a rule's name, trigger, events, conditions, actions or switch" },
  'settings.automation.rules.delete': { method: 'DELETE', path: '/api/settings/automation/rules/:ruleId', permission: 'settings.workflow', params: automationRuleParamSchema, summary: 'delete an automation rule (its runs stay in the log)' },
  'settings.automation.runs': { method: 'GET', path: '/api/settings/automation/runs', permission: 'settings.workflow', query: automationRunsQuerySchema, summary: 'the run log: each rule run with the conditions it checked and what each action did, newest first' },
  'macros.list': { method: 'GET', path: '/api/macros', permission: 'tickets.write', summary: "the macros the member may apply: their own, their teams', the workspace's" },
  'macros.create': { method: 'POST', path: '/api/macros', permission: 'tickets.write', body: macroFieldsSchema, summary: 'a new macro (team or workspace sharing needs settings.workflow)' },
  'macros.update': { method: 'PATCH', path: '/api/macros/:macroId', permission: 'tickets.write', params: macroParamSchema, body: macroUpdateSchema, summary: 'change a macro (their own, or any with settings.workflow)' },
  'macros.delete': { method: 'DELETE', path: '/api/macros/:macroId', permission: 'tickets.write', params: macroParamSchema, summary: 'delete a macro (their own, or any with settings.workflow)' },
  'macros.preview': { method: 'POST', path: '/api/tickets/:ticketId/macros/:macroId/preview', permission: 'tickets.write', params: macroTicketParamSchema, summary: 'what a macro would change on a ticket, changing nothing' },
  'macros.apply': { method: 'POST', path: '/api/tickets/:ticketId/macros/:macroId/apply', permission: 'tickets.write', params: macroTicketParamSchema, summary: "apply a macro's actions to a ticket" },
  'macros.applyBulk': { method: 'POST', path: '/api/macros/:macroId/apply', permission: 'tickets.write', params: macroParamSchema, body: macroBulkApplySchema, summary: 'apply a macro to many tickets, each reported on its own' },
  'canned.list': { method: 'GET', path: '/api/canned-responses', permission: 'tickets.write', query: cannedResponseListQuerySchema, summary: 'the canned responses the member sees, searched by short code, title, then body' },
  'canned.create': { method: 'POST', path: '/api/canned-responses', permission: 'tickets.write', body: cannedResponseFieldsSchema, summary: 'a new canned response (workspace sharing needs settings.workflow)' },
  'canned.update': { method: 'PATCH', path: '/api/canned-responses/:cannedResponseId', permission: 'tickets.write', params: cannedResponseParamSchema, body: cannedResponseUpdateSchema, summary: 'change a canned response (their own, or any with settings.workflow)' },
  'canned.delete': { method: 'DELETE', path: '/api/canned-responses/:cannedResponseId', permission: 'tickets.write', params: cannedResponseParamSchema, summary: 'delete a canned response (their own, or any with settings.workflow)' },
  'canned.use': { method: 'POST', path: '/api/canned-responses/:cannedResponseId/use', permission: 'tickets.write', params: cannedResponseParamSchema, summary: 'count a use; copies of its attachments as unsent uploads' },
  'notifications.list': { method: 'GET', path: '/api/notifications', permission: 'member', query: notificationListQuerySchema, summary: "the member's notifications, newest first, with the unread count" },
  'notifications.read': { method: 'POST', path: '/api/notifications/read', permission: 'member', body: notificationReadSchema, summary: 'mark notifications read' },
  'webhooks.email': { method: 'POST', path: '/webhooks/email/:inboxId', permission: 'public', summary: 'inbound mail (own authentication: Basic or signature)' },
  'inbox.app': { method: 'GET', path: '/inbox{/*path}', permission: 'public', summary: 'the agent inbox app (any deep link)' },
  'demo.page': { method: 'GET', path: '/', permission: 'public', summary: 'the demo page with the widget' },
  'demo.debug': { method: 'GET', path: '/debug', permission: 'public', summary: 'a raw client of the socket protocol' },
} as const satisfies Record<string, RouteDecl>;
export type RouteName = keyof typeof ROUTES;
