import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId, type Permission } from '@support/protocol';
import type { Socket } from 'socket.io-client';
import { call, closeSockets, cmid, connect, ctxOf, disconnected, login, next, ok, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { createAgent, createInbox, createTeam } from '../../server/src/workspaces/workspaces.service.js';
import { createRole, updateRole } from '../../server/src/agents/roles.service.js';
import { deactivateMember, reactivateMember, updateMember } from '../../server/src/agents/members.service.js';
import { updateTeam } from '../../server/src/agents/teams.service.js';
import { toWire } from '../../server/src/db/ids.js';


/**
 * A change of role, custom role permissions, teams, team inboxes or membership status, made
 * on node A, takes effect on the member's live socket on node B at once: `access:changed`,
 * rooms joined or left (events start or stop), the socket closed on deactivation.
 */
describe('access changes reach live sockets on every node', () => {
  let a: Node;
  let b: Node;
  let fx: Fixture;
  let owner: Socket | undefined;
  let ownerStatus = 'online';
  let salesInboxId: string;
  let salesTeamId: string;
  const actor = () => ({ type: 'agent' as const, id: fx.agents[0]!.id });

  beforeAll(async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    a = await startNode('postgres', { prefix });
    b = await startNode('postgres', { prefix });
    fx = await seedWorkspace(a.deps.db, 1);
    salesInboxId = await createInbox(a.deps.db, { workspaceId: fx.workspaceId, name: 'Sales', channel: 'chat' });
    salesTeamId = await createTeam(a.deps.db, { workspaceId: fx.workspaceId, name: 'Sales', inboxIds: [salesInboxId] });
  });
  afterEach(() => {
    closeSockets();
    owner = undefined;
    ownerStatus = 'online';
  });
  afterAll(() => Promise.all([a.app.close(), b.app.close()]));

  let n = 0;
  /** A new member on node B (agent role, in Support unless `teams` says otherwise), with their socket and its access events. */
  const member = async (o: { teams?: string[]; roleId?: string } = {}) => {
    const email = `m${++n}-${fx.workspaceId}@example.test`;
    const id = await createAgent(a.deps.db, { workspaceId: fx.workspaceId, email, name: `M${n}`, password: 'pw-live-access', ...(o.roleId ? { roleId: o.roleId } : {}) });
    for (const t of o.teams ?? [fx.teamId]) await a.deps.db.rows(sql`insert into team_members (workspace_id, team_id, user_id) values (${fx.workspaceId}::uuid, ${t}::uuid, ${id}::uuid)`);
    const s = await connect(b.url, '/agent', { token: await login(a.url, email, 'pw-live-access') });
    // Visitor messages it hears of: a first message comes as ticket:new, the next as message:new.
    const msgs: string[] = [];
    s.on('ticket:new', (e: { message: { body: string } | null }) => e.message && msgs.push(e.message.body));
    s.on('message:new', (e: { message: { body: string; authorType: string } }) => e.message.authorType === 'contact' && msgs.push(e.message.body));
    return { id, s, msgs };
  };
  /** A visitor message on an inbox, sent through node A. */
  const say = async (inbox: string, body: string) => (await visitor(a.url, inbox)).s.emitWithAck('message:send', { body, clientMessageId: cmid() });
  /**
   * Waits until `s` received everything node A published before now: a presence change
   * (workspace-wide, published after) arrives after it.
   */
  const settle = async (s: Socket) => {
    owner ??= await connect(a.url, '/agent', { token: await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    const status = (ownerStatus = ownerStatus === 'online' ? 'away' : 'online');
    const seen = next(s, 'presence', (e) => e.userId === fx.agents[0]!.wire && e.status === status);
    await ok(owner!, 'presence:set', { status });
    await seen;
  };

  it('a role change: the socket is told, its permission checks and its rooms follow', async () => {
    const m = await member();
    await say(fx.inbox, 'before the change');
    await until(() => m.msgs.length === 1, 5000, 'the first message');
    const blind = await createRole(ctxOf(a), { workspaceId: fx.workspaceId, name: 'Blind', permissions: ['contacts.read'] });
    const told = next(m.s, 'access:changed');
    await updateMember(ctxOf(a), { workspaceId: fx.workspaceId, userId: m.id, actor: actor(), role: 'custom', roleId: decodeId('role', blind.id)! });
    expect(await told).toEqual({ role: 'custom', roleId: blind.id, permissions: ['contacts.read'] });
    expect(await call(m.s, 'tickets:list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await say(fx.inbox, 'after the change');
    await settle(m.s);
    expect(m.msgs).toEqual(['before the change']);
    // And back: supervisor sees every inbox.
    const back = next(m.s, 'access:changed');
    await updateMember(ctxOf(a), { workspaceId: fx.workspaceId, userId: m.id, actor: actor(), role: 'supervisor' });
    expect((await back).permissions).toContain('tickets.read.all');
    await say(toWire('inbox', salesInboxId), 'sales, seen by a supervisor');
    await until(() => m.msgs.some((body) => body === 'sales, seen by a supervisor'), 5000, 'the sales message');
    expect(m.s.connected).toBe(true);
  });

  it("a custom role's permissions edited: every holder's socket follows", async () => {
    const role = await createRole(ctxOf(a), { workspaceId: fx.workspaceId, name: 'Editable', permissions: ['tickets.read.mine'] });
    const m = await member({ teams: [], roleId: decodeId('role', role.id)! });
    await say(fx.inbox, 'unassigned, unseen');
    await settle(m.s);
    expect(m.msgs).toEqual([]);
    const told = next(m.s, 'access:changed');
    await updateRole(ctxOf(a), { workspaceId: fx.workspaceId, roleId: decodeId('role', role.id)!, permissions: ['tickets.read.all'] as Permission[] });
    expect((await told).permissions).toEqual(['tickets.read.all', 'tickets.read.team', 'tickets.read.mine']);
    await say(fx.inbox, 'now seen');
    await until(() => m.msgs.some((body) => body === 'now seen'), 5000, 'the message after the edit');
    // By SQL as well (the trigger), back to nothing.
    const again = next(m.s, 'access:changed');
    await a.deps.db.rows(sql`update roles set permissions = '{}' where id = ${decodeId('role', role.id)!}::uuid`);
    expect((await again).permissions).toEqual([]);
  });

  it('team membership and team inboxes: rooms are left and joined at once', async () => {
    const m = await member();
    const left = next(m.s, 'access:changed');
    await updateMember(ctxOf(a), { workspaceId: fx.workspaceId, userId: m.id, actor: actor(), teamIds: [salesTeamId] });
    await left;
    await say(fx.inbox, 'support, no longer mine');
    await say(toWire('inbox', salesInboxId), 'sales, now mine');
    await until(() => m.msgs.length === 1, 5000, 'the sales message');
    await settle(m.s);
    expect(m.msgs).toEqual(['sales, now mine']);
    // Sales starts working the chat inbox too.
    const joined = next(m.s, 'access:changed');
    await updateTeam(ctxOf(a), { workspaceId: fx.workspaceId, teamId: salesTeamId, inboxIds: [salesInboxId, fx.inboxId] });
    await joined;
    await say(fx.inbox, 'support, through Sales');
    await until(() => m.msgs.some((body) => body === 'support, through Sales'), 5000, 'the support message');
    await updateTeam(ctxOf(a), { workspaceId: fx.workspaceId, teamId: salesTeamId, inboxIds: [salesInboxId] });
  });

  it('deactivation closes the sockets on the other node, unassigns open tickets in one go and keeps the name in history; reactivation lets them log in again', async () => {
    const m = await member();
    const sent = (await say(fx.inbox, 'assign me')) as { ok: true; data: { ticketId: string } };
    const ticketId = sent.data.ticketId;
    const reply = await ok(m.s, 'message:send', { ticketId, body: 'I will help', clientMessageId: cmid() });
    await ok(m.s, 'ticket:assign', { ticketId, assigneeId: toWire('user', m.id) });
    const resolved = (await say(fx.inbox, 'another')) as { ok: true; data: { ticketId: string } };
    await ok(m.s, 'ticket:assign', { ticketId: resolved.data.ticketId, assigneeId: toWire('user', m.id) });
    await ok(m.s, 'ticket:setStatus', { ticketId: resolved.data.ticketId, status: 'resolved' });
    owner ??= await connect(a.url, '/agent', { token: await login(a.url, fx.agents[0]!.email, fx.agents[0]!.password) });
    const unassigned = next(owner!, 'ticket:updated', (e) => e.ticket.id === ticketId && e.ticket.assigneeId === null);
    const gone = disconnected(m.s);
    expect(await deactivateMember(ctxOf(a), { workspaceId: fx.workspaceId, userId: m.id, actor: actor() })).toBe(true);
    expect(await gone).toBe('io server disconnect');
    expect((await unassigned).activities).toMatchObject([{ kind: 'assigned', oldValue: toWire('user', m.id), newValue: null }]);
    const detail = await ok(owner!, 'ticket:get', { ticketId });
    expect(detail.messages.find((x: any) => x.id === reply.id).authorName).toBe(`M${n}`);
    // A resolved ticket keeps its assignee.
    expect((await ok(owner!, 'ticket:get', { ticketId: resolved.data.ticketId })).ticket.assigneeId).toBe(toWire('user', m.id));
    const r = await fetch(`${a.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `m${n}-${fx.workspaceId}@example.test`, password: 'pw-live-access' }) });
    expect((await r.json()).error.code).toBe('INVALID_CREDENTIALS');
    expect(await reactivateMember(ctxOf(a), { workspaceId: fx.workspaceId, userId: m.id, actor: actor() })).toBe(true);
    await login(a.url, `m${n}-${fx.workspaceId}@example.test`, 'pw-live-access');
  });
});
