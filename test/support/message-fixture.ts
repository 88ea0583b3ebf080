import type { Message } from '@support/protocol';

/**
 * A public wire message for unit tests of the widget and the inbox: id from conversation and
 * seq, an agent's by default.
 */
export const message = (conversationId: string, seq: number, o: Partial<Message> = {}): Message => ({
  id: `msg_${conversationId}_${seq}`,
  ticketId: `tkt_${conversationId}`,
  conversationId,
  seq,
  authorType: 'agent',
  authorId: null,
  authorName: null,
  body: `m${seq}`,
  html: null,
  visibility: 'public',
  clientMessageId: null,
  email: null,
  attachments: [],
  createdAt: '2026-01-02T10:00:00.000Z',
  ...o,
});
