import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { parse as parseCsv } from 'csv-parse/sync';
import { auditEventSchema, auditPageSchema, type AuditEvent } from '@support/protocol';
import { startNode, twoWorkspaces, type Fixture, type Mode, type Node } from '../support/harness.js';
import { recordAudit, type AuditRecord } from '../../server/src/audit/audit.service.js';
import { AUDIT_CSV_COLUMNS } from '../../server/src/audit/export.js';
import { createAgent, createInbox } from '../../server/src/workspaces/workspaces.service.js';
import { toWire } from '../../server/src/db/ids.js';

describe.each(['postgres', 'embedded'] as Mode[])('audit log routes (%s)', (mode) => {
  let node: Node;
  let a: Fixture;
  let b: Fixture;
  let ownerA: string;
  let agentA: string;
  let ownerB: string;
  let inboxA: string;
  const T0 = Date.parse('2030-03-01T12:00:00.000Z');
  const at = (minutes: number) => new Date(T0 + minutes * 60_000);

  beforeAll(async () => {
    node = await startNode(mode);
    ({ a, b, ownerA, agentA, ownerB } = await twoWorkspaces(node));
    inboxA = await createInbox(node.deps.db, { workspaceId: a.workspaceId, name: 'Mail', channel: 'email' });
    // A known history in 2030 (after the sign-ins above, which happen now): filters and pages are checked on it.
    const owner = { type: 'user', id: a.agents[0]!.id } as const;
    const rec = (r: Omit<AuditRecord, 'workspaceId'>) => recordAudit(node.deps.db, { workspaceId: a.workspaceId, ...r });
    await rec({ actor: owner, action: 'inbox.created', object: { type: 'inbox', id: inboxA }, after: { name: 'Mail' }, at: at(1) });
    await rec({ actor: { type: 'system' }, action: 'member.deactivated', object: { type: 'user', id: a.agents[1]!.id }, before: { status: 'active' }, after: { status: 'disabled' }, at: at(2) });
    await rec({ actor: owner, action: 'member.reactivated', object: { type: 'user', id: a.agents[1]!.id }, at: at(3) });
    // Five events in the same millisecond: the page order still holds (by id).
    for (let i = 0; i < 5; i++) await rec({ actor: owner, action: 'workspace.updated', object: { type: 'workspace', id: a.workspaceId }, after: { step: i }, at: at(4) });
    await recordAudit(node.deps.db, { workspaceId: b.workspaceId, actor: { type: 'system' }, action: 'member.deactivated', object: { type: 'user', id: b.agents[0]!.id }, at: at(5) });
  });
  afterAll(() => node.app.close());

  const get = (token: string, path: string) => fetch(`${node.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const list = async (token: string, query: Record<string, string> = {}) => {
    const r = await get(token, `/api/settings/audit?${new URLSearchParams(query)}`);
    expect(r.status, await r.clone().text()).toBe(200);
    return auditPageSchema.parse(await r.json());
  };
  const in2030 = { from: '2030-01-01T00:00:00Z' };

  it('lists the workspace’s events newest first, with wire ids, and pages them with a cursor that new events do not shift', async () => {
    const first = await list(ownerA, { ...in2030, limit: '3' });
    expect(first.events.map((e) => e.action)).toEqual(['workspace.updated', 'workspace.updated', 'workspace.updated']);
    expect(first.events[0]).toMatchObject({ id: expect.stringMatching(/^aud_/), actor: { type: 'user', id: a.agents[0]!.wire, name: a.agents[0]!.name }, object: { type: 'workspace', id: a.ws } });
    // A new event between two pages (newer than all) does not move the next page.
    await recordAudit(node.deps.db, { workspaceId: a.workspaceId, actor: { type: 'system' }, action: 'workspace.updated', object: { type: 'workspace', id: a.workspaceId }, at: at(60) });
    const seen: AuditEvent[] = [...first.events];
    let cursor = first.nextCursor;
    while (cursor) {
      const p = await list(ownerA, { ...in2030, limit: '3', cursor });
      seen.push(...p.events);
      cursor = p.nextCursor;
    }
    expect(seen.map((e) => e.action)).toEqual([...Array(5).fill('workspace.updated'), 'member.reactivated', 'member.deactivated', 'inbox.created']);
    expect(seen.map((e) => (e.diff?.after as { step?: number } | undefined)?.step).slice(0, 5)).toEqual([4, 3, 2, 1, 0]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(8);
    const all = await list(ownerA, { ...in2030, limit: '200' });
    expect(all.events).toHaveLength(9);
    expect(all.nextCursor).toBeNull();
  });

  it('filters by actor, action prefix, object and dates', async () => {
    const actions = async (q: Record<string, string>) => (await list(ownerA, { ...in2030, ...q })).events.map((e) => e.action);
    expect(await actions({ actorType: 'system', to: '2030-03-01T12:30:00Z' })).toEqual(['member.deactivated']);
    expect(await actions({ actorId: a.agents[0]!.wire, action: 'member' })).toEqual(['member.reactivated']);
    expect(await actions({ action: 'member' })).toEqual(['member.reactivated', 'member.deactivated']);
    expect(await actions({ action: 'member.deactivated' })).toEqual(['member.deactivated']);
    expect(await actions({ action: 'member.de' })).toEqual([]);
    expect(await actions({ objectId: toWire('inbox', inboxA) })).toEqual(['inbox.created']);
    expect(await actions({ objectType: 'user' })).toEqual(['member.reactivated', 'member.deactivated']);
    expect(await actions({ from: at(2).toISOString(), to: at(4).toISOString() })).toEqual(['member.reactivated', 'member.deactivated']);
    // The sign-ins of the setup, by their own action (auth.login_failed is another action).
    const signIns = (await list(ownerA, { action: 'auth.login', to: in2030.from })).events;
    expect(signIns.map((e) => e.actor.id).sort()).toEqual([a.agents[0]!.wire, a.agents[1]!.wire].sort());
  });

  it('never shows another workspace’s events', async () => {
    const mine = await list(ownerB, { limit: '200' });
    expect(mine.events.length).toBeGreaterThan(0);
    expect(mine.events.every((e) => e.actor.id === null || e.actor.id === b.agents[0]!.wire)).toBe(true);
    expect(mine.events.some((e) => e.object.id === a.ws || e.actor.id === a.agents[0]!.wire)).toBe(false);
    expect((await list(ownerB, { objectId: toWire('inbox', inboxA) })).events).toEqual([]);
    expect((await list(ownerB, { actorId: a.agents[0]!.wire })).events).toEqual([]);
  });

  it('refuses bad queries with 400 VALIDATION_FAILED, agents with 403, no session with 401', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=x', 'cursor=bm9wZQ', 'action=AUTH', 'action=auth%25', 'objectId=nope', `objectType=inbox&objectId=${a.ws}`,
      'from=yesterday', 'from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'actorType=robot', 'extra=1', 'action=a&action=b']) {
      const r = await get(ownerA, `/api/settings/audit?${q}`);
      expect([q, r.status, ((await r.json()) as { error: { code: string } }).error.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
    }
    expect((await get(agentA, '/api/settings/audit')).status).toBe(403);
    expect((await get(agentA, '/api/settings/audit/export?format=csv')).status).toBe(403);
    expect((await fetch(`${node.url}/api/settings/audit`)).status).toBe(401);
    expect((await get(ownerA, '/api/settings/audit/export')).status).toBe(400);
  });

  it('exports as JSON Lines: one event per line, the same events as the list', async () => {
    const r = await get(ownerA, `/api/settings/audit/export?format=jsonl&from=${in2030.from}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d\d-\d\d\.jsonl"$/);
    const text = await r.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => auditEventSchema.parse(JSON.parse(l)));
    expect(lines).toEqual((await list(ownerA, { ...in2030, limit: '200' })).events);
  });

  it('exports as CSV that a CSV parser reads back, with formula cells neutralised; the export is itself audited', async () => {
    // An agent whose name a spreadsheet would run, signing in with a user agent that would run too.
    const email = `formula-${randomUUID()}@example.test`;
    await createAgent(node.deps.db, { workspaceId: a.workspaceId, email, name: '=HYPERLINK("http://evil.test","x")', password: 'password-123' });
    const signIn = await fetch(`${node.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': '@SUM(1+1)' }, body: JSON.stringify({ email, password: 'password-123' }) });
    expect(signIn.status).toBe(200);

    const r = await get(ownerA, `/api/settings/audit/export?format=csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(await r.text(), { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...AUDIT_CSV_COLUMNS]);
    const json = (await get(ownerA, `/api/settings/audit/export?format=jsonl`).then((x) => x.text())).trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEvent);
    // The JSONL export came after the CSV one and is recorded in it; otherwise both hold the same events in the same order.
    const exports = json.filter((e) => e.action === 'audit.exported');
    expect(exports.slice(0, 2)).toMatchObject([
      { actor: { type: 'user', id: a.agents[0]!.wire }, object: { type: 'workspace', id: a.ws }, diff: { after: { format: 'jsonl', filter: {} } } },
      { actor: { type: 'user', id: a.agents[0]!.wire }, object: { type: 'workspace', id: a.ws }, diff: { after: { format: 'csv', filter: {} } } },
    ]);
    expect(rows.map((x) => x.id)).toEqual(json.filter((e) => e.id !== exports[0]!.id).map((e) => e.id));
    const formula = rows.find((x) => x.action === 'auth.login' && x.actorName!.includes('HYPERLINK'))!;
    expect(formula.actorName).toBe(`'=HYPERLINK("http://evil.test","x")`);
    expect(formula.userAgent).toBe(`'@SUM(1+1)`);
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const withDiff = rows.find((x) => x.action === 'member.deactivated')!;
    expect(JSON.parse(withDiff.diff!)).toEqual({ before: { status: 'active' }, after: { status: 'disabled' } });
  });

  it('an export with filters records them; another workspace’s export holds only its own events', async () => {
    const r = await get(ownerB, `/api/settings/audit/export?format=jsonl&action=member`);
    const events = (await r.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEvent);
    expect(events.map((e) => [e.action, e.object.id])).toEqual([['member.deactivated', b.agents[0]!.wire]]);
    const [exported] = (await list(ownerB, { action: 'audit.exported' })).events;
    expect(exported).toMatchObject({ actor: { id: b.agents[0]!.wire }, diff: { after: { format: 'jsonl', filter: { action: 'member' } } } });
  });

  it('retention: read and set by owners and admins, the change audited; bad values refused', async () => {
    const put = (token: string, body: unknown) =>
      fetch(`${node.url}/api/settings/audit/retention`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await (await get(ownerB, '/api/settings/audit/retention')).json()).toEqual({ days: 365 });
    expect((await put(ownerB, { days: 30 })).status).toBe(200);
    expect((await put(ownerB, { days: null })).status).toBe(200);
    expect(await (await get(ownerB, '/api/settings/audit/retention')).json()).toEqual({ days: null });
    for (const bad of [{ days: 0 }, { days: 1.5 }, { days: 36_501 }, {}, { days: '30' }]) expect((await put(ownerB, bad)).status).toBe(400);
    expect((await put(agentA, { days: 1 })).status).toBe(403);
    const changes = (await list(ownerB, { action: 'workspace.updated' })).events;
    expect(changes.map((e) => e.diff)).toEqual([
      { before: { auditRetentionDays: 30 }, after: { auditRetentionDays: null } },
      { before: { auditRetentionDays: 365 }, after: { auditRetentionDays: 30 } },
    ]);
    const [w] = await node.deps.db.rows<{ d: number | null }>(sql`select audit_retention_days as d from workspaces where id = ${a.workspaceId}::uuid`);
    expect(w!.d).toBe(365);
  });
});
