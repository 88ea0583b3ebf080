import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connect, login, next, seedWorkspace } from '../support/harness.js';
import { embedPage, useWidgetEnv, widget } from '../support/widget-host.js';

/** What has keyboard focus, through the widget's shadow roots: tag and name, label or class. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a || a === document.body) return 'body';
    const name = a.getAttribute('name') ?? a.getAttribute('aria-label') ?? a.className;
    return `${a.tagName.toLowerCase()} ${name}`.trim();
  });

/** The whole widget driven by keyboard alone, as a visitor who cannot use a mouse would. */
describe('chat widget by keyboard', () => {
  const env = useWidgetEnv();

  it('opens from the bubble into the first field, fills the pre-chat form, sends, attaches with the paperclip, closes with Escape and reopens, also after a reload', async () => {
    const other = await seedWorkspace(env.node.deps.db, 1);
    const settings = { teamName: 'Acme Help', preChat: { name: 'required', email: 'optional' } };
    await env.node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify(settings)}::jsonb where id = ${other.inboxId}::uuid`);
    const agent = await connect(env.node.url, '/agent', { token: await login(env.node.url, other.agents[0]!.email, other.agents[0]!.password) });
    const context = await env.browser.newContext();
    const page = await context.newPage();
    // A step that hangs fails by name well inside the test's own timeout (CI once timed out here
    // without saying which step waited).
    page.setDefaultTimeout(8_000);
    await page.goto(env.site.page('/keys', embedPage(env.node.url, other.inbox)));
    const w = widget(page);
    await w.launcher.waitFor();
    const key = (k: string) => page.keyboard.press(k);

    // The page has no other control: the first Tab reaches the bubble.
    await key('Tab');
    expect(await focused(page)).toBe('button Open chat');
    await key('Enter');
    await expect.poll(() => focused(page)).toBe('input name');
    await page.keyboard.type('Grace');
    await key('Tab');
    expect(await focused(page)).toBe('input email');
    await page.keyboard.type('grace@example.test');
    await key('Enter');
    // The form is done: focus goes on to the message field.
    await expect.poll(() => focused(page)).toBe('textarea Message');

    const ticketNew = next(agent, 'ticket:new');
    await page.keyboard.type('hello by keyboard');
    await key('Enter');
    const { ticket } = await ticketNew;
    expect(ticket.requester).toMatchObject({ name: 'Grace', email: 'grace@example.test' });
    await w.mine.filter({ hasText: 'hello by keyboard' }).waitFor();

    // Paperclip and back: the hidden file input is no stop of the focus trap.
    await key('Shift+Tab');
    expect(await focused(page)).toBe('button Attach a file');
    await key('Tab');
    expect(await focused(page)).toBe('textarea Message');
    await key('Shift+Tab');
    const chooser = page.waitForEvent('filechooser');
    await key('Enter');
    await (await chooser).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('by keyboard') });
    await page.locator('sw-composer .file', { hasText: 'notes.txt' }).waitFor();
    await key('Tab');
    expect(await focused(page)).toBe('textarea Message');
    const withFile = next(agent, 'message:new', (e) => e.message.attachments.length > 0);
    await page.keyboard.type('and a file');
    await key('Enter');
    expect((await withFile).message.attachments[0]).toMatchObject({ filename: 'notes.txt' });

    // Tab goes round the panel and never leaves it.
    const stops: string[] = [];
    for (let i = 0; i < 8; i++) {
      await key('Tab');
      stops.push(await focused(page));
    }
    expect(stops).toContain('button Close chat');
    expect(stops.every((s) => s !== 'body' && s !== 'button Open chat')).toBe(true);

    // Escape closes and puts focus back on the bubble; Enter reopens into the message field.
    await key('Escape');
    await expect.poll(() => w.panel.isHidden()).toBe(true);
    expect(await focused(page)).toBe('button Open chat');
    await key('Enter');
    await expect.poll(() => focused(page)).toBe('textarea Message');
    // Escape on the bubble itself closes the open panel too.
    await page.locator('sw-widget button.l').focus();
    await key('Escape');
    await expect.poll(() => w.panel.isHidden()).toBe(true);

    // A returning visitor's panel is loaded early, hidden: opening it still lands in the field.
    await page.reload();
    await expect.poll(() => w.panel.count()).toBe(1);
    await key('Tab');
    await key('Enter');
    await expect.poll(() => focused(page)).toBe('textarea Message');
    await context.close();
  });
});
