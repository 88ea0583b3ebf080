import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import type { NotificationEvent, NotificationList } from '@support/protocol';
import { closeSockets, connect, ctxOf, login, next, record, seedWorkspace, startNode, until, type Fixture, type Node } from '../support/harness.js';
import { seedTickets } from '../support/seed-tickets.js';
import { toWire } from '../../server/src/db/ids.js';
import { notifyMembers } from '../../server/src/notifications/notifications.service.js';
import { runActions } from '../../server/src/actions/actions.service.js';

/**
 * Inbox notifications on one Postgres node: notifyMembers tells each active member once (named,
 * or in a team named), live on their own sockets only, with an email queued each; the member
 * lists theirs with the unread count and marks them read; nobody reads another's.
 */
describe('notifications', () => {
  let node: Node;
  let fx: Fixture;
  let other: Fixture;
  const tokens: string[] = [];
  const sockets: Socket[] = [];
  let ticketId: string;
  let ticketNumber: number;

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${node.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };
  const notify = (o: Partial<Parameters<typeof notifyMembers>[1]> = {}) =>
    notifyMembers(ctxOf(node), { workspaceId: fx.workspaceId, ticketId, userIds: [], teamIds: [], message: 'A VIP is waiting <b>now</b>', source: 'VIP watch', kind: 'automation', ...o });

  beforeAll(async () => {
    node = await startNode('postgres');
    fx = await seedWorkspace(node.deps.db, 3);
    other = await seedWorkspace(node.deps.db, 1);
    for (const a of fx.agents) {
      const t = await login(node.url, a.email, a.password);
      tokens.push(t);
      sockets.push(await connect(node.url, '/agent', { token: t }));
    }
    ticketNumber = (await seedTickets(node.deps.db, fx, 1)).first;
    const [t] = await node.deps.db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${fx.workspaceId}::uuid and number = ${ticketNumber}`);
    ticketId = t!.id;
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  it('tells each member once, live on their own sockets, and queues an email each', async () => {
    const seen = sockets.map((s) => record<NotificationEvent>(s, 'notification:new'));
    const first = next<NotificationEvent>(sockets[1]!, 'notification:new');
    // Agent 1 named and in the team: told once. Agent 2 is deactivated: not told.
    await node.deps.db.rows(sql`update memberships set status = 'deactivated' where user_id = ${fx.agents[2]!.id}::uuid and workspace_id = ${fx.workspaceId}::uuid`);
    const r = await notify({ userIds: [fx.agents[1]!.id], teamIds: [fx.teamId] });
    expect(r).toEqual({ notified: 2 });
    const e = await first;
    expect(e).toMatchObject({ unread: 1, notification: { kind: 'automation', ticketId: toWire('ticket', ticketId), ticketNumber, message: 'A VIP is waiting <b>now</b>', source: 'VIP watch', readAt: null } });
    await until(() => seen[0]!.length === 1, 5000, 'the owner to be told');
    expect(seen.map((s) => s.length)).toEqual([1, 1, 0]);
    const mails = await node.deps.db.rows<{ to_address: string; kind: string; status: string }>(sql`select to_address, kind, status from system_mail
      where kind = 'notification' and to_address in (${fx.agents[0]!.email}, ${fx.agents[1]!.email}, ${fx.agents[2]!.email}) order by to_address`);
    expect(mails.map((m) => m.to_address).sort()).toEqual([fx.agents[0]!.email, fx.agents[1]!.email].sort());
    await node.deps.db.rows(sql`update memberships set status = 'active' where user_id = ${fx.agents[2]!.id}::uuid and workspace_id = ${fx.workspaceId}::uuid`);
    // Deactivation closed that member's sockets: a new login for the next test.
    sockets[2] = await connect(node.url, '/agent', { token: await login(node.url, fx.agents[2]!.email, fx.agents[2]!.password) });
  });

  it('tells nobody outside the workspace, and nobody when no one is named', async () => {
    expect(await notify({ userIds: [other.agents[0]!.id] })).toEqual({ notified: 0 });
    expect(await notify({ teamIds: [other.teamId] })).toEqual({ notified: 0 });
    expect(await notify()).toEqual({ notified: 0 });
  });

  it('the notify action tells the assignee and the people named, with the template filled', async () => {
    await node.deps.db.rows(sql`update tickets set assignee_id = ${fx.agents[2]!.id}::uuid where id = ${ticketId}::uuid`);
    const got = next<NotificationEvent>(sockets[2]!, 'notification:new');
    const out = await runActions(ctxOf(node), {
      workspaceId: fx.workspaceId, ticketId, actor: { type: 'automation', ruleId: ticketId, ruleName: 'Escalate', runId: ticketId, depth: 0 },
      actions: [{ type: 'notify', userIds: [], teamIds: [], assignee: true, message: 'Ticket #{{ticket.number}} needs you' }],
    });
    expect(out).toMatchObject([{ type: 'notify', ok: true }]);
    expect((await got).notification).toMatchObject({ message: `Ticket #${ticketNumber} needs you`, source: 'Escalate' });
  });

  it('lists a member\'s own notifications with the unread count, and marks some or all read', async () => {
    const [t0, t1] = tokens;
    let list = (await api('GET', '/notifications', t1!)).body as NotificationList;
    expect(list.unread).toBe(1);
    expect(list.items).toHaveLength(1);
    // Agent 0 cannot mark agent 1's notification read: nothing changes for agent 1.
    expect((await api('POST', '/notifications/read', t0!, { ids: [list.items[0]!.id] })).body).toEqual({ unread: 1 });
    expect(((await api('GET', '/notifications', t1!)).body as NotificationList).unread).toBe(1);
    expect((await api('POST', '/notifications/read', t1!, { ids: [list.items[0]!.id] })).body).toEqual({ unread: 0 });
    list = (await api('GET', '/notifications?unread=false', t1!)).body as NotificationList;
    expect(list.items[0]!.readAt).not.toBeNull();
    expect(((await api('GET', '/notifications?unread=true', t1!)).body as NotificationList).items).toEqual([]);
    await notify({ userIds: [fx.agents[1]!.id] });
    await notify({ userIds: [fx.agents[1]!.id] });
    expect(((await api('GET', '/notifications?limit=1', t1!)).body as NotificationList)).toMatchObject({ unread: 2, items: [{ readAt: null }] });
    expect((await api('POST', '/notifications/read', t1!, { all: true })).body).toEqual({ unread: 0 });
  });

  it('bad input is VALIDATION_FAILED', async () => {
    const t = tokens[0]!;
    for (const body of [{}, { ids: [] }, { ids: ['tkt_nope'] }, { all: false }, { ids: ['x'], all: true }])
      expect((await api('POST', '/notifications/read', t, body)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await api('GET', '/notifications?limit=1000', t)).status).toBe(400);
    expect((await api('GET', '/notifications?unread=maybe', t)).status).toBe(400);
    expect((await api('GET', '/notifications', 'nope')).status).toBe(401);
  });
});
