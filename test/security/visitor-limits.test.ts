import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId } from '@support/protocol';
import { call, closeSockets, disconnected, cmid, connect, login, seedWorkspace, startNode, visitor, type Node } from '../support/harness.js';

const huge = { ratePerSecond: 100_000, burst: 100_000 };

/** Stored messages written by one contact. */
const messagesOf = async (node: Node, contactId: string) => {
  const [r] = await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from messages
    where author_type = 'contact' and author_id = ${decodeId('contact', contactId)!}::uuid`);
  return r!.n;
};

/**
 * Widget limits hold per visitor session and per client address, not only per socket:
 * opening more sockets buys no more events; a socket that keeps sending while refused is cut.
 */
describe('socket limits', () => {
  let node: Node | undefined;
  afterEach(async () => {
    closeSockets();
    await node?.app.close();
    node = undefined;
  });

  it('100 sockets resuming one visitor token share the per-session rate', async () => {
    const perSession = { ratePerSecond: 5, burst: 10 };
    node = await startNode('postgres', { config: { WIDGET_SOCKETS_PER_SESSION: 200 }, limits: { widget: { ratePerSecond: 10, burst: 30, perSession, perAddress: huge } } });
    const fx = await seedWorkspace(node.deps.db, 1);
    const first = await visitor(node.url, fx.inbox);
    const tabs: Socket[] = [first.s];
    for (let i = 0; i < 99; i++) tabs.push((await visitor(node.url, fx.inbox, first.session.token)).s);
    const started = Date.now();
    const acks = await Promise.all(tabs.flatMap((s) => [0, 1, 2].map(() => call(s, 'message:send', { body: 'hello', clientMessageId: cmid() }))));
    const seconds = (Date.now() - started) / 1000;
    const accepted = acks.filter((a) => a.ok).length;
    // Everything the server admitted happened inside the measured span: at most the burst plus the refill.
    expect(accepted).toBeLessThanOrEqual(perSession.burst + Math.ceil(perSession.ratePerSecond * seconds));
    expect(acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length).toBe(300 - accepted);
    expect(await messagesOf(node, first.session.contactId)).toBe(accepted);
  });

  it('one visitor session may hold at most WIDGET_SOCKETS_PER_SESSION sockets on a node', async () => {
    node = await startNode('postgres', { config: { WIDGET_SOCKETS_PER_SESSION: 3 } });
    const fx = await seedWorkspace(node.deps.db, 1);
    const first = await visitor(node.url, fx.inbox);
    const resume = async () => {
      const s = await connect(node!.url, '/widget');
      const r = await call(s, 'session:start', { inboxId: fx.inbox, token: first.session.token });
      return { s, code: r.ok ? 'ok' : r.error.code };
    };
    const tries = [await resume(), await resume(), await resume()];
    expect(tries.map((t) => t.code)).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    // A closed tab frees its place.
    const gone = disconnected(first.s);
    first.s.disconnect();
    await gone;
    expect((await resume()).code).toBe('ok');
    // A new anonymous session is never refused for another session's sockets.
    expect((await visitor(node.url, fx.inbox)).session.token).toBeTruthy();
  });

  it('one client address may hold at most WIDGET_SOCKETS_PER_ADDRESS sockets on a node, and shares one event rate', async () => {
    const perAddress = { ratePerSecond: 2, burst: 12 };
    node = await startNode('postgres', { config: { WIDGET_SOCKETS_PER_ADDRESS: 4 }, limits: { widget: { ratePerSecond: 10, burst: 30, perSession: huge, perAddress } } });
    const open = await Promise.all([0, 1, 2, 3].map(() => connect(node!.url, '/widget')));
    await expect(connect(node.url, '/widget')).rejects.toMatchObject({ data: { code: 'RATE_LIMITED' } });
    const started = Date.now();
    const acks = await Promise.all(open.flatMap((s) => Array.from({ length: 10 }, () => call(s, 'typing', { on: true }))));
    const seconds = (Date.now() - started) / 1000;
    // Each socket alone would admit all ten (burst 30); the address admits its burst plus the refill.
    const admitted = acks.filter((a) => a.ok || a.error.code !== 'RATE_LIMITED').length;
    expect(admitted).toBeLessThanOrEqual(perAddress.burst + Math.ceil(perAddress.ratePerSecond * seconds));
    const gone = disconnected(open[0]!);
    open[0]!.disconnect();
    await gone;
    expect((await connect(node.url, '/widget')).connected).toBe(true);
  });

  it('a socket that keeps sending while refused is disconnected; the node serves others meanwhile', async () => {
    node = await startNode('postgres', { limits: { widget: { ratePerSecond: 1, burst: 5 } } });
    const fx = await seedWorkspace(node.deps.db, 1);
    const spammer = await connect(node.url, '/widget');
    const { s: other } = await visitor(node.url, fx.inbox);
    const cut = disconnected(spammer);
    for (let i = 0; i < 2000 && spammer.connected; i++) spammer.emit('typing', { on: true });
    expect(await cut).toBe('io server disconnect');
    expect(await call(other, 'typing', { on: true })).toEqual({ ok: true, data: null });
  });

  it('an agent socket that keeps sending while refused is disconnected too', async () => {
    node = await startNode('postgres', { limits: { agent: { ratePerSecond: 1, burst: 5 } } });
    const fx = await seedWorkspace(node.deps.db, 1);
    const token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
    const agent = await connect(node.url, '/agent', { token });
    const cut = disconnected(agent);
    for (let i = 0; i < 2000; i++) agent.emit('agents:list', {});
    expect(await cut).toBe('io server disconnect');
  });
});
