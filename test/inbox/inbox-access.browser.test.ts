import { describe, expect, it } from 'vitest';
import { decodeId } from '@support/protocol';
import { cmid, ctxOf, ok, visitor } from '../support/harness.js';
import { openInbox, row, thread, useBrowserEnv } from '../support/inbox.js';
import { createAgent } from '../../server/src/workspaces/workspaces.service.js';
import { createRole } from '../../server/src/agents/roles.service.js';
import { updateMember } from '../../server/src/agents/members.service.js';
import { assignTicket } from '../../server/src/tickets/tickets.service.js';

/** The open inbox follows access changes live: a ticket leaving the agent's sight goes, a lost team empties the list. */
describe('inbox: access changes in Chromium', () => {
  const env = useBrowserEnv('postgres', { agents: 2 });
  const ctx = () => ctxOf(env.node);
  const owner = () => ({ type: 'agent' as const, id: env.fx.agents[0]!.id });

  it('a ticket reassigned away from an agent who sees only their own leaves their list and their screen', async () => {
    const { node, fx, browser } = env;
    const role = await createRole(ctx(), { workspaceId: fx.workspaceId, name: 'Own only', permissions: ['tickets.read.mine', 'tickets.write'] });
    const email = `own-${fx.workspaceId}@example.test`;
    const mo = await createAgent(node.deps.db, { workspaceId: fx.workspaceId, email, name: 'Mo', password: 'pw-own-only', roleId: decodeId('role', role.id)! });
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'Please help, Mo', clientMessageId: cmid() });
    const ticketId = decodeId('ticket', m.ticketId)!;
    await assignTicket(ctx(), { workspaceId: fx.workspaceId, ticketId, actor: owner(), assigneeId: mo });
    const page = await openInbox(browser, node.url, { email, password: 'pw-own-only' }, { path: `/inbox/t/${m.ticketId}` });
    await thread(page).getByText('Please help, Mo').waitFor();
    const number = Number(await page.locator('ib-ticket-list [role=option][aria-selected=true]').getAttribute('data-number'));
    await assignTicket(ctx(), { workspaceId: fx.workspaceId, ticketId, actor: owner(), assigneeId: fx.agents[1]!.id });
    await page.locator('ib-conversation .not-found').getByRole('heading', { name: 'Ticket not found' }).waitFor();
    await expect.poll(() => row(page, number).count()).toBe(0);
    await page.context().close();
  });

  it("an agent taken out of the team that works the inbox loses that inbox's tickets at once", async () => {
    const { node, fx, browser } = env;
    const { s: v } = await visitor(node.url, fx.inbox);
    const m = await ok(v, 'message:send', { body: 'Team-only ticket', clientMessageId: cmid() });
    const page = await openInbox(browser, node.url, fx.agents[1]!);
    await page.locator('ib-ticket-list .row', { hasText: 'Team-only ticket' }).waitFor();
    await page.goto(`${node.url}/inbox/t/${m.ticketId}`);
    await thread(page).getByText('Team-only ticket').waitFor();
    await updateMember(ctx(), { workspaceId: fx.workspaceId, userId: fx.agents[1]!.id, actor: owner(), teamIds: [] });
    await page.locator('ib-conversation .not-found').getByRole('heading', { name: 'Ticket not found' }).waitFor();
    // Gone from the list (the ticket assigned to them in the test before stays: they still see their own).
    await expect.poll(() => page.locator('ib-ticket-list .row', { hasText: 'Team-only ticket' }).count()).toBe(0);
    await page.locator('ib-ticket-list .row', { hasText: 'Please help, Mo' }).waitFor();
    await page.context().close();
  });
});
