import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Activity, Message, TicketListItem } from '@support/protocol';
import { AutoAway } from '../../inbox/src/lib/auto-away.js';
import { buildTimeline, MessageSet, timeSince } from '../../inbox/src/lib/thread.js';
import { matches, rowStep, TicketList } from '../../inbox/src/lib/ticket-list.js';
import { message } from '../support/message-fixture.js';

const msg = (seq: number, o: Partial<Message> = {}): Message =>
  message('cnv_1', seq, {
    id: `msg_${String(seq).padStart(26, '0')}`,
    ticketId: 'tkt_1',
    authorType: 'contact',
    authorId: 'ct_1',
    createdAt: new Date(Date.UTC(2025, 0, 1, 10, seq)).toISOString(),
    ...o,
  });

const ticket = (n: number, o: Partial<TicketListItem> = {}): TicketListItem => ({
  id: `tkt_${String(n).padStart(26, '0')}`,
  status: 'open',
  updatedAt: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
  lastMessageAt: null,
  lastMessagePreview: null,
  firstResponseAt: null,
  resolvedAt: null,
  number: n,
  subject: `Subject ${n}`,
  priority: 'normal',
  channel: 'chat',
  inboxId: 'inb_1',
  requester: { id: 'ct_1', name: `Name ${n}`, email: `c${n}@example.test` },
  assigneeId: null,
  teamId: null,
  tags: [],
  createdAt: new Date(Date.UTC(2025, 0, 1)).toISOString(),
  closedAt: null,
  sla: null,
  conversationId: null,
  lastSeq: 0,
  unreadCount: 0,
  ...o,
});

describe('AutoAway (injected clock, no sleeping)', () => {
  it('goes away after the idle time, comes back on activity, and keeps a chosen away', () => {
    let now = 0;
    const a = new AutoAway(() => now, 1000);
    expect(a.tick()).toBeNull();
    now = 999;
    expect(a.tick()).toBeNull();
    now = 1000;
    expect(a.tick()).toBe('away');
    expect(a.tick()).toBeNull(); // once
    expect(a.activity()).toBe('online');
    expect(a.activity()).toBeNull();
    now = 1500;
    expect(a.tick()).toBeNull(); // activity at 1000 reset the clock
    a.choose('away');
    now = 10_000;
    expect(a.activity()).toBeNull(); // a chosen away stays away
    expect(a.tick()).toBeNull();
    a.choose('online');
    now = 11_000;
    expect(a.tick()).toBe('away');
  });
});

describe('MessageSet', () => {
  it('orders by seq and holds each message once, whatever the arrival order and repeats', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 80 }), (seqs) => {
        const set = new MessageSet(['cnv_1']);
        for (const s of seqs) set.add([msg(s)]);
        const want = [...new Set(seqs)].sort((a, b) => a - b);
        expect(set.list().map((m) => m.seq)).toEqual(want);
        expect(set.lastSeq('cnv_1')).toBe(want.at(-1) ?? 0);
      }),
    );
  });
  it('orders conversations oldest first', () => {
    const set = new MessageSet(['cnv_a', 'cnv_b']);
    set.add([msg(1, { id: 'msg_b1', conversationId: 'cnv_b' }), msg(5, { id: 'msg_a5', conversationId: 'cnv_a' })]);
    expect(set.list().map((m) => m.id)).toEqual(['msg_a5', 'msg_b1']);
  });
  it('never leaves a hole unreported: live messages lost, overtaken or repeated, with catch-ups from heldThrough', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ seq: fc.integer({ min: 1, max: 30 }), fetch: fc.boolean() }), { maxLength: 80 }), (ops) => {
        const set = new MessageSet(['cnv_1']);
        let reported = false;
        for (const op of ops) {
          reported = set.addLive(msg(op.seq)) || reported;
          const through = set.heldThrough('cnv_1');
          // Everything up to heldThrough is held; anything held above it was reported as a hole.
          for (let q = 1; q <= through; q++) expect(set.has(msg(q).id)).toBe(true);
          if (set.lastSeq('cnv_1') > through) expect(reported).toBe(true);
          if (op.fetch && reported) {
            // The read a hole causes: storage has every seq up to the highest that arrived.
            const top = set.lastSeq('cnv_1');
            set.add(Array.from({ length: top - through }, (_, i) => msg(through + 1 + i)));
            set.markComplete('cnv_1', top);
            reported = false;
          }
        }
        // Each seq held once, in order.
        const seqs = set.list().map((m) => m.seq);
        expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      }),
    );
  });
});

describe('rowStep (a live message against its list row)', () => {
  const row = ticket(1, { conversationId: 'cnv_1', lastSeq: 4, unreadCount: 2 });
  it('counts the next seq, skips one counted already, and reports a hole', () => {
    expect(rowStep(row, msg(5))).toBe('next');
    expect(rowStep(row, msg(4))).toBe('seen'); // re-published after a retry
    expect(rowStep(row, msg(2))).toBe('seen');
    expect(rowStep(row, msg(7))).toBe('hole');
  });
  it('starts a newer conversation from seq 0 and leaves older ones to plain counting', () => {
    expect(rowStep(row, msg(1, { conversationId: 'cnv_2' }))).toBe('next');
    expect(rowStep(row, msg(3, { conversationId: 'cnv_2' }))).toBe('hole');
    expect(rowStep(row, msg(9, { conversationId: 'cnv_0' }))).toBe('next');
    expect(rowStep(ticket(2), msg(1))).toBe('next'); // a row read before its first conversation
  });
});

describe('buildTimeline', () => {
  it('places activities by time between messages, with day separators, and leaves out "created"', () => {
    const act = (id: string, kind: Activity['kind'], at: string): Activity => ({
      id, ticketId: 'tkt_1', kind, actorType: 'agent', actorId: 'usr_1', oldValue: 'open', newValue: 'resolved', createdAt: at,
    });
    const m1 = msg(1, { createdAt: '2025-01-01T10:00:00.000Z' });
    const m2 = msg(2, { createdAt: '2025-01-02T10:00:00.000Z' });
    const items = buildTimeline([m1, m2], [act('act_c', 'created', '2025-01-01T09:59:00.000Z'), act('act_s', 'status_changed', '2025-01-01T11:00:00.000Z')], [], new Date('2025-01-02T12:00:00Z'));
    expect(items.map((i) => i.kind === 'day' ? `day:${i.label}` : i.key)).toEqual(['day:Yesterday', m1.id, 'act_s', 'day:Today', m2.id]);
  });
  it('says how long ago', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(timeSince('2025-01-01T11:59:30Z', now)).toBe('now');
    expect(timeSince('2025-01-01T11:55:00Z', now)).toBe('5m');
    expect(timeSince('2025-01-01T09:00:00Z', now)).toBe('3h');
    expect(timeSince('2024-12-30T12:00:00Z', now)).toBe('2d');
  });
});

describe('TicketList', () => {
  const filter = { view: 'all' as const, sort: 'updated' as const, status: 'open' as const, inboxId: null, q: '' };
  it('keeps rows newest first as live changes come in, and drops rows that leave the view', () => {
    const list = new TicketList(filter, 'usr_me');
    list.reset([ticket(3), ticket(1), ticket(2)]);
    expect(list.rows().map((t) => t.number)).toEqual([3, 2, 1]);
    list.upsert(ticket(1, { updatedAt: '2025-02-01T00:00:00.000Z' })); // a new message bumps it
    expect(list.rows().map((t) => t.number)).toEqual([1, 3, 2]);
    list.patch(ticket(3).id, { status: 'resolved' });
    expect(list.rows().map((t) => t.number)).toEqual([1, 2]);
    list.upsert(ticket(9)); // a new ticket, placed by its last activity
    expect(list.rows().map((t) => t.number)).toEqual([1, 9, 2]);
    expect(list.patch('tkt_unknown', { unreadCount: 1 })).toBe(false);
  });
  it('stays sorted and duplicate-free under any sequence of upserts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 0, max: 1000 }), fc.boolean()), { maxLength: 60 }), (ops) => {
        const list = new TicketList(filter, 'usr_me');
        for (const [n, minute, open] of ops)
          list.upsert(ticket(n, { updatedAt: new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString(), status: open ? 'open' : 'pending' }));
        const rows = list.rows();
        expect(new Set(rows.map((t) => t.id)).size).toBe(rows.length);
        expect(rows.every((t) => t.status === 'open')).toBe(true);
        for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.updatedAt >= rows[i]!.updatedAt).toBe(true);
      }),
    );
  });
  it('matches views, status, inbox and text as the server does', () => {
    const t = ticket(42, { assigneeId: 'usr_me', subject: 'Refund 50%' });
    expect(matches(t, { ...filter, view: 'mine' }, 'usr_me')).toBe(true);
    expect(matches(t, { ...filter, view: 'mine' }, 'usr_other')).toBe(false);
    expect(matches(t, { ...filter, view: 'unassigned' }, 'usr_me')).toBe(false);
    expect(matches(t, { ...filter, status: 'pending' }, 'usr_me')).toBe(false);
    expect(matches(t, { ...filter, inboxId: 'inb_2' }, 'usr_me')).toBe(false);
    for (const q of ['refund 50%', '#42', '42', 'name 42', 'C42@EXAMPLE']) expect(matches(t, { ...filter, q }, 'usr_me'), q).toBe(true);
    expect(matches(t, { ...filter, q: '43' }, 'usr_me')).toBe(false);
  });
});
