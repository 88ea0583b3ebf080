import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { bundlePage, openTestPage } from '../support/fixture-page.js';
import { focused } from '../support/inbox.js';

/** No server: the test page's origin exists only in the browser context's routing. */
const ORIGIN = 'http://components.test';
type Seen = { clicks: string[]; submits: number; changes: string[]; closes: string[]; sorts: string[]; activated: string[] };
const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Seen }).seen);

/** The inbox's shared components (ib-button, ib-select, ib-field, ib-dialog, ib-toast, ib-table, ib-empty) on a test page: keyboard, ARIA wiring, axe. */
describe('inbox shared components', () => {
  let browser: Browser;
  let js: string;
  beforeAll(async () => {
    [browser, js] = await Promise.all([launchChromium(), bundlePage('test/inbox/pages/components.ts')]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const open = async (width = 1024) => {
    const context = await browser.newContext({ viewport: { width, height: width < 500 ? 740 : 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => console.error('[components page error]', err.message));
    await openTestPage(page, ORIGIN, 'components', js);
    await page.locator('ib-table#people tbody tr').first().waitFor();
    return page;
  };

  it('ib-button: variants click, disabled and loading do not, an icon button has its label as name, loading keeps focus and says busy', async () => {
    const page = await open();
    for (const name of ['Save changes', 'Cancel', 'Delete inbox', 'Attach files', 'Delete', 'Small', 'Large']) await page.getByRole('button', { name, exact: true }).click();
    await page.locator('ib-button', { hasText: 'Disabled' }).click({ force: true });
    await page.locator('ib-button#loading').click();
    expect((await seen(page)).clicks).toEqual(['primary', 'secondary', 'danger', 'ghost', 'icon', 'sm', 'lg']);
    expect(await page.getByRole('button', { name: 'Disabled' }).isDisabled()).toBe(true);
    const loading = page.getByRole('button', { name: 'Saving' });
    expect(await loading.getAttribute('aria-busy')).toBe('true');
    await loading.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    expect(await focused(page)).toBe('ib-button Saving');
    expect((await seen(page)).clicks).not.toContain('loading');
    // A toggle says whether it is pressed; a link button is a link.
    expect(await page.getByRole('button', { name: 'Toggle' }).getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByRole('link', { name: 'A link' }).getAttribute('href')).toBe('#elsewhere');
    await page.context().close();
  });

  it('ib-field and ib-select: labels, hint and error wired to the control, Enter and the submit button submit once, arrows pick an option', async () => {
    const page = await open();
    const name = page.getByRole('textbox', { name: 'Name', exact: true });
    expect(await name.evaluate((el) => el.localName + (el as HTMLInputElement).required)).toBe('inputtrue');
    const described = (sel: string) =>
      page.locator(sel).evaluate((el) =>
        (el.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .filter(Boolean)
          .map((id) => (el.getRootNode() as Document).getElementById(id)?.textContent?.trim())
          .join(' | '),
      );
    expect(await described('input[name=name]')).toBe('As your customers will see it.');
    expect(await described('input[name=email]')).toBe('Enter an email address like ana@example.com');
    expect(await page.getByRole('textbox', { name: 'Email', exact: true }).getAttribute('aria-invalid')).toBe('true');
    // Clearing the error un-marks the field.
    await page.locator('ib-field', { hasText: 'Email' }).evaluate((f: HTMLElement & { error: string }) => (f.error = ''));
    await expect.poll(() => page.getByRole('textbox', { name: 'Email', exact: true }).getAttribute('aria-invalid')).toBeNull();
    expect(await described('input[name=email]')).toBe('');

    // The menu is labelled by its field, described by its hint, grouped, and moves with the arrows.
    const role = page.getByRole('combobox', { name: 'Role', exact: true });
    expect(await role.evaluate((el) => el.localName)).toBe('select');
    expect(await described('select[name=role]')).toBe('What this person may do.');
    expect(await role.locator('optgroup[label="Custom roles"] option').allTextContents()).toEqual(['Sales', 'Billing']);
    await role.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await seen(page)).changes).toEqual(['admin']);
    expect(await page.locator('ib-select').evaluate((s: HTMLElement & { value: string }) => s.value)).toBe('admin');

    // Enter in a text field submits the form once; so does the submit button.
    await name.fill('Ana');
    await name.press('Enter');
    await expect.poll(async () => (await seen(page)).submits).toBe(1);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(async () => (await seen(page)).submits).toBe(2);
    await page.getByRole('button', { name: 'Reset' }).click();
    expect(await name.inputValue()).toBe('');
    await page.context().close();
  });

  it('ib-dialog: opens with focus inside, Tab stays inside, Escape and Close close it and focus returns to the opener', async () => {
    const page = await open();
    const opener = page.getByRole('button', { name: 'Rename…' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Rename the inbox' });
    await dialog.waitFor();
    // The content's autofocus field has focus; Tab visits Cancel, Rename, Close, then the field again.
    await expect.poll(() => focused(page)).toBe('input.field rename');
    const stops: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      stops.push(await focused(page));
    }
    expect(stops).toEqual(['ib-button Cancel', 'ib-button Rename', 'ib-button.close Close', 'input.field rename']);
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('ib-button.close Close');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('ib-button Rename');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => focused(page)).toBe('ib-button Rename…');
    await opener.click();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The native close event comes a task after the dialog is hidden.
    await expect.poll(async () => (await seen(page)).closes).toEqual(['escape', 'close-button']);
    await page.context().close();
  });

  it('ib-toast: a polite live region reads each notice; success goes by itself, an error stays longer (or until dismissed)', async () => {
    const page = await open();
    await page.locator('ib-toast').evaluate((t: HTMLElement & { timeout: number }) => (t.timeout = 300));
    const live = page.locator('ib-toast [role=status]');
    await page.getByRole('button', { name: 'Notify saved' }).click();
    await live.getByText('Saved').waitFor({ state: 'attached' });
    const visible = page.locator('ib-toast .toast');
    const saved = page.locator('ib-toast .toast.success');
    await saved.waitFor();
    await saved.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Notify error' }).click();
    await expect.poll(() => live.textContent()).toBe('Not saved: the name is already taken');
    const error = visible.filter({ hasText: 'already taken' });
    await error.waitFor();
    // Still there after more than the success timeout (a later notice proves time passed).
    await page.getByRole('button', { name: 'Notify saved' }).click();
    await saved.waitFor();
    await saved.waitFor({ state: 'detached' });
    expect(await error.isVisible()).toBe(true);
    await error.getByRole('button', { name: 'Dismiss' }).click();
    await error.waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('ib-table: sortable headers by keyboard (aria-sort), rows move with the arrows and Enter activates one, the empty slot', async () => {
    const page = await open();
    const table = page.locator('ib-table#people');
    const names = () => table.locator('tbody th').allTextContents();
    expect(await names()).toEqual(['Ana Lima', 'bo Chen', 'Cleo Park']);
    expect(await table.locator('th[aria-sort]').textContent()).toContain('Name');
    await table.getByRole('button', { name: 'Open tickets' }).focus();
    await page.keyboard.press('Enter');
    expect(await names()).toEqual(['bo Chen', 'Ana Lima', 'Cleo Park']);
    await page.keyboard.press('Enter');
    expect(await names()).toEqual(['Cleo Park', 'Ana Lima', 'bo Chen']);
    expect(await table.locator('th[aria-sort=descending]').textContent()).toContain('Open tickets');
    expect((await seen(page)).sorts).toEqual(['tickets asc', 'tickets desc']);
    // The rows are one tab stop after the headers.
    for (const key of ['Tab', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'Enter', 'Home', 'Enter']) await page.keyboard.press(key);
    expect((await seen(page)).activated).toEqual(['u2', 'u3']);
    await page.keyboard.press('Tab');
    expect(await focused(page)).not.toMatch(/^tr/);
    const empty = page.locator('ib-table#letters');
    await empty.getByRole('heading', { name: 'No dead letters' }).waitFor();
    await page.context().close();
  });

  for (const [label, width] of [['desktop', 1024], ['phone', 375]] as const)
    it(`axe: no critical or serious violation, closed and with the dialog open (${label}); screenshots`, async () => {
      const page = await open(width);
      mkdirSync('test-results', { recursive: true });
      await page.getByRole('button', { name: 'Notify error' }).click();
      await page.screenshot({ path: `test-results/components-${label}.png`, fullPage: true });
      let vs = await axeViolations(page);
      expect(vs, describeViolations(vs)).toEqual([]);
      await page.getByRole('button', { name: 'Rename…' }).click();
      await page.getByRole('dialog', { name: 'Rename the inbox' }).waitFor();
      await page.screenshot({ path: `test-results/components-dialog-${label}.png` });
      vs = await axeViolations(page);
      expect(vs, describeViolations(vs)).toEqual([]);
      await page.context().close();
    });
});
