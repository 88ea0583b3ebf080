import { sql } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, closeSockets, login, seedWorkspace, startNode, type Fixture, type Mode, type Node } from '../support/harness.js';

/** An inbox's allowed site origins, enforced by the server on the widget config and on session:start. */
describe.each<Mode>(['postgres', 'embedded'])('widget allowed origins (%s)', (mode) => {
  let node: Node;
  let fx: Fixture;
  let owner: string;
  const open: Socket[] = [];
  beforeAll(async () => {
    node = await startNode(mode);
    fx = await seedWorkspace(node.deps.db, 1);
    owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
  });
  afterEach(() => {
    closeSockets();
    for (const s of open.splice(0)) s.disconnect();
  });
  afterAll(() => node.app.close());

  const setOrigins = async (allowedOrigins: string[]) => {
    const r = await fetch(`${node.url}/api/settings/inboxes/${fx.inbox}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allowedOrigins }),
    });
    expect(r.status).toBe(200);
  };
  const config = (origin?: string) => fetch(`${node.url}/api/widget/config?inbox=${fx.inbox}`, { headers: origin ? { origin } : {} });
  /** A widget socket whose handshake carries `origin` (as a browser's would). */
  const socketFrom = async (origin?: string) => {
    const s = io(`${node.url}/widget`, { transports: ['websocket'], forceNew: true, reconnection: false, ...(origin ? { extraHeaders: { origin } } : {}) });
    open.push(s);
    await new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
    return s;
  };
  const sessions = async () =>
    (await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from visitor_sessions where inbox_id = ${fx.inboxId}::uuid`))[0]!.n;

  it('with no origins listed, any site may start the widget', async () => {
    await setOrigins([]);
    expect((await config('https://anywhere.example')).status).toBe(200);
    expect((await config()).status).toBe(200);
    const s = await socketFrom('https://anywhere.example');
    expect(await call(s, 'session:start', { inboxId: fx.inbox })).toMatchObject({ ok: true });
  });

  it('with origins listed: a listed site (or a subdomain of a *. entry) starts it; any other site, or none, gets WIDGET_ORIGIN_NOT_ALLOWED and nothing is written', async () => {
    await setOrigins(['https://shop.example', 'https://*.acme.example']);
    for (const allowed of ['https://shop.example', 'https://www.acme.example']) {
      const r = await config(allowed);
      expect(r.status, allowed).toBe(200);
      expect(r.headers.get('vary')).toContain('Origin');
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      const s = await socketFrom(allowed);
      expect(await call(s, 'session:start', { inboxId: fx.inbox })).toMatchObject({ ok: true, data: { inbox: { id: fx.inbox } } });
    }
    const before = await sessions();
    for (const refused of ['https://evil.example', 'https://acme.example', 'http://shop.example', undefined]) {
      const r = await config(refused);
      expect(r.status, String(refused)).toBe(403);
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect((await r.json()).error).toMatchObject({ code: 'WIDGET_ORIGIN_NOT_ALLOWED' });
      const s = await socketFrom(refused);
      expect(await call(s, 'session:start', { inboxId: fx.inbox })).toMatchObject({ ok: false, error: { code: 'WIDGET_ORIGIN_NOT_ALLOWED' } });
      // Nothing works without a session.
      expect(await call(s, 'message:send', { body: 'hi', clientMessageId: 'x1' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    }
    expect(await sessions()).toBe(before);
  });

  it('a session started on an allowed site cannot be resumed from another', async () => {
    await setOrigins(['https://shop.example']);
    const s = await socketFrom('https://shop.example');
    const started = await call<{ token: string }>(s, 'session:start', { inboxId: fx.inbox });
    expect(started.ok).toBe(true);
    const token = started.ok ? started.data.token : '';
    const elsewhere = await socketFrom('https://evil.example');
    expect(await call(elsewhere, 'session:start', { inboxId: fx.inbox, token })).toMatchObject({ ok: false, error: { code: 'WIDGET_ORIGIN_NOT_ALLOWED' } });
    await setOrigins([]);
  });
});
