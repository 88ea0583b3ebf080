import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { WidgetIdentity } from '@support/protocol';
import { toWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { safeEqual } from '../lib/tokens.js';
import { contactByExternalRef, lockContact, mergeContactAttributes, publishContactUpdated, updateContact } from '../contacts/contacts.service.js';
import { convDto, currentConversation, type Visitor } from './widget.service.js';

const IDENTIFY_LOCK = 0x5e_0003;

/** Hex HMAC-SHA256 of the external user id keyed with the inbox secret, as the customer's backend computes it. */
export const identityHash = (secret: string, externalId: string): string => createHmac('sha256', secret).update(externalId, 'utf8').digest('hex');

const hashMatches = (secret: string, externalId: string, hash: string): boolean => safeEqual(identityHash(secret, externalId), hash.toLowerCase());

/**
 * Identifies the visitor. With `id` and a valid `hash` the session is bound to the contact
 * with that external id (created when missing; the visitor's anonymous contact is adopted
 * when it has no external id yet, so what they wrote before logging in stays theirs). With
 * no `hash`, only `name` and `email` are set, on the visitor's own contact: an unverified
 * identify never reaches another contact. A wrong `hash` is FORBIDDEN and changes nothing.
 * Updates `v` in place (contact, name, current conversation).
 */
export async function identifyVisitor(
  ctx: ServiceContext,
  v: Visitor,
  o: { id?: string | undefined; hash?: string | undefined; name?: string | undefined; email?: string | undefined },
): Promise<WidgetIdentity> {
  const now = ctx.clock.now();
  const verifyId = o.hash ? o.id : undefined;
  if (verifyId) {
    const [inbox] = await ctx.db.rows<{ secret: string }>(sql`select secret from inboxes where id = ${v.inboxId}::uuid and workspace_id = ${v.workspaceId}::uuid`);
    if (!inbox || !hashMatches(inbox.secret, verifyId, o.hash!)) throw new AppError('FORBIDDEN', 'identity hash does not match this user id');
  }
  const { contact, verified } = await ctx.db.transaction(async (tx) => {
    const own = await lockContact(tx, { workspaceId: v.workspaceId, contactId: v.contactId });
    if (!own) throw new AppError('SESSION_INVALID', 'unknown session token; start a new session');
    const profile = { workspaceId: v.workspaceId, name: o.name, email: o.email, now, logEvent: ctx.config.EVENT_LOG_WRITES };
    if (!verifyId) return { contact: await updateContact(tx, { ...profile, contactId: own.id }), verified: own.external_ref !== null };
    if (own.external_ref === verifyId) return { contact: await updateContact(tx, { ...profile, contactId: own.id }), verified: true };
    // One identify of this external id at a time per workspace: two devices logging in at once
    // must end on one contact, not race to claim the id.
    await tx.rows(sql`select pg_advisory_xact_lock(hashtextextended(${`${v.workspaceId}:${verifyId}`}, ${IDENTIFY_LOCK}))`);
    const existing = await tx.rows<{ id: string }>(sql`select id from contacts
      where workspace_id = ${v.workspaceId}::uuid and external_ref = ${verifyId}`);
    const target =
      existing.length === 0 && own.external_ref === null
        ? own
        : await contactByExternalRef(tx, { workspaceId: v.workspaceId, externalRef: verifyId, now });
    const updated = await updateContact(tx, { ...profile, contactId: target.id, externalRef: verifyId });
    if (target.id !== own.id)
      await tx.rows(sql`update visitor_sessions set contact_id = ${target.id}::uuid where id = ${v.sessionId}::uuid`);
    return { contact: updated, verified: true };
  });
  await publishContactUpdated(ctx, { workspaceId: v.workspaceId, contactId: contact.id });
  v.contactId = contact.id;
  v.contactName = contact.name;
  const conv = await currentConversation(ctx, v);
  v.conversationId = conv?.id ?? null;
  v.ticketId = conv?.ticket_id ?? null;
  return {
    contactId: toWire('contact', contact.id),
    verified,
    name: contact.name,
    email: contact.email,
    conversation: conv ? convDto(conv) : null,
  };
}

/** Merges custom attributes into the visitor's contact (null removes a key); publishes `contact.updated`. */
export async function setVisitorAttributes(ctx: ServiceContext, v: Visitor, attributes: Record<string, unknown>): Promise<void> {
  await mergeContactAttributes(ctx.db, { workspaceId: v.workspaceId, contactId: v.contactId, attributes, now: ctx.clock.now(), logEvent: ctx.config.EVENT_LOG_WRITES });
  await publishContactUpdated(ctx, v);
}

/** Revokes the visitor's token: a later `session:start` with it is SESSION_INVALID. */
export async function endVisitorSession(ctx: ServiceContext, v: Visitor): Promise<void> {
  await ctx.db.rows(sql`delete from visitor_sessions where id = ${v.sessionId}::uuid and workspace_id = ${v.workspaceId}::uuid`);
}
