import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { byDay, dayLabel, Timeline, unreadCount } from './timeline.js';
import { message } from '../../../test/support/message-fixture.js';

const msg = message;

describe('Timeline', () => {
  it('orders by conversation then seq and drops duplicates, whatever the arrival order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('cnv_a', 'cnv_b'), fc.integer({ min: 1, max: 30 })), { maxLength: 60 }), (pairs) => {
        const t = new Timeline();
        for (const [c, s] of pairs) t.add(msg(c, s));
        const keys = t.items.map((m) => `${m.conversationId}:${m.seq}`);
        const want = [...new Set(pairs.map(([c, s]) => `${c}:${String(s).padStart(2, '0')}`))].sort().map((k) => k.replace(/:0?/, ':'));
        expect(keys).toEqual(want);
      }),
    );
  });

  it('reports only new messages from add, and the last seq per conversation', () => {
    const t = new Timeline();
    expect(t.add(msg('cnv_a', 2), msg('cnv_a', 5))).toHaveLength(2);
    expect(t.add(msg('cnv_a', 5), msg('cnv_a', 3))).toEqual([msg('cnv_a', 3)]);
    expect(t.lastSeq('cnv_a')).toBe(5);
    expect(t.lastSeq('cnv_b')).toBe(0);
  });

  it('finds messages by clientMessageId', () => {
    const t = new Timeline();
    t.add(msg('cnv_a', 1, { clientMessageId: 'c1' }));
    expect(t.hasClientId('c1')).toBe(true);
    expect(t.hasClientId('c2')).toBe(false);
  });
});

describe('day grouping and unread', () => {
  it('groups consecutive messages by local day', () => {
    const a = msg('cnv_a', 1, { createdAt: '2026-01-02T10:00:00.000Z' });
    const b = msg('cnv_a', 2, { createdAt: '2026-01-02T10:05:00.000Z' });
    const c = msg('cnv_a', 3, { createdAt: '2026-01-05T10:00:00.000Z' });
    expect(byDay([a, b, c]).map((g) => g.messages.length)).toEqual([2, 1]);
  });

  it('labels today and yesterday', () => {
    const now = new Date(2026, 0, 5, 12);
    expect(dayLabel(now.toDateString(), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 0, 4, 1).toDateString(), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2025, 11, 1).toDateString(), now)).toContain('2025');
  });

  it('counts agent messages of the current conversation past the read marker', () => {
    const items = [msg('cnv_a', 1), msg('cnv_a', 2, { authorType: 'contact' }), msg('cnv_a', 4), msg('cnv_b', 9)];
    expect(unreadCount(items, 'cnv_a', 1)).toBe(1);
    expect(unreadCount(items, 'cnv_a', 0)).toBe(2);
    expect(unreadCount(items, null, 0)).toBe(0);
  });
});
