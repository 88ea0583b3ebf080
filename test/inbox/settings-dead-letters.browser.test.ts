import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { focused, openInbox, useBrowserEnv } from '../support/inbox.js';
import { screenAndAxe } from '../support/axe.js';
import { postRaw, seedEmailInbox, type EmailInboxFixture } from '../support/email.js';
import { newId, toWire } from '../../server/src/db/ids.js';

const check = (page: Page, name: string) => screenAndAxe(page, `settings-${name}`);
const area = (page: Page) => page.locator('ib-settings-dead-letters');
const path = (page: Page) => new URL(page.url()).pathname;
const uid = () => randomBytes(5).toString('hex');
const mail = (o: { from?: string | null; to: string; subject: string; body?: string }) =>
  [
    ...(o.from === null ? [] : [`From: Dana Customer <${o.from ?? 'dana@customer.test'}>`]),
    `To: ${o.to}`,
    `Subject: ${o.subject}`,
    `Message-ID: <${uid()}@customer.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? 'Hello, my order has not arrived.',
    '',
  ].join('\r\n');

/** The Email dead letters screen on the built inbox: list, one with its raw mail, reprocess, download, delete; keyboard, axe, phone. */
describe('email dead letters screen', () => {
  const env = useBrowserEnv('embedded', { agents: 2 });
  let ib: EmailInboxFixture;
  beforeAll(async () => {
    ib = await seedEmailInbox(env.node.deps.db, env.fx.workspaceId, 'help@acme.test');
  });
  /** A dead letter written as an older version would have kept it (a good mail, a parser bug since fixed). */
  const kept = async (raw: string, reason = 'could not be parsed: unexpected end of input') => {
    const id = newId();
    await env.node.deps.db.rows(sql`insert into email_dead_letters (id, workspace_id, inbox_id, reason, raw, sender, subject)
      values (${id}::uuid, ${env.fx.workspaceId}::uuid, ${ib.inboxId}::uuid, ${reason}, ${Buffer.from(raw)}::bytea, 'gina@customer.test', 'Invoice 2041 is wrong')`);
    return toWire('deadLetter', id);
  };

  it('an empty list says what it is for', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/dead-letters' });
    await area(page).getByRole('heading', { name: 'No dead letters' }).waitFor();
    await check(page, 'dead-letters-empty-desktop');
    await page.context().close();
  });

  it('the list by keyboard; one opened: raw mail as text, reprocess that works (with a link to the ticket) and one that is refused again; download', async () => {
    const { node, fx, browser } = env;
    const good = await kept(mail({ from: 'gina@customer.test', to: ib.address, subject: 'Invoice 2041 is wrong', body: 'Please send a corrected invoice.' }));
    expect((await postRaw(node, ib, mail({ from: null, to: ib.address, subject: 'No sender here <script>alert(1)</script>' }))).body.data.result).toBe('dead_letter');
    expect((await postRaw(node, ib, mail({ from: ib.address, to: ib.address, subject: 'Auto-forwarded back to us' }))).body.data.result).toBe('dead_letter');
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/dead-letters' });
    const rows = area(page).locator('ib-table tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    // Newest first; what a sender typed is text.
    expect(await rows.nth(0).locator('th').textContent()).toContain('Auto-forwarded back to us');
    expect(await rows.nth(1).locator('th a').textContent()).toBe('No sender here <script>alert(1)</script>');
    expect(await rows.nth(1).textContent()).toContain('Unknown sender · Acme Support help@acme.test');
    expect(await rows.nth(1).textContent()).toContain('No sender address (From)');
    await check(page, 'dead-letters-desktop');
    await page.setViewportSize({ width: 375, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await check(page, 'dead-letters-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The keyboard reaches the third mail's link and opens it.
    const link = rows.nth(2).locator('th a');
    await link.focus();
    expect(await focused(page)).toBe('a.subject Invoice 2041 is wrong');
    await page.keyboard.press('Enter');
    await expect.poll(() => path(page)).toBe(`/inbox/settings/dead-letters/${good}`);
    const one = area(page).locator('ib-dead-letter');
    await one.getByRole('heading', { name: 'Invoice 2041 is wrong' }).waitFor();
    await expect.poll(() => one.locator('pre').textContent()).toContain('Please send a corrected invoice.');
    expect(await one.locator('.reason-text').textContent()).toBe('Could not be parsed: unexpected end of input');
    await check(page, 'dead-letter-desktop');
    await page.setViewportSize({ width: 375, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await check(page, 'dead-letter-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Download: the raw mail as it was kept.
    const [download] = await Promise.all([page.waitForEvent('download'), one.locator('ib-button.download').click()]);
    expect(download.suggestedFilename()).toBe(`${good}.eml`);
    const saved = await download.path();
    expect((await import('node:fs')).readFileSync(saved!, 'utf8')).toContain('Subject: Invoice 2041 is wrong');

    // Reprocess by keyboard: taken in, a new ticket, the link goes there.
    await one.locator('ib-button.reprocess').focus();
    await page.keyboard.press('Enter');
    const done = one.locator('.done');
    await done.getByText('It opened a new ticket. The dead letter is gone from the list.').waitFor();
    await expect.poll(() => focused(page)).toBe('h2.card-title Mail taken in');
    await check(page, 'dead-letter-reprocessed-desktop');
    const [t] = await node.deps.db.rows<{ id: string }>(sql`select id from tickets where subject = 'Invoice 2041 is wrong' and workspace_id = ${fx.workspaceId}::uuid`);
    expect(await done.getByRole('link', { name: 'Open the ticket' }).getAttribute('href')).toBe(`/inbox/t/${toWire('ticket', t!.id)}`);
    await done.getByRole('link', { name: 'Back to dead letters' }).click();
    await expect.poll(() => rows.count()).toBe(2);

    // Refused again: the new attempt shows, the dead letter stays.
    await rows.nth(1).locator('th a').click();
    await one.getByRole('heading', { name: 'No sender here <script>alert(1)</script>' }).waitFor();
    await one.locator('ib-button.reprocess').click();
    await page.locator('ib-toast .toast.error', { hasText: 'Refused again: no sender address (From)' }).waitFor();
    await one.locator('.reason-text', { hasText: 'No sender address (From)' }).waitFor();
    await one.locator('.attempts', { hasText: 'once, last on' }).waitFor();
    await page.goBack();
    await expect.poll(() => rows.count()).toBe(2);
    await page.context().close();
  });

  it('several chosen with the keyboard and deleted after a confirmation; one deleted from its page', async () => {
    const { node, fx, browser } = env;
    await env.node.deps.db.rows(sql`delete from email_dead_letters where workspace_id = ${fx.workspaceId}::uuid`);
    const [a, b, c] = [await kept('a: 1\r\n\r\na'), await kept('b: 1\r\n\r\nb'), await kept('c: 1\r\n\r\nc')];
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/dead-letters' });
    const rows = area(page).locator('ib-table tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    await rows.nth(0).getByRole('checkbox').focus();
    await page.keyboard.press('Space');
    await rows.nth(1).getByRole('checkbox').focus();
    await page.keyboard.press('Space');
    await area(page).locator('.count', { hasText: '2 selected' }).waitFor();
    await area(page).locator('ib-button.delete-selected').click();
    const dialog = area(page).locator('ib-dialog.confirm');
    await dialog.getByText('They are deleted for good').waitFor();
    await check(page, 'dead-letters-confirm-desktop');
    // Cancel (focused first) keeps them; Delete deletes.
    await expect.poll(() => focused(page)).toBe('ib-button Cancel');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count()).toBe(3);
    await area(page).locator('ib-button.delete-selected').click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('ib-toast .toast.success', { hasText: '2 dead letters deleted' }).waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    const left = await rows.first().getAttribute('data-key');
    expect([a, b, c]).toContain(left);

    await rows.first().locator('th a').click();
    const one = area(page).locator('ib-dead-letter');
    await one.locator('ib-button.delete').click();
    await one.locator('ib-dialog.confirm').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => path(page)).toBe('/inbox/settings/dead-letters');
    await area(page).getByRole('heading', { name: 'No dead letters' }).waitFor();
    // A link to a dead letter that is gone says so.
    await page.goto(`${node.url}/inbox/settings/dead-letters/${left}`);
    await area(page).getByRole('heading', { name: 'This dead letter is gone' }).waitFor();
    await page.context().close();
  });
});
