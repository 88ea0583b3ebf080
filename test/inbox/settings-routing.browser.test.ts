import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RoutingPolicy, RoutingRule } from '@support/protocol';
import { login } from '../support/harness.js';
import { focused, openInbox, useBrowserEnv, widestRight } from '../support/inbox.js';
import { screenAndAxe } from '../support/axe.js';

/**
 * The routing settings in Chromium against a real server, by keyboard: a team's policy (with
 * an inline error fixed before saving), a person's capacity, and a rule made with the
 * condition builder in the routing context; axe on every page.
 */
describe('Routing settings (Chromium)', () => {
  const env = useBrowserEnv('embedded', { agents: 2 });
  const toastText = (page: Page, text: string | RegExp) => page.locator('ib-toast .toast', { hasText: text }).first().waitFor();
  const api = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
    const token = await login(env.node.url, env.fx.agents[0]!.email, env.fx.agents[0]!.password);
    const r = await fetch(`${env.node.url}/api/settings/routing${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : null,
    });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };
  /** Tabs forward until the focused control matches `pattern`. */
  const tabTo = async (page: Page, pattern: RegExp, max = 40) => {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (pattern.test(await focused(page))) return;
    }
    throw new Error(`no ${pattern} within ${max} tabs; at ${await focused(page)}`);
  };
  const retype = async (page: Page, text: string) => {
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
  };

  it('an admin sets a team policy, a capacity and a rule by keyboard', async () => {
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: '/inbox/settings/routing' });
    const area = page.locator('ib-settings-routing');
    await area.getByRole('heading', { name: 'How tickets are given out' }).waitFor();
    const team = area.locator('ib-routing-policy').filter({ has: page.getByRole('heading', { name: /^Support/ }) });
    await team.getByText('Not set: assigned by hand').waitFor();
    await screenAndAxe(page, 'routing-policies');

    // The team's card: round robin, pending counts too, a capacity typed wrong and fixed, hours in days.
    await team.getByLabel('Mode').focus();
    await page.keyboard.type('Round');
    await tabTo(page, /load\.pending/, 3);
    await page.keyboard.press('Space');
    await tabTo(page, /chatCapacity/, 3);
    await retype(page, 'lots');
    await page.keyboard.press('Tab');
    await team.getByText('Enter a whole number').waitFor();
    await page.keyboard.press('Shift+Tab');
    await retype(page, '4');
    await tabTo(page, /reopenWindowSeconds/, 4);
    await retype(page, '2');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Days');
    await tabTo(page, /Save routing of Support/);
    await page.keyboard.press('Enter');
    await toastText(page, 'Routing of Support saved');
    await team.locator('.state', { hasText: 'Round robin' }).waitFor();
    expect(await team.getByText('Enter a whole number').count()).toBe(0);
    const [policy] = await api<RoutingPolicy[]>('/policies');
    expect(policy).toMatchObject({ teamId: env.fx.team, mode: 'round_robin', loadStatuses: ['open', 'pending'], chatCapacity: 4, reopenWindowSeconds: 2 * 86_400, calendarId: null });
    await area.locator('ib-routing-policy').last().scrollIntoViewIfNeeded();
    await screenAndAxe(page, 'routing-policies-saved');

    // Capacities: the second person takes at most 7 chats; Enter saves the row.
    await area.getByRole('link', { name: 'Capacities', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/inbox\/settings\/routing\/capacities$/);
    const who = env.fx.agents[1]!;
    await area.getByLabel(`Chats for ${who.name}`).focus();
    await page.keyboard.type('7');
    await page.keyboard.press('Enter');
    await toastText(page, `Capacity of ${who.name} saved`);
    const caps = await api<{ userId: string; chatCapacity: number | null; emailCapacity: number | null }[]>('/capacities');
    expect(caps.find((c) => c.userId === who.wire)).toMatchObject({ chatCapacity: 7, emailCapacity: null });
    await screenAndAxe(page, 'routing-capacities');

    // Rules: the empty state says what to do; a rule made by keyboard.
    await area.getByRole('link', { name: 'Rules', exact: true }).focus();
    await page.keyboard.press('Enter');
    await area.getByText('No routing rules yet').waitFor();
    await screenAndAxe(page, 'routing-rules-empty');
    await area.getByRole('link', { name: 'New rule' }).focus();
    await page.keyboard.press('Enter');
    await area.getByRole('heading', { name: 'New rule' }).waitFor();
    await area.getByLabel('Name').focus();
    await page.keyboard.type('Urgent to Support');
    await tabTo(page, /Add condition/);
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatch(/^select/);
    await page.keyboard.type('Priority');
    await tabTo(page, /Condition 1 operator/, 3);
    await tabTo(page, /Condition 1 value/, 3);
    await page.keyboard.type('Urgent');
    // No action yet: the form says so before anything is sent.
    await tabTo(page, /Create rule/);
    await page.keyboard.press('Enter');
    await area.getByText('Give at least one action').waitFor();
    await area.getByLabel('Team', { exact: true }).focus();
    await page.keyboard.type('Support');
    await tabTo(page, /actions\.addTags/, 3);
    await page.keyboard.type('vip, escalated');
    await tabTo(page, /Create rule/);
    await page.keyboard.press('Enter');
    await toastText(page, 'Rule Urgent to Support created');
    await page.waitForURL(/\/inbox\/settings\/routing\/rtr_/);
    expect(await area.getByText('Give at least one action').count()).toBe(0);
    const [rule] = await api<RoutingRule[]>('/rules');
    expect(rule).toMatchObject({
      name: 'Urgent to Support', enabled: true, position: 1,
      conditions: { all: [{ field: 'ticket.priority', op: 'is', value: 'urgent' }] },
      actions: { teamId: env.fx.team, addTags: ['vip', 'escalated'] },
    });
    await screenAndAxe(page, 'routing-rule-form');

    await area.getByRole('link', { name: 'All rules' }).click();
    const item = area.locator('.items li', { hasText: 'Urgent to Support' });
    await item.getByText('Team Support · Tags vip, escalated').waitFor();
    await screenAndAxe(page, 'routing-rules-list');
    await page.context().close();
  });

  it('rules move up and down and switch off by keyboard; a policy is turned off', async () => {
    const rule = (name: string) => ({ name, enabled: true, conditions: { all: [] }, actions: { priority: 'high' } });
    await api('/rules', 'POST', rule('Second'));
    await api('/rules', 'POST', rule('Third'));
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: '/inbox/settings/routing/rules' });
    const area = page.locator('ib-settings-routing');
    await area.locator('.items li').first().waitFor();
    const names = () => area.locator('.items li .main a').allTextContents();
    const before = await names();
    expect(before.slice(-2)).toEqual(['Second', 'Third']);

    await area.getByRole('button', { name: 'Move Third up' }).focus();
    await page.keyboard.press('Enter');
    await toastText(page, `Third moved up: now tried ${before.length - 1} of ${before.length}`);
    expect((await api<RoutingRule[]>('/rules')).map((r) => r.name).slice(-2)).toEqual(['Third', 'Second']);
    expect(await focused(page)).toMatch(/Move Third up/);
    expect((await names()).slice(-2)).toEqual(['Third', 'Second']);

    await area.getByRole('switch', { name: 'Second on' }).focus();
    await page.keyboard.press('Space');
    await toastText(page, 'Rule Second off');
    expect((await api<RoutingRule[]>('/rules')).find((r) => r.name === 'Second')!.enabled).toBe(false);
    await screenAndAxe(page, 'routing-rules-moved');

    // The team's policy (set by the first test) turned off: its tickets are assigned by hand again.
    await area.getByRole('link', { name: 'Policies', exact: true }).click();
    const team = area.locator('ib-routing-policy').filter({ has: page.getByRole('heading', { name: /^Support/ }) });
    await team.getByRole('button', { name: 'Turn off routing of Support' }).focus();
    await page.keyboard.press('Enter');
    await toastText(page, 'Routing of Support turned off');
    await team.getByText('Not set: assigned by hand').waitFor();
    expect(await api<RoutingPolicy[]>('/policies')).toEqual([]);
    await page.context().close();
  });

  it('on a 375 px phone the policies and the rule form fit the screen', async () => {
    for (const [path, heading] of [
      ['/inbox/settings/routing', 'How tickets are given out'],
      ['/inbox/settings/routing/new-rule', 'New rule'],
    ] as const) {
      const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path, viewport: { width: 375, height: 740 } });
      await page.locator('ib-settings-routing').getByRole('heading', { name: heading }).waitFor();
      const widest = await widestRight(page);
      expect(widest, path).toBeLessThanOrEqual(375 + 1);
      await screenAndAxe(page, `routing-${path.endsWith('new-rule') ? 'rule-form' : 'policies'}-phone`);
      await page.context().close();
    }
  });
});
