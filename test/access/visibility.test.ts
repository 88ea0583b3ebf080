import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import type { Socket } from 'socket.io-client';
import { call, closeSockets, cmid, connect, ctxOf, login, next, ok, record, seedWorkspace, startNode, visitor, type Fixture, type Node } from '../support/harness.js';
import { createAgent, createInbox, createTeam } from '../../server/src/workspaces/workspaces.service.js';
import { createRole } from '../../server/src/agents/roles.service.js';
import { toWire } from '../../server/src/db/ids.js';

const notFound = { ok: false, error: { code: 'NOT_FOUND' } };

/**
 * Team-scoped visibility over two nodes. Support works the Chat inbox (agent `sam`), Sales
 * works the Sales inbox (agent `sal`); `mo` has a custom role that sees only tickets assigned
 * to them; the owner sees everything. Agents sit on node B, visitors and the owner on node A.
 */
describe('who sees which ticket (two nodes)', () => {
  let a: Node;
  let b: Node;
  let fx: Fixture;
  let salesInbox: string;
  let salesTeam: string;
  const tokens: Record<'owner' | 'sam' | 'sal' | 'mo', string> = { owner: '', sam: '', sal: '', mo: '' };
  const ids: Record<'sam' | 'sal' | 'mo', string> = { sam: '', sal: '', mo: '' };

  beforeAll(async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    a = await startNode('postgres', { prefix });
    b = await startNode('postgres', { prefix });
    fx = await seedWorkspace(a.deps.db, 2); // owner + sam, both in Support (Chat inbox)
    ids.sam = fx.agents[1]!.id;
    const salesInboxId = await createInbox(a.deps.db, { workspaceId: fx.workspaceId, name: 'Sales chat', channel: 'chat' });
    salesInbox = toWire('inbox', salesInboxId);
    const mk = (name: string, o: { roleId?: string } = {}) =>
      createAgent(a.deps.db, { workspaceId: fx.workspaceId, email: `${name}-${fx.workspaceId}@example.test`, name, password: 'pw-visibility', ...(o.roleId ? { roleId: o.roleId } : {}) });
    ids.sal = await mk('Sal');
    salesTeam = toWire('team', await createTeam(a.deps.db, { workspaceId: fx.workspaceId, name: 'Sales', memberIds: [ids.sal], inboxIds: [salesInboxId] }));
    const mine = await createRole(ctxOf(a), { workspaceId: fx.workspaceId, name: 'Own tickets only', permissions: ['tickets.read.mine', 'tickets.write'] });
    ids.mo = await mk('Mo', { roleId: decodeId('role', mine.id)! });
    tokens.owner = await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password);
    tokens.sam = await login(a.url, fx.agents[1]!.email, fx.agents[1]!.password);
    tokens.sal = await login(a.url, `Sal-${fx.workspaceId}@example.test`, 'pw-visibility');
    tokens.mo = await login(a.url, `Mo-${fx.workspaceId}@example.test`, 'pw-visibility');
  });
  afterEach(() => closeSockets());
  afterAll(() => Promise.all([a.app.close(), b.app.close()]));

  const agents = async () => ({
    owner: await connect(a.url, '/agent', { token: tokens.owner }),
    sam: await connect(b.url, '/agent', { token: tokens.sam }),
    sal: await connect(b.url, '/agent', { token: tokens.sal }),
    mo: await connect(b.url, '/agent', { token: tokens.mo }),
  });
  const listed = async (s: Socket, q?: string) => ((await ok(s, 'tickets:list', { limit: 100, ...(q ? { q } : {}) })).items as { id: string }[]).map((t) => t.id);

  it('lists, search, unread counts, direct ids, messages, contacts and writes follow the scope; an invisible id is NOT_FOUND', async () => {
    const s = await agents();
    const va = await visitor(a.url, fx.inbox);
    const chat = await ok(va.s, 'message:send', { body: 'Kiwi question about my order', clientMessageId: cmid() });
    const vb = await visitor(a.url, salesInbox);
    const sale = await ok(vb.s, 'message:send', { body: 'Kiwi quote for 40 seats', clientMessageId: cmid() });

    expect(await listed(s.sam, 'kiwi')).toEqual([chat.ticketId]);
    expect(await listed(s.sal, 'kiwi')).toEqual([sale.ticketId]);
    expect((await listed(s.owner, 'kiwi')).sort()).toEqual([chat.ticketId, sale.ticketId].sort());
    expect(await listed(s.mo)).toEqual([]);
    // The sales inbox filter on Sam's list gives nothing, not Sal's tickets.
    expect((await ok(s.sam, 'tickets:list', { inboxId: salesInbox })).items).toEqual([]);
    // Unread counts come with the rows Sam may see only.
    expect((await ok(s.sam, 'tickets:list', { q: 'kiwi' })).items[0].unreadCount).toBe(1);

    // Every read or write of Sal's ticket by Sam answers as if it did not exist.
    const t = sale.ticketId;
    expect(await call(s.sam, 'ticket:get', { ticketId: t })).toMatchObject(notFound);
    expect(await call(s.sam, 'messages:list', { conversationId: sale.conversationId })).toMatchObject(notFound);
    expect(await call(s.sam, 'read', { conversationId: sale.conversationId, seq: 1 })).toMatchObject(notFound);
    expect(await call(s.sam, 'typing', { ticketId: t, on: true })).toMatchObject(notFound);
    expect(await call(s.sam, 'ticket:view', { ticketId: t })).toMatchObject(notFound);
    expect(await call(s.sam, 'message:send', { ticketId: t, body: 'hi', clientMessageId: cmid() })).toMatchObject(notFound);
    for (const [event, extra] of [['ticket:setStatus', { status: 'pending' }], ['ticket:setPriority', { priority: 'high' }], ['ticket:addTag', { tag: 'x' }], ['ticket:assign', { assigneeId: null }]] as const)
      expect(await call(s.sam, event, { ticketId: t, ...extra }), event).toMatchObject(notFound);
    expect(await call(s.sam, 'ticket:get', { ticketId: 'tkt_01m8064rczeartdzzs8eg5d8be' })).toMatchObject(notFound);
    expect((await ok(s.sal, 'ticket:get', { ticketId: t })).ticket.id).toBe(t);

    // The contact's sidebar lists the tickets of their sight only.
    await a.deps.db.rows(sql`update tickets set requester_id = ${decodeId('contact', va.session.contactId)!}::uuid where id = ${decodeId('ticket', t)!}::uuid`);
    expect((await ok(s.sam, 'contact:get', { contactId: va.session.contactId })).tickets.map((x: any) => x.id)).toEqual([chat.ticketId]);
    expect((await ok(s.owner, 'contact:get', { contactId: va.session.contactId })).tickets).toHaveLength(2);
    expect((await ok(s.mo, 'contact:get', { contactId: va.session.contactId }).catch((e: Error) => e.message))).toMatch(/FORBIDDEN/);

    // Assigned to Mo, it shows in Mo's list and Mo may write on it; nothing else.
    await ok(s.owner, 'ticket:assign', { ticketId: chat.ticketId, assigneeId: toWire('user', ids.mo) });
    expect(await listed(s.mo)).toEqual([chat.ticketId]);
    await ok(s.mo, 'message:send', { ticketId: chat.ticketId, body: 'on it', clientMessageId: cmid() });
    expect(await call(s.mo, 'ticket:get', { ticketId: t })).toMatchObject(notFound);
    // A ticket of the Sales team (not its inbox) is Sam's once Sam is in Sales.
    await ok(s.owner, 'ticket:assign', { ticketId: t, teamId: salesTeam });
    await a.deps.db.rows(sql`insert into team_members (workspace_id, team_id, user_id) values (${fx.workspaceId}::uuid, ${decodeId('team', salesTeam)!}::uuid, ${ids.sam}::uuid)`);
    expect((await listed(s.sam, 'kiwi')).sort()).toEqual([chat.ticketId, t].sort());
    await a.deps.db.rows(sql`delete from team_members where user_id = ${ids.sam}::uuid and team_id = ${decodeId('team', salesTeam)!}::uuid`);
    expect(await listed(s.sam, 'kiwi')).toEqual([chat.ticketId]);
  });

  it("live events reach only the sockets that see the ticket, across nodes; a ticket leaving someone's sight is removed there", async () => {
    const s = await agents();
    const seen = {
      sam: { new: record(s.sam, 'ticket:new'), msg: record(s.sam, 'message:new'), upd: record(s.sam, 'ticket:updated'), typing: record(s.sam, 'typing'), viewing: record(s.sam, 'viewing'), read: record(s.sam, 'read') },
      mo: { new: record(s.mo, 'ticket:new'), msg: record(s.mo, 'message:new'), upd: record(s.mo, 'ticket:updated'), removed: record(s.mo, 'ticket:removed') },
    };
    // A sales ticket: Sal and the owner hear of it, Sam and Mo do not.
    const vb = await visitor(a.url, salesInbox);
    const salNew = next(s.sal, 'ticket:new');
    const sale = await ok(vb.s, 'message:send', { body: 'Sales lead', clientMessageId: cmid() });
    expect((await salNew).ticket.id).toBe(sale.ticketId);
    const salTyping = next(s.sal, 'typing', (e) => e.ticketId === sale.ticketId);
    await ok(vb.s, 'typing', { on: true });
    await salTyping;
    const salViewing = next(s.sal, 'viewing', (e) => e.ticketId === sale.ticketId);
    await ok(s.owner, 'ticket:view', { ticketId: sale.ticketId });
    await salViewing;
    const salRead = next(s.sal, 'read', (e) => e.conversationId === sale.conversationId);
    await ok(s.owner, 'read', { conversationId: sale.conversationId, seq: 1 });
    await salRead;
    const salUpd = next(s.sal, 'ticket:updated', (e) => e.ticket.id === sale.ticketId);
    await ok(s.owner, 'ticket:setPriority', { ticketId: sale.ticketId, priority: 'high' });
    await salUpd;
    // Then a chat ticket, which Sam does see: once its events reached Sam, the sales ones (sent before) would have too.
    const va = await visitor(a.url, fx.inbox);
    const samMsg = next(s.sam, 'message:new', (e) => e.message.body === 'second');
    const chat = await ok(va.s, 'message:send', { body: 'Chat question', clientMessageId: cmid() });
    await ok(va.s, 'typing', { on: true });
    await ok(va.s, 'message:send', { body: 'second', clientMessageId: cmid() });
    await samMsg;
    const about = (e: any) => e.ticket?.id ?? e.ticketId ?? e.message?.ticketId;
    expect(seen.sam.new.map(about)).toEqual([chat.ticketId]);
    expect(seen.sam.msg.map(about)).toEqual([chat.ticketId]);
    expect(seen.sam.upd).toEqual([]);
    expect(seen.sam.typing.map(about)).toEqual([chat.ticketId]);
    expect(seen.sam.viewing).toEqual([]);
    expect(seen.sam.read).toEqual([]);
    expect([...seen.mo.new, ...seen.mo.msg, ...seen.mo.upd]).toEqual([]);

    // Assigned to Mo: Mo hears of it from then on; reassigned to Sam: Mo is told to drop it, and no longer hears of it.
    const moUpd = next(s.mo, 'ticket:updated', (e) => e.ticket.id === chat.ticketId);
    await ok(s.owner, 'ticket:assign', { ticketId: chat.ticketId, assigneeId: toWire('user', ids.mo) });
    await moUpd;
    const moMsg = next(s.mo, 'message:new', (e) => e.message.body === 'for mo');
    await ok(va.s, 'message:send', { body: 'for mo', clientMessageId: cmid() });
    await moMsg;
    const removed = next(s.mo, 'ticket:removed');
    const samUpd = next(s.sam, 'ticket:updated', (e) => e.ticket.assigneeId === toWire('user', ids.sam));
    await ok(s.owner, 'ticket:assign', { ticketId: chat.ticketId, assigneeId: toWire('user', ids.sam) });
    expect(await removed).toEqual({ ticketId: chat.ticketId });
    await samUpd;
    const samLast = next(s.sam, 'message:new', (e) => e.message.body === 'after');
    await ok(va.s, 'message:send', { body: 'after', clientMessageId: cmid() });
    await samLast;
    expect(seen.mo.msg.map((e) => e.message.body)).toEqual(['for mo']);
    expect(seen.mo.removed).toEqual([{ ticketId: chat.ticketId }]);
    expect(seen.mo.upd.every((e) => e.ticket.assigneeId === toWire('user', ids.mo))).toBe(true);
    // Sam still sees it (their team's inbox): no removal for Sam.
    expect(await call(s.mo, 'ticket:get', { ticketId: chat.ticketId })).toMatchObject(notFound);
  });
});
