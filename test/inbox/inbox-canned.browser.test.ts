import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Attachment, CannedResponse } from '@support/protocol';
import { sql } from 'drizzle-orm';
import { login } from '../support/harness.js';
import { toWire } from '../../server/src/db/ids.js';
import { openInbox, row, seedTickets, thread, useBrowserEnv, widestRight } from '../support/inbox.js';
import { screenAndAxe } from '../support/axe.js';

/**
 * Canned responses in Chromium against a real server: `/` in the composer, picked by keyboard,
 * filled in for the ticket (with its file) and sent; a reply saved from the composer; the
 * settings area (list, editor, inline validation) with axe, on a desktop and a phone.
 */
describe('Canned responses (Chromium)', () => {
  const env = useBrowserEnv('embedded', { agents: 1 });
  const toastText = (page: Page, text: string | RegExp) => page.locator('ib-toast .toast', { hasText: text }).first().waitFor();
  const token = () => login(env.node.url, env.fx.agents[0]!.email, env.fx.agents[0]!.password);
  const api = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
    const r = await fetch(`${env.node.url}/api/canned-responses${path}`, {
      method, headers: { authorization: `Bearer ${await token()}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : null,
    });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };

  it('inserts a canned response with / by keyboard, filled in for the ticket with its file, and sends it', async () => {
    const up = await fetch(`${env.node.url}/api/attachments?filename=terms.txt`, {
      method: 'POST', headers: { authorization: `Bearer ${await token()}`, 'content-type': 'text/plain' }, body: 'Our terms',
    });
    const file = (await up.json()) as Attachment;
    await api('', 'POST', { shortCode: 'green-light', title: 'Go ahead', body: 'You can go ahead.', sharing: 'workspace', folder: 'Orders' });
    await api('', 'POST', {
      shortCode: 'greet', title: 'Greeting', body: 'Hi {{contact.first_name | there}}, {{agent.name}} here about #{{ticket.number}}.', sharing: 'workspace',
      folder: 'Orders', attachmentIds: [file.id],
    });
    const { first } = await seedTickets(env.node.deps.db, env.fx, 1, { words: 'Where is my parcel' });
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!);
    await row(page, first).click();
    const composer = page.locator('ib-composer');
    const box = composer.locator('textarea');
    await box.focus();
    await page.keyboard.type('/gree');
    const options = composer.getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual([expect.stringContaining('/green-light'), expect.stringContaining('/greet')]);
    expect(await box.getAttribute('aria-activedescendant')).toBe('canned-menu-0');
    await screenAndAxe(page, 'canned-composer-menu');
    await page.keyboard.press('ArrowDown');
    expect(await composer.locator('[role=option][aria-selected=true]').textContent()).toContain('/greet');
    await page.keyboard.press('Enter');
    await expect.poll(() => box.inputValue()).toBe(`Hi Customer, Agent 0 here about #${first}.`);
    expect(await composer.getByRole('listbox').count()).toBe(0);
    await composer.locator('.files li', { hasText: 'terms.txt' }).waitFor();
    // Escape closes the menu without leaving the composer; the text stays.
    await page.keyboard.type(' /zzz');
    await composer.getByRole('status').filter({ hasText: 'No canned response matches /zzz' }).waitFor();
    await page.keyboard.press('Escape');
    await composer.locator('.canned-pop').waitFor({ state: 'detached' });
    expect(await composer.getByRole('status').filter({ hasText: 'matches' }).count()).toBe(0);
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await thread(page).getByText(`Hi Customer, Agent 0 here about #${first}.`).waitFor();
    await thread(page).getByText('terms.txt').waitFor();
    expect((await api<CannedResponse[]>('?q=greet'))[0]!.usageCount).toBe(1);

    // Save a reply as a canned response from the composer.
    await box.focus();
    await page.keyboard.type('Thanks for waiting, {{contact.first_name | there}}!');
    await composer.getByRole('button', { name: 'Save as canned response' }).click();
    await composer.getByRole('dialog', { name: 'Save as canned response' }).waitFor();
    // The fields are the dialog's slotted content.
    const dialog = composer.locator('ib-canned-save');
    await dialog.getByLabel('Short code').fill('wait');
    await dialog.getByLabel('Title').fill('Thanks for waiting');
    await screenAndAxe(page, 'canned-composer-save');
    await page.keyboard.press('Enter');
    await toastText(page, 'Saved as /wait');
    const [saved] = await api<CannedResponse[]>('?q=wait');
    expect(saved).toMatchObject({ shortCode: 'wait', title: 'Thanks for waiting', body: 'Thanks for waiting, {{contact.first_name | there}}!', sharing: 'personal' });
    await page.context().close();

    // On a phone the composer's actions and the menu fit the screen.
    const [t] = await env.node.deps.db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${env.fx.workspaceId}::uuid and number = ${first}`);
    const phone = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: `/inbox/t/${toWire('ticket', t!.id)}`, viewport: { width: 375, height: 740 } });
    const small = phone.locator('ib-composer');
    await small.locator('textarea').focus();
    await phone.keyboard.type('/gr');
    await small.getByRole('option').first().waitFor();
    expect(await widestRight(phone)).toBeLessThanOrEqual(375);
    await screenAndAxe(phone, 'canned-composer-phone');
    await phone.context().close();
  });

  it('manages canned responses in settings, with inline validation, on a desktop and a phone', async () => {
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: '/inbox/settings/canned' });
    const area = page.locator('ib-settings-canned');
    await area.getByRole('heading', { name: 'Orders' }).waitFor();
    await area.getByText('Used 1 time').waitFor();
    await screenAndAxe(page, 'canned-settings-list');
    await area.getByLabel('Search').fill('ahead');
    await expect.poll(() => area.locator('.items a').allTextContents()).toEqual(['/green-light']);
    await area.getByLabel('Search').fill('nothing like this');
    await area.getByText('Nothing matches').waitFor();

    // A new one by keyboard: a wrong short code is said inline, then fixed.
    await page.goto(`${env.node.url}/inbox/settings/canned/new`);
    const editor = area.locator('ib-canned-editor');
    await editor.getByLabel('Short code').fill('two words');
    await editor.getByLabel('Title').focus();
    await editor.getByText('Letters, digits, - and _ only').waitFor();
    await editor.getByLabel('Short code').fill('refund');
    await editor.getByLabel('Title').fill('Refund on its way');
    await editor.locator('textarea[name=body]').fill('Hello ');
    await editor.getByLabel('Insert a placeholder').selectOption('contact.name');
    await expect.poll(() => editor.locator('textarea[name=body]').inputValue()).toBe('Hello {{contact.name}}');
    await editor.getByLabel('Folder').fill('Billing');
    await screenAndAxe(page, 'canned-settings-new');
    await editor.getByRole('button', { name: 'Create canned response' }).click();
    await toastText(page, '/refund created');
    await page.waitForURL(/\/inbox\/settings\/canned\/cnr_/);
    expect((await api<CannedResponse[]>('?q=refund'))[0]).toMatchObject({ title: 'Refund on its way', body: 'Hello {{contact.name}}', folder: 'Billing' });

    // A file goes with it.
    await editor.locator('input[type=file]').setInputFiles({ name: 'refund-form.txt', mimeType: 'text/plain', buffer: Buffer.from('Form') });
    await editor.locator('.files li', { hasText: 'refund-form.txt' }).waitFor();
    await editor.getByRole('button', { name: 'Save' }).click();
    await toastText(page, '/refund saved');
    expect((await api<CannedResponse[]>('?q=refund'))[0]!.attachments).toMatchObject([{ filename: 'refund-form.txt', size: 4 }]);

    // An unknown placeholder is refused by the same schema as the server's.
    await editor.locator('textarea[name=body]').fill('Hi {{contact.nmae}}');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByText('Unknown placeholder {{contact.nmae}}').waitFor();
    await screenAndAxe(page, 'canned-settings-error');

    // On a phone nothing sticks out sideways.
    await page.context().close();
    const phone = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: '/inbox/settings/canned', viewport: { width: 390, height: 844 } });
    await phone.locator('ib-settings-canned').getByRole('heading', { name: 'Billing' }).waitFor();
    expect(await widestRight(phone)).toBeLessThanOrEqual(390);
    await screenAndAxe(phone, 'canned-settings-phone');
    await phone.context().close();
  });
});
