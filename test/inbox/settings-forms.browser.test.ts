import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { emailInboxCreateSchema } from '@support/protocol';
import { focused, openInbox, useBrowserEnv } from '../support/inbox.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { bundlePage, serveTestApp } from '../support/fixture-page.js';

type Named = { name: string; updatedAt: string };

/**
 * Answers /api/__test/inbox-name as phase B's edit routes will answer: GET gives the current
 * version; PUT saves when the body's expectedUpdatedAt is the current one, else 409 STALE.
 */
function versionedRoute(origin: string) {
  let n = 1;
  let current: Named = { name: 'Support', updatedAt: 'v1' };
  const bodies: Record<string, unknown>[] = [];
  return {
    bodies,
    someoneElseSaves(name: string) {
      current = { name, updatedAt: `v${++n}` };
    },
    setup: (context: BrowserContext) =>
      context.route(`${origin}/api/__test/inbox-name`, async (r) => {
        if (r.request().method() === 'GET') return r.fulfill({ json: current });
        const body = r.request().postDataJSON() as { name: string; expectedUpdatedAt: string };
        bodies.push(body);
        if (body.expectedUpdatedAt !== current.updatedAt) return r.fulfill({ status: 409, json: { error: { code: 'STALE', message: 'the inbox changed since it was loaded' } } });
        current = { name: body.name, updatedAt: `v${++n}` };
        return r.fulfill({ json: current });
      }),
  };
}

/** What the protocol's schema says about one field of a new email inbox (the message the form must show). */
function schemaMessage(input: Record<string, string>, field: string): string {
  const r = emailInboxCreateSchema.safeParse(input);
  const m = r.success ? '' : (r.error.issues.find((i) => i.path[0] === field)?.message ?? '');
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/**
 * The settings form toolkit (FormController, formAlert, ib-field, leave-guard) in the inbox
 * app's settings, on a test page that puts two forms in the Inboxes area
 * (test/inbox/pages/settings-app.ts): one against the server's real POST /api/email/inboxes,
 * one against a stand-in for the versioned edit routes phase B adds.
 */
describe('settings forms', () => {
  const env = useBrowserEnv('embedded', { agents: 1 });
  let js: string;
  beforeAll(async () => {
    js = await bundlePage('test/inbox/pages/settings-app.ts');
  });

  const open = async (route = versionedRoute(env.node.url)) => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, {
      path: '/inbox/settings/inboxes',
      setup: async (context) => {
        await serveTestApp(context, node.url, js);
        await route.setup(context);
      },
    });
    await page.getByRole('heading', { name: 'New email inbox' }).waitFor();
    return page;
  };
  const box = (page: Page, name: string) => page.getByRole('textbox', { name, exact: true });
  const description = (page: Page, name: string) =>
    box(page, name).evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .filter(Boolean)
        .map((id) => (el.getRootNode() as ShadowRoot).getElementById(id)?.textContent?.trim())
        .join(' | '),
    );

  it('validates inline with the protocol schema, saves once while busy, says "created", puts the server’s conflicts on their fields', async () => {
    const { node, fx } = env;
    const page = await open();
    const posts: string[] = [];
    page.on('request', (r) => r.url().endsWith('/api/email/inboxes') && posts.push(r.method()));

    // A wrong address shows its error once the field is left, with the schema's words; the untouched name shows none.
    const badAddress = schemaMessage({ name: 'x', address: 'not an address' }, 'address');
    expect(badAddress).not.toBe('');
    await box(page, 'Address').fill('not an address');
    await box(page, 'Address').press('Tab');
    await expect.poll(() => box(page, 'Address').getAttribute('aria-invalid')).toBe('true');
    expect(await description(page, 'Address')).toBe(`The address your customers write to. | ${badAddress}`);
    expect(await box(page, 'Name').getAttribute('aria-invalid')).toBeNull();
    // Fixed: the error goes as it is typed.
    await box(page, 'Address').fill('billing@example.test');
    await expect.poll(() => box(page, 'Address').getAttribute('aria-invalid')).toBeNull();

    // Submitting without a name: the name's error, focus on it, nothing sent.
    await page.getByRole('button', { name: 'Create inbox' }).click();
    await expect.poll(() => box(page, 'Name').getAttribute('aria-invalid')).toBe('true');
    expect(await description(page, 'Name')).toBe('This field is required');
    await expect.poll(() => focused(page)).toBe('input.field name');
    expect(posts).toEqual([]);

    // Saving: the button is busy and a second submit sends nothing; then "Inbox created" and an empty form.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(`${node.url}/api/email/inboxes`, async (r) => (await held, r.continue()), { times: 1 });
    await box(page, 'Name').fill('Billing');
    await box(page, 'Name').press('Enter');
    const create = page.getByRole('button', { name: 'Create inbox' });
    await expect.poll(() => create.getAttribute('aria-busy')).toBe('true');
    await box(page, 'Name').press('Enter');
    await create.click({ force: true });
    release();
    await page.locator('ib-toast .toast', { hasText: 'Inbox created' }).waitFor();
    await expect.poll(() => box(page, 'Name').inputValue()).toBe('');
    expect(await create.getAttribute('aria-busy')).toBeNull();
    expect(posts).toEqual(['POST']);
    expect(await node.deps.db.rows(sql`select 1 from inboxes where workspace_id = ${fx.workspaceId}::uuid and name = 'Billing'`)).toHaveLength(1);

    // The server refuses a taken name, then a taken address: each on its field, with a notice why.
    await box(page, 'Name').fill('billing');
    await box(page, 'Address').fill('other@example.test');
    await create.click();
    await expect.poll(() => description(page, 'Name')).toBe('An inbox named "billing" already exists');
    await page.locator('ib-toast .toast.error', { hasText: 'Not saved: An inbox named "billing" already exists' }).waitFor();
    await expect.poll(() => focused(page)).toBe('input.field name');
    await box(page, 'Name').fill('Sales');
    expect(await box(page, 'Name').getAttribute('aria-invalid')).toBeNull();
    await box(page, 'Address').fill('Billing@Example.test');
    await create.click();
    await expect.poll(() => description(page, 'Address')).toBe('The address your customers write to. | An inbox with the address billing@example.test already exists');
    await expect.poll(() => focused(page)).toBe('input.field address');
    expect(posts).toEqual(['POST', 'POST', 'POST']);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/settings-form-errors.png' });
    const vs = await axeViolations(page);
    expect(vs, describeViolations(vs)).toEqual([]);
    await page.context().close();
  });

  it('unsaved changes: leaving for another page, back and forward, or closing the tab asks first', async () => {
    const page = await open();
    const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
    // The dialog's buttons are its slotted content (light DOM of ib-dialog).
    const leaveButton = page.locator('ib-dialog.leave').getByRole('button', { name: 'Leave without saving' });
    const nav = page.getByRole('navigation', { name: 'Settings' });
    await box(page, 'Name').fill('Half typed');
    await nav.getByRole('link', { name: 'Account' }).click();
    await leave.waitFor();
    await expect.poll(() => focused(page)).toBe('ib-button Stay on this page');
    await page.screenshot({ path: 'test-results/settings-form-leave.png' });
    await page.keyboard.press('Enter');
    await leave.waitFor({ state: 'hidden' });
    expect(new URL(page.url()).pathname).toBe('/inbox/settings/inboxes');
    expect(await box(page, 'Name').inputValue()).toBe('Half typed');
    await nav.getByRole('link', { name: 'Account' }).click();
    await leaveButton.click();
    await page.locator('ib-settings .page h1', { hasText: 'Account' }).waitFor();

    // To the form again (nothing typed: no question), type, then back: asked; Escape stays.
    await nav.getByRole('link', { name: 'Inboxes' }).click();
    await box(page, 'Name').fill('Typed again');
    await page.goBack();
    await leave.waitFor();
    await page.keyboard.press('Escape');
    await leave.waitFor({ state: 'hidden' });
    expect(new URL(page.url()).pathname).toBe('/inbox/settings/inboxes');
    expect(await box(page, 'Name').inputValue()).toBe('Typed again');
    await page.goBack();
    await leaveButton.click();
    await page.locator('ib-settings .page h1', { hasText: 'Account' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/inbox/settings/account');

    // Closing the tab with unsaved changes: the browser asks.
    await nav.getByRole('link', { name: 'Inboxes' }).click();
    await box(page, 'Name').fill('Left open');
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => (resolve(d.type()), void d.accept())));
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
    await page.context().close();
  });

  it('each save carries the updatedAt the form has; a stale save says someone else saved, and Reload shows their version', async () => {
    const route = versionedRoute(env.node.url);
    const page = await open(route);
    const name = box(page, 'Inbox name');
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await expect.poll(() => name.inputValue()).toBe('Support');
    await name.fill('Support team');
    await save.click();
    await page.locator('ib-toast .toast.success', { hasText: 'Saved' }).waitFor();
    expect(route.bodies).toEqual([{ name: 'Support team', expectedUpdatedAt: 'v1' }]);

    route.someoneElseSaves('Help desk');
    await name.fill('Support crew');
    await save.click();
    const alert = page.locator('ib-test-inbox-forms .rename .form-alert');
    await alert.getByText('Someone else saved this since you opened it').waitFor();
    await page.locator('ib-toast .toast.error', { hasText: 'Not saved: someone else saved this first' }).waitFor();
    expect(route.bodies[1]).toEqual({ name: 'Support crew', expectedUpdatedAt: 'v2' });
    await expect.poll(() => focused(page)).toMatch(/^div\.form-alert/);
    await page.screenshot({ path: 'test-results/settings-form-stale.png' });
    const vs = await axeViolations(page);
    expect(vs, describeViolations(vs)).toEqual([]);
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => name.inputValue()).toBe('Help desk');
    await alert.waitFor({ state: 'detached' });
    await name.fill('Help desk team');
    await save.click();
    await expect.poll(() => route.bodies.length).toBe(3);
    expect(route.bodies[2]).toEqual({ name: 'Help desk team', expectedUpdatedAt: 'v3' });
    await expect.poll(() => page.locator('ib-toast [role=status]').textContent()).toBe('Saved');
    expect(await alert.count()).toBe(0);
    await page.context().close();
  });
});
