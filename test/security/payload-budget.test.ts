import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ticketsListSchema, widgetMessageSendSchema, widgetSessionStartSchema } from '@support/protocol';
import { call, closeSockets, cmid, connect, login, ok, seedWorkspace, startNode, visitor, type Fixture, type Node } from '../support/harness.js';

const MB = 1024 * 1024;
const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
const deep = (n: number) => {
  let v: unknown = 'leaf';
  for (let i = 0; i < n; i++) v = { v };
  return v;
};

/**
 * Payloads no schema accepts (binary attachments, huge key counts, deep nesting) are refused
 * before validation, on both namespaces and before `session:start`, with a small error ack;
 * an error ack never carries more than a few clipped issues.
 */
describe('socket payload budget', () => {
  let node: Node;
  let fx: Fixture;
  let token: string;

  beforeAll(async () => {
    node = await startNode('postgres');
    fx = await seedWorkspace(node.deps.db, 1);
    token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    closeSockets();
  });
  afterAll(() => node.app.close());

  it('/widget before session:start: a 1 MB Buffer, a 100k-key object, deep nesting and binary args are refused without running zod', async () => {
    const s = await connect(node.url, '/widget');
    const start = vi.spyOn(widgetSessionStartSchema, 'safeParse');
    const send = vi.spyOn(widgetMessageSendSchema, 'safeParse');
    const cases: [string, unknown[], string][] = [
      ['session:start', [Buffer.alloc(MB, 1)], 'VALIDATION_FAILED'],
      ['session:start', [{ inboxId: fx.inbox, token: Buffer.alloc(MB) }], 'VALIDATION_FAILED'],
      ['session:start', [{ inboxId: fx.inbox }, new Uint8Array(16)], 'VALIDATION_FAILED'],
      ['session:start', [manyKeys(100_000)], 'PAYLOAD_TOO_LARGE'],
      ['session:start', [{ inboxId: fx.inbox, list: Array.from({ length: 100_000 }, () => 1) }], 'PAYLOAD_TOO_LARGE'],
      ['session:start', [deep(1000)], 'PAYLOAD_TOO_LARGE'],
      ['message:send', [Buffer.alloc(MB)], 'VALIDATION_FAILED'],
      ['message:send', [manyKeys(100_000)], 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [event, args, code] of cases) {
      const r = await call(s, event, ...args);
      expect(r, `${event} ${code}`).toMatchObject({ ok: false, error: { code } });
      expect(JSON.stringify(r).length).toBeLessThan(300);
    }
    expect(start).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
    // The socket is still usable, and a valid payload does go through the schema.
    await ok(s, 'session:start', { inboxId: fx.inbox });
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('/agent: the same refusals, before validation', async () => {
    const a = await connect(node.url, '/agent', { token });
    const list = vi.spyOn(ticketsListSchema, 'safeParse');
    for (const [args, code] of [
      [[Buffer.alloc(MB)], 'VALIDATION_FAILED'],
      [[{ q: new Float64Array(8) }], 'VALIDATION_FAILED'],
      [[manyKeys(100_000)], 'PAYLOAD_TOO_LARGE'],
    ] as const) {
      const r = await call(a, 'tickets:list', ...args);
      expect(r).toMatchObject({ ok: false, error: { code } });
      expect(JSON.stringify(r).length).toBeLessThan(300);
    }
    expect(list).not.toHaveBeenCalled();
    expect((await ok(a, 'tickets:list', {})).items).toEqual([]);
  });

  it('an error ack carries at most ten clipped issues, whatever the payload', async () => {
    const { s } = await visitor(node.url, fx.inbox);
    const longKey = 'x'.repeat(5000);
    const r = await call(s, 'message:send', { ...manyKeys(400), [longKey]: 1, body: 7 });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (r.ok) return;
    expect((r.error.details as unknown[]).length).toBeLessThanOrEqual(10);
    expect(r.error.message.length).toBeLessThan(1200);
    expect(JSON.stringify(r).length).toBeLessThan(3000);
  });

  it('a client flooding 1 MB binary events does not hold up another client: every refusal is small and the other gets its acks', async () => {
    const attacker = await connect(node.url, '/widget');
    const { s: other } = await visitor(node.url, fx.inbox);
    const send = vi.spyOn(widgetMessageSendSchema, 'safeParse');
    const flood = Promise.all(Array.from({ length: 20 }, () => call(attacker, 'message:send', Buffer.alloc(MB, 7))));
    const mine = await ok(other, 'message:send', { body: 'still served', clientMessageId: cmid() });
    expect(mine.seq).toBe(1);
    const refused = await flood;
    for (const r of refused) {
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r).length).toBeLessThan(300);
    }
    // Only the other client's message reached the schema.
    expect(send).toHaveBeenCalledTimes(1);
  });
});
