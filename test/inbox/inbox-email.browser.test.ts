import { decodeId } from '@support/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { cmid, connect, login, next, ok, seedWorkspace, startNode, visitor } from '../support/harness.js';
import { openInbox, row, thread, useBrowserEnv } from '../support/inbox.js';
import { fixture, postRaw, seedEmailInbox, smtpSink, workerCtx, type EmailInboxFixture } from '../support/email.js';
import { PNG, remoteImageHost } from '../support/remote-host.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { processOutbox } from '../../server/src/email/outbox.worker.js';
import { smtpMailer } from '../../server/src/email/mailer.js';
import { toWire } from '../../server/src/db/ids.js';
import { OpenTicket } from '../../inbox/src/open-ticket.js';
import type { AgentSocket } from '../../inbox/src/api.js';

let n = 0;
/** An HTML mail with a script, an `onerror` image, a remote image on `remote`, and a quoted earlier answer. */
function evilMail(to: string, remote: string): string {
  const id = `evil-${++n}-${Date.now()}@mallory.test`;
  return [
    'From: Mallory <mallory@mallory.test>',
    `To: Acme Support <${to}>`,
    'Subject: Invoice question',
    `Message-ID: <${id}>`,
    'Date: Mon, 4 Mar 2024 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Please check the invoice.',
    '',
    'On Sun, 3 Mar 2024 at 09:00, Acme Support <support@acme.test> wrote:',
    '> Quoted earlier answer about invoices',
    '--b1',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><p>Please check the <b>invoice</b>.</p>',
    `<img src="x" onerror="window.pwned=1" alt="broken"><img src="${remote}/pixel.png?tracker" alt="remote">`,
    '<script>window.pwned=2</script><a href="javascript:window.pwned=3">js link</a>',
    '<div class="gmail_quote">On Sun, 3 Mar 2024 at 09:00, Acme Support &lt;support@acme.test&gt; wrote:<br>',
    '<blockquote class="gmail_quote">Quoted earlier answer about invoices</blockquote></div></body></html>',
    '--b1--',
    '',
  ].join('\r\n');
}

/** A multipart/alternative mail from Carla with this text and HTML part. */
function carlaMail(to: string, subject: string, text: string, htmlPart: string): string {
  return [
    'From: Carla Diaz <carla@customer.test>', `To: Acme Support <${to}>`, `Subject: ${subject}`, `Message-ID: <carla-${++n}-${Date.now()}@customer.test>`,
    'Date: Tue, 5 Mar 2024 10:00:00 +0100', 'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="b2"', '',
    '--b2', 'Content-Type: text/plain; charset=utf-8', '', text, '--b2', 'Content-Type: text/html; charset=utf-8', '', htmlPart, '--b2--', '',
  ].join('\r\n');
}

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { pwned?: number }).pwned);
const msg = (page: Page, id: string) => thread(page).locator(`.msg[data-id="${id}"]`);

/** Email in the inbox: safe HTML, remote images on request, the original, delivery states live, attachments both ways. */
describe('inbox: email tickets in Chromium', () => {
  const env = useBrowserEnv('postgres');
  let ib: EmailInboxFixture;
  let remote: Awaited<ReturnType<typeof remoteImageHost>>;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  beforeAll(async () => {
    ib = await seedEmailInbox(env.node.deps.db, env.fx.workspaceId);
    remote = await remoteImageHost();
    sink = await smtpSink();
  });
  afterAll(async () => {
    await remote?.close();
    await sink?.close();
  });

  it('inbound HTML mail runs nothing, loads remote images only when asked, shows the original; the list shows the email icon', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { ignoreHTTPSErrors: true });
    const seen: string[] = [];
    page.on('request', (q) => seen.push(q.url()));
    const r = await postRaw(node, ib, evilMail(ib.address, remote.origin));
    expect(r.body.data).toMatchObject({ result: 'created', newTicket: true });
    const messageId = r.body.data.messageId;
    const [t] = await node.deps.db.rows<{ number: number }>(sql`select number from tickets where id = ${decodeId('ticket', r.body.data.ticketId)}::uuid`);

    // The new ticket comes in live: its row carries the email icon, the sender and the new text.
    const line = row(page, t!.number);
    await line.locator('svg[aria-label=email]').waitFor();
    expect(await line.textContent()).toContain('Mallory');
    expect(await line.textContent()).toContain('Please check the invoice.');
    await line.click();
    const email = msg(page, messageId).locator('ib-email');
    await email.locator('.html b', { hasText: 'invoice' }).waitFor();
    await expect.poll(() => email.locator('.subject').textContent()).toBe('Invoice question');
    expect(await email.locator('.from').textContent()).toBe('From: Mallory <mallory@mallory.test>');
    expect(await email.locator('.to').textContent()).toContain(ib.address);
    expect(await email.locator('.channel').textContent()).toContain('Email received');
    expect(await page.locator('ib-composer textarea').getAttribute('placeholder')).toBe('Reply by email to mallory@mallory.test');

    // Nothing ran, no handler or script survived, and every image is settled without the remote one asked for.
    const imgs = email.locator('.html img');
    await expect.poll(() => email.evaluate((el) => Array.from(el.shadowRoot!.querySelectorAll('img')).every((i) => i.complete))).toBe(true);
    expect(await pwned(page)).toBeUndefined();
    expect(await email.evaluate((el) => el.shadowRoot!.querySelectorAll('script, [onerror], [onclick], a[href^="javascript"]').length)).toBe(0);
    expect(await imgs.evaluateAll((list) => list.map((i) => i.getAttribute('src')))).toEqual([null, null]);
    expect(remote.requests).toEqual([]);
    expect(seen.filter((u) => u.startsWith(remote.origin))).toEqual([]);

    await email.getByRole('button', { name: 'Load remote images' }).click();
    await expect.poll(() => remote.requests).toEqual(['/pixel.png?tracker']);
    await expect.poll(() => email.locator('img[alt=remote]').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(1);
    expect(seen).toContain(`${remote.origin}/pixel.png?tracker`);
    expect(await email.locator('img[alt=broken]').getAttribute('src')).toBeNull();
    expect(await pwned(page)).toBeUndefined();

    // The quote was cut from the message; the original shows it, and offers the source.
    expect(await email.locator('.html').first().textContent()).not.toContain('Quoted earlier answer');
    await email.getByRole('button', { name: 'Show original' }).click();
    await email.locator('.original', { hasText: 'Quoted earlier answer about invoices' }).waitFor();
    expect(await email.locator('.original .headers').textContent()).toContain('mallory@mallory.test');
    const raw = email.locator('a.raw');
    expect(await raw.getAttribute('href')).toBe(`/api/email/messages/${messageId}/raw`);
    const src = await page.request.get(`${node.url}/api/email/messages/${messageId}/raw`);
    expect(src.status()).toBe(200);
    expect(await src.text()).toContain('window.pwned=2');
    expect(await pwned(page)).toBeUndefined();
    await page.context().close();
  });

  it('an Apple Mail reply shows without its "On …, X wrote:" line; a forwarded message shows collapsed, opened and closed by keyboard', async () => {
    const { node, fx, browser } = env;
    const apple = await postRaw(node, ib, carlaMail(ib.address, 'Re: Zipper', 'The new one works, thanks!\n\nOn 4 Mar 2024, at 18:30, Acme Support <support@acme.test> wrote:\n\n> Here is a new bag.',
      '<html><body><div>The new one works, thanks!</div><div><br><div>On 4 Mar 2024, at 18:30, Acme Support &lt;support@acme.test&gt; wrote:</div><br class="Apple-interchange-newline"><blockquote type="cite"><div>Here is a new bag.</div></blockquote></div></body></html>'));
    const forward = await postRaw(node, ib, carlaMail(ib.address, 'Fwd: Broken zipper',
      'Please handle this one.\n\n---------- Forwarded message ---------\nFrom: Dan Roe <dan@customer.test>\nDate: Tue, 5 Mar 2024 at 09:12\nSubject: Broken zipper\nTo: Carla <carla@customer.test>\n\nThe zipper of my bag broke after two days.',
      '<div dir="ltr">Please handle this one.<br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: <strong class="gmail_sendername">Dan Roe</strong> &lt;<a href="mailto:dan@customer.test">dan@customer.test</a>&gt;<br>Date: Tue, 5 Mar 2024 at 09:12<br>Subject: Broken zipper<br>To: Carla &lt;<a href="mailto:carla@customer.test">carla@customer.test</a>&gt;<br></div><br><br><div dir="ltr">The zipper of my bag broke after two days.</div></div></div>'));
    expect(apple.body.data.ticketId).not.toBe(forward.body.data.ticketId);

    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${apple.body.data.ticketId}` });
    const reply = msg(page, apple.body.data.messageId).locator('ib-email');
    await reply.locator('.html', { hasText: 'The new one works, thanks!' }).waitFor();
    // The attribution line went with its blockquote: neither shows.
    expect(await reply.locator('.html').textContent()).not.toMatch(/wrote|new bag/);

    // axe-core as an init script: the inbox's CSP refuses an injected script tag.
    await page.context().addInitScript({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
    await page.goto(`${node.url}/inbox/t/${forward.body.data.ticketId}`);
    const email = msg(page, forward.body.data.messageId).locator('ib-email');
    await email.locator('.html', { hasText: 'Please handle this one.' }).waitFor();
    const summary = email.locator('details.forward > summary');
    expect(await summary.textContent()).toBe('Forwarded message');
    const body = email.getByText('The zipper of my bag broke after two days.');
    // In the message, collapsed: there but not shown.
    expect(await body.count()).toBe(1);
    expect(await body.isVisible()).toBe(false);
    expect(await email.locator('.html').evaluate((el) => el.firstElementChild!.textContent!.indexOf('Please handle this one.'))).toBe(0);
    // Keyboard: Tab from the note reaches the summary; Enter opens it, Space closes it.
    await email.getByText('Please handle this one.').click();
    await page.keyboard.press('Tab');
    await expect.poll(() => summary.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    await page.keyboard.press('Enter');
    await body.waitFor({ state: 'visible' });
    expect(await email.locator('details.forward').evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    expect(await email.locator('details.forward').textContent()).toContain('From: Dan Roe');
    mkdirSync('test-results', { recursive: true });
    await email.screenshot({ path: 'test-results/inbox-email-forward.png' });
    await page.keyboard.press(' ');
    await body.waitFor({ state: 'hidden' });
    // The email's own part of the page (inside the shadow roots) has no critical or serious violation, the forward open or not.
    for (const open of [false, true]) {
      await email.locator('details.forward').evaluate((d: HTMLDetailsElement, o) => (d.open = o), open);
      const mine = (await axeViolations(page)).filter((v) => v.nodes.some((x) => x.target.some((t) => t.includes('ib-email'))));
      expect(mine, describeViolations(mine)).toEqual([]);
    }
    await page.context().close();
  });

  it('a reply on an email ticket says "Not sent: no SMTP configured" without SMTP, then "Sent" from a real SMTP server, live', async () => {
    const { node, fx, browser } = env;
    const r = await postRaw(node, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@ejemplo.test', `latin1-${Date.now()}@ejemplo.test`));
    const ticket = r.body.data.ticketId;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${ticket}` });
    const composer = page.locator('ib-composer textarea');

    // No mailer: the worker records the mail and the message says why it was not sent.
    await composer.fill('First answer');
    await composer.press('Enter');
    const first = thread(page).locator('.msg.agent', { hasText: 'First answer' });
    await first.locator('.delivery', { hasText: 'Sending…' }).waitFor();
    await processOutbox(workerCtx(node), null, { workspaceId: fx.workspaceId });
    await first.locator('.delivery', { hasText: 'Not sent: no SMTP configured' }).waitFor();

    // With an attachment, to a real SMTP server: "Sent", and the customer gets the file.
    await page.locator('ib-composer input[type=file]').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('ib-composer .files', { hasText: `label.png (${PNG.length} B)` }).waitFor();
    await composer.fill('Second answer, with the label');
    await composer.press('Enter');
    const second = thread(page).locator('.msg.agent', { hasText: 'Second answer' });
    await second.locator('.delivery', { hasText: 'Sending…' }).waitFor();
    await second.locator('.files a', { hasText: 'label.png' }).waitFor();
    const before = sink.received.length;
    const round = await processOutbox(workerCtx(node), smtpMailer(sink.url), { workspaceId: fx.workspaceId });
    expect(round.sent).toBe(1);
    await second.locator('.delivery.sent', { hasText: 'Sent' }).waitFor();
    expect(await first.locator('.delivery').textContent()).toBe('Not sent: no SMTP configured');
    const mail = sink.received[before]!.mail;
    expect(mail.text).toContain('Second answer, with the label');
    expect(mail.attachments.map((a) => [a.filename, a.mimeType, Buffer.from(a.content as ArrayBuffer).equals(PNG)])).toEqual([['label.png', 'image/png', true]]);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/inbox-email.png' });
    await page.context().close();
  });

  it('an agent attaches a file in the composer: the visitor receives it; another workspace cannot read it', async () => {
    const { node, fx, browser } = env;
    const v = await visitor(node.url, fx.inbox);
    const m = await ok(v.s, 'message:send', { body: 'Can you send me the manual?', clientMessageId: cmid() });
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${m.ticketId}` });
    await thread(page).getByText('Can you send me the manual?').waitFor();
    const manual = Buffer.from('%PDF-1.4\n% the manual\n');
    await page.locator('ib-composer input[type=file]').setInputFiles([{ name: 'manual.pdf', mimeType: 'application/pdf', buffer: manual }]);
    await page.locator('ib-composer .files', { hasText: 'manual.pdf' }).waitFor();
    const got = next(v.s, 'message:new', (x: any) => x.body === 'Here it is');
    await page.locator('ib-composer textarea').fill('Here it is');
    await page.locator('ib-composer textarea').press('Enter');
    const sent = await got;
    expect(sent.attachments).toMatchObject([{ filename: 'manual.pdf', contentType: 'application/pdf', size: manual.length }]);
    const url = sent.attachments[0].url as string;
    await thread(page).locator('.msg.agent .files a', { hasText: 'manual.pdf' }).waitFor();
    expect(await thread(page).locator('.msg.agent .files a', { hasText: 'manual.pdf' }).getAttribute('href')).toBe(url);
    expect(await page.locator('ib-composer .files').count()).toBe(0);

    const asVisitor = await fetch(`${node.url}${url}`, { headers: { authorization: `Bearer ${v.session.token}` } });
    expect(asVisitor.status).toBe(200);
    expect(Buffer.from(await asVisitor.arrayBuffer()).equals(manual)).toBe(true);
    expect((await page.request.get(`${node.url}${url}`)).status()).toBe(200);
    const other = await seedWorkspace(node.deps.db, 1);
    const stranger = await login(node.url, other.agents[0]!.email, other.agents[0]!.password);
    expect((await fetch(`${node.url}${url}`, { headers: { authorization: `Bearer ${stranger}` } })).status).toBe(404);
    await page.context().close();
  });

  it('the inbox\'s own allow-list pass holds even when the stored HTML is hostile (the server sanitizer bypassed)', async () => {
    const { node, fx, browser } = env;
    const r = await postRaw(node, ib, evilMail(ib.address, remote.origin));
    const ticket = r.body.data.ticketId;
    const messageId = r.body.data.messageId;
    const hostile = [
      '<p>still readable</p><script>window.pwned=4</script>',
      `<img src="${remote.origin}/direct.png" alt="direct"><img src="data:image/png;base64,${PNG.toString('base64')}" alt="data">`,
      `<img data-remote-src="javascript:window.pwned=5" alt="scheme"><img src="//127.0.0.1/x.png" alt="relative">`,
      '<a href="javascript:window.pwned=6">js</a> <a href="/inbox/">inside</a> <a href="https://example.test/" target="_top">out</a>',
      '<form action="/api/auth/logout" method="post"><button>log out</button></form><iframe src="/inbox/"></iframe>',
      '<style>:host { display: none }</style><div style="position:fixed;inset:0" onclick="window.pwned=7">overlay</div>',
      '<svg><script>window.pwned=8</script></svg><math><mi>x</mi></math><meta http-equiv="refresh" content="0;url=https://example.test/"><base href="https://example.test/">',
      '<object data="/inbox/"></object><embed src="/inbox/"><!-- a comment --><custom-tag onclick="window.pwned=9">unwrapped</custom-tag>',
    ].join('');
    const uuid = decodeId('message', r.body.data.messageId)!;
    await node.deps.db.rows(sql`update messages set body_html = ${hostile} where id = ${uuid}::uuid`);
    await node.deps.db.rows(sql`update email_messages set full_html = ${hostile} where message_id = ${uuid}::uuid`);
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${ticket}`, ignoreHTTPSErrors: true });
    const email = msg(page, messageId).locator('ib-email');
    await email.getByText('still readable').waitFor();
    const check = () =>
      email.evaluate((el) => {
        const root = el.shadowRoot!;
        const all = Array.from(root.querySelectorAll('.html *'));
        return {
          banned: root.querySelectorAll('script, .html :is(style, form, button, iframe, svg, math, meta, base, object, embed, custom-tag)').length,
          attrs: [...new Set(all.flatMap((e) => e.getAttributeNames()))].sort(),
          srcs: Array.from(root.querySelectorAll('img')).map((i) => [i.alt, i.getAttribute('src')]),
          links: Array.from(root.querySelectorAll('.html a')).map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel')]),
          text: root.textContent,
        };
      });
    const before = await check();
    expect(before.banned).toBe(0);
    // Only the allow-listed attributes are left (no style, handler, id, src outside our own files).
    expect(before.attrs.filter((a) => !['alt', 'class', 'href', 'rel', 'target'].includes(a))).toEqual([]);
    expect(before.srcs).toEqual([['direct', null], ['data', null], ['scheme', null], ['relative', null]]);
    expect(before.links).toEqual([
      ['js', null, '_blank', 'noopener noreferrer nofollow'],
      ['inside', null, '_blank', 'noopener noreferrer nofollow'],
      ['out', 'https://example.test/', '_blank', 'noopener noreferrer nofollow'],
    ]);
    expect(before.text).toContain('overlay');
    expect(before.text).toContain('unwrapped');
    await email.getByText('overlay').click();
    await email.getByText('unwrapped').click();
    await email.getByText('js', { exact: true }).click();
    // Nothing here counts as a remote image: no button, and nothing was fetched from the sender's host.
    expect(await email.getByRole('button', { name: 'Load remote images' }).count()).toBe(0);
    await email.getByRole('button', { name: 'Show original' }).click();
    await email.locator('.original').getByText('still readable').waitFor();
    const original = await check();
    expect(original.banned).toBe(0);
    expect(original.srcs).toEqual(before.srcs);
    expect(remote.requests.filter((q) => q.startsWith('/direct'))).toEqual([]);
    expect(await pwned(page)).toBeUndefined();
    expect(page.url()).toBe(`${node.url}/inbox/t/${ticket}`);
    await page.context().close();
  });

  it('an HTML mail with an inline image and files: the inline image shows from our server, files are links with sizes', async () => {
    const { node, fx, browser } = env;
    const r = await postRaw(node, ib, fixture('new-ticket-html-inline.eml'));
    const ticket = r.body.data.ticketId;
    const messageId = r.body.data.messageId;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${ticket}` });
    const m = msg(page, messageId);
    const logo = m.locator('ib-email .html img[alt=logo]');
    await logo.waitFor();
    expect(await logo.getAttribute('src')).toMatch(/^\/api\/attachments\/att_[0-9a-z]+$/);
    await expect.poll(() => logo.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(1);
    expect(await m.locator('ib-email .html img[alt=""]').getAttribute('src')).toBeNull();
    expect(await m.locator('ib-email .subject').textContent()).toBe('Problème de facture €');
    // The inline logo is in the HTML already; the two files are download links with their sizes, none shown inline.
    const files = m.locator('.files li');
    await expect.poll(() => files.allTextContents()).toEqual([expect.stringMatching(/^facture-2024\.pdf \(\d+ B\)$/), expect.stringMatching(/^evil\.html \(\d+ B\)$/)]);
    expect(await m.locator('.files img').count()).toBe(0);
    const evil = await page.request.get(`${node.url}${await m.locator('.files a', { hasText: 'evil.html' }).getAttribute('href')}`);
    expect([evil.status(), evil.headers()['content-type'], evil.headers()['content-disposition']?.startsWith('attachment')]).toEqual([200, 'application/octet-stream', true]);
    expect(await pwned(page)).toBeUndefined();
    await page.context().close();
  });

  it('a file over the size limit is refused in the composer with the reason, and nothing is sent', async () => {
    const { browser } = env;
    const small = await startNode('postgres', { config: { ATTACHMENT_MAX_BYTES: 1024 } });
    try {
      const sfx = await seedWorkspace(small.deps.db, 1);
      const v = await visitor(small.url, sfx.inbox);
      const m = await ok(v.s, 'message:send', { body: 'Send me the big file', clientMessageId: cmid() });
      const page = await openInbox(browser, small.url, sfx.agents[0]!, { path: `/inbox/t/${m.ticketId}` });
      await thread(page).getByText('Send me the big file').waitFor();
      await page.locator('ib-composer input[type=file]').setInputFiles([
        { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4096, 1) },
        { name: 'ok.txt', mimeType: 'text/plain', buffer: Buffer.from('fits') },
      ]);
      await page.locator('ib-composer .error', { hasText: 'big.bin: attachment over 1024 bytes' }).waitFor();
      await page.locator('ib-composer .files', { hasText: 'ok.txt (4 B)' }).waitFor();
      expect(await page.locator('ib-composer .files').textContent()).not.toContain('big.bin');
      // Files without words are not sent.
      await page.locator('ib-composer textarea').press('Enter');
      await page.locator('ib-composer .error', { hasText: 'Write a message to send with the files' }).waitFor();
      await page.getByRole('button', { name: 'Remove ok.txt' }).click();
      expect(await page.locator('ib-composer .files').count()).toBe(0);
      expect(await thread(page).locator('.msg.agent').count()).toBe(0);
      await page.context().close();
    } finally {
      await small.app.close();
    }
  });

  it('the open ticket keeps a delivery state that came before its message, and never goes back to an older one', async () => {
    const { node, fx } = env;
    const r = await postRaw(node, ib, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@ejemplo.test', `early-${Date.now()}@ejemplo.test`));
    const ticket = r.body.data.ticketId;
    const s = await connect(node.url, '/agent', { token: await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    let changes = 0;
    const open = await OpenTicket.load(s as unknown as AgentSocket, ticket, () => changes++);
    const m = await ok(s, 'message:send', { ticketId: ticket, body: 'Reply racing its delivery', clientMessageId: cmid() });
    expect(m.email.delivery.status).toBe('queued');
    const delivered = next(s, 'message:delivery', (e: any) => e.messageId === m.id);
    await processOutbox(workerCtx(node), smtpMailer(sink.url), { workspaceId: fx.workspaceId });
    const e = await delivered;
    open.setDelivery(e.messageId, e.delivery); // the event before the message (the ack was slower)
    expect(open.messages.has(m.id)).toBe(false);
    open.addMessage(m);
    expect(open.messages.get(m.id)!.email!.delivery).toEqual(e.delivery);
    const before = changes;
    open.setDelivery(m.id, m.email.delivery); // the queued state again, late
    expect(open.messages.get(m.id)!.email!.delivery!.status).toBe('sent');
    expect(changes).toBe(before);
  });

  it('measures opening a ticket of 500 HTML emails (performance marks; figure for docs/benchmarks.md)', async () => {
    const { node, fx, browser } = env;
    const numbers: number[] = [];
    for (let k = 0; k < 2; k++) {
      const r = await postRaw(node, ib, evilMail(ib.address, remote.origin));
      const m = decodeId('message', r.body.data.messageId)!;
      const body = '<p>Hello, about my <b>order</b> number 1234:</p><table border="1"><tr><td>item</td><td>qty</td></tr><tr><td>Widget</td><td>2</td></tr></table>' +
        `<p>Thanks<br>Mallory</p><img data-remote-src="${remote.origin}/sig.png" alt="logo">`;
      // 499 more mails on the same ticket, alternating customer mail and agent replies (same shape as the first).
      await node.deps.db.rows(sql`insert into messages (id, workspace_id, conversation_id, ticket_id, seq, author_type, author_id, body, body_html, email, visibility, created_at)
        select gen_random_uuid(), f.workspace_id, f.conversation_id, f.ticket_id, f.seq + i, f.author_type, f.author_id,
               'Mail number ' || i, ${body}, f.email, 'public', f.created_at + i * interval '1 millisecond'
        from messages f, generate_series(1, 499) i where f.id = ${m}::uuid`);
      await node.deps.db.rows(sql`update conversations set last_seq = last_seq + 499 where id = (select conversation_id from messages where id = ${m}::uuid)`);
      const [t] = await node.deps.db.rows<{ number: number }>(sql`select number from tickets where id = ${decodeId('ticket', r.body.data.ticketId)}::uuid`);
      numbers.push(t!.number);
    }
    const page = await openInbox(browser, node.url, fx.agents[0]!, { ignoreHTTPSErrors: true });
    await row(page, numbers[1]!).waitFor();
    const runs: { first: number; full: number }[] = [];
    for (let i = 0; i < 10; i++) {
      await page.evaluate(() => performance.clearMeasures());
      await row(page, numbers[i % 2]!).click();
      await page.waitForFunction(() => performance.getEntriesByName('ib-open:full').length > 0);
      expect(await thread(page).locator('ib-email').count()).toBe(500);
      runs.push(
        await page.evaluate(() => ({
          first: performance.getEntriesByName('ib-open:render').at(-1)!.duration,
          full: performance.getEntriesByName('ib-open:full').at(-1)!.duration,
        })),
      );
    }
    // The thread ends scrolled to the newest mail, laid out with its body.
    await expect.poll(() => thread(page).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2);
    expect(remote.requests.filter((q) => q.startsWith('/sig'))).toEqual([]);
    const stat = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `median ${sorted[5]!.toFixed(1)} ms (min ${sorted[0]!.toFixed(1)}, max ${sorted[9]!.toFixed(1)})`;
    };
    console.log(`[bench] open a 500-email ticket, 10 opens: first frame ${stat(runs.map((r) => r.first))}; whole thread ${stat(runs.map((r) => r.full))}`);
    await page.context().close();
  });
});
