import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { focused, openInbox, useBrowserEnv } from '../support/inbox.js';
import { screenAndAxe } from '../support/axe.js';
import { embedPage, startHostSite, widget } from '../support/widget-host.js';
import { login } from '../support/harness.js';
import { png } from '../support/png.js';

const check = (page: Page, name: string) => screenAndAxe(page, `settings-${name}`);
const ws = (page: Page) => page.locator('ib-settings-workspace');
const box = (page: Page, name: string) => ws(page).getByRole(name === 'Time zone' ? 'combobox' : 'textbox', { name, exact: true });
const dismissToasts = async (page: Page) => {
  const close = page.locator('ib-toast ib-button[label=Dismiss]');
  while ((await close.count()) > 0) await close.first().click();
};
/**
 * Waits for a toast whose message is exactly `text` ("Saved" must not be taken for the "Logo
 * saved" still on screen: CI once read the name before the save it waited for had landed).
 */
const toastSays = (page: Page, text: string, kind = 'success') =>
  page.locator(`ib-toast .toast.${kind}`).filter({ has: page.getByText(text, { exact: true }) }).first().waitFor();

/** The Workspace settings screen on the built inbox: the form by keyboard, inline errors, stale edits, the logo in the inbox and the widget. */
describe('workspace settings screen', () => {
  const env = useBrowserEnv('embedded', { agents: 2 });
  const current = async () => {
    const [w] = await env.node.deps.db.rows<{ name: string; timezone: string; language: string; audit_retention_days: number | null }>(sql`select name, timezone, language,
      audit_retention_days from workspaces where id = ${env.fx.workspaceId}::uuid`);
    return w!;
  };

  it('an owner edits name, time zone, language and retention by keyboard; wrong values are named on their field; Saved', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/workspace' });
    await expect.poll(() => box(page, 'Workspace name').inputValue()).toMatch(/^ws-/);
    expect(await box(page, 'Time zone').inputValue()).toBe('UTC');
    // The time zone's list: every zone, searchable by city.
    expect(await ws(page).locator('datalist#time-zones option').count()).toBeGreaterThan(300);
    expect(await ws(page).locator('datalist#time-zones option[value="Asia/Tokyo"]').getAttribute('label')).toMatch(/^UTC\+09:00 · Tokyo$/);
    await check(page, 'workspace-desktop');
    await page.setViewportSize({ width: 375, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await check(page, 'workspace-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    await box(page, 'Workspace name').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Tab');
    await expect.poll(() => ws(page).locator('ib-field[label="Workspace name"] [slot=error]').textContent()).toContain('This field is required');
    expect(await focused(page)).toBe('input.field timeZone');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type('Acme Support');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Mars/Olympus_Mons');
    await page.keyboard.press('Tab');
    await expect.poll(() => ws(page).locator('ib-field[label="Time zone"] [slot=error]').textContent()).toContain('Must be a time zone such as Europe/Paris');
    await box(page, 'Time zone').fill('Asia/Tokyo');
    await expect.poll(() => ws(page).locator('ib-field[label="Time zone"] [slot=error]').isVisible()).toBe(false);
    await expect.poll(() => ws(page).locator('ib-field[label="Time zone"] [slot=hint]').textContent()).toMatch(/It is \d\d:\d\d( [AP]M)? there now/);
    await ws(page).getByRole('combobox', { name: 'Default language' }).selectOption('fr');
    await ws(page).getByRole('combobox', { name: 'Keep the audit log' }).selectOption('forever');
    await ws(page).getByRole('combobox', { name: 'Keep the audit log' }).focus();
    // Enter in a text field submits too; here the Save button by keyboard.
    await ws(page).locator('ib-button[type=submit]').focus();
    await page.keyboard.press('Enter');
    await toastSays(page, 'Saved');
    expect(await current()).toEqual({ name: 'Acme Support', timezone: 'Asia/Tokyo', language: 'fr', audit_retention_days: null });
    await page.context().close();
  });

  it('a stale edit says someone else saved first and offers Reload, which shows their version', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/workspace' });
    await expect.poll(() => box(page, 'Workspace name').inputValue()).not.toBe('');
    // Someone else saves meanwhile.
    const token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const r = await fetch(`${node.url}/api/settings/workspace`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Renamed elsewhere' }) });
    expect(r.status).toBe(200);
    await box(page, 'Workspace name').fill('My name');
    await box(page, 'Workspace name').press('Enter');
    const alert = ws(page).locator('.form-alert');
    await alert.getByText('Someone else saved this since you opened it').waitFor();
    await expect.poll(() => focused(page)).toMatch(/^div\.form-alert/);
    expect((await current()).name).toBe('Renamed elsewhere');
    await check(page, 'workspace-stale-desktop');
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => box(page, 'Workspace name').inputValue()).toBe('Renamed elsewhere');
    await page.context().close();
  });

  it('the logo: refused before upload when it is no image; uploaded, it shows here, in the inbox header and in the widget on a customer’s site; removed', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/workspace' });
    const upload = ws(page).locator('ib-button.upload');
    await upload.getByText('Upload logo').waitFor();
    const file = ws(page).locator('input[type=file]');
    const requests: string[] = [];
    page.on('request', (r) => r.url().includes('/api/settings/workspace/logo') && requests.push(r.method()));
    await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    await ws(page).locator('.logo-error').getByText('Choose a PNG, JPEG, GIF or WebP image.').waitFor();
    await file.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.concat([png(64, 64), Buffer.alloc(600 * 1024)]) });
    await ws(page).locator('.logo-error').getByText(/can be at most 512 KB/).waitFor();
    expect(requests).toEqual([]);

    // The General form has unsaved changes meanwhile: they survive the upload and still save.
    await box(page, 'Workspace name').fill('Logo & Co');
    await file.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(128, 128) });
    await toastSays(page, 'Logo saved');
    const img = ws(page).locator('.logo-box img');
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(128);
    await upload.getByText('Replace logo').waitFor();
    // The inbox header follows at once.
    await expect.poll(() => page.locator('ib-app .bar img.logo').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(128);
    expect(await box(page, 'Workspace name').inputValue()).toBe('Logo & Co');
    await box(page, 'Workspace name').press('Enter');
    await toastSays(page, 'Saved');
    expect((await current()).name).toBe('Logo & Co');
    await dismissToasts(page);
    const logoCard = ws(page).locator('section[aria-labelledby=logo-title]');
    await logoCard.scrollIntoViewIfNeeded();
    await check(page, 'workspace-logo-desktop');
    await page.setViewportSize({ width: 375, height: 740 });
    await logoCard.scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await check(page, 'workspace-logo-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // A customer's site: the widget's header shows it.
    const site = await startHostSite();
    try {
      const visitor = await browser.newPage();
      await visitor.goto(site.page('/', embedPage(node.url, fx.inbox)));
      const w = widget(visitor);
      await w.launcher.click();
      const logo = w.panel.locator('header img.logo');
      await expect.poll(() => logo.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(128);
      expect(await logo.getAttribute('alt')).toBe('');
      mkdirSync('test-results', { recursive: true });
      await visitor.screenshot({ path: 'test-results/widget-logo.png' });
      await visitor.close();
    } finally {
      await site.close();
    }

    await ws(page).locator('ib-button.remove').click();
    await toastSays(page, 'Logo removed');
    await ws(page).locator('.logo-box').getByText('No logo').waitFor();
    await expect.poll(() => page.locator('ib-app .bar img.logo').count()).toBe(0);
    await page.context().close();
  });

  it('an agent has no Workspace area', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[1]!, { path: '/inbox/settings/workspace' });
    await page.locator('ib-settings').getByRole('heading', { name: 'Your role does not give access to this page' }).waitFor();
    expect(await ws(page).count()).toBe(0);
    await page.context().close();
  });
});
