import { AppError } from '../http/errors.js';
import type { AgentIdentity } from '../agents/agents.service.js';

/** The permissions the audit routes need (keys of the protocol's permission catalogue). */
export type AuditPermission = 'audit.read' | 'data.export' | 'settings.workspace';

/**
 * Refuses (403 FORBIDDEN) an agent without `permission`. A stand-in until the permission
 * catalogue and its role table land (issue 13, "access"): for now owners and admins have
 * every one of these permissions and agents none; that work replaces this function.
 */
export function requirePermission(me: Pick<AgentIdentity, 'role'>, permission: AuditPermission): void {
  if (me.role !== 'owner' && me.role !== 'admin') throw new AppError('FORBIDDEN', `needs the ${permission} permission`);
}
