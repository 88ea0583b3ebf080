import type { Activity, EmailDelivery, Message } from '@support/protocol';

/** A message still on its way to the server (shown as "sending…"). */
export type PendingMessage = { clientMessageId: string; body: string; visibility: 'public' | 'internal'; createdAt: string; failed?: boolean; attachmentIds?: string[] };

export type TimelineItem =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'activity'; key: string; activity: Activity }
  | { kind: 'pending'; key: string; pending: PendingMessage };

/**
 * Messages kept in order and without duplicates: ordered by conversation (oldest first) then
 * `seq`, deduplicated by id, whatever order they arrive in (live events can overtake pages).
 * Per conversation it also knows the seq it holds everything through (`heldThrough`), so a
 * live message that skips seqs is seen as a hole, and a catch-up starts below the hole, not
 * after the highest seq held.
 */
export class MessageSet {
  private byId = new Map<string, Message>();
  private sorted: Message[] | null = [];
  /** `<conversation> <seq>` of every message held. */
  private readonly seqs = new Set<string>();
  private readonly through = new Map<string, number>();
  constructor(private conversationOrder: string[] = []) {}

  setConversations(ids: string[]): void {
    this.conversationOrder = ids;
    this.sorted = null;
  }

  /** Adds messages; returns how many were new. */
  add(messages: Iterable<Message>): number {
    let added = 0;
    for (const m of messages) {
      if (this.byId.has(m.id)) continue;
      this.byId.set(m.id, m);
      this.seqs.add(`${m.conversationId} ${m.seq}`);
      added++;
    }
    if (added) this.sorted = null;
    return added;
  }

  /**
   * Adds a live message (or an ack). Returns true when it leaves a hole: it is beyond the seq
   * after the one held through, and nothing held fills the seqs between (fetch them with
   * `messages:list { afterSeq: heldThrough }`).
   */
  addLive(m: Message): boolean {
    this.add([m]);
    let at = this.heldThrough(m.conversationId);
    if (m.seq <= at) return false;
    while (this.seqs.has(`${m.conversationId} ${at + 1}`)) at++;
    this.through.set(m.conversationId, at);
    return m.seq > at;
  }

  /**
   * The seq of a conversation up to which nothing is missing between the messages held: where
   * a catch-up reads from. 0 for a conversation never loaded.
   */
  heldThrough(conversationId: string): number {
    return this.through.get(conversationId) ?? 0;
  }

  /**
   * Storage answered for a conversation up to `seq` (a page read after `heldThrough`, or the
   * newest messages a ticket opened with): a message with a lower seq that is not held does
   * not exist. A seq is given out only after the one before it was committed, so a read that
   * returns `seq` has every message below it.
   */
  markComplete(conversationId: string, seq: number): void {
    if (seq > this.heldThrough(conversationId)) this.through.set(conversationId, seq);
  }

  /** The message with this id, if held. */
  get(id: string): Message | undefined {
    return this.byId.get(id);
  }

  /** Replaces a held message by a newer copy of itself (same id, conversation and seq); false when not held. */
  replace(m: Message): boolean {
    if (!this.byId.has(m.id)) return false;
    this.byId.set(m.id, m);
    this.sorted = null;
    return true;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The highest seq held for a conversation (0 when none). */
  lastSeq(conversationId: string): number {
    let max = 0;
    for (const m of this.byId.values()) if (m.conversationId === conversationId && m.seq > max) max = m.seq;
    return max;
  }

  list(): Message[] {
    if (!this.sorted) {
      const order = (c: string) => {
        const i = this.conversationOrder.indexOf(c);
        return i < 0 ? this.conversationOrder.length : i;
      };
      this.sorted = [...this.byId.values()].sort((a, b) => order(a.conversationId) - order(b.conversationId) || a.seq - b.seq);
    }
    return this.sorted;
  }
}

/**
 * `m` with its outbound email's `delivery` replaced, or null when that changes nothing: not an
 * email, or an older state (by `updatedAt`) than the one held, whatever order events come in.
 */
export function withDelivery(m: Message, delivery: EmailDelivery): Message | null {
  if (!m.email) return null;
  const held = m.email.delivery;
  if (held && (held.updatedAt > delivery.updatedAt || (held.updatedAt === delivery.updatedAt && held.attempts > delivery.attempts))) return null;
  return { ...m, email: { ...m.email, delivery } };
}

const dayKey = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
};

/** "Today", "Yesterday" or a date, in the browser's time zone. */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const start = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((start(now) - start(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return d.toLocaleDateString(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });
}

/**
 * The conversation timeline: messages in seq order with activities placed by time, a day
 * separator before the first item of each day, and pending sends at the end. The `created`
 * activity is left out (the first message says it).
 */
export function buildTimeline(messages: Message[], activities: Activity[], pending: PendingMessage[] = [], now = new Date()): TimelineItem[] {
  const acts = activities.filter((a) => a.kind !== 'created').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const out: TimelineItem[] = [];
  let lastDay = '';
  const push = (at: string, item: TimelineItem) => {
    const k = dayKey(at);
    if (k !== lastDay) {
      out.push({ kind: 'day', key: `day-${k}`, label: dayLabel(at, now) });
      lastDay = k;
    }
    out.push(item);
  };
  let ai = 0;
  for (const m of messages) {
    while (ai < acts.length && acts[ai]!.createdAt < m.createdAt) {
      const a = acts[ai++]!;
      push(a.createdAt, { kind: 'activity', key: a.id, activity: a });
    }
    push(m.createdAt, { kind: 'message', key: m.id, message: m });
  }
  for (; ai < acts.length; ai++) push(acts[ai]!.createdAt, { kind: 'activity', key: acts[ai]!.id, activity: acts[ai]! });
  for (const p of pending) push(p.createdAt, { kind: 'pending', key: `pending-${p.clientMessageId}`, pending: p });
  return out;
}

/** An email message in a first frame counts as this many items: it is taller, and its HTML is parsed. */
export const EMAIL_ITEM_WEIGHT = 4;

/**
 * The newest timeline items that fit `budget` (an item weighs 1, an email message
 * EMAIL_ITEM_WEIGHT): what a newly opened ticket renders first. `items` itself when all fit.
 */
export function newestWithin(items: TimelineItem[], budget: number): TimelineItem[] {
  let weight = 0;
  let i = items.length;
  for (; i > 0; i--) {
    const it = items[i - 1]!;
    weight += it.kind === 'message' && it.message.email ? EMAIL_ITEM_WEIGHT : 1;
    if (weight > budget) break;
  }
  return i === 0 ? items : items.slice(i);
}

/** "now", "5m", "3h", "2d": time since `iso`. */
export function timeSince(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return 'now';
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** "Pending" from "pending": a status or priority as a label. */
export const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
