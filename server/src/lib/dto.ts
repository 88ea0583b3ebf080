import type { Activity, Contact, Conversation, Message, Ticket, TicketPatch } from '@support/protocol';
import { toWire, toWireOrNull } from '../db/ids.js';

type R = Record<string, any>;

/** Dates come back as Date from the drivers and as strings from row_to_json; both become ISO. */
export function iso(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return new Date(v as string).toISOString();
}
const isoOrNull = (v: unknown): string | null => (v == null ? null : iso(v));

/** An author or actor id on the wire: an agent (`usr_`), a contact (`ct_`), or for the system the automation rule that acted (`aur_`). */
const authorWire = (type: string, id: string | null): string | null =>
  id == null ? null : type === 'agent' ? toWire('user', id) : type === 'contact' ? toWire('contact', id) : toWire('automationRule', id);

/** A messages row (snake_case) → wire message. `authorName` comes from a join or the caller. */
export function messageDto(r: R, authorName: string | null = r.author_name ?? null): Message {
  return {
    id: toWire('message', r.id),
    ticketId: toWire('ticket', r.ticket_id),
    conversationId: toWire('conversation', r.conversation_id),
    seq: Number(r.seq),
    authorType: r.author_type,
    authorId: authorWire(r.author_type, r.author_id),
    authorName,
    body: r.body,
    html: r.body_html ?? null,
    visibility: r.visibility,
    clientMessageId: r.client_message_id ?? null,
    email: r.email ?? null,
    attachments: r.attachments ?? [],
    createdAt: iso(r.created_at),
  };
}

export function ticketPatchDto(r: R): TicketPatch {
  return {
    id: toWire('ticket', r.id),
    status: r.status,
    updatedAt: iso(r.updated_at),
    lastMessageAt: isoOrNull(r.last_message_at),
    lastMessagePreview: r.last_message_preview ?? null,
    firstResponseAt: isoOrNull(r.first_response_at),
    resolvedAt: isoOrNull(r.resolved_at),
  };
}

/** A tickets row joined with requester_name, requester_email, channel and tags → wire ticket. */
export function ticketDto(r: R): Ticket {
  return {
    ...ticketPatchDto(r),
    number: Number(r.number),
    subject: r.subject,
    priority: r.priority,
    channel: r.channel,
    inboxId: toWire('inbox', r.inbox_id),
    requester: { id: toWire('contact', r.requester_id), name: r.requester_name ?? null, email: r.requester_email ?? null },
    assigneeId: toWireOrNull('user', r.assignee_id),
    teamId: toWireOrNull('team', r.team_id),
    tags: r.tags ?? [],
    createdAt: iso(r.created_at),
    closedAt: isoOrNull(r.closed_at),
    sla: r.sla_due_at
      ? { metric: r.sla_metric, dueAt: iso(r.sla_due_at), warnAt: isoOrNull(r.sla_warn_at), breached: Boolean(r.sla_breached) }
      : null,
  };
}

export function activityDto(r: R): Activity {
  return {
    id: toWire('activity', r.id),
    ticketId: toWire('ticket', r.ticket_id),
    kind: r.kind,
    actorType: r.actor_type,
    actorId: authorWire(r.actor_type, r.actor_id),
    oldValue: r.old_value ?? null,
    newValue: r.new_value ?? null,
    createdAt: iso(r.created_at),
  };
}

export function contactDto(r: R): Contact {
  return {
    id: toWire('contact', r.id),
    name: r.name ?? null,
    email: r.email ?? null,
    externalRef: r.external_ref ?? null,
    attributes: r.attributes ?? {},
    createdAt: iso(r.created_at),
  };
}

export function conversationDto(r: R): Conversation {
  return {
    id: toWire('conversation', r.id),
    ticketId: toWire('ticket', r.ticket_id),
    channel: r.channel,
    lastSeq: Number(r.last_seq),
    contactLastReadSeq: Number(r.contact_last_read_seq),
    agentLastReadSeq: Number(r.agent_last_read_seq),
    createdAt: iso(r.created_at),
  };
}
