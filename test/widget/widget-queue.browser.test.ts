import { mkdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connect, ok } from '../support/harness.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { startChat, useWidgetEnv, type WidgetEnv } from '../support/widget-host.js';

/**
 * Routing's policy for the fixture's team and inbox (a widget ticket lands in one of them,
 * whichever the server gives it) and the agent's capacity, written straight to the tables (the
 * settings routes are built elsewhere): balanced, one chat per agent.
 */
async function oneChatEach(env: WidgetEnv) {
  const { db } = env.node.deps;
  const ws = env.fx.workspaceId;
  for (const [team, inbox] of [[env.fx.teamId, null], [null, env.fx.inboxId]] as const)
    await db.rows(sql`insert into routing_policies (id, workspace_id, team_id, inbox_id, mode, load_statuses, chat_capacity, email_capacity, away_grace_seconds, reopen_window_seconds)
      values (gen_random_uuid(), ${ws}::uuid, ${team}::uuid, ${inbox}::uuid, 'balanced', '{open}', 1, 10, 300, 0)`);
  await db.rows(sql`insert into routing_agents (workspace_id, user_id, chat_capacity, email_capacity) values (${ws}::uuid, ${env.fx.agents[0]!.id}::uuid, 1, null)`);
}

/** The visitor's place in line under the panel's header. */
const line = (page: Page) => page.locator('sw-panel .q');
/** Waits until the place in line reads `text`. */
const shows = (page: Page, text: RegExp) => line(page).filter({ hasText: text }).waitFor();

/**
 * The visitor's place in the routing queue: a team whose one agent takes one chat at a time;
 * the first visitor gets the agent, the next two wait and see their place in line (from the
 * `queue` event, and from `session.queue` after a reload); when the agent resolves the first
 * chat, the second visitor's chat goes to them and the third visitor moves up.
 */
describe('chat widget: place in the routing queue', () => {
  const env = useWidgetEnv({ isolated: true });
  mkdirSync('test-results', { recursive: true });

  it('shows each waiting visitor their place and expected wait, moves them up as the agent frees up, and hides it once an agent has the chat', async () => {
    await oneChatEach(env);
    const agent = await connect(env.node.url, '/agent', { token: env.agentToken });
    await ok(agent, 'presence:set', { status: 'online' });

    const first = await startChat(env, '/q1', 'First in line');
    const second = await startChat(env, '/q2', 'Second in line');
    const third = await startChat(env, '/q3', 'Third in line');

    await shows(second.page, /^You're next( · about \d+ min)?$/);
    await shows(third.page, /^You are number 2 in line( · about \d+ min)?$/);
    expect(await line(first.page).count()).toBe(0); // the agent has it
    expect(await line(third.page).getAttribute('role')).toBe('status');
    await third.page.screenshot({ path: 'test-results/widget-queue.png' });
    const vs = await axeViolations(third.page, { include: 'sw-widget' });
    expect(vs, describeViolations(vs)).toEqual([]);

    // After a reload the place comes with the session (session.queue), before any event.
    await third.page.reload();
    await third.w.launcher.click();
    await shows(third.page, /^You are number 2 in line/);

    await ok(agent, 'ticket:setStatus', { ticketId: first.ticket.id, status: 'resolved' });
    await line(second.page).waitFor({ state: 'detached' });
    await shows(third.page, /^You're next/);
    expect(await line(first.page).count()).toBe(0);

    for (const v of [first, second, third]) await v.context.close();
  });
});
