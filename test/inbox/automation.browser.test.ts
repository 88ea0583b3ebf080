import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { decodeId, encodeId, type AutomationRule, type Macro } from '@support/protocol';
import { cmid, connect, login, next, ok, visitor } from '../support/harness.js';
import { focused, openInbox, useBrowserEnv, widestRight } from '../support/inbox.js';
import { screenAndAxe } from '../support/axe.js';

/**
 * Automation, macros and notifications in the agent's inbox, in Chromium against a real
 * server: a rule built in Settings › Automation runs on a visitor's message and its note and
 * run show in the timeline; rules reorder and switch by keyboard; "Test on a ticket" explains
 * a match and changes nothing; a macro is previewed and applied from the conversation; a
 * notification arrives live in the bell. Axe and screenshots on each screen; a 375 px phone fits.
 * Rules run in the durable log's consumer: the database is the test's own (`isolated`).
 */
describe('inbox: automation, macros and notifications in Chromium', () => {
  const env = useBrowserEnv('postgres', { agents: 2, isolated: true });
  const toastText = (page: Page, text: string | RegExp) => page.locator('ib-toast .toast', { hasText: text }).first().waitFor();
  const api = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
    const token = await login(env.node.url, env.fx.agents[0]!.email, env.fx.agents[0]!.password);
    const r = await fetch(`${env.node.url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : null,
    });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };
  const rules = () => api<AutomationRule[]>('/api/settings/automation/rules');
  const rule = (name: string, o: Partial<AutomationRule> = {}) =>
    api<AutomationRule>('/api/settings/automation/rules', 'POST', {
      name, enabled: true, trigger: 'event', events: ['message.customer'], conditions: { all: [] }, actions: [{ type: 'set_priority', priority: 'high' }], ...o,
    });
  /** A visitor's chat; the ticket as the agent's socket saw it. */
  async function chat(body: string, name?: string) {
    const agent = await connect(env.node.url, '/agent', { token: await login(env.node.url, env.fx.agents[0]!.email, env.fx.agents[0]!.password) });
    const created = next(agent, 'ticket:new', () => true, 10_000);
    const { s, session } = await visitor(env.node.url, env.fx.inbox);
    if (name) await env.node.deps.db.rows(sql`update contacts set name = ${name} where id = ${decodeId('contact', session.contactId)!}::uuid`);
    await ok(s, 'message:send', { body, clientMessageId: cmid() });
    const { ticket } = await created;
    return { ticket: ticket as { id: string; number: number }, agent, visitor: s };
  }

  it('a rule built in the settings adds its note on a customer message, and the run shows in the timeline', async () => {
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: '/inbox/settings/automation' });
    const area = page.locator('ib-settings-automation');
    await area.getByText('No automation rules yet').waitFor();
    await screenAndAxe(page, 'automation-empty');
    await area.getByRole('link', { name: 'New rule' }).click();
    await area.getByRole('heading', { name: 'New rule' }).waitFor();
    await area.getByLabel('Name').fill('Refunds');
    expect(await area.getByRole('checkbox', { name: 'Customer message' }).isChecked()).toBe(true);

    // Saving with nothing to do is refused on the page, before anything is sent.
    await area.getByRole('button', { name: 'Create rule' }).click();
    await area.getByText('Add at least one action').waitFor();

    await area.getByRole('button', { name: 'Add condition' }).click();
    await area.getByLabel('Condition 1 field').selectOption({ label: 'Message text' });
    await area.getByLabel('Condition 1 operator').selectOption({ label: 'contains' });
    await area.getByLabel('Condition 1 value').fill('refund');

    await area.getByRole('button', { name: 'Add action' }).click();
    expect(await focused(page)).toMatch(/Action 1/);
    await area.getByLabel('Action 1', { exact: true }).selectOption({ label: 'Add an internal note' });
    await area.getByRole('button', { name: 'Create rule' }).click();
    await area.getByText('Must not be empty').waitFor();
    await area.getByRole('textbox', { name: 'Note' }).fill('Refund asked by ');
    await area.getByLabel('Placeholder for note of action 1').selectOption('contact.name');
    await area.getByRole('button', { name: 'Insert the placeholder in note of action 1' }).click();
    expect(await area.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('Refund asked by {{contact.name}}');
    // A second action: a new one starts as "Add tags".
    await area.getByRole('button', { name: 'Add action' }).click();
    await area.getByRole('textbox', { name: 'Tags' }).fill('refund');
    await area.getByRole('button', { name: 'Create rule' }).click();
    await toastText(page, 'Rule Refunds created');
    await page.waitForURL(/\/inbox\/settings\/automation\/aur_/);
    const [saved] = await rules();
    expect(saved).toMatchObject({
      name: 'Refunds', enabled: true, trigger: 'event', events: ['message.customer'],
      conditions: { all: [{ field: 'message.body', op: 'contains', value: 'refund' }] },
      actions: [{ type: 'add_note', body: 'Refund asked by {{contact.name}}' }, { type: 'add_tags', tags: ['refund'] }],
    });
    await area.getByText('No run yet').waitFor();
    await screenAndAxe(page, 'automation-rule-form');

    // A visitor opens a chat asking for a refund (the opening message is a customer message too),
    // then asks again with the ticket open: each run's note and activity reach the timeline.
    const { ticket, visitor: v } = await chat('Hello there, I need a refund', 'Rita Refund');
    await page.goto(`${env.node.url}/inbox/t/${ticket.id}?view=all`);
    const timeline = page.locator('ib-conversation .thread');
    await timeline.getByText('Hello there, I need a refund').waitFor();
    await timeline.locator('.msg.internal', { hasText: 'Refund asked by Rita Refund' }).first().waitFor();
    await ok(v, 'message:send', { body: 'I would like a refund please', clientMessageId: cmid() });
    await expect.poll(() => timeline.locator('.msg.internal', { hasText: 'Refund asked by Rita Refund' }).count(), { timeout: 10_000 }).toBe(2);
    const run = timeline.locator('.activity.run', { hasText: 'Rule ‘Refunds’ ran' }).first();
    await run.waitFor();
    await run.locator('summary').focus();
    await page.keyboard.press('Enter');
    await run.locator('.outcomes li.ok').nth(1).waitFor();
    await timeline.locator('.activity', { hasText: 'Rule ‘Refunds’ added the tag refund' }).waitFor();
    await screenAndAxe(page, 'automation-timeline');

    // Its run log lists the run, with what the note action did.
    await page.goto(`${env.node.url}/inbox/settings/automation/${saved!.id}`);
    const log = page.locator('ib-automation-runs');
    await log.getByText(`#${ticket.number}`, { exact: true }).first().waitFor();
    await log.locator('summary').first().click();
    await log.locator('.outcomes li').first().waitFor();
    await log.getByText('Acted', { exact: true }).first().waitFor();
    await screenAndAxe(page, 'automation-run-log');
    await page.context().close();
  });

  it('rules move up and down and switch off by keyboard', async () => {
    await rule('Second', { enabled: true, conditions: { all: [{ field: 'message.body', op: 'contains', value: 'never-written' }] } });
    await rule('Third', { conditions: { all: [{ field: 'message.body', op: 'contains', value: 'never-written' }] } });
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: '/inbox/settings/automation' });
    const area = page.locator('ib-settings-automation');
    await area.locator('.items li').nth(2).waitFor();
    const names = () => area.locator('.items li .main a').allTextContents();
    expect((await names()).slice(-2)).toEqual(['Second', 'Third']);
    await area.getByRole('button', { name: 'Move Third up' }).focus();
    await page.keyboard.press('Enter');
    await toastText(page, 'Third moved up: now runs 2 of 3');
    expect((await rules()).map((r) => r.name)).toEqual(['Refunds', 'Third', 'Second']);
    expect(await focused(page)).toMatch(/Move Third up/);
    expect(await names()).toEqual(['Refunds', 'Third', 'Second']);

    // Dragging works too: Second dropped on the first rule runs first.
    const item = (name: string) => area.locator('.items li').filter({ has: page.getByRole('link', { name, exact: true }) });
    await item('Second').dragTo(item('Refunds'));
    await toastText(page, 'Second moved up: now runs 1 of 3');
    expect((await rules()).map((r) => r.name)).toEqual(['Second', 'Refunds', 'Third']);
    await area.getByRole('button', { name: 'Move Second down' }).focus();
    await page.keyboard.press('Enter');
    await toastText(page, 'Second moved down: now runs 2 of 3');

    await area.getByRole('switch', { name: 'Second on' }).focus();
    await page.keyboard.press('Space');
    await toastText(page, 'Rule Second off');
    expect((await rules()).find((r) => r.name === 'Second')!.enabled).toBe(false);
    await area.locator('.items li', { hasText: 'Refunds' }).getByText('Matched 2').waitFor();
    await screenAndAxe(page, 'automation-rules-list');
    await page.context().close();
  });

  it('testing a rule on a ticket shows each condition and what it would do, and changes nothing', async () => {
    const made = await rule('Tag VIPs', {
      enabled: false, conditions: { all: [{ field: 'message.body', op: 'contains', value: 'vip' }] }, actions: [{ type: 'add_tags', tags: ['vip'] }, { type: 'set_priority', priority: 'urgent' }],
    });
    const { ticket, agent } = await chat('I am a vip customer');
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: `/inbox/settings/automation/${made.id}` });
    const panel = page.locator('ib-automation-test');
    await panel.getByLabel('Ticket number').fill(String(ticket.number));
    await panel.getByRole('button', { name: 'Test' }).click();
    await panel.getByText(`Ticket #${ticket.number} on “Customer message”: the rule matches`).waitFor();
    await panel.locator('.trace li.held', { hasText: 'Message text contains vip' }).waitFor();
    expect(await panel.locator('.outcomes li').count()).toBe(2);
    await panel.locator('.result').scrollIntoViewIfNeeded();
    await screenAndAxe(page, 'automation-test');
    const { ticket: after } = await ok(agent, 'ticket:get', { ticketId: ticket.id, limit: 1 });
    expect(after).toMatchObject({ tags: [], priority: 'normal' });

    // An unknown ticket says so on its field.
    await panel.getByLabel('Ticket number').fill('99999');
    await panel.getByRole('button', { name: 'Test' }).click();
    await panel.getByText('There is no ticket #99999').waitFor();
    await page.context().close();
  });

  it('a macro is previewed and applied from the conversation', async () => {
    const macro = await api<Macro>('/api/macros', 'POST', {
      name: 'Escalate', description: 'Urgent and tagged', sharing: 'workspace', actions: [{ type: 'add_tags', tags: ['escalated'] }, { type: 'set_priority', priority: 'urgent' }],
    });
    await api<Macro>('/api/macros', 'POST', { name: 'Close politely', sharing: 'personal', actions: [{ type: 'set_status', status: 'resolved' }] });
    const { ticket, agent } = await chat('Nothing works at all');
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: `/inbox/t/${ticket.id}?view=all` });
    const conv = page.locator('ib-conversation');
    await conv.getByRole('button', { name: 'Macros' }).click();
    await conv.getByRole('combobox', { name: 'Search macros' }).waitFor();
    await page.keyboard.type('esc');
    await conv.getByRole('option', { name: /Escalate/ }).waitFor();
    expect(await conv.locator('ib-macro-menu').getByRole('option').count()).toBe(1);
    await screenAndAxe(page, 'macro-menu');
    await page.keyboard.press('Enter');
    const dialog = conv.locator('ib-macro-apply');
    await dialog.getByText(`On ticket #${ticket.number} it will:`).waitFor();
    await dialog.locator('.outcomes li').nth(1).waitFor();
    await screenAndAxe(page, 'macro-preview');
    const { ticket: before } = await ok(agent, 'ticket:get', { ticketId: ticket.id, limit: 1 });
    expect(before.priority).toBe('normal');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.getByText(`Applied to ticket #${ticket.number}:`).waitFor();
    await toastText(page, 'Escalate applied');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await conv.locator('.activity.run', { hasText: 'applied the macro ‘Escalate’' }).waitFor();
    const { ticket: applied } = await ok(agent, 'ticket:get', { ticketId: ticket.id, limit: 1 });
    expect(applied).toMatchObject({ tags: ['escalated'], priority: 'urgent' });
    expect((await api<Macro[]>('/api/macros')).find((m) => m.id === macro.id)!.usageCount).toBe(1);
    await screenAndAxe(page, 'macro-applied');

    // An action that fails is said so, in words, and the others still run.
    await api<Macro>('/api/macros', 'POST', {
      name: 'Give to a stranger', sharing: 'personal', actions: [{ type: 'set_assignee', assigneeId: encodeId('user', randomUUID()) }, { type: 'add_tags', tags: ['handed'] }],
    });
    await conv.getByRole('button', { name: 'Macros' }).click();
    await page.keyboard.type('stranger');
    await conv.getByRole('option', { name: /Give to a stranger/ }).waitFor();
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.locator('.outcomes li.failed', { hasText: 'Failed:' }).waitFor();
    await toastText(page, 'Give to a stranger applied; 1 action failed');
    await screenAndAxe(page, 'macro-failed');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await conv.locator('.activity.run.has-failure', { hasText: '1 failed' }).waitFor();
    await page.context().close();
  });

  it('a notification arrives live in the bell; choosing it opens the ticket and marks it read', async () => {
    const me = env.fx.agents[0]!;
    const macro = await api<Macro>('/api/macros', 'POST', {
      name: 'Ask a lead', sharing: 'personal', actions: [{ type: 'notify', userIds: [me.wire], message: 'Ticket #{{ticket.number}} needs a look' }],
    });
    const { ticket } = await chat('Can someone senior look at this?');
    const page = await openInbox(env.browser, env.node.url, me, { path: '/inbox/' });
    const bell = page.locator('ib-notifications');
    await bell.getByRole('button', { name: 'Notifications' }).waitFor();
    await api(`/api/tickets/${ticket.id}/macros/${macro.id}/apply`, 'POST');
    await bell.getByRole('button', { name: /Notifications, 1 unread/ }).waitFor();
    await bell.getByRole('button', { name: /Notifications/ }).focus();
    await page.keyboard.press('Enter');
    const item = bell.getByRole('button', { name: `Unread: Ticket #${ticket.number} needs a look` });
    await item.waitFor();
    await screenAndAxe(page, 'notifications-open');
    expect(await focused(page)).toMatch(/needs a look/);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/inbox/t/${ticket.id}`));
    await bell.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
    const list = await api<{ items: { readAt: string | null }[]; unread: number }>('/api/notifications');
    expect(list.unread).toBe(0);
    await page.context().close();
  });

  it('a macro is made in the settings: team sharing asks for the team; a reply with a placeholder and a snooze', async () => {
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: '/inbox/settings/macros/new' });
    const area = page.locator('ib-settings-macros');
    await area.getByRole('heading', { name: 'New macro' }).waitFor();
    await area.getByLabel('Name').fill('Waiting on customer');
    await area.getByRole('radio', { name: 'A team' }).check();
    await area.getByRole('button', { name: 'Add action' }).click();
    await area.getByLabel('Action 1', { exact: true }).selectOption({ label: 'Send a reply' });
    await area.getByRole('textbox', { name: 'Reply' }).fill('Hi {{contact.first_name}}, we wait for your answer.');
    await area.getByRole('button', { name: 'Add action' }).click();
    await area.getByLabel('Action 2', { exact: true }).selectOption({ label: 'Snooze' });
    await area.getByLabel('Snooze for').fill('2');
    await area.getByLabel('Unit').selectOption({ label: 'days' });
    // The snooze goes first, by keyboard; focus stays on the action's arrows.
    await area.getByRole('button', { name: 'Move action 2 up' }).focus();
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatch(/Move action 1 down/);
    await area.getByRole('button', { name: 'Create macro' }).click();
    await area.getByText('This field is required').waitFor();
    await screenAndAxe(page, 'macro-form-errors');
    await area.getByRole('combobox', { name: /^Team/ }).selectOption({ label: 'Support' });
    await area.getByRole('button', { name: 'Create macro' }).click();
    await toastText(page, 'Macro Waiting on customer created');
    await page.waitForURL(/\/inbox\/settings\/macros\/mac_/);
    const made = (await api<Macro[]>('/api/macros')).find((m) => m.name === 'Waiting on customer');
    expect(made).toMatchObject({ sharing: 'team', teamId: env.fx.team, actions: [{ type: 'snooze', minutes: 2 * 1440 }, { type: 'send_message', body: 'Hi {{contact.first_name}}, we wait for your answer.' }] });
    await area.getByRole('link', { name: 'All macros' }).click();
    await area.locator('.items li', { hasText: 'Waiting on customer' }).getByText('Snooze 2 days').waitFor();
    await screenAndAxe(page, 'macros-list');
    await page.context().close();
  });

  it('a stale save says someone else saved first; Reload shows their version', async () => {
    const made = await rule('Stale one');
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: `/inbox/settings/automation/${made.id}` });
    const area = page.locator('ib-settings-automation');
    await area.getByRole('heading', { name: 'Stale one' }).waitFor();
    await api(`/api/settings/automation/rules/${made.id}`, 'PATCH', { name: 'Renamed elsewhere' });
    await area.getByRole('textbox', { name: 'Name' }).fill('Mine');
    await area.getByRole('button', { name: 'Save' }).click();
    await area.getByText('Someone else saved this since you opened it').waitFor();
    await area.locator('.form-alert').getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => area.getByRole('textbox', { name: 'Name' }).inputValue()).toBe('Renamed elsewhere');
    await page.context().close();
  });

  it('a time rule has no events and its conditions are in the time context', async () => {
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: '/inbox/settings/automation/new' });
    const area = page.locator('ib-settings-automation');
    await area.getByRole('heading', { name: 'New rule' }).waitFor();
    await area.getByLabel('Name').fill('Nudge after a day');
    await area.getByRole('radio', { name: 'On time' }).check();
    expect(await area.getByRole('checkbox', { name: 'Customer message' }).count()).toBe(0);
    await area.getByRole('button', { name: 'Add condition' }).click();
    const fields = await area.getByLabel('Condition 1 field').locator('option').allTextContents();
    expect(fields).not.toContain('Message text');
    await screenAndAxe(page, 'automation-time-rule');
    await page.context().close();
  });

  const seedTicketsOf = async () => [(await chat('From a phone')).ticket];

  it('on a 375 px phone the rule form, the macro form and the bell fit the screen', async () => {
    for (const [path, heading] of [
      ['/inbox/settings/automation/new', 'New rule'],
      ['/inbox/settings/macros/new', 'New macro'],
    ] as const) {
      const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path, viewport: { width: 375, height: 740 } });
      await page.getByRole('heading', { name: heading }).waitFor();
      await page.getByRole('button', { name: 'Add action' }).click();
      expect(await widestRight(page), path).toBeLessThanOrEqual(375 + 1);
      await screenAndAxe(page, `${path.includes('macros') ? 'macro' : 'automation'}-form-phone`);
      if (path.includes('automation')) {
        await page.locator('ib-notifications').getByRole('button', { name: /Notifications/ }).click();
        await page.locator('ib-notifications .pop').waitFor();
        expect(await widestRight(page), 'bell').toBeLessThanOrEqual(375 + 1);
        expect((await page.locator('ib-notifications .pop').boundingBox())!.x, 'bell').toBeGreaterThanOrEqual(0);
        await screenAndAxe(page, 'notifications-phone');
      }
      await page.context().close();
    }
    // The Macros menu of a ticket, on the phone.
    const [t] = await seedTicketsOf();
    const page = await openInbox(env.browser, env.node.url, env.fx.agents[0]!, { path: `/inbox/t/${t!.id}?view=all`, viewport: { width: 375, height: 740 } });
    await page.locator('ib-conversation').getByRole('button', { name: 'Macros' }).waitFor();
    expect(await widestRight(page), 'the header with the bell').toBeLessThanOrEqual(375 + 1);
    await page.locator('ib-conversation').getByRole('button', { name: 'Macros' }).click();
    const pop = page.locator('ib-macro-menu .pop');
    await pop.getByRole('combobox', { name: 'Search macros' }).waitFor();
    await expect.poll(() => pop.getByText('Loading macros…').count()).toBe(0);
    const box = (await pop.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375 + 1);
    await screenAndAxe(page, 'macro-menu-phone');
    await page.context().close();
  });
});
