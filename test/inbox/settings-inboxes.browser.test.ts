import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { cmid, login, ok, visitor } from '../support/harness.js';
import { focused, openInbox, useBrowserEnv } from '../support/inbox.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { embedPage, startHostSite, widget, type HostSite } from '../support/widget-host.js';
import { smtpSink } from '../support/email.js';

/** Axe, and a screenshot of the whole page: the settings scroll inside the app, so the window is made as tall as the page for it. */
const check = async (page: Page, name: string) => {
  mkdirSync('test-results', { recursive: true });
  const size = page.viewportSize()!;
  const tall = await page.evaluate(() => document.querySelector('ib-app')?.shadowRoot?.querySelector('ib-settings')?.shadowRoot?.querySelector('.page')?.scrollHeight ?? 0);
  if (tall > size.height) await page.setViewportSize({ width: size.width, height: Math.min(tall + 60, 4000) });
  await page.screenshot({ path: `test-results/settings-inboxes-${name}.png` });
  await page.setViewportSize(size);
  const vs = await axeViolations(page);
  expect.soft(vs, `${name}:\n${describeViolations(vs)}`).toEqual([]);
};
const box = (page: Page, name: string) => page.getByRole('textbox', { name, exact: true });
const toast = (page: Page, text: string) => page.locator('ib-toast .toast', { hasText: text }).last().waitFor();
/** Clicks Save and waits for the server's answer to it, and the "Saved" notice. */
const save = async (page: Page) => {
  const answer = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/api/settings/inboxes/'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  expect((await answer).status()).toBe(200);
  await toast(page, 'Saved');
};
/** The preview's frame, once its page has loaded. */
const previewFrame = async (page: Page): Promise<Frame> => {
  const handle = await page.locator('ib-widget-preview iframe').elementHandle();
  const frame = (await handle!.contentFrame())!;
  await frame.locator('sw-panel').waitFor();
  return frame;
};
const launcherColor = (target: Page | Frame) => target.locator('sw-widget button.l').evaluate((el) => getComputedStyle(el).backgroundColor);

/** The Inboxes settings in the built inbox: list, chat and email inboxes, the live preview, deletion; on the embedded server. */
describe('inbox settings: Inboxes', () => {
  const env = useBrowserEnv('embedded', { agents: 2 });
  let site: HostSite;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  beforeAll(async () => {
    site = await startHostSite();
    sink = await smtpSink();
  });
  afterAll(async () => {
    await site.close();
    await sink.close();
  });

  it('an admin changes the widget colour (seen at once in the preview) and the widget on a host page shows it; allowed sites keep it off other sites', async () => {
    const { node, fx, browser } = env;
    const host = site.page('/shop', embedPage(node.url, fx.inbox));
    // The host page before: the inbox's colour (#123456).
    const visitorContext = await browser.newContext();
    const shop = await visitorContext.newPage();
    await shop.goto(host);
    await widget(shop).launcher.waitFor();
    expect(await launcherColor(shop)).toBe('rgb(18, 52, 86)');

    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/inboxes' });
    const table = page.locator('ib-table');
    await table.getByText('Chat', { exact: true }).first().waitFor();
    await check(page, 'list-desktop');
    await table.locator('tbody tr', { hasText: 'Website widget' }).first().click();
    await page.getByRole('heading', { name: 'Widget', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/inbox/settings/inboxes/${fx.inbox}`);
    const frame = await previewFrame(page);
    expect(await launcherColor(frame)).toBe('rgb(18, 52, 86)');

    // Typing a colour: the preview follows before anything is saved; a wrong one is a field error.
    await box(page, 'Colour').fill('#0a7a3');
    await box(page, 'Colour').press('Tab');
    await expect.poll(() => box(page, 'Colour').getAttribute('aria-invalid')).toBe('true');
    await box(page, 'Colour').fill('#0A7A3B');
    await expect.poll(() => launcherColor(frame)).toBe('rgb(10, 122, 59)');
    await box(page, 'Greeting').fill('Hello from the preview test');
    await expect.poll(() => frame.locator('sw-messages .greet').textContent()).toBe('Hello from the preview test');
    // The preview starts no session: nothing was written for it.
    const [sessions] = await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from visitor_sessions where inbox_id = ${fx.inboxId}::uuid`);
    await check(page, 'chat-desktop');
    await save(page);

    // A visitor opening the shop now gets the new colour and greeting.
    const later = await (await browser.newContext()).newPage();
    await later.goto(host);
    await widget(later).launcher.waitFor();
    expect(await launcherColor(later)).toBe('rgb(10, 122, 59)');
    await widget(later).launcher.click();
    await later.locator('sw-messages .greet', { hasText: 'Hello from the preview test' }).waitFor();
    // The greeting shows from the config; the session starts on the socket a moment later.
    const visitorSessions = async () =>
      (await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from visitor_sessions where inbox_id = ${fx.inboxId}::uuid`))[0]!.n;
    await expect.poll(visitorSessions, { timeout: 10_000 }).toBe(sessions!.n + 1);
    await later.context().close();

    // Allowed sites: another site only; the shop shows no widget at all.
    await page.getByRole('textbox', { name: 'Allowed sites' }).fill('https://elsewhere.example');
    await save(page);
    const refused = await (await browser.newContext()).newPage();
    const answer = refused.waitForResponse((r) => r.url().includes('/api/widget/config'));
    await refused.goto(host);
    expect((await answer).status()).toBe(403);
    await refused.waitForLoadState('networkidle');
    expect(await refused.locator('sw-widget').count()).toBe(0);
    await refused.context().close();
    await page.getByRole('textbox', { name: 'Allowed sites' }).fill(site.url);
    await save(page);
    const allowed = await (await browser.newContext()).newPage();
    await allowed.goto(host);
    await widget(allowed).launcher.waitFor();
    await allowed.context().close();

    // The identity secret: hidden, shown on request, rotated after a confirmation.
    const [secret] = await node.deps.db.rows<{ secret: string }>(sql`select secret from inboxes where id = ${fx.inboxId}::uuid`);
    expect(await page.locator('ib-identity-secret section').textContent()).not.toContain(secret!.secret);
    await page.getByRole('button', { name: 'Reveal' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Secret' }).inputValue()).toBe(secret!.secret);
    await page.locator('ib-identity-secret').getByRole('button', { name: 'Rotate…' }).click();
    await page.getByRole('dialog', { name: 'Rotate the secret?' }).waitFor();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await toast(page, 'the old one no longer works');
    await expect.poll(() => page.getByRole('textbox', { name: 'Secret' }).inputValue()).not.toBe(secret!.secret);
    // The form still saves: it took the version the rotation made.
    await box(page, 'Reply time').fill('an hour');
    await save(page);
    await visitorContext.close();
    await page.context().close();
  });

  it('a stale save: someone else saved first, the form says so, Reload shows their version, and the next save goes through', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: `/inbox/settings/inboxes/${fx.inbox}` });
    await page.getByRole('heading', { name: 'Widget', exact: true }).waitFor();
    // Another admin changes the greeting meanwhile.
    const other = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const r = await fetch(`${node.url}/api/settings/inboxes/${fx.inbox}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' }, body: JSON.stringify({ widget: { greeting: 'Their greeting' } }),
    });
    expect(r.status).toBe(200);
    await box(page, 'Reply time').fill('two days');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const alert = page.locator('ib-chat-inbox .form-alert');
    await alert.getByText('Someone else saved this since you opened it').waitFor();
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => box(page, 'Greeting').inputValue()).toBe('Their greeting');
    await box(page, 'Reply time').fill('two days');
    await save(page);
    const [row] = await node.deps.db.rows<{ settings: { greeting: string; replyTime: string } }>(sql`select settings from inboxes where id = ${fx.inboxId}::uuid`);
    expect([row!.settings.greeting, row!.settings.replyTime]).toEqual(['Their greeting', 'two days']);
    await page.context().close();
  });

  it('an email inbox: created with its webhook password shown once, its own SMTP server and a test mail that reaches it, a new webhook password', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/inboxes' });
    await page.getByRole('button', { name: 'New inbox' }).first().click();
    await page.getByRole('dialog', { name: 'New inbox' }).waitFor();
    // The dialog's content is ib-dialog's light DOM (slotted).
    const dialog = page.locator('ib-inbox-create ib-dialog');
    await dialog.getByRole('button', { name: 'Email' }).click();
    await box(page, 'Name').fill('Billing');
    await box(page, 'Address').fill('not an address');
    await box(page, 'Address').press('Tab');
    await expect.poll(() => box(page, 'Address').getAttribute('aria-invalid')).toBe('true');
    await box(page, 'Address').fill('billing@acme.test');
    await check(page, 'create-desktop');
    await page.getByRole('button', { name: 'Create inbox' }).click();
    await page.getByRole('dialog', { name: 'Email inbox created' }).waitFor();
    const password = await page.getByRole('textbox', { name: 'Password', exact: true }).inputValue();
    expect(password).toMatch(/^[\w-]{32}$/);
    await check(page, 'created-desktop');
    await page.getByRole('button', { name: 'Open inbox settings' }).click();
    await page.getByRole('heading', { name: 'Email', exact: true }).waitFor();
    expect(await page.locator('ib-webhook-credentials section').textContent()).not.toContain(password);
    expect(await page.locator('ib-webhook-credentials section').textContent()).toContain(password.slice(-4));

    // Its own SMTP server (the test's smtp-server), then a test mail through it.
    await page.getByRole('checkbox', { name: /its own SMTP server/ }).check();
    await box(page, 'SMTP host').fill('127.0.0.1');
    // A wrong port, then straight to Save: the click saves (checks) and lands on the field's error (the error does not appear
    // on leaving the field for Save, which would move the button from under the pointer).
    await box(page, 'Port').fill('x');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => box(page, 'Port').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => focused(page)).toBe('input.field smtp.port');
    await box(page, 'Port').fill(new URL(sink.url).port);
    await page.getByRole('combobox', { name: 'Encryption' }).selectOption('none');
    await save(page);
    const before = sink.received.length;
    await page.getByRole('button', { name: 'Send a test mail' }).click();
    await page.locator('ib-email-inbox .result.ok', { hasText: 'The server answered 250' }).waitFor();
    expect(sink.received.slice(before).map((m) => m.envelope)).toEqual([{ from: 'billing@acme.test', to: [fx.agents[0]!.email] }]);
    await check(page, 'email-desktop');

    // A new webhook password: asked first, shown once.
    await page.getByRole('button', { name: 'Regenerate…' }).click();
    await page.getByRole('dialog', { name: 'Regenerate the webhook password?' }).waitFor();
    await page.getByRole('button', { name: 'Regenerate password' }).click();
    await toast(page, 'New webhook password made');
    const fresh = await page.locator('ib-webhook-credentials #webhook-password').inputValue();
    expect(fresh).not.toBe(password);
    await page.context().close();
  });

  it('deleting an inbox with tickets asks where they go and moves them; the inbox menu of an agent at work follows at once', async () => {
    const { node, fx, browser } = env;
    const admin = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/inboxes' });
    await admin.getByRole('button', { name: 'New inbox' }).first().click();
    await box(admin, 'Name').fill('Old site');
    await admin.getByRole('button', { name: 'Create inbox' }).click();
    await admin.getByRole('heading', { name: 'Widget', exact: true }).waitFor();
    const inboxId = new URL(admin.url()).pathname.split('/').pop()!;
    const { s } = await visitor(node.url, inboxId);
    await ok(s, 'message:send', { body: 'A ticket in the old inbox', clientMessageId: cmid() });

    const agentPage = await openInbox(browser, node.url, fx.agents[0]!);
    const menu = agentPage.getByRole('combobox', { name: 'Inbox' });
    await expect.poll(() => menu.locator('option').allTextContents()).toContain('Old site');

    await admin.reload();
    await admin.getByRole('button', { name: 'Delete inbox…' }).click();
    await admin.getByRole('dialog', { name: 'Delete Old site?' }).waitFor();
    const dialog = admin.locator('ib-inbox-delete ib-dialog');
    await dialog.getByText('What happens to its ticket?').waitFor();
    await expect.poll(() => admin.getByRole('combobox', { name: 'Move to' }).inputValue()).toBe(fx.inbox);
    await check(admin, 'delete-desktop');
    await dialog.getByRole('button', { name: 'Delete inbox', exact: true }).click();
    await toast(admin, 'its tickets are in Chat');
    await admin.locator('ib-table').waitFor();
    expect(new URL(admin.url()).pathname).toBe('/inbox/settings/inboxes');
    expect(await admin.locator('ib-table tbody').textContent()).not.toContain('Old site');
    await expect.poll(() => menu.locator('option').allTextContents()).not.toContain('Old site');
    const [t] = await node.deps.db.rows<{ inbox_id: string }>(sql`select inbox_id from tickets where workspace_id = ${fx.workspaceId}::uuid order by created_at desc limit 1`);
    expect(t!.inbox_id).toBe(fx.inboxId);
    await agentPage.context().close();
    await admin.context().close();
  });

  it('on a 375 px phone: the list and an inbox fit the width (preview under the form), with no axe violation', async () => {
    const { node, fx, browser } = env;
    const page = await openInbox(browser, node.url, fx.agents[0]!, { path: '/inbox/settings/inboxes', viewport: { width: 375, height: 740 } });
    await page.locator('ib-table').waitFor();
    await check(page, 'list-phone');
    await page.goto(`${node.url}/inbox/settings/inboxes/${fx.inbox}`);
    await page.getByRole('heading', { name: 'Widget', exact: true }).waitFor();
    await previewFrame(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await check(page, 'chat-phone');
    const agentPage = await openInbox(browser, node.url, fx.agents[1]!, { path: `/inbox/settings/inboxes/${fx.inbox}` });
    await agentPage.locator('ib-settings').getByRole('heading', { name: 'Your role does not give access to this page' }).waitFor();
    await agentPage.context().close();
    await page.context().close();
  });
});
