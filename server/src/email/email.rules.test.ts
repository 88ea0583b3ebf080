import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { v7 } from 'uuid';
import { stripQuotes, htmlQuoteStart } from './quotes.js';
import { replyToken, tokensIn, verifyReplyToken } from './reply-token.js';
import { htmlToText, sanitizeEmailHtml } from './sanitize.js';
import { basicAuthOk, checkMailgun, mailgunSignature } from './signatures.js';
import { replySubject } from './outbound.service.js';

describe('quote stripping rules', () => {
  it.each([
    ['Thanks!\n\nOn Mon, 4 Mar 2024 at 10:00, Bob <b@x.test> wrote:\n> hi', 'Thanks!'],
    ['Merci\n\nLe lun. 4 mars 2024 à 10:00, Bob <b@x.test> a écrit :\n> salut', 'Merci'],
    ['Danke\n\nAm 04.03.2024 um 10:00 schrieb Bob <b@x.test>:\n> hallo', 'Danke'],
    ['Yes\n\n-----Original Message-----\nFrom: Bob\nSent: Monday\n\nold', 'Yes'],
    ['Ok\n\nFrom: Bob <b@x.test>\nSent: Monday, March 4, 2024 10:00\nTo: Ann\nSubject: x\n\nold', 'Ok'],
    ['Ok\n\n*From:* Bob <b@x.test>\n*Date:* Monday\n*To:* Ann\n\nold', 'Ok'],
    ['See you\n-- \nBob\nCEO', 'See you'],
    ['Sure\n\nSent from my Android phone', 'Sure'],
    ['Sure\n\nGet Outlook for iOS', 'Sure'],
    ['Line one\n> quoted\nmy answer in between\n> more', 'Line one\n> quoted\nmy answer in between'],
  ])('%j → %j', (input, want) => {
    expect(stripQuotes(input).text).toBe(want);
    expect(stripQuotes(input).stripped).toBe(true);
  });

  it('keeps text that only mentions the words, and keeps everything when nothing new would be left', () => {
    expect(stripQuotes('From: the warehouse we heard nothing.\nPlease check.')).toEqual({ text: 'From: the warehouse we heard nothing.\nPlease check.', stripped: false });
    expect(stripQuotes('> only a quote\n> nothing else')).toEqual({ text: '> only a quote\n> nothing else', stripped: false });
    expect(stripQuotes('I wrote: hello\r\nthanks\r\n')).toEqual({ text: 'I wrote: hello\nthanks', stripped: false });
  });

  it('finds the first quote marker in HTML replies', () => {
    expect(htmlQuoteStart('<p>new</p><div class="gmail_quote">old</div>')).toBe(10);
    expect(htmlQuoteStart('<p>new</p><blockquote type="cite">x</blockquote>')).toBe(10);
    expect(htmlQuoteStart('<p>no quote</p>')).toBe(-1);
  });
});

describe('reply tokens', () => {
  const secret = 'inbox-secret';
  it('round-trips, has a fixed length, and survives case folding', () => {
    const ws = v7();
    const ticket = v7();
    const t = replyToken(secret, ws, ticket);
    expect(t).toHaveLength(50);
    expect(verifyReplyToken(secret, ws, t)).toBe(ticket);
    expect(verifyReplyToken(secret, ws, t.toUpperCase())).toBe(ticket);
    expect(tokensIn([`reply+${t}@acme.test`, 'other@x.test'])).toEqual([t]);
  });
  it('is bound to the workspace and the secret', () => {
    const ws = v7();
    const t = replyToken(secret, ws, v7());
    expect(verifyReplyToken(secret, v7(), t)).toBeNull();
    expect(verifyReplyToken('other-secret', ws, t)).toBeNull();
  });
  it('any single-character change is refused', () => {
    const ws = v7();
    const t = replyToken(secret, ws, v7());
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 49 }), fc.constantFrom(...'0123456789abcdefghjkmnpqrstvwxyz'), (i, c) => {
        fc.pre(t[i] !== c);
        expect(verifyReplyToken(secret, ws, t.slice(0, i) + c + t.slice(i + 1))).toBeNull();
      }),
    );
  });
});

describe('HTML sanitizing', () => {
  it('removes script, handlers, styles and dangerous URLs; parks remote images', () => {
    const out = sanitizeEmailHtml(
      '<style>a{}</style><p style="x" onmouseover="x()">hi<script>alert(1)</script></p><img src="https://t.test/p.gif" data-remote-src="javascript:alert(1)">' +
        '<img src="data:image/png;base64,AAAA"><a href="javascript:alert(1)">x</a><iframe src="https://e.test"></iframe><form><input></form><svg onload="x()"></svg>',
    );
    expect(out).toBe('<p>hi</p><img data-remote-src="https://t.test/p.gif" /><img /><a target="_blank" rel="noopener noreferrer nofollow">x</a>');
  });
  it('keeps only absolute http(s), mailto and tel links', () => {
    expect(sanitizeEmailHtml('<a href="/api/auth/logout">a</a><a href="https://x.test/">b</a><a href="mailto:a@b.test">c</a>')).toBe(
      '<a target="_blank" rel="noopener noreferrer nofollow">a</a><a href="https://x.test/" target="_blank" rel="noopener noreferrer nofollow">b</a>' +
        '<a href="mailto:a@b.test" target="_blank" rel="noopener noreferrer nofollow">c</a>',
    );
  });
  it('rewrites cid: images with the given resolver', () => {
    expect(sanitizeEmailHtml('<img src="cid:a@b">', (cid) => `/api/attachments/${cid}`)).toBe('<img src="/api/attachments/a@b" />');
  });
  it('turns HTML into text', () => {
    expect(htmlToText('<p>a &amp; b</p><div>c<br>d&#33;</div><style>x</style>')).toBe('a & b\nc\nd!');
  });
});

describe('webhook signatures', () => {
  const now = new Date('2024-03-05T12:00:00Z');
  const ts = String(now.getTime() / 1000);
  it('Mailgun: valid, wrong, stale, unsigned', () => {
    const sig = mailgunSignature('key', ts, 'tok');
    expect(checkMailgun({ signingKey: 'key', timestamp: ts, token: 'tok', signature: sig, now })).toEqual({ ok: true });
    expect(checkMailgun({ signingKey: 'key', timestamp: ts, token: 'tok2', signature: sig, now })).toEqual({ ok: false, reason: 'bad signature' });
    expect(checkMailgun({ signingKey: 'key', timestamp: ts, token: 'tok', signature: sig, now: new Date(now.getTime() + 301_000) })).toEqual({ ok: false, reason: 'stale' });
    expect(checkMailgun({ signingKey: null, timestamp: ts, token: 'tok', signature: sig, now })).toEqual({ ok: false, reason: 'unsigned' });
  });
  it('Basic auth', () => {
    const h = `Basic ${Buffer.from('u:p:with:colons').toString('base64')}`;
    expect(basicAuthOk(h, 'u', 'p:with:colons')).toBe(true);
    expect(basicAuthOk(h, 'u', 'p')).toBe(false);
    expect(basicAuthOk(h, null, null)).toBe(false);
    expect(basicAuthOk(undefined, 'u', 'p')).toBe(false);
  });
});

describe('reply subject', () => {
  it('adds Re: and the ticket number once', () => {
    expect(replySubject('Help', 7)).toBe('Re: Help [#7]');
    expect(replySubject('RE: Fwd: Re: Help [#7]', 7)).toBe('Re: Help [#7]');
    expect(replySubject('', 3)).toBe('Re: (no subject) [#3]');
  });
});
