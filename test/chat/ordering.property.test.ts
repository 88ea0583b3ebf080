import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSockets, connect, login, ok, record, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';

/**
 * Property: whatever mix of visitor and agent sends, concurrent retries and duplicate
 * deliveries, each clientMessageId is stored once, every retry is answered with the same
 * message, seqs are strictly increasing without duplicates, and history after any seq
 * returns exactly the public messages after it, in order.
 */
describe('message ordering and idempotency (property)', () => {
  let node: Node;
  let fx: Fixture;
  let token: string;
  beforeAll(async () => {
    const many = { ratePerSecond: 10_000, burst: 10_000 };
    node = await startNode('postgres', { limits: { widget: many, agent: many } });
    fx = await seedWorkspace(node.deps.db, 1);
    token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
  });
  afterAll(async () => {
    closeSockets();
    await node.app.close();
  });

  const op = fc.record({
    who: fc.constantFrom('visitor', 'agent', 'note'),
    copies: fc.integer({ min: 1, max: 3 }),
  });

  it('holds for random interleavings', async () => {
    const agent = await connect(node.url, '/agent', { token });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 12 }), async (ops, cut) => {
        const { s: v } = await visitor(node.url, fx.inbox);
        const live = record(v, 'message:new');
        const first = await ok(v, 'message:send', { body: 'open', clientMessageId: `open-${Math.random()}` });
        const sends = ops.map((o, i) => ({ ...o, cmid: `c${i}-${Math.random().toString(36).slice(2)}` }));
        // Every send goes out `copies` times at once: a client retrying while the first try is in flight.
        const results = await Promise.all(
          sends.flatMap((s) =>
            Array.from({ length: s.copies }, () =>
              s.who === 'visitor'
                ? ok(v, 'message:send', { body: s.cmid, clientMessageId: s.cmid })
                : ok(agent, 'message:send', { ticketId: first.ticketId, body: s.cmid, clientMessageId: s.cmid, visibility: s.who === 'note' ? 'internal' : 'public' }),
            ),
          ),
        );
        const byCmid = new Map<string, Set<string>>();
        for (const m of results) byCmid.set(m.clientMessageId, (byCmid.get(m.clientMessageId) ?? new Set()).add(m.id));
        for (const ids of byCmid.values()) expect(ids.size).toBe(1);

        const all = (await ok(agent, 'ticket:get', { ticketId: first.ticketId, limit: 500 })).messages as { seq: number; clientMessageId: string; visibility: string }[];
        expect(all.length).toBe(sends.length + 1);
        const seqs = all.map((m) => m.seq);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(seqs.length);

        const publicMsgs = all.filter((m) => m.visibility === 'public');
        const after = seqs[Math.min(cut, seqs.length - 1)]!;
        const h = await ok(v, 'history', { afterSeq: after, limit: 500 });
        expect(h.messages.map((m: { seq: number }) => m.seq)).toEqual(publicMsgs.filter((m) => m.seq > after).map((m) => m.seq));
        // Live delivery to the visitor: each public message, notes never. A copy found to be a
        // duplicate announces its message again (its first announcement may never have gone
        // out), so a message arrives at least once and at most as often as it was sent.
        await until(() => new Set(live.map((m) => m.id)).size >= publicMsgs.length, 5000, 'live public messages');
        expect(new Set(live.map((m) => m.seq))).toEqual(new Set(publicMsgs.map((m) => m.seq)));
        const copies = new Map(sends.map((x) => [x.cmid, x.copies]));
        for (const m of publicMsgs) {
          const times = live.filter((l) => l.seq === m.seq).length;
          expect(times).toBeGreaterThanOrEqual(1);
          expect(times).toBeLessThanOrEqual(copies.get(m.clientMessageId) ?? 1);
        }
        v.disconnect();
      }),
      { numRuns: 15 },
    );
  });
});
