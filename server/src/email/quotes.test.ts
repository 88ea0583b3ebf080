import { describe, expect, it } from 'vitest';
import { forwardStart } from '@support/protocol';
import { htmlQuoteStart, stripQuotes } from './quotes.js';
import { visibleParts } from './inbound.service.js';

const REPLY = 'Thanks, the new label printed fine.';
/** A reply, the attribution (or separator / header block) under it, and the quoted text. */
const mail = (marker: string, quoted = '> Could you print the label again?\n> Regards, Ana') => `${REPLY}\n\n${marker}\n${quoted}`;
const stripsTo = (input: string, want: string) => {
  const r = stripQuotes(input);
  expect(r.text).toBe(want);
  expect(r.stripped).toBe(want !== input);
};

describe('stripQuotes: reply headers in the languages clients write them', () => {
  it.each([
    ['English (Gmail)', 'On Tue, 5 Mar 2024 at 09:12, Ana Silva <ana@shop.example> wrote:'],
    ['English, wrapped over three lines', 'On Tue, 5 Mar 2024 at 09:12, Ana Silva <\nana@shop.example>\nwrote:'],
    ['English (Apple, no address)', 'On 5 Mar 2024, at 09:12, Ana Silva wrote:'],
    ['English, no date, above a quote', 'On Tuesday, Ana wrote:', true],
    ['English, no colon, with the address', 'On Tue, 5 Mar 2024 09:12:00 +0100 Ana Silva <ana@shop.example> wrote'],
    ['Android rules', '---- Ana Silva wrote ----'],
    ['Zoho rules', '---- On Tue, 05 Mar 2024 09:12:00 +0100 ana@shop.example wrote ----'],
    ['French', 'Le mar. 5 mars 2024 à 09:12, Ana Silva <ana@shop.example> a écrit :'],
    ['German', 'Am Di., 5. März 2024 um 09:12 Uhr schrieb Ana Silva <ana@shop.example>:'],
    ['Spanish', 'El mar, 5 mar 2024 a las 9:12, Ana Silva (<ana@shop.example>) escribió:'],
    ['Portuguese', 'Em ter., 5 de mar. de 2024 às 09:12, Ana Silva <ana@shop.example> escreveu:'],
    ['Portuguese, wrapped', 'Em 5 de março de 2024 09:12:40, Ana Silva (\nana@shop.example) escreveu:'],
    ['Italian', 'Il giorno mar 5 mar 2024 alle ore 09:12 Ana Silva <ana@shop.example> ha scritto:'],
    ['Italian (In data)', 'In data 5 marzo 2024 09:12:31 "Ana Silva" <ana@shop.example> ha scritto:'],
    ['Dutch', 'Op di 5 mrt 2024 om 09:12 schreef Ana Silva <ana@shop.example>:'],
    ['Dutch (Apple)', 'Op 5 mrt. 2024, om 09:12 heeft Ana Silva <ana@shop.example> het volgende geschreven:'],
    ['Polish (Gmail)', 'wt., 5 mar 2024 o 09:12 Ana Silva <ana@shop.example> napisał(a):'],
    ['Polish (W dniu)', 'W dniu 5.03.2024 o 09:12, Ana Silva pisze:'],
    ['Swedish', 'Den tis 5 mars 2024 kl 09:12 skrev Ana Silva <ana@shop.example>:'],
    ['Norwegian', 'tir. 5. mar. 2024 kl. 09:12 skrev Ana Silva <ana@shop.example>:'],
    ['Danish', 'Den 5. mar. 2024 kl. 09.12 skrev Ana Silva <ana@shop.example>:'],
    ['Finnish', 'ti 5.3.2024 klo 9.12 Ana Silva (ana@shop.example) kirjoitti:'],
    ['Russian (Gmail, no verb)', 'вт, 5 мар. 2024 г. в 09:12, Ana Silva <ana@shop.example>:'],
    ['Russian (verb)', '5 марта 2024 г., в 09:12, Анна написала:'],
    ['Ukrainian', 'вт, 5 бер. 2024 р. о 09:12 Ana Silva <ana@shop.example> пише:'],
    ['Vietnamese', 'Vào Th 3, 5 thg 3, 2024 vào lúc 09:12 Ana Silva <ana@shop.example> đã viết:'],
    ['Czech', 'Dne út 5. 3. 2024 9:12 uživatel Ana Silva <ana@shop.example> napsal:'],
    ['Hungarian (Gmail)', 'Ana Silva <ana@shop.example> ezt írta (időpont: 2024. márc. 5., K, 9:12):'],
    ['Turkish', '5 Mar 2024 Sal, 09:12 tarihinde Ana Silva <ana@shop.example> şunu yazdı:'],
    ['Greek', 'Στις Τρί 5 Μαρ 2024 στις 09:12, ο/η Ana Silva <ana@shop.example> έγραψε:'],
    ['Japanese (Gmail, no verb)', '2024年3月5日(火) 9:12 Ana Silva <ana@shop.example>:'],
    ['Chinese (full-width colon)', 'Ana Silva <ana@shop.example> 于2024年3月5日周二 09:12写道：'],
    ['Korean', '2024년 3월 5일 (화) 오전 9:12, Ana Silva <ana@shop.example>님이 작성:'],
    ['date first, no verb (Gmail)', '2024-03-05 9:12 GMT+01:00 Ana Silva <ana@shop.example>:'],
  ])('%s', (_, attribution, onlyAboveQuote?: boolean) => {
    stripsTo(mail(attribution), REPLY);
    // Followed by unquoted text (Gmail in plain text, Outlook): the rest is the quote.
    const unquoted = mail(attribution, 'Could you print the label again?\nRegards, Ana');
    stripsTo(unquoted, onlyAboveQuote ? unquoted : REPLY);
  });

  it('an attribution glued to the end of the reply line is cut from there', () => {
    stripsTo('Sounds good On Tue, Mar 5, 2024 at 9:12 AM Ana Silva <ana@shop.example> wrote:\n> old', 'Sounds good');
    stripsTo('Sounds good--- On Tue, Mar 5, 2024 at 9:12 AM ana@shop.example wrote:\n> old', 'Sounds good');
  });
});

describe('stripQuotes: "Original Message" rules and Outlook header blocks', () => {
  it.each([
    '-----Original Message-----', '----- Original Message -----', '-----Ursprüngliche Nachricht-----', "-------- Message d'origine --------",
    '-------- Mensaje original --------', '-------- Messaggio originale --------', '-----Oorspronkelijk bericht-----', '---- Alkuperäinen viesti ----',
    '-------- Исходное сообщение --------', '-------- Oprindelig besked --------', '-------- Original message --------',
  ])('%s', (rule) => stripsTo(mail(rule, 'From: Ana\nSent: Tuesday\n\nCould you print the label again?'), REPLY));

  it.each([
    ['English', 'From: Ana Silva <ana@shop.example>\nSent: Tuesday, March 5, 2024 9:12 AM\nTo: Support <help@acme.example>\nSubject: RE: Label'],
    ['English, no address (Outlook desktop)', 'From: Ana Silva\nSent: Tuesday, March 5, 2024 9:12 AM\nTo: Support\nSubject: RE: Label'],
    ['English, bold, wrapped address', '*From:* Ana Silva [mailto:\nana@shop.example]\n*Sent:* Tuesday, March 5, 2024 9:12 AM\n*To:* help@acme.example\n*Subject:* Label'],
    ['German', 'Von: Ana Silva <ana@shop.example>\nGesendet: Dienstag, 5. März 2024 09:12\nAn: Support\nBetreff: AW: Etikett'],
    ['French', 'De : Ana Silva <ana@shop.example>\nEnvoyé : mardi 5 mars 2024 09:12\nÀ : Support\nObjet : RE: Étiquette'],
    ['Spanish', 'De: Ana Silva <ana@shop.example>\nEnviado el: martes, 5 de marzo de 2024 9:12\nPara: Soporte\nAsunto: RE: Etiqueta'],
    ['Portuguese', 'De: Ana Silva <ana@shop.example>\nEnviada em: terça-feira, 5 de março de 2024 09:12\nPara: Suporte\nAssunto: RE: Etiqueta'],
    ['Italian', 'Da: Ana Silva <ana@shop.example>\nInviato: martedì 5 marzo 2024 09:12\nA: Assistenza\nOggetto: R: Etichetta'],
    ['Dutch', 'Van: Ana Silva <ana@shop.example>\nVerzonden: dinsdag 5 maart 2024 09:12\nAan: Support\nOnderwerp: RE: Label'],
    ['Swedish', 'Från: Ana Silva <ana@shop.example>\nSkickat: den 5 mars 2024 09:12\nTill: Support\nÄmne: SV: Etikett'],
    ['Danish', 'Fra: Ana Silva <ana@shop.example>\nSendt: 5. marts 2024 09:12\nTil: Support\nEmne: SV: Etiket'],
    ['Finnish', 'Lähettäjä: Ana Silva <ana@shop.example>\nLähetetty: tiistai 5. maaliskuuta 2024 9.12\nVastaanottaja: Tuki\nAihe: VS: Tarra'],
    ['Polish', 'Od: Ana Silva <ana@shop.example>\nWysłano: wtorek, 5 marca 2024 09:12\nDo: Pomoc\nTemat: RE: Etykieta'],
    ['Russian', 'От: Ana Silva <ana@shop.example>\nОтправлено: 5 марта 2024 г. 9:12\nКому: Поддержка\nТема: RE: Этикетка'],
    ['Outlook web, under a rule', '________________________________\nFrom: Ana Silva <ana@shop.example>\nSent: Tuesday, March 5, 2024 9:12 AM\nTo: Support\nSubject: Re: Label'],
  ])('%s', (_, block) => stripsTo(mail(block, '\nCould you print the label again?'), REPLY));
});

describe('stripQuotes: where the reply is', () => {
  it('keeps a reply written below the quote, and text above and below one quote', () => {
    stripsTo('On Tue, 5 Mar 2024 at 09:12, Ana <ana@shop.example> wrote:\n> Could you print it?\n\nDone, it is in the box.', 'Done, it is in the box.');
    stripsTo(`${REPLY}\n\nOn Tue, 5 Mar 2024 at 09:12, Ana <ana@shop.example> wrote:\n> Could you print it?\n\nBest, Bo`, `${REPLY}\n\nBest, Bo`);
  });

  it('keeps replies written between quotes, with the quotes they answer; drops the quote after the last one', () => {
    const input = [
      'On Tue, 5 Mar 2024 at 09:12, Ana <ana@shop.example> wrote:', '> Which size?', '', 'Medium.', '', '> Which colour?', '', 'Blue, please.', '', '> Anything else?', '> Ana',
    ].join('\n');
    stripsTo(input, input.split('\n').slice(0, 8).join('\n'));
    stripsTo('Line one\n> quoted\nmy answer in between\n> more', 'Line one\n> quoted\nmy answer in between');
  });

  it('a quoted line wrapped by the client (its tail unquoted between quoted lines) is still the quote', () => {
    const long = '> Could you please print the shipping label for order 1234 again, the first one';
    stripsTo(`${REPLY}\n\nOn 5 Mar 2024, at 09:12, Ana wrote:\n${long}\nwas smudged.\n> Ana`, REPLY);
  });

  it('signatures, app footers and mailing-list footers end the reply', () => {
    stripsTo(`${REPLY}\n-- \nBo Berg\nAcme`, REPLY);
    for (const footer of ['Sent from my iPhone', 'Sent from my Galaxy S24 Ultra', 'Get Outlook for Android<https://aka.ms/AAb9ysg>', 'Envoyé de mon iPhone',
      'Von meinem iPhone gesendet', 'Enviado desde mi iPhone', 'Inviato da iPhone', 'Verstuurd vanaf mijn iPhone', 'Skickat från min iPhone', 'Sent with Spark'])
      stripsTo(`${REPLY}\n\n${footer}\n\nOn 5 Mar 2024, at 09:12, Ana wrote:\n> old`, REPLY);
    stripsTo(`${REPLY}\n\n__________\nacme-users mailing list\nhttps://lists.acme.example/`, REPLY);
  });

  it('keeps text that only looks like a marker', () => {
    for (const text of [
      'From: the warehouse we heard nothing.\nPlease check.',
      'On Monday we shipped the order.\nOn 5 March it arrived.',
      'I wrote: the address is wrong.\nPlease fix it.',
      'Sent from my desk, which is faster than my phone.',
      'Date: Friday 8 March\nTime: 10:00\nPlace: Main St 4',
      'Please book:\nDate: 12 May, 10:30\nFrom: Berlin\nTo: Paris\nSeats: 2',
      'See https://example.com/on-monday-someone-wrote-about-it for details.',
      'Notes:\n-- first point\n-- second point',
      'Agenda\n-----\n1. Labels\n2. Returns',
      '> only a quote\n> nothing else',
    ])
      expect(stripQuotes(text)).toEqual({ text, stripped: false });
    expect(stripQuotes('I wrote: hello\r\nthanks\r\n')).toEqual({ text: 'I wrote: hello\nthanks', stripped: false });
    // Blank lines above the text are not a cut (an HTML part stays shown whole).
    expect(stripQuotes('\n\nHello,\nthe parcel came.')).toEqual({ text: '\n\nHello,\nthe parcel came.', stripped: false });
  });
});

describe('stripQuotes: forwarded messages are kept, under the note', () => {
  const fwd = (marker: string) => `FYI, see below.\n\n${marker}\nFrom: Ana Silva <ana@shop.example>\nDate: Tue, 5 Mar 2024 at 09:12\nSubject: Label\nTo: Bo <bo@acme.example>\n\nThe label is smudged.\n\nOn Mon, 4 Mar 2024, Bo <bo@acme.example> wrote:\n> Here is your label.`;
  it.each([
    '---------- Forwarded message ---------', '-------- Forwarded Message --------', '---------- Message transféré ---------',
    '---------- Weitergeleitete Nachricht ---------', '---------- Mensaje reenviado ---------', 'Begin forwarded message:', 'Début du message réexpédié :',
    'Anfang der weitergeleiteten Nachricht:',
  ])('%s', (marker) => {
    expect(stripQuotes(fwd(marker))).toEqual({ text: fwd(marker), stripped: false });
    expect(forwardStart(fwd(marker).split('\n'))).toBe(2);
  });

  it('an Outlook forward (header block with "FW:") is kept; a signature above it goes', () => {
    const block = '________________________________\nFrom: Ana Silva <ana@shop.example>\nSent: Tuesday, March 5, 2024 9:12 AM\nTo: Bo\nSubject: FW: Label\n\nThe label is smudged.';
    stripsTo(`FYI\n-- \nBo Berg\n\n${block}`, `FYI\n\n${block}`);
    stripsTo(block, block);
  });

  it('a forward inside the quote goes with the quote', () => {
    stripsTo(`${REPLY}\n\n-----Original Message-----\nFrom: Ana\nSent: Tuesday\n\nFYI\n\n---------- Forwarded message ---------\nFrom: x@y.example\n\nold`, REPLY);
  });
});

describe('htmlQuoteStart', () => {
  it('finds the markers of Gmail, Thunderbird, Outlook, Yahoo and Zimbra', () => {
    for (const marker of ['<div class="gmail_quote gmail_quote_container">', '<div class="moz-cite-prefix">', '<div id="divRplyFwdMsg" dir="ltr">',
      '<div class="yahoo_quoted">', '<hr id="zwchr">', '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal">'])
      expect(htmlQuoteStart(`<p>new</p>${marker}old</div>`)).toBe(10);
    expect(htmlQuoteStart('<p>no quote</p><blockquote>a quotation of a poem</blockquote>')).toBe(-1);
  });

  it("takes Apple Mail's \"On …, X wrote:\" line (and the wrappers around it) with the blockquote", () => {
    const apple = '<div>Thanks!</div><div><br><div>On 5 Mar 2024, at 09:12, Ana Silva &lt;ana@shop.example&gt; wrote:</div><br class="Apple-interchange-newline"><blockquote type="cite"><div>old</div></blockquote></div>';
    expect(htmlQuoteStart(apple)).toBe(apple.indexOf('<div><br><div>On'));
    const ios = '<div dir="ltr">Thanks!</div><div dir="ltr"><br><blockquote type="cite">On 5 Mar 2024, at 09:12, Ana &lt;ana@shop.example&gt; wrote:<br><br></blockquote></div><blockquote type="cite">old</blockquote>';
    expect(htmlQuoteStart(ios)).toBe(ios.indexOf('<div dir="ltr"><br>'));
    const plain = '<p>Reply</p>\n<div>\n  On 11 Apr 2024, at 18:54, Bob &lt;bob@example.com&gt; wrote:\n</div>\n<blockquote><div>Test</div></blockquote>';
    expect(htmlQuoteStart(plain)).toBe(plain.indexOf('<div>'));
    // A blockquote of the reply's own, under text that is no attribution, stays.
    const poem = '<div>As the poet said:</div><blockquote type="cite">verse</blockquote>';
    expect(htmlQuoteStart(poem)).toBe(poem.indexOf('<blockquote'));
  });

  it('a blockquote with a reply below it or between quotes is left to the text part (-1), which keeps those replies', () => {
    const bottom = '<div class="moz-cite-prefix">On 5 Mar 2024 09:12, Ana wrote:<br></div><blockquote type="cite">Which size?</blockquote><p>Medium.</p>';
    expect(htmlQuoteStart(bottom)).toBe(-1);
    const between = '<div>On 5 Mar 2024, at 09:12, Ana &lt;ana@shop.example&gt; wrote:</div><blockquote type="cite">Which size?<blockquote>nested</blockquote></blockquote><div>Medium.</div><blockquote type="cite">Colour?</blockquote><div>Blue.</div><blockquote type="cite">Anything else?</blockquote>';
    expect(htmlQuoteStart(between)).toBe(-1);
    const text = 'On 5 Mar 2024, at 09:12, Ana <ana@shop.example> wrote:\n> Which size?\n\nMedium.\n\n> Colour?\n\nBlue.';
    const v = visibleParts({ text: `${text}\n\n> Anything else?`, html: between }, () => null);
    expect([v.html, v.body, v.stripped]).toEqual([null, text, true]);
    // Only markup after the quote: the quote is cut as usual.
    expect(htmlQuoteStart('<p>Medium.</p><blockquote type="cite">Which size?</blockquote><br></div>')).toBe(14);
  });

  it('a marker that opens a forwarded message is not a quote', () => {
    expect(htmlQuoteStart('<div dir="ltr">FYI<div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: Ana</div>body</div></div>')).toBe(-1);
    expect(htmlQuoteStart('<div>FYI</div><div><br><blockquote type="cite"><div>Begin forwarded message:</div><br><div><b>From: </b>Ana</div></blockquote></div>')).toBe(-1);
    expect(htmlQuoteStart('<p>FYI</p><div id="divRplyFwdMsg"><b>From:</b> Ana<br><b>Sent:</b> Tuesday<br><b>To:</b> Bo<br><b>Subject:</b> FW: Label</div>')).toBe(-1);
  });

  it('the inbox gets the Apple reply without its "wrote:" line', () => {
    const html = '<div>Thanks!</div><div><br><div>On 5 Mar 2024, at 09:12, Ana Silva &lt;ana@shop.example&gt; wrote:</div><br><blockquote type="cite"><div>old</div></blockquote></div>';
    const v = visibleParts({ text: 'Thanks!\n\nOn 5 Mar 2024, at 09:12, Ana Silva <ana@shop.example> wrote:\n\n> old', html }, () => null);
    expect(v.body).toBe('Thanks!');
    expect(v.html).toContain('Thanks!');
    expect(v.html).not.toContain('wrote');
    expect(v.html).not.toContain('old');
  });
});

describe('pathological input: 1 MB each, answered (linear work, no catastrophic pattern)', () => {
  const MB = 1 << 20;
  it.each([
    ['one line', 'a'.repeat(MB)],
    ['spaces then a letter', ' '.repeat(MB) + 'x'],
    ['words with spaces between', ('a' + ' '.repeat(500) + 'b\n').repeat(MB / 503)],
    ['attribution-like lines', 'On 1 Jan 2024 someone wrote\n'.repeat(MB / 28)],
    ['header fields', 'From: a@b.c\nSent: x\n'.repeat(MB / 20)],
    ['dashes then wrote', ('-'.repeat(590) + ' wrote:\n').repeat(MB / 598)],
    ['quote lines', '> q\n'.repeat(MB / 4)],
  ])('text: %s', (_, input) => {
    expect(stripQuotes(input).text.length).toBeGreaterThan(0);
  });

  it.each([
    ['unclosed tags', '<div '.repeat(MB / 5)],
    ['plain blockquotes', '<blockquote>'.repeat(MB / 12)],
    ['class attributes', `<div ${'class="a '.repeat(200)}>`.repeat(MB / 2000)],
    ['brackets', '<'.repeat(MB)],
  ])('html: %s', (_, html) => {
    expect(htmlQuoteStart(html)).toBe(-1);
  });
});
