import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cmid, ok, visitor } from '../support/harness.js';
import { focused, seedTickets, thread, useBrowserEnv } from '../support/inbox.js';

/** The list row the keyboard is on (the listbox's active descendant): its ticket number. */
const activeRow = (page: Page) =>
  page.locator('ib-ticket-list [role=listbox]').evaluate((lb) => {
    const id = lb.getAttribute('aria-activedescendant');
    return id ? Number((lb.getRootNode() as ShadowRoot).getElementById(id)?.getAttribute('data-number')) : null;
  });

/** Presses Tab (or Shift+Tab) until focus is on something matching `re` (at most `max` presses). */
async function tabTo(page: Page, re: RegExp, o: { back?: boolean; max?: number } = {}): Promise<string> {
  for (let i = 0; i < (o.max ?? 30); i++) {
    await page.keyboard.press(o.back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (re.test(f)) return f;
  }
  throw new Error(`Tab never reached ${re} (last: ${await focused(page)})`);
}

/** Opens the inbox in a new context of `width` and logs in with the keyboard alone (focus starts in the email field). */
async function keyboardLogin(browser: Browser, url: string, agent: { email: string; password: string }, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: width < 500 ? 740 : 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${url}/inbox/`);
  await page.locator('ib-app form.login').waitFor();
  await expect.poll(() => focused(page)).toBe('input.field email');
  await page.keyboard.type(agent.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(agent.password);
  await page.keyboard.press('Enter');
  return page;
}

/** The main paths of the inbox driven by the keyboard alone, at desktop size and on a phone. */
describe('inbox by keyboard only', () => {
  const env = useBrowserEnv('embedded', { agents: 2 });

  it('log in, move through the list, open, reply, note, tag, assign, change status, search, switch views, go back', async () => {
    const { node, fx, browser } = env;
    const { first } = await seedTickets(node.deps.db, fx, 3, { words: 'Keyboard ticket' });
    // Log in: the email field has focus; Tab to the password; Enter submits.
    const page = await keyboardLogin(browser, node.url, fx.agents[0]!, 1280);

    // The list has focus, on the newest ticket; arrows move, Enter opens and focus goes into the conversation.
    await page.locator('ib-ticket-list [role=option]').nth(2).waitFor();
    await expect.poll(() => focused(page)).toBe('div.scroller Tickets');
    await expect.poll(() => activeRow(page)).toBe(first + 2);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => activeRow(page)).toBe(first + 1);
    await page.keyboard.press('End');
    await expect.poll(() => activeRow(page)).toBe(first);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.locator('ib-conversation .num', { hasText: `#${first + 1}` }).waitFor();
    await expect.poll(() => focused(page)).toMatch(/^div\.thread Conversation with Customer 2$/);
    expect(new URL(page.url()).pathname).toMatch(/^\/inbox\/t\/tkt_/);

    // Reply (r), then a note (n): Escape leaves the text field.
    await page.keyboard.press('r');
    await page.keyboard.type('Reply typed by keyboard');
    await page.keyboard.press('Enter');
    await thread(page).locator('.msg.agent.public', { hasText: 'Reply typed by keyboard' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    await page.keyboard.type('Note typed by keyboard');
    await page.keyboard.press('Enter');
    await thread(page).locator('.msg.internal', { hasText: 'Note typed by keyboard' }).waitFor();
    await page.keyboard.press('Escape');
    // The composer is also reachable with Tab from the conversation, and its mode with the buttons.
    await page.locator('ib-conversation').evaluate((el: any) => el.focusThread());
    await tabTo(page, /^ib-button\.attach Attach files$/);

    // From the conversation, Shift+Tab walks back through the ticket's actions: a tag, the status, the assignee.
    await page.locator('ib-conversation').evaluate((el: any) => el.focusThread());
    await tabTo(page, /^input\.field\.addtag/, { back: true });
    await page.keyboard.type('vip');
    await page.keyboard.press('Enter');
    await page.locator('ib-conversation .tag', { hasText: 'vip' }).waitFor();
    await tabTo(page, /^select Status$/, { back: true });
    await page.keyboard.press('ArrowDown');
    await thread(page).getByText('changed the status from open to pending').waitFor();
    await tabTo(page, /^select Assignee$/, { back: true });
    await page.keyboard.press('ArrowDown');
    await thread(page).getByText('Agent 0 assigned this to Agent 0').waitFor();
    await page.keyboard.press('ArrowDown');
    await thread(page).getByText('Agent 0 assigned this to Agent 1').waitFor();
    // Back to me with the shortcut, after leaving the menu.
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await expect.poll(() => thread(page).getByText('Agent 0 assigned this to Agent 0').count()).toBe(2);

    // Escape: back to the list (the ticket, now pending, left the Open list: on the first row).
    // Search with "/", then the views with arrows.
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('div.scroller Tickets');
    await expect.poll(() => activeRow(page)).toBe(first + 2);
    await page.keyboard.press('/');
    await expect.poll(() => focused(page)).toBe('input.field Search tickets');
    await page.keyboard.type('(3)');
    await expect.poll(() => page.locator('ib-ticket-list [role=option]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab'); // the inbox menu
    await page.keyboard.press('Shift+Tab'); // the status menu
    await page.keyboard.press('Shift+Tab'); // the selected view tab
    await expect.poll(() => focused(page)).toBe('button All');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => focused(page)).toBe('button Unassigned');
    expect(await page.locator('ib-ticket-list [role=tab][aria-selected=true]').textContent()).toBe('Unassigned');
    await page.keyboard.press('Home');
    await expect.poll(() => focused(page)).toBe('button Mine');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => focused(page)).toBe('button All');

    // The shortcut help is a modal dialog: focus moves into it, and back to where it was when Escape closes it.
    await page.keyboard.press('Escape');
    await expect.poll(() => focused(page)).toBe('div.scroller Tickets');
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await page.locator('ib-dialog.help').getByText('move in the list').waitFor();
    await expect.poll(() => focused(page)).toBe('ib-button.close Close');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    await expect.poll(() => focused(page)).toBe('div.scroller Tickets');
    await page.context().close();
  });

  it('on a phone: Enter opens the ticket full screen with focus in it, Escape goes back to the list on the same row', async () => {
    const { node, fx, browser } = env;
    const { s: v } = await visitor(node.url, fx.inbox);
    await ok(v, 'message:send', { body: 'Phone keyboard ticket', clientMessageId: cmid() });
    const page = await keyboardLogin(browser, node.url, fx.agents[1]!, 375);
    const r = page.locator('ib-ticket-list [role=option]', { hasText: 'Phone keyboard ticket' });
    await r.waitFor();
    await expect.poll(() => focused(page)).toBe('div.scroller Tickets');
    const number = Number(await r.getAttribute('data-number'));
    while ((await activeRow(page)) !== number) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await thread(page).getByText('Phone keyboard ticket').waitFor();
    expect(await page.locator('ib-ticket-list').isVisible()).toBe(false);
    await expect.poll(() => focused(page)).toMatch(/^div\.thread/);
    // The way back is a button too.
    await tabTo(page, /Back to the list/, { back: true });
    await page.keyboard.press('Escape');
    await r.waitFor();
    expect(await page.locator('ib-conversation').isVisible()).toBe(false);
    await expect.poll(() => focused(page)).toBe('div.scroller Tickets');
    expect(await activeRow(page)).toBe(number);
    await page.keyboard.press('Enter');
    await thread(page).getByText('Phone keyboard ticket').waitFor();
    await expect.poll(() => focused(page)).toMatch(/^div\.thread/);
    await tabTo(page, /Back to the list/, { back: true });
    await page.keyboard.press('Enter');
    await r.waitFor();
    await expect.poll(() => focused(page)).toBe('div.scroller Tickets');
    await page.context().close();
  });
});
