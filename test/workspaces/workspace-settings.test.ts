import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { AuditPage, SessionInfo, WidgetConfig, WorkspaceSettings } from '@support/protocol';
import { startNode, twoWorkspaces, type Fixture, type Mode, type Node } from '../support/harness.js';
import { png } from '../support/png.js';

describe.each(['postgres', 'embedded'] as Mode[])('workspace settings (%s)', (mode) => {
  let node: Node;
  let a: Fixture;
  let b: Fixture;
  let ownerA: string;
  let agentA: string;
  let ownerB: string;

  beforeAll(async () => {
    node = await startNode(mode);
    ({ a, b, ownerA, agentA, ownerB } = await twoWorkspaces(node));
  });
  afterAll(() => node.app.close());

  const req = (token: string | null, method: string, path: string, body?: unknown, type = 'application/json') =>
    fetch(`${node.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': type }) },
      body: body === undefined ? null : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
  const settings = async (token: string) => {
    const r = await req(token, 'GET', '/api/settings/workspace');
    expect(r.status).toBe(200);
    return (await r.json()) as WorkspaceSettings;
  };
  const patch = (token: string, body: unknown) => req(token, 'PATCH', '/api/settings/workspace', body);
  const audit = async (token: string, action = 'workspace.updated') =>
    ((await (await req(token, 'GET', `/api/settings/audit?action=${action}`)).json()) as AuditPage).events;
  const widgetConfig = async (inbox: string) => (await (await fetch(`${node.url}/api/widget/config?inbox=${inbox}`)).json()) as WidgetConfig;

  it('reads the workspace’s settings: name, time zone, language, no logo, audit retention', async () => {
    const s = await settings(ownerA);
    expect(s).toMatchObject({ id: a.ws, timeZone: 'UTC', language: 'en', logo: null, auditRetentionDays: 365 });
    expect(s.name).toMatch(/^ws-/);
    expect(Date.parse(s.updatedAt)).not.toBeNaN();
  });

  it('saves name, time zone (spelled as Intl spells it), language and retention; audits the change with what changed', async () => {
    const before = await settings(ownerA);
    const r = await patch(ownerA, { name: '  Acme Support ', timeZone: 'europe/paris', language: 'pt-BR', auditRetentionDays: 90, expectedUpdatedAt: before.updatedAt });
    expect(r.status, await r.clone().text()).toBe(200);
    const saved = (await r.json()) as WorkspaceSettings;
    expect(saved).toMatchObject({ name: 'Acme Support', timeZone: 'Europe/Paris', language: 'pt-BR', auditRetentionDays: 90 });
    expect(saved.updatedAt).not.toBe(before.updatedAt);
    expect(await settings(ownerA)).toEqual(saved);
    const [event] = await audit(ownerA);
    expect(event).toMatchObject({
      actor: { type: 'user', id: a.agents[0]!.wire },
      object: { type: 'workspace', id: a.ws },
      diff: {
        before: { name: before.name, timeZone: 'UTC', language: 'en', auditRetentionDays: 365 },
        after: { name: 'Acme Support', timeZone: 'Europe/Paris', language: 'pt-BR', auditRetentionDays: 90 },
      },
    });
    // Nothing changed: nothing written, nothing audited.
    const same = (await (await patch(ownerA, { language: 'pt-BR' })).json()) as WorkspaceSettings;
    expect(same.updatedAt).toBe(saved.updatedAt);
    expect(await audit(ownerA)).toHaveLength(1);
    // The session's workspace name follows.
    const me = (await (await req(ownerA, 'GET', '/api/auth/me')).json()) as SessionInfo;
    expect(me.workspace).toMatchObject({ id: a.ws, name: 'Acme Support', logoUrl: null });
  });

  it('refuses a stale edit (someone else saved first) with 409 STALE and keeps their version', async () => {
    const loaded = await settings(ownerA);
    expect((await patch(ownerA, { name: 'First', expectedUpdatedAt: loaded.updatedAt })).status).toBe(200);
    const r = await patch(ownerA, { name: 'Second', expectedUpdatedAt: loaded.updatedAt });
    expect(r.status).toBe(409);
    const body = (await r.json()) as { error: { code: string; details: { updatedAt: string } } };
    expect(body.error.code).toBe('STALE');
    const now = await settings(ownerA);
    expect(now.name).toBe('First');
    expect(body.error.details.updatedAt).toBe(now.updatedAt);
  });

  it('refuses bad fields with 400 VALIDATION_FAILED on the field, and writes nothing', async () => {
    const before = await settings(ownerA);
    const cases: [unknown, string][] = [
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ timeZone: '+01:00' }, 'timeZone'],
      [{ timeZone: '' }, 'timeZone'],
      [{ language: 'xx' }, 'language'],
      [{ language: 'EN' }, 'language'],
      [{ name: '   ' }, 'name'],
      [{ name: 'a\u0000b' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ auditRetentionDays: 0 }, 'auditRetentionDays'],
      [{ auditRetentionDays: '30' }, 'auditRetentionDays'],
      [{ expectedUpdatedAt: 'yesterday' }, 'expectedUpdatedAt'],
      [{ color: '#fff' }, ''],
    ];
    for (const [body, field] of cases) {
      const r = await patch(ownerA, body);
      const e = ((await r.json()) as { error: { code: string; details: { path: string }[] } }).error;
      expect([JSON.stringify(body), r.status, e.code, e.details.map((d) => d.path).includes(field)]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED', true]);
    }
    expect(await settings(ownerA)).toEqual(before);
  });

  it('only members with settings.workspace reach it; each workspace sees and changes only its own', async () => {
    expect((await req(agentA, 'GET', '/api/settings/workspace')).status).toBe(403);
    expect((await patch(agentA, { name: 'Agents rule' })).status).toBe(403);
    expect((await req(agentA, 'PUT', '/api/settings/workspace/logo', png(64, 64), 'image/png')).status).toBe(403);
    expect((await req(null, 'GET', '/api/settings/workspace')).status).toBe(401);
    const mine = await settings(ownerB);
    expect(mine.id).toBe(b.ws);
    expect((await patch(ownerB, { name: 'Workspace B', timeZone: 'Asia/Tokyo' })).status).toBe(200);
    expect((await settings(ownerA)).name).not.toBe('Workspace B');
    expect((await settings(ownerA)).timeZone).toBe('Europe/Paris');
    expect((await audit(ownerA)).some((e) => e.object.id === b.ws)).toBe(false);
  });

  it('a logo: uploaded as an image, served publicly (cached for good), shown in the widget config and the session; replaced and removed', async () => {
    const before = await settings(ownerA);
    const image = png(96, 48);
    const up = await req(ownerA, 'PUT', `/api/settings/workspace/logo?expectedUpdatedAt=${encodeURIComponent(before.updatedAt)}`, image, 'image/png');
    expect(up.status, await up.clone().text()).toBe(200);
    const withLogo = (await up.json()) as WorkspaceSettings;
    expect(withLogo.logo).toMatchObject({ contentType: 'image/png', size: image.length, width: 96, height: 48 });
    const url = withLogo.logo!.url;
    expect(url).toMatch(new RegExp(`^/api/workspaces/${a.ws}/logo/logo_[0-9a-z]{26}$`));
    // Anyone may load it (the widget runs on other sites), as an image only.
    const got = await fetch(`${node.url}${url}`, { headers: { origin: 'https://customer.example' } });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(image)).toBe(true);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(got.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toContain('sandbox');
    // The widget header and the inbox header get it.
    expect(await widgetConfig(a.inbox)).toMatchObject({ logoUrl: url, language: 'pt-BR' });
    expect(((await (await req(ownerA, 'GET', '/api/auth/me')).json()) as SessionInfo).workspace.logoUrl).toBe(url);
    expect(await widgetConfig(b.inbox)).toMatchObject({ logoUrl: null, language: 'en' });
    // Another workspace's path with this logo id: not found.
    expect((await fetch(`${node.url}${url.replace(a.ws, b.ws)}`)).status).toBe(404);
    // A stale upload is refused and keeps the current logo.
    const stale = await req(ownerA, 'PUT', `/api/settings/workspace/logo?expectedUpdatedAt=${encodeURIComponent(before.updatedAt)}`, png(32, 32), 'image/png');
    expect(stale.status).toBe(409);
    expect((await settings(ownerA)).logo?.url).toBe(url);

    // Replaced: a new URL; the old one is gone (and its bytes too).
    const next = (await (await req(ownerA, 'PUT', '/api/settings/workspace/logo', png(64, 64, [16, 185, 129]), 'image/png')).json()) as WorkspaceSettings;
    expect(next.logo!.url).not.toBe(url);
    expect((await fetch(`${node.url}${url}`)).status).toBe(404);
    expect((await fetch(`${node.url}${next.logo!.url}`)).status).toBe(200);
    const events = await audit(ownerA);
    expect(events[0]!.diff).toEqual({ before: { logo: url }, after: { logo: next.logo!.url } });
    expect(events[1]!.diff).toEqual({ before: { logo: null }, after: { logo: url } });

    // Removed.
    const removed = await req(ownerA, 'DELETE', '/api/settings/workspace/logo');
    expect(removed.status).toBe(200);
    expect(((await removed.json()) as WorkspaceSettings).logo).toBeNull();
    expect((await fetch(`${node.url}${next.logo!.url}`)).status).toBe(404);
    expect((await widgetConfig(a.inbox)).logoUrl).toBeNull();
    const [w] = await node.deps.db.rows<{ logo: unknown }>(sql`select logo from workspaces where id = ${a.workspaceId}::uuid`);
    expect(w!.logo).toBeNull();
  });

  it('refuses what is not a small raster image, whatever type the client declares', async () => {
    const put = (body: Buffer, type: string) => req(ownerA, 'PUT', '/api/settings/workspace/logo', body, type);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script></svg>');
    const cases: [Buffer, string, number, string][] = [
      [svg, 'image/svg+xml', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [svg, 'image/png', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      // GIF's signature, then text read as a 26995-pixel-wide picture.
      [Buffer.from('GIF89a is not an image'), 'image/gif', 400, 'VALIDATION_FAILED'],
      [Buffer.from('plain text'), 'image/png', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [png(8, 8), 'image/png', 400, 'VALIDATION_FAILED'],
      [Buffer.alloc(0), 'image/png', 400, 'VALIDATION_FAILED'],
      [Buffer.concat([png(64, 64), Buffer.alloc(600 * 1024)]), 'image/png', 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [body, type, status, code] of cases) {
      const r = await put(body, type);
      expect([type, body.length, r.status, ((await r.json()) as { error: { code: string } }).error.code]).toEqual([type, body.length, status, code]);
    }
    // A JPEG declared as PNG is stored as what it is.
    const jpeg = Buffer.from('ffd8ffe000104a46494600010100000100010000ffc0000b080020004001011100ffd9', 'hex');
    const r = await put(jpeg, 'image/png');
    expect(r.status).toBe(200);
    expect(((await r.json()) as WorkspaceSettings).logo).toMatchObject({ contentType: 'image/jpeg', width: 64, height: 32 });
    expect((await req(ownerA, 'DELETE', '/api/settings/workspace/logo')).status).toBe(200);
  });
});
