import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { launchChromium } from '../support/browser.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { widget } from '../support/widget-host.js';

/** The pages a newcomer opens first, in real Chromium: the demo page at `/` and the protocol debug page at `/debug`. */
describe('demo and debug pages in Chromium', () => {
  let node: Node;
  let fx: Fixture;
  let browser: Browser;
  beforeAll(async () => {
    node = await startNode('embedded');
    fx = await seedWorkspace(node.deps.db, 1);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.app.close();
  });

  it('/ is a demo shop page with the demo inbox\'s widget working under its CSP, links to the inbox, and no accessibility violations', async () => {
    const shop = await seedWorkspace(node.deps.db, 1);
    node.deps.demoInbox = shop.inbox;
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.text().includes('Content Security Policy') && problems.push(m.text()));
    await page.goto(node.url);
    expect(await page.title()).toContain('Support desk demo');
    expect(await page.getByRole('link', { name: 'Open the agent inbox' }).getAttribute('href')).toBe('/inbox');
    expect(await page.locator('pre code').textContent()).toBe(`<script src="${node.url}/widget.js" data-inbox="${shop.inbox}" async></script>`);
    expect(await page.locator('.notice').isHidden()).toBe(true);
    const w = widget(page);
    await w.launcher.click();
    await w.send('hello from the demo page');
    await w.mine.filter({ hasText: 'hello from the demo page' }).waitFor();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/demo-page.png' });
    expect(problems).toEqual([]);

    // axe-core is injected as an inline script, which the page's CSP refuses: check a copy without it.
    const checking = await browser.newContext({ bypassCSP: true });
    const copy = await checking.newPage();
    await copy.goto(node.url);
    await widget(copy).launcher.click();
    await widget(copy).send('checking https://example.com/a11y');
    await widget(copy).mine.filter({ hasText: 'checking' }).waitFor();
    const open = await axeViolations(copy);
    expect(open, describeViolations(open)).toEqual([]);
    await copy.keyboard.press('Escape');
    await copy.setViewportSize({ width: 375, height: 740 });
    await copy.screenshot({ path: 'test-results/demo-page-375.png', fullPage: true });
    const narrow = await axeViolations(copy);
    expect(narrow, describeViolations(narrow)).toEqual([]);
    expect(await copy.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await checking.close();
    // The first Tab offers the skip link.
    await page.reload();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');

    // No demo inbox: a note on how to pick one, no bubble; ?inbox= picks one, and only a valid id is used.
    node.deps.demoInbox = undefined;
    await page.goto(node.url);
    await page.locator('.notice').waitFor();
    expect(await page.locator('sw-widget').count()).toBe(0);
    await page.goto(`${node.url}/?inbox=${encodeURIComponent('"><img src=x onerror="window.pwned=1">')}`);
    await page.locator('.notice').waitFor();
    expect(await page.locator('img').count()).toBe(0);
    await page.goto(`${node.url}/?inbox=${fx.inbox}`);
    await w.launcher.waitFor();
    await context.close();
  });

  it('/debug: a visitor writes, the agent answers, and HTML typed by the visitor is shown as text', async () => {
    const visitorPage = await browser.newPage();
    await visitorPage.goto(`${node.url}/debug?inbox=${fx.inbox}`);
    await visitorPage.click('#vstart');
    await visitorPage.fill('#vtext', '<img src=x onerror="window.pwned=1">hello');
    await visitorPage.press('#vtext', 'Enter');
    await visitorPage.getByText('contact: <img src=x onerror="window.pwned=1">hello').first().waitFor();

    const agentPage = await browser.newPage();
    await agentPage.goto(`${node.url}/debug`);
    await agentPage.fill('#email', fx.agents[0]!.email);
    await agentPage.fill('#password', fx.agents[0]!.password);
    await agentPage.click('#login button');
    await expect.poll(() => agentPage.locator('#tickets option').count(), { timeout: 10_000 }).toBe(1);
    await agentPage.fill('#atext', 'Hi there, how can I help?');
    await agentPage.press('#atext', 'Enter');
    await visitorPage.getByText('agent: Hi there, how can I help?').waitFor({ timeout: 10_000 });
    await agentPage.check('#note');
    await agentPage.fill('#atext', 'internal remark');
    await agentPage.press('#atext', 'Enter');
    await agentPage.getByText('agent (note): internal remark').waitFor();

    // The reload restores the session from localStorage and the history after it.
    await visitorPage.reload();
    await visitorPage.click('#vstart');
    await visitorPage.getByText('agent: Hi there, how can I help?').waitFor({ timeout: 10_000 });
    expect(await visitorPage.getByText('internal remark').count()).toBe(0);
    expect(await visitorPage.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    mkdirSync('test-results', { recursive: true });
    await visitorPage.screenshot({ path: 'test-results/debug-page-visitor.png' });
    await agentPage.screenshot({ path: 'test-results/debug-page-agent.png' });
  });
});
