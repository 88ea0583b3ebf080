import type { Message } from '@support/protocol';

/**
 * The messages a visitor holds, deduplicated by id and ordered by (conversation, seq):
 * conversation ids sort by creation time, and seq orders messages within one. Arrival
 * order never matters, so live events, history pages and retries merge into one list.
 */
export class Timeline {
  private byId = new Map<string, Message>();
  private sorted: Message[] | null = [];

  /** Adds messages; returns the ones that were new. */
  add(...messages: Message[]): Message[] {
    const added = messages.filter((m) => !this.byId.has(m.id));
    for (const m of added) this.byId.set(m.id, m);
    if (added.length) this.sorted = null;
    return added;
  }

  get items(): Message[] {
    this.sorted ??= [...this.byId.values()].sort((a, b) =>
      a.conversationId === b.conversationId ? a.seq - b.seq : a.conversationId < b.conversationId ? -1 : 1,
    );
    return this.sorted;
  }

  /** Highest seq held for a conversation (0 when none): where a catch-up starts. */
  lastSeq(conversationId: string): number {
    let max = 0;
    for (const m of this.byId.values()) if (m.conversationId === conversationId && m.seq > max) max = m.seq;
    return max;
  }

  hasClientId(clientMessageId: string): boolean {
    for (const m of this.byId.values()) if (m.clientMessageId === clientMessageId) return true;
    return false;
  }

  clear(): void {
    this.byId.clear();
    this.sorted = [];
  }
}

/** Messages grouped by local calendar day, for day separators. */
export function byDay(messages: Message[]): { day: string; messages: Message[] }[] {
  const groups: { day: string; messages: Message[] }[] = [];
  for (const m of messages) {
    const day = new Date(m.createdAt).toDateString();
    const g = groups[groups.length - 1];
    if (g && g.day === day) g.messages.push(m);
    else groups.push({ day, messages: [m] });
  }
  return groups;
}

/** "Today", "Yesterday" or the date, for a `toDateString()` day key. */
export function dayLabel(day: string, now: Date): string {
  if (day === now.toDateString()) return 'Today';
  if (day === new Date(now.getTime() - 86_400_000).toDateString()) return 'Yesterday';
  return new Date(day).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });
}

/** Agent messages of the conversation after the visitor's read marker. */
export function unreadCount(messages: Message[], conversationId: string | null, readSeq: number): number {
  return messages.filter((m) => m.conversationId === conversationId && m.authorType !== 'contact' && m.seq > readSeq).length;
}
