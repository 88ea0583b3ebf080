import { call } from './api.js';
import { countsUnread } from './lib/ticket-list.js';
import type { InboxStore } from './store.js';

/**
 * Counts what list rows missed: when a live message skips seqs of a row's conversation
 * (events lost between nodes), reads that conversation from storage after the row's
 * `lastSeq` and adds the contact messages found to the row's unread count (none while the
 * agent is reading the ticket). One read per conversation at a time, read again when another
 * hole showed meanwhile; a failed read is left to the next reconnect or `sync`, which
 * reloads the list.
 */
export class ListGaps {
  /** Conversations being read; true when another hole showed meanwhile. */
  private readonly running = new Map<string, boolean>();

  constructor(
    private readonly store: InboxStore,
    /** Whether the agent is reading this ticket now (open and focused). */
    private readonly reading: (ticketId: string) => boolean,
  ) {}

  fill(ticketId: string, conversationId: string): void {
    if (this.running.has(conversationId)) return void this.running.set(conversationId, true);
    void this.run(ticketId, conversationId);
  }

  private async run(ticketId: string, conversationId: string): Promise<void> {
    try {
      do {
        this.running.set(conversationId, false);
        await this.pull(ticketId, conversationId);
      } while (this.running.get(conversationId));
    } catch {
      /* offline: the reconnect reloads the list */
    } finally {
      this.running.delete(conversationId);
    }
    this.store.changed();
  }

  private async pull(ticketId: string, conversationId: string): Promise<void> {
    const { list, socket } = this.store;
    for (;;) {
      const from = list.byId.get(ticketId);
      if (!socket || !from) return;
      const afterSeq = from.conversationId === conversationId ? from.lastSeq : 0;
      const page = await call(socket, 'messages:list', { conversationId, afterSeq, limit: 500 });
      // The row as it is now: live messages may have been counted while the page was read.
      const row = list.byId.get(ticketId);
      const last = page.messages.at(-1);
      if (!row || !last) return;
      const held = row.conversationId === conversationId ? row.lastSeq : 0;
      const missed = this.reading(ticketId) ? 0 : page.messages.filter((m) => m.seq > held && countsUnread(m)).length;
      list.patch(ticketId, { conversationId, lastSeq: Math.max(held, last.seq), unreadCount: row.unreadCount + missed });
      if (!page.hasMore) return;
    }
  }
}
