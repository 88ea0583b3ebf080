import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cmid, ok, visitor } from '../support/harness.js';
import { openInbox, seedThread, thread, useBrowserEnv } from '../support/inbox.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { fixture, postRaw, seedEmailInbox, type EmailInboxFixture } from '../support/email.js';

/** axe-core (WCAG 2.1 A/AA) on every inbox screen, at desktop size and on a 375 px phone: no critical or serious violation. */
describe('inbox accessibility (axe-core)', () => {
  const env = useBrowserEnv('postgres');
  let ib: EmailInboxFixture;
  beforeAll(async () => {
    ib = await seedEmailInbox(env.node.deps.db, env.fx.workspaceId);
  });

  const check = async (page: Page, name: string) => {
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: `test-results/a11y-${name}.png` });
    const vs = await axeViolations(page);
    expect.soft(vs, `${name}:\n${describeViolations(vs)}`).toEqual([]);
  };

  for (const [label, width] of [['desktop', 1280], ['tablet', 900], ['phone', 375]] as const) {
    it(`login, list, chat ticket and email ticket (${label})`, async () => {
      const { node, fx, browser } = env;
      const context = await browser.newContext({ viewport: { width, height: width === 375 ? 740 : 800 } });
      const page = await context.newPage();
      await page.goto(`${node.url}/inbox/`);
      await page.locator('ib-app form.login').waitFor();
      await check(page, `login-${label}`);
      await page.close();
      await context.close();

      const { s: v } = await visitor(node.url, fx.inbox);
      const chat = await ok(v, 'message:send', { body: `Where is my order? See https://shop.example.test/orders/1 (${label})`, clientMessageId: cmid() });
      // A thread longer than the screen: its scroll region must be reachable by keyboard.
      await seedThread(node.deps.db, fx, chat.ticketId, chat.conversationId, chat.authorId, 30);
      const mail = await postRaw(node, ib, fixture('new-ticket-html-inline.eml').toString().replace('new-html-inline-1@', `a11y-${label}-${Date.now()}@`));
      expect(mail.status).toBe(200);
      const inbox = await openInbox(browser, node.url, fx.agents[0]!, { viewport: { width, height: width === 375 ? 740 : 800 } });
      await inbox.locator('ib-ticket-list [role=option]').first().waitFor();
      await check(inbox, `list-${label}`);

      await inbox.goto(`${node.url}/inbox/t/${chat.ticketId}`);
      await thread(inbox).getByText('Where is my order?').waitFor();
      await inbox.fill('ib-composer textarea', 'Here is the tracking page: https://track.example.test/x');
      await inbox.press('ib-composer textarea', 'Enter');
      await thread(inbox).locator('.msg.agent', { hasText: 'tracking page' }).waitFor();
      expect(await thread(inbox).evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
      await check(inbox, `chat-${label}`);
      if (width < 1100) {
        await inbox.locator('ib-conversation').getByRole('button', { name: 'Contact details' }).click();
        await inbox.locator('ib-contact h2').waitFor();
        await check(inbox, `contact-${label}`);
        await inbox.keyboard.press('Escape');
      } else {
        await inbox.locator('ib-conversation .thread').focus();
        await inbox.keyboard.press('?');
        await inbox.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
        await check(inbox, `help-${label}`);
        await inbox.keyboard.press('Escape');
      }

      await inbox.goto(`${node.url}/inbox/t/${mail.body.data.ticketId}`);
      await thread(inbox).locator('ib-email .html img').first().waitFor();
      await check(inbox, `email-${label}`);
      await inbox.context().close();
    });
  }
});
