import type { Message, TicketStatus, WidgetConversation } from '@support/protocol';
import { Timeline, unreadCount } from '../lib/timeline.js';
import { laterRead, type ReadMark } from './visitor-store.js';

/**
 * What the visitor's widget knows of their conversations, without any I/O: the messages, the
 * current conversation (and whether its ticket was closed), which conversations belong to this
 * inbox, and the visitor's read marker. The chat client feeds it from the socket.
 */
export class ConversationState {
  readonly timeline = new Timeline();
  current: WidgetConversation | null = null;
  /** The current ticket was closed: the next message opens a new conversation. */
  closed = false;
  read: ReadMark;
  /**
   * Conversations of this inbox. The server sends live events only to the sockets of the
   * ticket's inbox; this is the second wall (an identified user may chat on two sites).
   */
  private readonly known = new Set<string>();
  /** Per conversation, the seq up to which the visitor holds every public message. */
  private readonly through = new Map<string, number>();

  constructor(read: ReadMark) {
    this.read = read;
  }

  /** Makes `c` current; the agents' read marker only moves forward within one conversation. */
  setCurrent(c: WidgetConversation | null): void {
    if (c) this.known.add(c.id);
    if (c && c.id !== this.current?.id) this.closed = false;
    const same = c && this.current?.id === c.id;
    this.current = same ? { ...c, agentLastReadSeq: Math.max(c.agentLastReadSeq, this.current!.agentLastReadSeq) } : c;
    if (c) this.read = laterRead(this.read, { conversationId: c.id, seq: c.contactLastReadSeq });
  }

  /**
   * The visitor's own acked message names a conversation of this inbox. A newer one than the
   * current (the first message, or the first after a close) becomes current; a retry of an
   * old message does not move the visitor back.
   */
  ownMessage(m: Message): void {
    this.known.add(m.conversationId);
    if (m.conversationId > (this.current?.id ?? ''))
      this.setCurrent({ id: m.conversationId, ticketId: m.ticketId, lastSeq: m.seq, contactLastReadSeq: 0, agentLastReadSeq: 0 });
  }

  /**
   * Adds messages (history pages read after `after(c)` as they are; live ones and acks only for
   * this inbox); returns the new ones, and whether a live one skipped seqs the visitor may not
   * hold (internal notes take seqs too, so a skip is a hole only until history says otherwise).
   */
  add(messages: Message[], live: boolean): { added: Message[]; hole: boolean } {
    const ours = live ? messages.filter((m) => this.known.has(m.conversationId)) : messages;
    let hole = false;
    for (const { conversationId: c, seq } of ours) {
      const at = this.after(c);
      this.known.add(c);
      if (!live || seq === at + 1) this.through.set(c, Math.max(at, seq));
      else hole ||= seq > at;
    }
    return { added: this.timeline.add(...ours), hole };
  }

  /** Where a catch-up of a conversation reads from: every public message up to it is held. */
  after(conversationId: string): number {
    return this.through.get(conversationId) ?? 0;
  }

  /** Another contact now: nothing of the previous one stays. */
  forget(): void {
    this.timeline.clear();
    this.known.clear();
    this.through.clear();
    this.current = null;
    this.closed = false;
  }

  /** The agents read up to `seq`; true when that changed the current conversation. */
  agentRead(conversationId: string, seq: number): boolean {
    if (this.current?.id !== conversationId || seq <= this.current.agentLastReadSeq) return false;
    this.current = { ...this.current, agentLastReadSeq: seq };
    return true;
  }

  /** A ticket's status changed; true when it concerns the current conversation. */
  ticketStatus(ticketId: string, status: TicketStatus): boolean {
    if (this.current?.ticketId !== ticketId) return false;
    this.closed = status === 'closed';
    return true;
  }

  /** Agent messages of the current conversation the visitor has not seen. */
  get unread(): number {
    const id = this.current?.id ?? null;
    return unreadCount(this.timeline.items, id, this.read.conversationId === id ? this.read.seq : 0);
  }

  /** Marks everything held in the current conversation as seen; returns the seq to report, or null. */
  markSeen(): number | null {
    const c = this.current;
    if (!c) return null;
    const next = laterRead(this.read, { conversationId: c.id, seq: this.timeline.lastSeq(c.id) });
    if (next === this.read) return null;
    this.read = next;
    return next.seq;
  }
}
