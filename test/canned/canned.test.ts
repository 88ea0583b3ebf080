import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decodeId, type Attachment, type CannedResponse, type CannedResponseUse } from '@support/protocol';
import { ctxOf, login, seedWorkspace, startNode, type Fixture, type Node } from '../support/harness.js';
import { toWire } from '../../server/src/db/ids.js';
import { createTeam } from '../../server/src/workspaces/workspaces.service.js';
import { purgeUnsentUploads, UNSENT_UPLOAD_TTL_MS } from '../../server/src/attachments/attachments.service.js';

/**
 * Canned responses over REST on Postgres: what each member sees (personal, team, workspace),
 * search ranking, who may write what, unique short codes, stale edits, bad input, another
 * workspace, and a use (count and fresh copies of the files).
 */
describe('canned responses', () => {
  let node: Node;
  let a: Fixture;
  let owner: string;
  let agent1: string;
  let agent2: string;
  let ownerB: string;
  let billing: string;

  const api = async (method: string, path: string, body?: unknown, token = owner) => {
    const r = await fetch(`${node.url}/api/canned-responses${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };
  const create = async (fields: Record<string, unknown>, token = owner) => {
    const r = await api('POST', '', { title: 'A title', body: 'A body', sharing: 'personal', ...fields }, token);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as CannedResponse;
  };
  const codes = async (token: string, query = '') => ((await api('GET', query, undefined, token)).body as CannedResponse[]).map((c) => c.shortCode);
  const upload = async (token: string, text: string): Promise<Attachment> => {
    const r = await fetch(`${node.url}/api/attachments?filename=terms.txt`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: text,
    });
    expect(r.status).toBe(201);
    return (await r.json()) as Attachment;
  };
  const download = async (id: string, token = owner) => {
    const r = await fetch(`${node.url}/api/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, text: r.status === 200 ? await r.text() : '' };
  };
  const audits = async (action: string) =>
    (await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from audit_events where workspace_id = ${a.workspaceId}::uuid and action = ${action}`))[0]!.n;

  beforeAll(async () => {
    node = await startNode('postgres');
    a = await seedWorkspace(node.deps.db, 3);
    const b = await seedWorkspace(node.deps.db, 1);
    // Agent 1 is also in Billing; agent 2 only in Support.
    billing = toWire('team', await createTeam(node.deps.db, { workspaceId: a.workspaceId, name: 'Billing', memberIds: [a.agents[1]!.id] }));
    [owner, agent1, agent2, ownerB] = (await Promise.all([
      ...a.agents.map((g) => login(node.url, g.email, g.password)),
      login(node.url, b.agents[0]!.email, b.agents[0]!.password),
    ])) as [string, string, string, string];
  });
  afterAll(async () => {
    await node.app.close();
  });

  it('shows each member the workspace ones, their teams’ and their own personal ones', async () => {
    await create({ shortCode: 'vis-ws', sharing: 'workspace' });
    await create({ shortCode: 'vis-mine' }, agent1);
    await create({ shortCode: 'vis-billing', sharing: 'team', teamId: billing }, agent1);
    await create({ shortCode: 'vis-support', sharing: 'team', teamId: a.team }, agent2);
    expect(await codes(agent1, '?q=vis-')).toEqual(['vis-billing', 'vis-mine', 'vis-support', 'vis-ws']);
    expect(await codes(agent2, '?q=vis-')).toEqual(['vis-support', 'vis-ws']);
    // settings.workflow sees every team's (to manage them), never someone's personal ones.
    expect(await codes(owner, '?q=vis-')).toEqual(['vis-billing', 'vis-support', 'vis-ws']);
    expect(await codes(ownerB)).toEqual([]);
  });

  it('ranks short code prefixes first, then titles, then bodies, and takes LIKE wildcards literally', async () => {
    await create({ shortCode: 'thanks', title: 'Thank you', body: 'We ship within a day.', sharing: 'workspace' });
    await create({ shortCode: 'delay', title: 'Shipping delay', body: 'Sorry.', sharing: 'workspace' });
    await create({ shortCode: 'SHIPPING', title: 'Delivery times', body: 'Three days.', sharing: 'workspace' });
    await create({ shortCode: 'unrelated', title: 'Hello', body: 'Nothing here, 100% sure', sharing: 'workspace' });
    expect(await codes(agent2, '?q=Ship')).toEqual(['SHIPPING', 'delay', 'thanks']);
    expect(await codes(agent2, '?q=%25')).toEqual(['unrelated']);
    expect(await codes(agent2, '?q=_')).toEqual([]);
    const folder = await create({ shortCode: 'in-folder', folder: 'Orders', sharing: 'workspace' });
    expect((await api('GET', '?folder=Orders', undefined, agent2)).body).toEqual([folder]);
  });

  it('lets members write their own and their teams’ ones; workspace sharing and other teams need settings.workflow', async () => {
    const forbidden = { status: 403, body: { error: { code: 'FORBIDDEN' } } };
    expect(await api('POST', '', { shortCode: 'nope', title: 'T', body: 'B', sharing: 'workspace' }, agent2)).toMatchObject(forbidden);
    expect(await api('POST', '', { shortCode: 'nope', title: 'T', body: 'B', sharing: 'team', teamId: billing }, agent2)).toMatchObject(forbidden);
    const mine = await create({ shortCode: 'perm-mine' }, agent2);
    // Making one's own response workspace-wide is refused; someone else's personal one is not even found.
    expect(await api('PATCH', `/${mine.id}`, { sharing: 'workspace' }, agent2)).toMatchObject(forbidden);
    expect(await api('PATCH', `/${mine.id}`, { title: 'Mine' }, agent1)).toMatchObject({ status: 404 });
    const team = await create({ shortCode: 'perm-team', sharing: 'team', teamId: a.team }, agent2);
    expect((await api('PATCH', `/${team.id}`, { title: 'Edited by a teammate' }, agent1)).body).toMatchObject({ title: 'Edited by a teammate' });
    const ws = await create({ shortCode: 'perm-ws', sharing: 'workspace' });
    expect(await api('PATCH', `/${ws.id}`, { title: 'x' }, agent1)).toMatchObject(forbidden);
    expect(await api('DELETE', `/${ws.id}`, undefined, agent1)).toMatchObject(forbidden);
    // Made personal by a member, it becomes theirs.
    const taken = (await api('PATCH', `/${team.id}`, { sharing: 'personal' }, agent1)).body as CannedResponse;
    expect(taken).toMatchObject({ sharing: 'personal', teamId: null, ownerId: a.agents[1]!.wire });
    expect(await codes(agent2, '?q=perm-')).toEqual(['perm-mine', 'perm-ws']);
    expect((await api('DELETE', `/${mine.id}`, undefined, agent2)).status).toBe(204);
    expect(await audits('canned_response.created')).toBeGreaterThan(5);
    expect(await audits('canned_response.updated')).toBe(2);
    expect(await audits('canned_response.deleted')).toBe(1);
  });

  it('refuses a taken short code in any case, a stale edit and bad input with codes', async () => {
    const first = await create({ shortCode: 'Refund', sharing: 'workspace' });
    expect(await api('POST', '', { shortCode: 'refund', title: 'T', body: 'B', sharing: 'personal' }, agent1))
      .toMatchObject({ status: 409, body: { error: { code: 'NAME_TAKEN', details: { field: 'shortCode' } } } });
    const other = await create({ shortCode: 'refund-2' });
    expect(await api('PATCH', `/${other.id}`, { shortCode: 'REFUND' })).toMatchObject({ status: 409, body: { error: { code: 'NAME_TAKEN' } } });
    const edited = (await api('PATCH', `/${first.id}`, { body: 'Hi {{contact.first_name | there}}', expectedUpdatedAt: first.updatedAt })).body as CannedResponse;
    expect(edited.body).toBe('Hi {{contact.first_name | there}}');
    expect(await api('PATCH', `/${first.id}`, { title: 'Late', expectedUpdatedAt: first.updatedAt })).toMatchObject({ status: 409, body: { error: { code: 'STALE' } } });
    const bad = { status: 400, body: { error: { code: 'VALIDATION_FAILED' } } };
    expect(await api('POST', '', { shortCode: 'two words', title: 'T', body: 'B', sharing: 'personal' })).toMatchObject(bad);
    expect(await api('POST', '', { shortCode: 'typo', title: 'T', body: 'Hi {{contact.nmae}}', sharing: 'personal' })).toMatchObject(bad);
    expect(await api('POST', '', { shortCode: 'team', title: 'T', body: 'B', sharing: 'team' })).toMatchObject(bad);
    expect(await api('POST', '', { shortCode: 'x', title: 'T', body: 'B', sharing: 'personal', extra: 1 })).toMatchObject(bad);
    expect(await api('PATCH', '/not-an-id', { title: 'T' })).toMatchObject(bad);
    expect(await api('GET', '?limit=0')).toMatchObject(bad);
    expect(await api('PATCH', `/${first.id}`, { sharing: 'team' })).toMatchObject(bad);
  });

  it('hides a workspace’s responses from another', async () => {
    const r = await create({ shortCode: 'private-ws', sharing: 'workspace' });
    expect(await api('PATCH', `/${r.id}`, { title: 'x' }, ownerB)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await api('DELETE', `/${r.id}`, undefined, ownerB)).toMatchObject({ status: 404 });
    expect(await api('POST', `/${r.id}/use`, undefined, ownerB)).toMatchObject({ status: 404 });
    // Nor does it take another workspace's team or uploads.
    const theirs = await upload(ownerB, 'theirs');
    expect(await api('POST', '', { shortCode: 'b1', title: 'T', body: 'B', sharing: 'personal', attachmentIds: [theirs.id] })).toMatchObject({ status: 404 });
    expect(await api('POST', '', { shortCode: 'b1', title: 'T', body: 'B', sharing: 'team', teamId: toWire('team', '00000000-0000-7000-8000-000000000000') }))
      .toMatchObject({ status: 404 });
  });

  it('counts a use and hands out fresh copies of its files, keeping its own out of reach', async () => {
    const file = await upload(agent1, 'Our terms');
    // Another member's upload cannot be taken.
    expect(await api('POST', '', { shortCode: 'terms', title: 'Terms', body: 'See the terms.', sharing: 'workspace', attachmentIds: [file.id] }))
      .toMatchObject({ status: 404 });
    const r = await create({ shortCode: 'terms', title: 'Terms', body: 'See the terms.', sharing: 'team', teamId: a.team, attachmentIds: [file.id] }, agent1);
    expect(r.attachments).toEqual([{ id: file.id, filename: 'terms.txt', contentType: 'text/plain', size: 9 }]);

    const used = (await api('POST', `/${r.id}/use`, undefined, agent2)).body as CannedResponseUse;
    expect(used.attachments).toHaveLength(1);
    const copy = used.attachments[0]!;
    expect(copy).toMatchObject({ filename: 'terms.txt', contentType: 'text/plain', size: 9 });
    expect(copy.id).not.toBe(file.id);
    expect(await download(copy.id, agent2)).toEqual({ status: 200, text: 'Our terms' });
    await api('POST', `/${r.id}/use`, undefined, agent1);
    expect(((await api('GET', '?q=terms', undefined, agent2)).body as CannedResponse[])[0]!.usageCount).toBe(2);

    // The bound file is nobody's upload any more: a purge a day later keeps it and removes the unsent copies.
    const later = { ...ctxOf(node), clock: { now: () => new Date(Date.now() + UNSENT_UPLOAD_TTL_MS + 60_000) } };
    await purgeUnsentUploads(later as never, { workspaceId: a.workspaceId });
    expect(await download(file.id)).toEqual({ status: 200, text: 'Our terms' });
    expect((await download(copy.id)).status).toBe(404);
    const bound = await node.deps.db.rows<{ uploader_id: string | null }>(sql`select uploader_id from attachments where id = ${decodeId('attachment', file.id)}::uuid`);
    expect(bound.length === 0 || bound[0]!.uploader_id === null).toBe(true);

    // Dropping the file from the response deletes it.
    expect(((await api('PATCH', `/${r.id}`, { attachmentIds: [] }, agent1)).body as CannedResponse).attachments).toEqual([]);
    expect((await download(file.id)).status).toBe(404);
  });
});
