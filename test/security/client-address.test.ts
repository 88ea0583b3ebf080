import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, closeSockets, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { loadConfig } from '../../server/src/config.js';

const sockets: ReturnType<typeof io>[] = [];
/** A /widget socket whose handshake carries `X-Forwarded-For: xff` (as if through a proxy). */
const through = async (url: string, xff: string) => {
  const s = io(`${url}/widget`, { transports: ['websocket'], extraHeaders: { 'x-forwarded-for': xff }, forceNew: true, reconnection: false });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  });
  return s;
};
const newSession = async (url: string, inbox: string, xff: string) => {
  const r = await call(await through(url, xff), 'session:start', { inboxId: inbox });
  return r.ok ? 'ok' : r.error.code;
};

/**
 * The new-visitor-session limit counts the client address as Express resolves it with the
 * same TRUST_PROXY: entries a client writes in front of X-Forwarded-For do not make it new.
 */
describe.each([
  ['a hop count from the environment ("1")', loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY],
  ['a subnet list ("loopback, 10.0.0.0/8")', loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY],
])('client address behind a proxy: TRUST_PROXY as %s', (_, trust) => {
  let node: Node;
  let fx: Fixture;
  beforeAll(async () => {
    node = await startNode('postgres', { config: { TRUST_PROXY: trust, WIDGET_NEW_SESSIONS_PER_MINUTE: 3 } });
    fx = await seedWorkspace(node.deps.db, 1);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
    closeSockets();
  });
  afterAll(() => node.app.close());

  it('forged leading X-Forwarded-For entries do not escape the per-address limit', async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await newSession(node.url, fx.inbox, `198.51.100.${i}, 203.0.113.7`));
    expect(results).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
    // Another client address (as the proxy reports it) has its own allowance.
    expect(await newSession(node.url, fx.inbox, '203.0.113.8')).toBe('ok');
  });
});

describe('client address without TRUST_PROXY', () => {
  let node: Node;
  let fx: Fixture;
  beforeAll(async () => {
    node = await startNode('postgres', { config: { WIDGET_NEW_SESSIONS_PER_MINUTE: 2 } });
    fx = await seedWorkspace(node.deps.db, 1);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => node.app.close());

  it('X-Forwarded-For is ignored: the peer address counts', async () => {
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await newSession(node.url, fx.inbox, `203.0.113.${i}`));
    expect(results).toEqual(['ok', 'ok', 'RATE_LIMITED']);
  });
});
