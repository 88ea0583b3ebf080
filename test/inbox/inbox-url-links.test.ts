import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_FILTER, readUrl, sameFilter, urlOf } from '../../inbox/src/lib/url-state.js';
import { linkParts } from '../../inbox/src/lib/linkify.js';
import type { ListFilter } from '../../inbox/src/lib/ticket-list.js';

const TKT = 'tkt_01m8064rczeartdzzs8eg5d8be';
const INB = 'inb_01m80efv9ae18vc8k1v0pq3s2z';
const at = (url: string) => {
  const u = new URL(url, 'http://x');
  return readUrl(u.pathname, u.search);
};

describe('inbox URL state', () => {
  it('leaves defaults out, and reads back what it wrote', () => {
    expect(urlOf(DEFAULT_FILTER, null)).toBe('/inbox/');
    expect(urlOf({ view: 'mine', sort: 'updated', status: null, inboxId: INB, q: ' refund #12 ' }, TKT)).toBe(`/inbox/t/${TKT}?view=mine&status=any&inbox=${INB}&q=refund+%2312`);
    expect(urlOf({ ...DEFAULT_FILTER, sort: 'sla' }, null)).toBe('/inbox/?sort=sla');
    const filter = fc.record<ListFilter>({
      view: fc.constantFrom('mine', 'unassigned', 'all'),
      sort: fc.constantFrom('updated', 'sla'),
      status: fc.constantFrom('open', 'pending', 'resolved', 'closed', null),
      inboxId: fc.constantFrom(null, INB),
      q: fc.string({ maxLength: 40 }).map((s) => s.trim()),
    });
    fc.assert(
      fc.property(filter, fc.constantFrom(null, TKT), (f, t) => {
        const back = at(urlOf(f, t));
        expect(back.ticketId).toBe(t);
        expect(sameFilter(back.filter, f)).toBe(true);
      }),
    );
  });

  it('falls back to the defaults on unknown values; a ticket path that is no ticket id is kept apart', () => {
    expect(at('/inbox/?view=everything&sort=random&status=weird&inbox=inb_x&q=' + 'a'.repeat(500))).toEqual({
      filter: { ...DEFAULT_FILTER, q: 'a'.repeat(200) },
      ticket: null,
      ticketId: null,
    });
    expect(at(`/inbox/t/${TKT}`)).toMatchObject({ ticket: TKT, ticketId: TKT });
    expect(at('/inbox/t/nonsense')).toMatchObject({ ticket: 'nonsense', ticketId: null });
    expect(at('/inbox/t/%E0%A4%A')).toMatchObject({ ticket: '%E0%A4%A', ticketId: null });
    expect(at('/inbox/settings')).toMatchObject({ ticket: null, ticketId: null });
  });
});

describe('linkParts (chat links)', () => {
  it('finds http, https, mailto links and bare addresses; the text is kept whole', () => {
    const text = 'See https://a.example/x?y=1, (http://b.example/p) or mail bob@example.com / mailto:x@y.example!';
    const parts = linkParts(text);
    expect(parts.map((p) => p.text).join('')).toBe(text);
    expect(parts.filter((p) => p.href).map((p) => [p.text, p.href])).toEqual([
      ['https://a.example/x?y=1', 'https://a.example/x?y=1'],
      ['http://b.example/p', 'http://b.example/p'],
      ['bob@example.com', 'mailto:bob@example.com'],
      ['mailto:x@y.example', 'mailto:x@y.example'],
    ]);
  });

  it('turns no other scheme, and nothing without one, into a link', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://x.example/f', '//x.example/y', 'vbscript:x', 'example.com and file.py', 'http://', 'no links here'])
      expect(linkParts(text), text).toEqual([{ text }]);
  });

  it('any text: the parts join back to it, and every href is http(s) or mailto', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('https://a.example/p', 'x@y.example', 'javascript:alert(1)', ' ', 'text', '(', ')', '.', '<a href="', '">', 'mailto:', 'http://'), { maxLength: 12 }), (bits) => {
        const text = bits.join('');
        const parts = linkParts(text);
        expect(parts.map((p) => p.text).join('')).toBe(text);
        for (const p of parts) if (p.href) expect(p.href).toMatch(/^(https?:\/\/|mailto:)/);
      }),
    );
  });
});
