import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EmailDelivery, Message } from '@support/protocol';
import { deliveryText, formatSize, hasRemoteImages, isOwnAttachmentUrl } from '../../inbox/src/lib/email-html.js';
import { MessageSet, withDelivery } from '../../inbox/src/lib/thread.js';
import { splitForward } from '../../inbox/src/lib/email-forward.js';

const at = (min: number) => new Date(Date.UTC(2025, 0, 1, 10, min)).toISOString();
const delivery = (status: EmailDelivery['status'], min: number, o: Partial<EmailDelivery> = {}): EmailDelivery => ({
  status, attempts: 0, reason: null, nextAttemptAt: null, updatedAt: at(min), ...o,
});
const emailMsg = (d: EmailDelivery | null): Message => ({
  id: 'msg_00000000000000000000000001', ticketId: 'tkt_1', conversationId: 'cnv_1', seq: 1, authorType: 'agent', authorId: 'usr_1', authorName: 'Ana',
  body: 'Hello', html: null, visibility: 'public', clientMessageId: null, attachments: [], createdAt: at(0),
  email: { direction: 'out', messageId: 'x@acme.test', subject: 'Re: Hi', from: { name: null, address: 'support@acme.test' }, to: [], cc: [], stripped: false, hasOriginal: true, auto: false, delivery: d },
});

describe('inbox email logic', () => {
  it('says each delivery state the way the agent reads it', () => {
    const hhmm = (iso: string) => iso.slice(11, 16);
    expect(deliveryText(delivery('queued', 1), hhmm)).toBe('Sending…');
    expect(deliveryText(delivery('sending', 1), hhmm)).toBe('Sending…');
    expect(deliveryText(delivery('queued', 1, { attempts: 2, reason: '451 try again later', nextAttemptAt: at(9) }), hhmm)).toBe(
      'Sending… (attempt 2 failed: 451 try again later; next try 10:09)',
    );
    expect(deliveryText(delivery('sent', 1, { attempts: 1 }), hhmm)).toBe('Sent');
    expect(deliveryText(delivery('failed', 1, { reason: 'bounced: smtp; 550 no such user' }), hhmm)).toBe('Failed: bounced: smtp; 550 no such user');
    expect(deliveryText(delivery('not_sent', 1, { reason: 'no SMTP configured' }), hhmm)).toBe('Not sent: no SMTP configured');
  });

  it('splits a text body where a forwarded message starts (the server keeps it there)', () => {
    const forward = 'Begin forwarded message:\n\nFrom: Dan <dan@customer.test>\nSubject: Zipper\n\nIt broke.';
    expect(splitForward(`Please handle this.\n\n${forward}`)).toEqual({ note: 'Please handle this.', forward });
    expect(splitForward(forward)).toEqual({ note: '', forward });
    expect(splitForward('No forward here.\n> quoted')).toBeNull();
  });

  it('sizes, own attachment URLs and remote images', () => {
    expect([0, 1023, 1024, 1536, 10 * 1024 * 1024].map(formatSize)).toEqual(['0 B', '1023 B', '1.0 KB', '1.5 KB', '10.0 MB']);
    expect(isOwnAttachmentUrl('/api/attachments/att_01hzzzzzzzzzzzzzzzzzzzzzzz')).toBe(true);
    for (const u of ['https://evil.test/api/attachments/att_1', '//evil.test/api/attachments/att_1', '/api/attachments/att_1/../../auth/logout', '/api/attachments/att_1?x=1', 'javascript:1'])
      expect(isOwnAttachmentUrl(u)).toBe(false);
    expect(hasRemoteImages('<img data-remote-src="https://t.test/p.gif">')).toBe(true);
    expect(hasRemoteImages('<img data-remote-src="http://t.test/p.gif">')).toBe(true);
    expect(hasRemoteImages('<img data-remote-src="javascript:alert(1)">')).toBe(false);
    expect(hasRemoteImages('<p>data-remote-src is a word here</p>')).toBe(false);
    expect(hasRemoteImages(null)).toBe(false);
  });

  it('delivery events in any order leave the newest state; chat messages are left alone', () => {
    const states = fc.constantFrom<EmailDelivery['status']>('queued', 'sent', 'failed', 'not_sent');
    fc.assert(
      fc.property(fc.uniqueArray(fc.record({ min: fc.integer({ min: 1, max: 500 }), status: states }), { selector: (x) => x.min, minLength: 1, maxLength: 12 }), (events) => {
        const set = new MessageSet(['cnv_1']);
        set.add([emailMsg(delivery('queued', 0))]);
        for (const e of events) {
          const next = withDelivery(set.get('msg_00000000000000000000000001')!, delivery(e.status, e.min));
          if (next) set.replace(next);
        }
        const newest = events.reduce((a, b) => (b.min > a.min ? b : a));
        expect(set.list()[0]!.email!.delivery).toEqual(delivery(newest.status, newest.min));
      }),
    );
    expect(withDelivery({ ...emailMsg(null), email: null }, delivery('sent', 1))).toBeNull();
    expect(withDelivery(emailMsg(null), delivery('sent', 1))!.email!.delivery!.status).toBe('sent');
  });
});
