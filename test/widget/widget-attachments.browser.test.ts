import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cmid, next, ok, visitor } from '../support/harness.js';
import { startChat, useWidgetEnv } from '../support/widget-host.js';

const MAX = 64 * 1024;

/** Files both ways between a visitor (widget on a third-party page) and an agent. */
describe('widget attachments', () => {
  const env = useWidgetEnv({ config: { ATTACHMENT_MAX_BYTES: MAX } });

  const fileInput = (page: Page) => page.locator('sw-composer input[type=file]');
  const note = (page: Page) => page.locator('sw-composer .note');
  const tokenOf = (page: Page) => page.evaluate((inbox) => localStorage.getItem(`sw:${inbox}:token`), env.fx.inbox);
  const download = (id: string, token: string | null) =>
    fetch(`${env.node.url}/api/attachments/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('a visitor attaches a file; the agent receives it and downloads it; another visitor gets 404', async () => {
    const { agent, context, page, w } = await startChat(env, '/files-up', 'I have a file for you');
    const content = Buffer.from('order #42\nreceipt line\n');
    await fileInput(page).setInputFiles({ name: 'receipt <img src=x onerror=alert(1)>.txt', mimeType: 'text/plain', buffer: content });
    // The chip names the file as text, with its size.
    await page.locator('sw-composer .file', { hasText: `receipt <img src=x onerror=alert(1)>.txt (${content.length} B)` }).waitFor();
    const got = next(agent, 'message:new', (e) => e.message.attachments.length > 0);
    await w.send('here it is');
    const { message } = await got;
    expect(message).toMatchObject({ body: 'here it is', authorType: 'contact' });
    expect(message.attachments).toEqual([expect.objectContaining({ filename: 'receipt <img src=x onerror=alert(1)>.txt', contentType: 'text/plain', size: content.length })]);
    const att = message.attachments[0];
    await page.locator('sw-messages .m.me .f', { hasText: 'receipt <img src=x onerror=alert(1)>.txt' }).waitFor();
    expect(await page.locator('sw-widget img').count()).toBe(0);
    expect(await page.locator('sw-composer .file').count()).toBe(0);
    // The next file waits as a chip under the field (screenshot for review).
    await fileInput(page).setInputFiles({ name: 'next-file.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(3000) });
    await page.locator('sw-composer .file', { hasText: 'next-file.pdf' }).waitFor();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/widget-attachments.png' });

    const asAgent = await download(att.id, env.agentToken);
    expect(asAgent.status).toBe(200);
    expect(Buffer.from(await asAgent.arrayBuffer())).toEqual(content);
    // The owner's token works; another visitor's is answered as if the file did not exist.
    expect((await download(att.id, await tokenOf(page))).status).toBe(200);
    const other = await visitor(env.node.url, env.fx.inbox);
    expect((await download(att.id, other.session.token)).status).toBe(404);
    expect((await download(att.id, null)).status).toBe(401);
    await context.close();
  });

  it('an agent sends a file; the visitor sees its name and size and downloads it', async () => {
    const { agent, context, page, w, ticket } = await startChat(env, '/files-down', 'send me the manual');
    const content = Buffer.from('%PDF-1.4 pretend manual '.repeat(100));
    const up = await fetch(`${env.node.url}/api/attachments?filename=${encodeURIComponent('Manual <script>.pdf')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.agentToken}`, 'content-type': 'application/pdf' },
      body: new Uint8Array(content),
    });
    expect(up.status).toBe(201);
    const att = await up.json();
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'Here you go', clientMessageId: cmid(), attachmentIds: [att.id] });
    const link = page.locator('sw-messages .m.them .f', { hasText: 'Manual <script>.pdf' });
    await link.waitFor();
    expect(await link.textContent()).toContain('2 KB');
    await w.theirs.filter({ hasText: 'Here you go' }).waitFor();
    // Offline, the click says the file could not be fetched; back online, it downloads.
    await context.setOffline(true);
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
    await link.click();
    await link.filter({ hasText: 'could not download' }).waitFor();
    await context.setOffline(false);
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(true);
    const saved = page.waitForEvent('download');
    await link.click();
    const d = await saved;
    expect(d.suggestedFilename()).toBe('Manual _script_.pdf'); // Chromium replaces characters a file system may refuse
    expect(await readFile((await d.path())!)).toEqual(content);
    await expect.poll(() => link.textContent()).not.toContain('could not download');
    expect(page.url()).toBe(env.site.url + '/files-down'); // the page itself never navigated to the file
    await context.close();
  });

  it('refuses a file over the limit, and a file picked offline, with a note; a file attached before going offline is sent from the outbox', async () => {
    const { agent, context, page, w } = await startChat(env, '/files-limits', 'limits');
    await fileInput(page).setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MAX + 1) });
    await note(page).filter({ hasText: '“huge.bin” is too large: files can be at most 64 KB.' }).waitFor();
    expect(await page.locator('sw-composer .file').count()).toBe(0);

    await fileInput(page).setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') });
    await page.locator('sw-composer .file', { hasText: 'photo.png' }).waitFor();
    await context.setOffline(true);
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
    await fileInput(page).setInputFiles({ name: 'later.txt', mimeType: 'text/plain', buffer: Buffer.from('later') });
    await note(page).filter({ hasText: 'You are offline: “later.txt” was not attached.' }).waitFor();
    // Only the text is empty: the message is named after its file and waits in the outbox.
    await w.composer.press('Enter');
    await page.locator('sw-messages .m.pending .f', { hasText: 'photo.png' }).waitFor();
    const got = next(agent, 'message:new', (e) => e.message.attachments.length > 0, 15_000);
    await context.setOffline(false);
    const { message } = await got;
    expect(message.body).toBe('photo.png');
    expect(message.attachments.map((a: { filename: string }) => a.filename)).toEqual(['photo.png']);
    await page.locator('sw-messages .m.me:not(.pending) .f', { hasText: 'photo.png' }).waitFor();
    await context.close();
  });
});
