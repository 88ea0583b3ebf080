import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createRedisBus, type EventBus } from '../../server/src/events/bus.js';
import type { DomainEvent } from '../../server/src/events/events.js';
import { publisherOptions } from '../../server/src/events/redis-publisher.js';
import { until } from '../support/harness.js';
import { redisProxy } from '../support/redis-proxy.js';

const logger = pino({ level: 'silent' });
const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

function redis(): Redis {
  const r = new Redis(inject('redisUrl'), { lazyConnect: false });
  open.push({ close: () => void r.disconnect() });
  return r;
}

async function bus(prefix: string): Promise<EventBus> {
  const b = await createRedisBus({ pub: redis(), sub: redis(), prefix, logger });
  open.push(b);
  return b;
}

/** A bus that publishes through a proxy the test can cut (its subscription stays direct). */
async function cuttableBus(prefix: string, maxBacklog?: number) {
  const proxy = await redisProxy(inject('redisUrl'));
  const pub = new Redis(proxy.url, publisherOptions);
  pub.on('error', () => {});
  open.push(proxy, { close: () => void pub.disconnect() });
  const b = await createRedisBus({ pub, sub: redis(), prefix, logger, maxBacklog });
  open.push(b);
  await until(() => pub.status === 'ready', 5000, 'publisher connected');
  return { bus: b, proxy };
}

const userIds = (events: DomainEvent[]) => events.map((e) => (e.payload as { userId: string }).userId);

const presence = (n: number) =>
  ({ name: 'agent.presence_changed', payload: { workspaceId: 'ws_x', userId: `usr_${n}`, status: 'away' } }) as const;

describe('Redis event bus', () => {
  it('events reach the other node in order; the publisher gets each once, locally, never back from Redis', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const a = await bus(prefix);
    const b = await bus(prefix);
    const atA: DomainEvent[] = [];
    const atB: DomainEvent[] = [];
    a.subscribe((e) => void atA.push(e));
    b.subscribe((e) => void atB.push(e));
    // A plain subscriber counts what crosses Redis.
    const spy = redis();
    const raw: string[] = [];
    spy.on('message', (_ch: string, m: string) => raw.push(m));
    await spy.subscribe(`${prefix}:events`);

    for (let i = 0; i < 3; i++) a.publish('agent.presence_changed', presence(i).payload);
    // Local delivery is immediate, before anything crosses Redis.
    expect(atA.map((e) => (e.payload as { userId: string }).userId)).toEqual(['usr_0', 'usr_1', 'usr_2']);
    await until(() => atB.length === 3, 5000, 'three events on node B');
    expect(atB).toEqual([presence(0), presence(1), presence(2)]);
    await until(() => raw.length === 3, 5000, 'three messages through Redis');

    b.publish('agent.presence_changed', presence(9).payload);
    await until(() => atA.length === 4, 5000, 'node B event on node A');
    expect(atA[3]).toEqual(presence(9));
    await until(() => raw.length === 4, 5000, 'four messages through Redis');
    await new Promise((r) => setTimeout(r, 200));
    expect(atA).toHaveLength(4); // nothing redelivered to its publisher
    expect(atB).toHaveLength(4);
    expect(raw).toHaveLength(4);
  });

  it('drops a malformed message and keeps going', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const b = await bus(prefix);
    const atB: DomainEvent[] = [];
    b.subscribe((e) => void atB.push(e));
    const pub = redis();
    await pub.publish(`${prefix}:events`, 'someone-else\n{not json');
    await pub.publish(`${prefix}:events`, 'someone-else\nnull');
    await pub.publish(`${prefix}:events`, `someone-else\n${JSON.stringify(presence(1))}`);
    await until(() => atB.length === 1, 5000, 'the good message');
    expect(atB[0]).toEqual(presence(1));
  });

  it('events published while Redis is unreachable reach the other node once it is back, all of them, in order', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const { bus: a, proxy } = await cuttableBus(prefix);
    const b = await bus(prefix);
    const atB: DomainEvent[] = [];
    b.subscribe((e) => void atB.push(e));
    a.publish('agent.presence_changed', presence(0).payload);
    await until(() => atB.length === 1, 5000, 'the first event');
    proxy.cut();
    for (let i = 1; i <= 50; i++) a.publish('agent.presence_changed', presence(i).payload);
    // Node A's publisher tries to reconnect and is turned away: Redis is gone for it.
    await until(() => proxy.refused >= 3, 10_000, 'reconnects refused');
    expect(atB).toHaveLength(1);
    proxy.restore();
    await until(() => atB.length >= 51, 10_000, 'the held events');
    expect(userIds(atB)).toEqual(Array.from({ length: 51 }, (_, i) => `usr_${i}`));
    // And the fast path again.
    a.publish('agent.presence_changed', presence(51).payload);
    await until(() => atB.length === 52, 5000, 'an event after the outage');
  });

  it('past its backlog a node drops what it holds and, once Redis is back, tells the others to resync', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const { bus: a, proxy } = await cuttableBus(prefix, 5);
    const b = await bus(prefix);
    const atB: DomainEvent[] = [];
    let gaps = 0;
    b.subscribe((e) => void atB.push(e));
    b.onGap(() => void gaps++);
    proxy.cut();
    for (let i = 0; i < 8; i++) a.publish('agent.presence_changed', presence(i).payload);
    await until(() => proxy.refused >= 3, 10_000, 'reconnects refused');
    proxy.restore();
    await until(() => gaps === 1, 10_000, 'the gap notice');
    // What was held after the drop still goes out, after the notice and in order.
    a.publish('agent.presence_changed', presence(8).payload);
    await until(() => atB.length === 3, 5000, 'the events held after the drop');
    expect(userIds(atB)).toEqual(['usr_6', 'usr_7', 'usr_8']);
    expect(gaps).toBe(1);
  });
});
