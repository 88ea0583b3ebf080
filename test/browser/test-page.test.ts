import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { launchChromium } from '../support/browser.js';

/** The minimal test page served at `/`, driven in real Chromium: a visitor and an agent chat. */
describe('test page in Chromium', () => {
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

  it('a visitor writes, the agent answers, and HTML typed by the visitor is shown as text', async () => {
    const visitorPage = await browser.newPage();
    await visitorPage.goto(`${node.url}/?inbox=${fx.inbox}`);
    await visitorPage.click('#vstart');
    await visitorPage.fill('#vtext', '<img src=x onerror="window.pwned=1">hello');
    await visitorPage.press('#vtext', 'Enter');
    await visitorPage.getByText('contact: <img src=x onerror="window.pwned=1">hello').first().waitFor();

    const agentPage = await browser.newPage();
    await agentPage.goto(node.url);
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
    await visitorPage.screenshot({ path: 'test-results/test-page-visitor.png' });
    await agentPage.screenshot({ path: 'test-results/test-page-agent.png' });
  });
});
