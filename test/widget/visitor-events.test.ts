import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../server/src/workspaces/workspaces.service.js';
import { toWire } from '../../server/src/db/ids.js';
import { inboxSecret } from '../support/widget-host.js';
import { closeSockets, cmid, connect, login, next, ok, record, seedWorkspace, startNode, visitor, type Fixture, type Node } from '../support/harness.js';

/** What visitors' changes send where: per-inbox visitor events, and contact:updated to agents. */
describe('visitor events', () => {
  let node: Node;
  let fx: Fixture;
  let agentToken: string;
  let secondId: string;
  let second: string;

  beforeAll(async () => {
    node = await startNode('postgres');
    fx = await seedWorkspace(node.deps.db, 1);
    agentToken = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    secondId = await createInbox(node.deps.db, { workspaceId: fx.workspaceId, name: 'Second site', channel: 'chat', settings: {} });
    second = toWire('inbox', secondId);
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await node.app.close();
  });

  const identified = async (inbox: string, userId: string) => {
    const v = await visitor(node.url, inbox);
    const secret = await inboxSecret(node.deps.db, inbox === fx.inbox ? fx.inboxId : secondId);
    const identity = await ok(v.s, 'identify', { id: userId, hash: createHmac('sha256', secret).update(userId).digest('hex') });
    return { ...v, contactId: identity.contactId as string };
  };

  it('conversation:new, message:new, ticket:status, typing and read reach only the sockets of the ticket inbox (one identified user on two sites)', async () => {
    const user = `user-${cmid()}`;
    const a = await identified(fx.inbox, user);
    const b = await identified(second, user);
    expect(b.contactId).toBe(a.contactId); // one contact, two inboxes
    const agent = await connect(node.url, '/agent', { token: agentToken });
    const onB = {
      conv: record(b.s, 'conversation:new'),
      msg: record(b.s, 'message:new'),
      status: record(b.s, 'ticket:status'),
      typing: record(b.s, 'typing'),
      read: record(b.s, 'read'),
    };

    const opened = next(a.s, 'conversation:new');
    const echoed = next(a.s, 'message:new');
    const first = await ok(a.s, 'message:send', { body: 'on site A', clientMessageId: cmid() });
    expect((await opened).id).toBe(first.conversationId);
    expect((await echoed).id).toBe(first.id);
    const reply = next(a.s, 'message:new', (m) => m.authorType === 'agent');
    await ok(agent, 'message:send', { ticketId: first.ticketId, body: 'reply on A', clientMessageId: cmid() });
    const r = await reply;
    const typing = next(a.s, 'typing');
    await ok(agent, 'typing', { ticketId: first.ticketId, on: true, visibility: 'public' });
    expect(await typing).toMatchObject({ conversationId: first.conversationId, on: true });
    const read = next(a.s, 'read');
    await ok(agent, 'read', { conversationId: first.conversationId, seq: r.seq });
    expect(await read).toEqual({ conversationId: first.conversationId, side: 'agent', seq: r.seq });
    const status = next(a.s, 'ticket:status');
    await ok(agent, 'ticket:setStatus', { ticketId: first.ticketId, status: 'resolved' });
    expect(await status).toEqual({ ticketId: first.ticketId, status: 'resolved' });

    // B's own first message: events reach B in publish order, so anything of A's would be here already.
    const ownConv = next(b.s, 'conversation:new');
    const ownMsg = next(b.s, 'message:new');
    const mine = await ok(b.s, 'message:send', { body: 'on site B', clientMessageId: cmid() });
    await ownConv;
    await ownMsg;
    expect(onB.conv.map((c) => c.id)).toEqual([mine.conversationId]);
    expect(onB.msg.map((m) => m.id)).toEqual([mine.id]);
    expect(onB.status).toEqual([]);
    expect(onB.typing).toEqual([]);
    expect(onB.read).toEqual([]);
    expect(mine.ticketId).not.toBe(first.ticketId);
    // And A's history does not move to B's conversation.
    expect((await ok(a.s, 'history', {})).conversationId).toBe(first.conversationId);
  });

  it('identify and attributes:set tell the agents of the workspace the contact changed (contact:updated)', async () => {
    const agent = await connect(node.url, '/agent', { token: agentToken });
    const v = await visitor(node.url, fx.inbox);
    const named = next(agent, 'contact:updated', (c) => c.id === v.session.contactId);
    await ok(v.s, 'identify', { name: 'Ada', email: 'ada@example.test' });
    expect(await named).toMatchObject({ id: v.session.contactId, name: 'Ada', email: 'ada@example.test', externalRef: null, attributes: {} });
    const attrs = next(agent, 'contact:updated', (c) => c.id === v.session.contactId);
    await ok(v.s, 'attributes:set', { attributes: { plan: 'pro', seats: 3 } });
    expect(await attrs).toMatchObject({ id: v.session.contactId, name: 'Ada', attributes: { plan: 'pro', seats: 3 } });

    // Agents of another workspace hear nothing: their own marker event arrives, ours does not.
    const other = await seedWorkspace(node.deps.db, 1);
    const outsider = await connect(node.url, '/agent', { token: await login(node.url, other.agents[0]!.email, other.agents[0]!.password) });
    const heard = record(outsider, 'contact:updated');
    await ok(v.s, 'attributes:set', { attributes: { plan: 'team' } });
    const theirs = await visitor(node.url, other.inbox);
    const marker = next(outsider, 'contact:updated');
    await ok(theirs.s, 'identify', { name: 'Own' });
    expect((await marker).name).toBe('Own');
    expect(heard.map((c) => c.name)).toEqual(['Own']);
  });
});

