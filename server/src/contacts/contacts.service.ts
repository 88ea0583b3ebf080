import { sql } from 'drizzle-orm';
import type { ContactDetail } from '@support/protocol';
import { notFound } from '../http/errors.js';
import type { ServiceContext } from '../lib/context.js';
import { contactDto, ticketDto } from '../lib/dto.js';
import { ticketSelect } from '../tickets/tickets.queries.js';
import { visibleTicketSql, type Viewer } from '../tickets/visibility.js';
import type { Db, Tx } from '../db/client.js';
import { newId, toWire } from '../db/ids.js';

/** How many of a contact's tickets the sidebar shows. */
export const CONTACT_TICKETS_SHOWN = 20;

/**
 * A contact of the viewer's workspace with its attributes and its newest tickets (any status)
 * among those the viewer may see, for the inbox's contact sidebar. NOT_FOUND when the contact
 * is not in this workspace.
 */
export async function getContactDetail(ctx: ServiceContext, o: { viewer: Viewer; contactId: string }): Promise<ContactDetail> {
  const ws = o.viewer.workspaceId;
  const [contact] = await ctx.db.rows(sql`select * from contacts where id = ${o.contactId}::uuid and workspace_id = ${ws}::uuid`);
  if (!contact) throw notFound('contact');
  const tickets = await ctx.db.rows(sql`select ${ticketSelect}
    where t.workspace_id = ${ws}::uuid and t.requester_id = ${o.contactId}::uuid and ${visibleTicketSql(o.viewer)}
    order by t.created_at desc, t.id desc limit ${CONTACT_TICKETS_SHOWN}::int`);
  return { contact: contactDto(contact), tickets: tickets.map(ticketDto) };
}

export type ContactRow = { id: string; name: string | null; email: string | null; external_ref: string | null };

/** Locks and returns a contact of the workspace (inside a transaction), or null. */
export async function lockContact(tx: Tx, o: { workspaceId: string; contactId: string }): Promise<ContactRow | null> {
  const [c] = await tx.rows<ContactRow>(sql`select id, name, email, external_ref from contacts
    where id = ${o.contactId}::uuid and workspace_id = ${o.workspaceId}::uuid for update`);
  return c ?? null;
}

/**
 * The contact with this external id (the customer's own user id), created when missing.
 * Safe against a concurrent create of the same external id (the unique index decides).
 */
export async function contactByExternalRef(tx: Tx, o: { workspaceId: string; externalRef: string; now: Date }): Promise<ContactRow> {
  const find = () =>
    tx.rows<ContactRow>(sql`select id, name, email, external_ref from contacts
      where workspace_id = ${o.workspaceId}::uuid and external_ref = ${o.externalRef}`);
  const [found] = await find();
  if (found) return found;
  const [created] = await tx.rows<ContactRow>(sql`insert into contacts (id, workspace_id, external_ref, created_at, updated_at)
    values (${newId()}::uuid, ${o.workspaceId}::uuid, ${o.externalRef}, ${o.now}::timestamptz, ${o.now}::timestamptz)
    on conflict (workspace_id, external_ref) where external_ref is not null do nothing
    returning id, name, email, external_ref`);
  return created ?? (await find())[0]!;
}

/**
 * The durable `contact.updated` event of the contacts in CTE `c`, for the statement that
 * changes them (so the event commits with the change). `logEvent` false (EVENT_LOG_WRITES=off)
 * writes nothing.
 */
const contactEventSql = (now: Date, logEvent = true) => sql`
  insert into domain_events (workspace_id, name, payload, occurred_at)
  select c.workspace_id, 'contact.updated', jsonb_build_object('contactId', c.id), ${now}::timestamptz from c where ${logEvent}::boolean`;

/**
 * Sets the given profile fields (undefined = keep) and the external id when it is still unset;
 * logs `contact.updated` in the same statement.
 */
export async function updateContact(
  db: Db | Tx,
  o: { workspaceId: string; contactId: string; name?: string | undefined; email?: string | undefined; externalRef?: string; now: Date; logEvent?: boolean },
): Promise<ContactRow> {
  const [c] = await db.rows<ContactRow>(sql`with c as (
      update contacts set
        name = coalesce(${o.name ?? null}::text, name),
        email = coalesce(${o.email ?? null}::text, email),
        external_ref = coalesce(external_ref, ${o.externalRef ?? null}::text),
        updated_at = ${o.now}::timestamptz
      where id = ${o.contactId}::uuid and workspace_id = ${o.workspaceId}::uuid
      returning id, workspace_id, name, email, external_ref
    ), ev as (${contactEventSql(o.now, o.logEvent)})
    select id, name, email, external_ref from c`);
  return c!;
}

/** Publishes `contact.updated` with the contact as it is now; call after the change committed. */
export async function publishContactUpdated(ctx: ServiceContext, o: { workspaceId: string; contactId: string }): Promise<void> {
  const [row] = await ctx.db.rows(sql`select * from contacts where id = ${o.contactId}::uuid and workspace_id = ${o.workspaceId}::uuid`);
  if (row) ctx.bus.publish('contact.updated', { workspaceId: toWire('workspace', o.workspaceId), contact: contactDto(row) });
}

/** Merges `attributes` into the contact's attributes (a null value removes that key); logs `contact.updated` in the same statement. */
export async function mergeContactAttributes(
  db: Db | Tx,
  o: { workspaceId: string; contactId: string; attributes: Record<string, unknown>; now: Date; logEvent?: boolean },
): Promise<void> {
  await db.rows(sql`with c as (
      update contacts set attributes = jsonb_strip_nulls(attributes || ${JSON.stringify(o.attributes)}::jsonb),
        updated_at = ${o.now}::timestamptz
      where id = ${o.contactId}::uuid and workspace_id = ${o.workspaceId}::uuid
      returning id, workspace_id
    ), ev as (${contactEventSql(o.now, o.logEvent)})
    select 1 from c`);
}
