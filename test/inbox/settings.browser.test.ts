import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cmid, ok, visitor } from '../support/harness.js';
import { focused, openInbox, thread, useBrowserEnv } from '../support/inbox.js';
import { screenAndAxe } from '../support/axe.js';

const check = (page: Page, name: string) => screenAndAxe(page, `settings-${name}`);
const nav = (page: Page) => page.getByRole('navigation', { name: 'Settings' });
const heading = (page: Page) => page.locator('ib-settings .page h1');
const path = (page: Page) => new URL(page.url()).pathname;

/** The settings area of the inbox (`/inbox/settings/<area>/<id>`): shell, navigation, permissions, deep links, phone layout; on the built inbox. */
describe('inbox settings shell', () => {
  const env = useBrowserEnv('embedded', { agents: 2 });

  it('an owner: from the inbox header to the settings (a chunk loaded then), every area in the navigation, deep links on reload, back/forward, back to the inbox where it was', async () => {
    const { node, fx, browser } = env;
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'Settings shell ticket', clientMessageId: cmid() });
    const scripts: string[] = [];
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/t/${m.ticketId}?status=any` });
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
    await thread(page).getByText('Settings shell ticket').waitFor();
    // The inbox loaded without the settings code.
    expect(await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('ib-settings')))).toEqual([]);
    // A link in the header; following it is no page load (a marker on window survives).
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.locator('ib-app .bar').getByRole('link', { name: 'Settings' }).click();
    await heading(page).filter({ hasText: 'Account' }).waitFor();
    expect(path(page)).toBe('/inbox/settings/account');
    expect(scripts.some((s) => /\/inbox\/assets\/ib-settings-[\w-]+\.js$/.test(s))).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(await page.title()).toBe('Account · Settings · Inbox');
    // The account: name, email and role, from the server.
    const account = page.locator('ib-settings-account');
    await account.locator('.account-email', { hasText: fx.agents[0]!.email }).waitFor();
    expect(await account.locator('.account-name').textContent()).toBe('Agent 0');
    expect(await account.locator('.account-role .chip').textContent()).toBe('Owner');
    // Every area, grouped, the current one marked.
    expect(await nav(page).locator('li a').allTextContents()).toEqual(['Account', 'Workspace', 'Inboxes', 'Email dead letters', 'People', 'Teams', 'Roles', 'SLA policies', 'Business hours', 'Routing', 'Automation', 'Macros', 'Canned responses', 'SLA compliance', 'Audit log']);
    expect(await nav(page).locator('a[aria-current=page]').textContent()).toBe('Account');
    await check(page, 'account-desktop');

    // Another area: focus on its heading; the URL and the history follow.
    await nav(page).getByRole('link', { name: 'Inboxes' }).click();
    await heading(page).filter({ hasText: 'Inboxes' }).waitFor();
    expect(path(page)).toBe('/inbox/settings/inboxes');
    await expect.poll(() => focused(page)).toBe('h1 Inboxes');
    await check(page, 'area-desktop');
    await page.reload();
    await heading(page).filter({ hasText: 'Inboxes' }).waitFor();
    expect(await nav(page).locator('a[aria-current=page]').textContent()).toBe('Inboxes');
    await page.goBack();
    await heading(page).filter({ hasText: 'Account' }).waitFor();
    await page.goForward();
    await heading(page).filter({ hasText: 'Inboxes' }).waitFor();
    // A deep link with an id, and one to no area.
    await page.goto(`${node.url}/inbox/settings/people/usr_0123456789abcdefghijklmnop`);
    await heading(page).filter({ hasText: 'People' }).waitFor();
    await page.goto(`${node.url}/inbox/settings/no-such-area`);
    await page.locator('ib-settings').getByRole('heading', { name: 'There is no such settings page' }).waitFor();
    await check(page, 'not-found-desktop');
    await page.locator('ib-settings').getByRole('link', { name: 'See all settings' }).click();
    await heading(page).filter({ hasText: 'Account' }).waitFor();

    // Back to the inbox: the place left (ticket and filter), after the reloads too it is the inbox.
    await page.goto(`${node.url}/inbox/t/${m.ticketId}?status=any`);
    await thread(page).getByText('Settings shell ticket').waitFor();
    await page.locator('ib-app .bar').getByRole('link', { name: 'Settings' }).click();
    await heading(page).filter({ hasText: 'Account' }).waitFor();
    await nav(page).getByRole('link', { name: 'Back to the inbox' }).click();
    await thread(page).getByText('Settings shell ticket').waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(`/inbox/t/${m.ticketId}?status=any`);
    await page.goBack();
    await heading(page).filter({ hasText: 'Account' }).waitFor();
    await page.goBack();
    await thread(page).getByText('Settings shell ticket').waitFor();
    await page.context().close();
  });

  it('an agent sees only the areas their permissions allow; a link to another area says they lack it', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[1]!, { path: '/inbox/settings' });
    await heading(page).filter({ hasText: 'Account' }).waitFor();
    // Macros and canned responses need only tickets.write: agents keep their own there.
    expect(await nav(page).locator('li a').allTextContents()).toEqual(['Account', 'Macros', 'Canned responses']);
    expect(await page.locator('ib-settings-account .account-role .chip').textContent()).toBe('Agent');
    await page.goto(`${node.url}/inbox/settings/audit`);
    await page.locator('ib-settings').getByRole('heading', { name: 'Your role does not give access to this page' }).waitFor();
    await check(page, 'forbidden-desktop');
    await page.context().close();
  });

  it('the permissions GET /api/auth/me lists decide the areas shown, not the role', async () => {
    const { node, fx, browser } = env;
    // The session's permissions, rewritten here by the test's routing: the areas follow them.
    const page = await openInbox(browser, node.url, fx.agents[1]!, {
      setup: (context) =>
        context.route(`${node.url}/api/auth/me`, async (r) => {
          const res = await r.fetch();
          const body = (await res.json()) as { permissions?: string[] };
          body.permissions = ['tickets.read.team', 'audit.read', 'settings.people'];
          await r.fulfill({ response: res, json: body });
        }),
    });
    await page.locator('ib-app .bar').getByRole('link', { name: 'Settings' }).click();
    await heading(page).filter({ hasText: 'Account' }).waitFor();
    await expect.poll(() => nav(page).locator('li a').allTextContents()).toEqual(['Account', 'People', 'Teams', 'Roles', 'Audit log']);
    // The page opens; the server, which judges by the real role, still refuses its data.
    await nav(page).getByRole('link', { name: 'Audit log' }).click();
    await page.locator('ib-settings-audit').getByRole('heading', { name: 'The audit log could not be loaded' }).waitFor();
    await page.context().close();
  });

  it('when the settings chunk cannot be loaded (offline, or replaced by a newer build) the page says so and offers a reload', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { setup: (context) => context.route('**/inbox/assets/ib-settings-*.js', (r) => r.abort()) });
    await page.locator('ib-app .bar').getByRole('link', { name: 'Settings' }).click();
    await page.locator('ib-app').getByRole('heading', { name: 'The settings could not be loaded' }).waitFor();
    await page.locator('ib-app').getByRole('button', { name: 'Reload' }).waitFor();
    await page.context().close();
  });

  it('on a 375 px phone: the list of areas first, then one page with a way back; nothing scrolls sideways', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { viewport: { width: 375, height: 740 } });
    await page.locator('ib-app .bar').getByRole('link', { name: 'Settings' }).click();
    await nav(page).getByRole('link', { name: 'People' }).waitFor();
    expect(path(page)).toBe('/inbox/settings');
    expect(await page.locator('ib-settings .page').count()).toBe(0);
    await check(page, 'index-phone');
    await nav(page).getByRole('link', { name: 'Account' }).click();
    await heading(page).filter({ hasText: 'Account' }).waitFor();
    expect(await nav(page).isVisible()).toBe(false);
    await page.locator('ib-settings-account .account-email').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await check(page, 'account-phone');
    await page.locator('ib-settings .page').getByRole('link', { name: 'Settings' }).click();
    await nav(page).waitFor();
    await expect.poll(() => focused(page)).toBe('a Account');
    await page.context().close();
  });
});
