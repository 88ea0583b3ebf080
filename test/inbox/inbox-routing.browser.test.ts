import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cmid, connect, login, next, ok, visitor } from '../support/harness.js';
import { focused, openInbox, useBrowserEnv } from '../support/inbox.js';
import { screenAndAxe } from '../support/axe.js';

/**
 * Routing in the agent's inbox, in Chromium: a routed ticket's timeline says who got it, by
 * which policy, with each candidate's load and reason behind a disclosure; a supervisor sees the
 * queues live; assigning an agent over their capacity asks first, and assigns only when confirmed;
 * "Route now" gives an unassigned ticket out on request, or says it is assigned by hand.
 *
 * Agent 0 (the owner, logged in to the inbox) takes no chats (capacity 0); Agent 1 takes one
 * at a time. Policies and capacities are written straight to the tables (the settings routes are
 * built elsewhere), for the team and for the inbox (a widget ticket lands in one of them).
 */
describe('inbox: routing in Chromium', () => {
  const env = useBrowserEnv('postgres', { agents: 2, isolated: true });

  async function routing() {
    const { db } = env.node.deps;
    const { workspaceId: ws, teamId, inboxId, agents } = env.fx;
    for (const [team, inbox] of [[teamId, null], [null, inboxId]] as const)
      await db.rows(sql`insert into routing_policies (id, workspace_id, team_id, inbox_id, mode, load_statuses, chat_capacity, email_capacity, away_grace_seconds, reopen_window_seconds)
        values (gen_random_uuid(), ${ws}::uuid, ${team}::uuid, ${inbox}::uuid, 'balanced', '{open}', 3, 10, 300, 0)`);
    for (const [a, cap] of [[agents[0]!, 0], [agents[1]!, 1]] as const)
      await db.rows(sql`insert into routing_agents (workspace_id, user_id, chat_capacity) values (${ws}::uuid, ${a.id}::uuid, ${cap}::int)`);
  }

  /** A visitor's first message; the ticket's id and number as the agent's socket saw them. */
  async function newChat(agent: Awaited<ReturnType<typeof connect>>, body: string) {
    const created = next(agent, 'ticket:new');
    const { s } = await visitor(env.node.url, env.fx.inbox);
    await ok(s, 'message:send', { body, clientMessageId: cmid() });
    const { ticket } = await created;
    return ticket as { id: string; number: number };
  }

  const activity = (page: Page, text: RegExp) => page.locator('ib-conversation .activity.routed', { hasText: text });

  it('shows routing decisions with their candidates, the queues live, and asks before assigning over capacity', async () => {
    const { node, fx, browser } = env;
    const [owner, ann] = fx.agents as [(typeof fx.agents)[0], (typeof fx.agents)[0]];
    await routing();
    const annSocket = await connect(node.url, '/agent', { token: await login(node.url, ann.email, ann.password) });
    await ok(annSocket, 'presence:set', { status: 'online' });
    const watcher = await connect(node.url, '/agent', { token: await login(node.url, owner.email, owner.password) });

    // The first chat goes to Agent 1; the second waits (Agent 1 is full, Agent 0 takes none).
    const first = await newChat(watcher, 'First chat');
    await expect.poll(async () => (await ok(watcher, 'ticket:get', { ticketId: first.id, limit: 1 })).ticket.assigneeId).toBe(ann.wire);
    const second = await newChat(watcher, 'Second chat');

    const page = await openInbox(browser, node.url, owner, { path: `/inbox/t/${first.id}?view=all` });
    const routed = activity(page, /^Routed to Agent 1 by Balanced \((team Support|inbox Chat)\)/);
    await routed.waitFor();
    // The candidates open under the sentence, by keyboard.
    await routed.locator('summary').focus();
    await page.keyboard.press('Enter');
    const candidates = routed.locator('.candidates li');
    // Agent 1's load as routing saw it (before or with this ticket) against their capacity of 1.
    await candidates.filter({ hasText: /^Agent 1 · [01] of 1 chats · chosen$/ }).waitFor();
    // Agent 0 (capacity 0), if listed, was not chosen: offline or away when the ticket came, or at capacity.
    for (const c of await candidates.allTextContents()) expect(c).toMatch(/^Agent 1 · [01] of 1 chats · chosen$|^Agent 0 · \d+ of 0 chats · (at capacity|offline|away)$/);
    await screenAndAxe(page, 'inbox-routing-routed');

    // The supervisor's queues: one ticket waiting, by team (or inbox), with its wait.
    const queues = page.locator('ib-queues');
    await queues.locator('.sum', { hasText: /^1 waiting · longest (less than a minute|\d+ min)$/ }).waitFor();
    await queues.locator('button.toggle').focus();
    await page.keyboard.press('Enter');
    await queues.locator('li', { hasText: /^\s*(Support|Chat \(inbox\))\s+1 ticket\s+waiting (less than a minute|\d+ min)\s*$/ }).waitFor();
    expect(await queues.locator('li').count()).toBe(1);

    // The waiting ticket says why it waits.
    await page.goto(`${node.url}/inbox/t/${second.id}?view=all`);
    await activity(page, /^Queued: nobody free in (team Support|inbox Chat)/).waitFor();

    // Assigning Agent 1 (full) asks first; Cancel leaves the ticket unassigned.
    const assignee = page.locator('ib-conversation ib-select.assignee select');
    const dialog = page.locator('ib-conversation ib-dialog.over');
    await assignee.selectOption(ann.wire);
    await expect.poll(() => dialog.getAttribute('open')).toBe('');
    expect(await dialog.locator('p').textContent()).toMatch(/^Agent 1 already has \d+ of 1 chats\. Assign anyway\?$/);
    expect(await focused(page)).toBe('ib-button Cancel');
    await screenAndAxe(page, 'inbox-routing-over-capacity');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.getAttribute('open')).toBeNull();
    await expect.poll(() => assignee.inputValue()).toBe('');
    expect((await ok(watcher, 'ticket:get', { ticketId: second.id, limit: 1 })).ticket.assigneeId).toBeNull();
    // Escape closes it the same way, and is not the list's shortcut: the ticket stays open.
    await assignee.selectOption(ann.wire);
    await expect.poll(() => dialog.getAttribute('open')).toBe('');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.getAttribute('open')).toBeNull();
    await expect.poll(() => assignee.inputValue()).toBe('');
    expect(await page.locator('ib-conversation h2.title .num').textContent()).toBe(`#${second.number}`);
    expect((await ok(watcher, 'ticket:get', { ticketId: second.id, limit: 1 })).ticket.assigneeId).toBeNull();

    // Confirmed: assigned anyway; the queue empties live.
    await assignee.selectOption(ann.wire);
    await expect.poll(() => dialog.getAttribute('open')).toBe('');
    await dialog.locator('ib-button', { hasText: 'Assign anyway' }).click();
    await expect.poll(async () => (await ok(watcher, 'ticket:get', { ticketId: second.id, limit: 1 })).ticket.assigneeId).toBe(ann.wire);
    await expect.poll(() => assignee.inputValue()).toBe(ann.wire);
    await queues.locator('.sum', { hasText: /^No one is waiting$/ }).waitFor();
    await page.context().close();
  });

  it('routes a ticket on request by keyboard: given to a free agent, or assigned by hand without a policy', async () => {
    const { node, fx, browser } = env;
    const { db } = node.deps;
    const ws = fx.workspaceId;
    const [owner, ann] = fx.agents as [(typeof fx.agents)[0], (typeof fx.agents)[0]];
    if (!(await db.rows(sql`select 1 from routing_policies where workspace_id = ${ws}::uuid`)).length) await routing();
    // Nobody has room while the chat comes in: it waits.
    await db.rows(sql`update routing_agents set chat_capacity = 0 where workspace_id = ${ws}::uuid`);
    const annSocket = await connect(node.url, '/agent', { token: await login(node.url, ann.email, ann.password) });
    await ok(annSocket, 'presence:set', { status: 'online' });
    const watcher = await connect(node.url, '/agent', { token: await login(node.url, owner.email, owner.password) });
    const waiting = await newChat(watcher, 'Route me');
    const page = await openInbox(browser, node.url, owner, { path: `/inbox/t/${waiting.id}?view=all` });
    await activity(page, /^Queued: nobody free/).waitFor();

    // Agent 1 has room now (written straight to the table: nothing drains the queue by itself).
    await db.rows(sql`update routing_agents set chat_capacity = 5 where workspace_id = ${ws}::uuid and user_id = ${ann.id}::uuid`);
    const route = page.locator('ib-conversation ib-button.route');
    const toasts = page.locator('ib-toast .toast .message');
    await page.locator('ib-conversation ib-button.me').focus();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('ib-button.route Route now');
    await page.keyboard.press('Enter');
    await toasts.filter({ hasText: /^Given to Agent 1$/ }).waitFor();
    const assignee = page.locator('ib-conversation ib-select.assignee select');
    await expect.poll(() => assignee.inputValue()).toBe(ann.wire);
    await activity(page, /^Routed to Agent 1 on request by Balanced/).waitFor();
    // The button went with the need for it; focus stays in the actions, on the assignee.
    await route.waitFor({ state: 'detached' });
    expect(await focused(page)).toMatch(/^select\b/);
    await screenAndAxe(page, 'inbox-routing-route-now');

    // Without any policy: assigned by hand, and the ticket stays unassigned (the button stays).
    await db.rows(sql`delete from routing_policies where workspace_id = ${ws}::uuid`);
    const manual = await newChat(watcher, 'No policy here');
    await page.goto(`${node.url}/inbox/t/${manual.id}?view=all`);
    await route.focus();
    await page.keyboard.press('Enter');
    await toasts.filter({ hasText: /^This ticket is assigned by hand: no routing policy gives it out$/ }).waitFor();
    await activity(page, /^Not routed on request: no routing policy applies/).waitFor();
    expect(await assignee.inputValue()).toBe('');
    await route.waitFor();
    await page.context().close();
  });
});
