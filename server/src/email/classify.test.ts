import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyMail, type ClassifyInput } from './classify.js';
import { parseMime } from './mime.js';
import { dsnOutcome, messageIdFields, parseDeliveryStatus } from './reports.js';

const ORIGINAL = 'reply-1234@acme.test';
const machine = (name: string) =>
  parseMime(
    Buffer.from(
      readFileSync(new URL(`../../../test/email/fixtures/machine/${name}`, import.meta.url), 'utf8')
        .replaceAll('{{BOUNCED_ID}}', ORIGINAL)
        .replaceAll('{{REPLY_TO}}', 'support@acme.test')
        .replaceAll('{{IN_REPLY_TO}}', `<${ORIGINAL}>`)
        .replaceAll('{{NUMBER}}', '1'),
    ),
  );
const input = (o: Partial<ClassifyInput>): ClassifyInput => ({ headers: {}, from: { name: null, address: 'a@b.test' }, subject: 'Hello', text: 'Hi', html: null, parts: [], messageId: 'own@b.test', ...o });

describe('delivery reports, feedback reports and read receipts (fixtures)', () => {
  it.each([
    ['bounce-null-sender.eml', 'failed', 'smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'],
    ['bounce-qmail.eml', 'failed', 'Sorry, no mailbox here by that name. (#5.1.1)'],
    ['bounce-exim.eml', 'failed', '550 5.1.1 <lee@example.test>: Recipient address rejected: User unknown'],
    ['bounce-exchange2003.eml', 'failed', '<mail.corp.example.test #5.1.1>'],
    ['dsn-delayed.eml', 'delayed', 'X-Postfix; connect to mx.slow.example.test[192.0.2.40]:25: Connection timed out'],
    ['dsn-relayed.eml', 'delivered', 'smtp; 250 2.0.0 Ok: queued as 77AB1'],
  ])('%s: a %s delivery report naming the original', async (file, outcome, diagnostic) => {
    const m = await machine(file);
    expect(m.kind.report).toMatchObject({ type: 'bounce', outcome, diagnostic });
    expect(m.kind.originalIds[0]).toBe(ORIGINAL);
    expect(m.kind.auto).toBe(true);
  });

  it('MAILER-DAEMON <> is classified, not refused for having no sender address', async () => {
    const m = await machine('bounce-null-sender.eml');
    expect(m.from).toBeNull();
  });

  it('an ARF abuse report and a read receipt are machine reports with the original id', async () => {
    const arf = await machine('arf-abuse.eml');
    expect(arf.kind.report).toEqual({ type: 'feedback', feedbackType: 'abuse', userAgent: 'FeedbackLoop/2.1' });
    expect(arf.kind.originalIds).toEqual([ORIGINAL]);
    const mdn = await machine('read-receipt.eml');
    expect(mdn.kind.report).toEqual({ type: 'receipt', disposition: 'displayed', recipient: 'nina@example.test' });
    expect(mdn.kind.originalIds).toEqual([ORIGINAL]);
  });

  it('out-of-office replies are automatic, never reports; a human Outlook mail is neither', async () => {
    for (const f of ['out-of-office.eml', 'vacation-x-autorespond.eml']) expect((await machine(f)).kind).toEqual({ auto: true, report: null, originalIds: [] });
    expect((await machine('outlook-human.eml')).kind).toEqual({ auto: false, report: null, originalIds: [] });
  });
});

describe('automatic mail by headers (RFC 3834 and vendors)', () => {
  it.each([
    [{ 'auto-submitted': 'auto-replied' }, true],
    [{ 'auto-submitted': 'auto-generated' }, true],
    [{ 'auto-submitted': 'no' }, false],
    [{ precedence: 'bulk' }, true],
    [{ precedence: 'list' }, true],
    [{ precedence: 'junk' }, true],
    [{ precedence: 'auto_reply' }, true],
    [{ 'x-precedence': 'auto_reply' }, true],
    [{ precedence: 'first-class' }, false],
    [{ 'x-autoreply': 'yes' }, true],
    [{ 'x-autorespond': 'Re: hi' }, true],
    [{ 'x-loop': 'support@acme.test' }, true],
    [{ 'list-id': '<team.lists.example.test>' }, true],
    [{ 'return-path': '<>' }, true],
    [{ 'return-path': '<a@b.test>' }, false],
    // Outlook puts X-Auto-Response-Suppress on people's mail: alone it says nothing.
    [{ 'x-auto-response-suppress': 'All' }, false],
    [{}, false],
  ])('%j → auto %s', (headers, auto) => {
    expect(classifyMail(input({ headers }))).toEqual({ auto, report: null, originalIds: [] });
  });

  it.each([
    ['Automatic reply: Your order', true],
    ['Auto-Reply: hi', true],
    ['AutoReply: hi', true],
    ['Out of Office: Your order', true],
    ['Abwesenheitsnotiz: Ihre Bestellung', true],
    ['Automatische Antwort: Ihre Bestellung', true],
    ['Réponse automatique : votre commande', true],
    ['Respuesta automática: su pedido', true],
    ['Re: Out of office question about my order', false],
    ['Re: Your order', false],
  ])('subject %j → auto %s', (subject, auto) => {
    expect(classifyMail(input({ subject })).auto).toBe(auto);
  });

  it('a human mail about a bounce is not a bounce; a machine sender with bounce wording is', () => {
    const text = 'Hi, I got this:\n\nThis is the mail system at host x.\nI am sorry to have to inform you that your message could not be delivered.';
    expect(classifyMail(input({ subject: 'Fwd: Undelivered Mail Returned to Sender', text })).report).toBeNull();
    expect(classifyMail(input({ subject: 'Undelivered Mail Returned to Sender', text: text.split('\n\n')[1]!, headers: { 'return-path': '<>' } })).report).toMatchObject({ type: 'bounce', outcome: 'failed' });
    expect(classifyMail(input({ from: { name: 'Mail Delivery Subsystem', address: 'mailer-daemon@x.test' } })).report).toMatchObject({ type: 'bounce' });
    expect(classifyMail(input({ headers: { 'x-failed-recipients': 'a@b.test' } })).report).toMatchObject({ type: 'bounce' });
  });

  it('a plain-text delay warning is a delay, not a failure', () => {
    const text = 'This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue.\nNo action is required on your part.';
    const k = classifyMail(input({ subject: 'Warning: message 1rh-00 delayed 24 hours', text, headers: { 'x-failed-recipients': 'a@b.test' } }));
    expect(k.report).toMatchObject({ type: 'bounce', outcome: 'delayed' });
  });
});

describe('RFC 3464 delivery-status fields', () => {
  it('reads recipients with and without blank lines between them, folded Diagnostic-Code', () => {
    const text = [
      'Reporting-MTA: dns; mx.example.test',
      '',
      'Final-Recipient: rfc822; a@example.test',
      'Action: delayed',
      'Status: 4.4.1',
      'Final-Recipient: rfc822; b@example.test',
      'Action: failed',
      'Status: 5.1.1 (user unknown)',
      'Diagnostic-Code: smtp; 550 5.1.1 <b@example.test>:',
      '    no such user',
    ].join('\r\n');
    const r = parseDeliveryStatus(text);
    expect(r).toEqual([
      { recipient: 'a@example.test', action: 'delayed', status: '4.4.1', diagnostic: null },
      { recipient: 'b@example.test', action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 <b@example.test>: no such user' },
    ]);
    expect(dsnOutcome(r)).toBe('failed');
    expect(dsnOutcome(r.slice(0, 1))).toBe('delayed');
  });
  it.each([
    ['delivered', 'delivered'],
    ['relayed', 'delivered'],
    ['expanded', 'delivered'],
    ['delayed', 'delayed'],
    ['failed', 'failed'],
  ])('Action: %s → %s', (action, outcome) => {
    expect(dsnOutcome(parseDeliveryStatus(`Final-Recipient: rfc822; a@b.test\nAction: ${action}\nStatus: 2.0.0`))).toBe(outcome);
  });
  it('finds Message-ID fields in quoted, indented and folded copies', () => {
    expect(messageIdFields('> Message-Id: <a@x.test>\n   Message-ID:\n <b@x.test>\nX-Original-Message-ID: <c@x.test>\nIn-Reply-To: <d@x.test>')).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
  });
});
