import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cmid, connect, login, ok, seedWorkspace } from '../support/harness.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { embedPage, startChat, useWidgetEnv, widget } from '../support/widget-host.js';

/** axe-core (WCAG 2.1 A/AA) over the widget in each of its states; critical and serious violations fail. */
describe('chat widget accessibility', () => {
  const env = useWidgetEnv();
  mkdirSync('test-results', { recursive: true });

  /** Checks the widget's host element (axe reaches into its open shadow roots) and saves a screenshot. */
  const check = async (page: Page, name: string) => {
    await page.screenshot({ path: `test-results/widget-${name}.png` });
    const vs = await axeViolations(page, { include: 'sw-widget' });
    expect(vs, `${name}:\n${describeViolations(vs)}`).toEqual([]);
  };

  /** A conversation with links both ways, a file and an agent's name: most of what the panel draws. */
  const conversation = async (page: Page, agent: Awaited<ReturnType<typeof startChat>>['agent'], ticketId: string) => {
    await ok(agent, 'message:send', { ticketId, body: 'Track it at https://shop.example/track/42 any time.', clientMessageId: cmid() });
    await widget(page).theirs.filter({ hasText: 'Track it at' }).waitFor();
  };

  it('axe reaches into the widget: a control without a name inside its shadow roots is found', async () => {
    const { context, page } = await startChat(env, '/a11y-probe', 'probe');
    await page.locator('sw-composer').evaluate((el) => el.shadowRoot!.append(document.createElement('button')));
    const vs = await axeViolations(page, { include: 'sw-widget' });
    expect(vs.map((v) => v.id)).toContain('button-name');
    await context.close();
  });

  it('has no critical or serious violations open in a conversation, offline, closed, dark, in the pre-chat and away forms and 375 px wide', async () => {
    const { agent, context, page, w, ticket } = await startChat(env, '/a11y', 'Where is https://shop.example/orders/42 ?');
    await conversation(page, agent, ticket.id);
    await check(page, 'open');
    // Offline with a message waiting.
    await context.setOffline(true);
    await page.locator('sw-panel header p', { hasText: 'Offline' }).waitFor();
    await w.send('sent from the tunnel');
    await w.pending.waitFor();
    await check(page, 'offline');
    await context.setOffline(false);
    await w.mine.filter({ hasText: 'sent from the tunnel' }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    // Closed: the bubble alone, with an unread badge.
    await ok(agent, 'message:send', { ticketId: ticket.id, body: 'Are you still there?', clientMessageId: cmid() });
    await expect.poll(() => w.badge.textContent()).toBe('1');
    await check(page, 'closed');
    await context.close();

    // Dark (the inbox's setting), on a light page.
    const dark = await seedWorkspace(env.node.deps.db, 1);
    await env.node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify({ colorScheme: 'dark' })}::jsonb where id = ${dark.inboxId}::uuid`);
    const darkAgent = await connect(env.node.url, '/agent', { token: await login(env.node.url, dark.agents[0]!.email, dark.agents[0]!.password) });
    const d = await (await env.browser.newContext()).newPage();
    await d.goto(env.site.page('/a11y-dark', embedPage(env.node.url, dark.inbox)));
    await widget(d).launcher.click();
    const darkTicket = new Promise<{ ticket: { id: string } }>((r) => darkAgent.once('ticket:new', r));
    await widget(d).send('Where is https://shop.example/orders/7 ?');
    await conversation(d, darkAgent, (await darkTicket).ticket.id);
    expect(await widget(d).panel.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(17, 24, 39)');
    await check(d, 'dark');

    // Pre-chat, then the away form (nobody online) and its confirmation, 375 px wide.
    const away = await seedWorkspace(env.node.deps.db, 1);
    const settings = { preChat: { name: 'required', email: 'optional' }, awayMessage: 'We are out. Leave your email and we will write back.' };
    await env.node.deps.db.rows(sql`update inboxes set settings = ${JSON.stringify(settings)}::jsonb where id = ${away.inboxId}::uuid`);
    const phone = await (await env.browser.newContext({ viewport: { width: 375, height: 700 } })).newPage();
    await phone.goto(env.site.page('/a11y-phone', embedPage(env.node.url, away.inbox)));
    await widget(phone).launcher.click();
    await phone.locator('sw-prechat input[name=name]').waitFor();
    await check(phone, 'prechat-375');
    await phone.locator('sw-prechat input[name=name]').fill('Grace');
    await phone.locator('sw-prechat button').click();
    await phone.locator('sw-prechat.away input[name=email]').waitFor();
    await check(phone, 'away-375');
    await phone.locator('sw-prechat.away input[name=email]').fill('grace@example.test');
    await phone.locator('sw-prechat.away button').click();
    await phone.locator('sw-messages .note', { hasText: "Thanks! We'll get back to you at grace@example.test." }).waitFor();
    await check(phone, 'away-sent-375');
    await phone.context().close();
    await d.context().close();
  });
});
