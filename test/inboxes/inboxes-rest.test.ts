import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeId } from '@support/protocol';
import { call, closeSockets, cmid, connect, login, next, ok, seedWorkspace, startNode, until, visitor, type Fixture, type Node } from '../support/harness.js';
import { basic, fixture, postRaw, seedEmailInbox } from '../support/email.js';

/** The Inboxes settings routes (`/api/settings/inboxes`), on Postgres. */
let node: Node;
let fx: Fixture;
let owner: string;
let agent: string;
beforeAll(async () => {
  node = await startNode('postgres');
  fx = await seedWorkspace(node.deps.db, 2);
  owner = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
  agent = await login(node.url, fx.agents[1]!.email, fx.agents[1]!.password);
});
afterEach(() => closeSockets());
afterAll(() => node.app.close());

type Res = { status: number; body: any };
async function api(method: string, path: string, body?: unknown, token = owner): Promise<Res> {
  const r = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}
const inboxes = '/api/settings/inboxes';
const audits = (inboxId: string, action: string) =>
  node.deps.db.rows<{ actor_id: string; diff: any; request_id: string | null }>(sql`select actor_id, diff, request_id from audit_events
    where object_id = ${inboxId}::uuid and action = ${action} order by created_at, id`);

describe('Inboxes settings', () => {
  it('lists chat and email inboxes with channel, address and tickets; the detail shows secrets by their last four characters only', async () => {
    const email = await seedEmailInbox(node.deps.db, fx.workspaceId);
    await node.deps.db.rows(sql`update email_inbox_secrets set smtp_host = 'smtp.acme.test', smtp_port = 587, smtp_user = 'mailer',
      smtp_password = 'smtp-pass-1234-wxyz', smtp_tls = 'starttls' where inbox_id = ${email.inboxId}::uuid`);
    await postRaw(node, email, fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `list-${Date.now()}@`));
    const list = await api('GET', inboxes);
    expect(list.status).toBe(200);
    expect(list.body.find((i: any) => i.id === fx.inbox)).toMatchObject({ name: 'Chat', channel: 'chat', address: null, ticketCount: 0 });
    expect(list.body.find((i: any) => i.id === email.inbox)).toMatchObject({ channel: 'email', address: email.address, ticketCount: 1 });

    const chat = await api('GET', `${inboxes}/${fx.inbox}`);
    const [row] = await node.deps.db.rows<{ secret: string }>(sql`select secret from inboxes where id = ${fx.inboxId}::uuid`);
    expect(chat.body).toMatchObject({
      id: fx.inbox, channel: 'chat', email: null,
      chat: { widget: { color: '#123456', position: 'right', colorScheme: 'auto' }, allowedOrigins: [], secretHint: `…${row!.secret.slice(-4)}`,
        embed: `<script src="${node.url}/widget.js" data-inbox="${fx.inbox}" async></script>` },
    });
    expect(JSON.stringify(chat.body)).not.toContain(row!.secret);
    const mail = await api('GET', `${inboxes}/${email.inbox}`);
    expect(mail.body.email).toEqual({
      address: email.address, fromName: 'Acme Support', replyDomain: null, globalSmtp: false,
      webhook: { url: `${node.url}/webhooks/email/${email.inbox}`, basicUser: 'hook', basicPasswordHint: `…${email.password.slice(-4)}`, mailgunSigningKeyHint: `…${email.mailgunKey.slice(-4)}` },
      smtp: { host: 'smtp.acme.test', port: 587, user: 'mailer', passwordHint: '…wxyz', tls: 'starttls' },
    });
    for (const s of [email.password, email.mailgunKey, 'smtp-pass-1234-wxyz']) expect(JSON.stringify(mail.body)).not.toContain(s);
    // Agents may not; an unknown id or another workspace's inbox is 404.
    expect((await api('GET', inboxes, undefined, agent)).status).toBe(403);
    const other = await seedWorkspace(node.deps.db, 1);
    expect((await api('GET', `${inboxes}/${other.inbox}`)).status).toBe(404);
  });

  it('creates chat and email inboxes (the webhook password shown once), audited; names and addresses stay unique, even at once', async () => {
    const chat = await api('POST', inboxes, { channel: 'chat', name: 'Website' });
    expect(chat.status).toBe(201);
    expect(chat.body).toMatchObject({ inbox: { name: 'Website', channel: 'chat', chat: { widget: { greeting: 'Hi! Ask us anything.' } } }, webhook: null });
    const mail = await api('POST', inboxes, { channel: 'email', name: 'Help', address: 'Help@Acme.test', mailgunSigningKey: 'key-abcdefgh' });
    expect(mail.status).toBe(201);
    const password = mail.body.webhook.basicPassword as string;
    expect(mail.body.webhook).toEqual({ url: `${node.url}/webhooks/email/${mail.body.inbox.id}`, basicUser: 'webhook', basicPassword: expect.stringMatching(/^[\w-]{32}$/) });
    expect(mail.body.inbox.email.webhook).toMatchObject({ basicPasswordHint: `…${password.slice(-4)}`, mailgunSigningKeyHint: '…efgh' });
    expect(JSON.stringify((await api('GET', `${inboxes}/${mail.body.inbox.id}`)).body)).not.toContain(password);
    const [created] = await audits(decodeId('inbox', mail.body.inbox.id)!, 'inbox.created');
    expect(created!.diff.after).toMatchObject({ name: 'Help', address: 'help@acme.test', basicPassword: '[redacted]', mailgunSigningKey: '[redacted]' });

    const name = await api('POST', inboxes, { channel: 'chat', name: ' website ' });
    expect([name.status, name.body.error]).toEqual([409, { code: 'INBOX_NAME_TAKEN', message: expect.any(String), details: { field: 'name' } }]);
    const address = await api('POST', inboxes, { channel: 'email', name: 'Help 2', address: 'HELP@acme.test' });
    expect([address.status, address.body.error.code, address.body.error.details]).toEqual([409, 'INBOX_ADDRESS_TAKEN', { field: 'address' }]);

    // Renames and readdressings at once: one wins, the others get the field's 409, never a second row.
    const many = await Promise.all(['A1', 'A2', 'A3', 'A4'].map((n) => api('POST', inboxes, { channel: 'email', name: n, address: `${n}@acme.test` })));
    const ids = many.map((r) => r.body.inbox.id as string);
    const renames = await Promise.all(ids.map((id) => api('PATCH', `${inboxes}/${id}`, { name: 'Renamed' })));
    expect(renames.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    expect(renames.filter((r) => r.status === 409).every((r) => r.body.error.code === 'INBOX_NAME_TAKEN' && r.body.error.details.field === 'name')).toBe(true);
    const moves = await Promise.all(ids.map((id) => api('PATCH', `${inboxes}/${id}`, { address: 'same@acme.test' })));
    expect(moves.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    expect(moves.find((r) => r.status === 409)!.body.error).toMatchObject({ code: 'INBOX_ADDRESS_TAKEN', details: { field: 'address' } });
    const [n] = await node.deps.db.rows<{ names: number; addresses: number }>(sql`select count(*) filter (where name = 'Renamed')::int as names,
      count(*) filter (where settings->'email'->>'address' = 'same@acme.test')::int as addresses from inboxes where workspace_id = ${fx.workspaceId}::uuid`);
    expect(n).toEqual({ names: 1, addresses: 1 });
    // Its own name in another case is no conflict.
    expect((await api('PATCH', `${inboxes}/${chat.body.inbox.id}`, { name: 'WEBSITE' })).status).toBe(200);
  });

  it('validates every field with the protocol schema (400 with the field’s path), refuses the other channel’s fields and unknown keys', async () => {
    const email = await seedEmailInbox(node.deps.db, fx.workspaceId);
    const bad = async (id: string, body: unknown) => {
      const r = await api('PATCH', `${inboxes}/${id}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      return (r.body.error.details as { path: string }[]).map((i) => i.path).sort();
    };
    expect(await bad(fx.inbox, { widget: { color: 'blue', greeting: ' ', preChat: { name: 'maybe', email: 'off' } } })).toEqual(['widget.color', 'widget.greeting', 'widget.preChat.name']);
    expect(await bad(fx.inbox, { allowedOrigins: ['https://shop.example', 'https://shop.example/cart'] })).toEqual(['allowedOrigins.1']);
    expect(await bad(fx.inbox, { name: '' })).toEqual(['name']);
    expect(await bad(fx.inbox, { smtp: null, address: 'x@acme.test' })).toEqual(['address', 'smtp']);
    expect(await bad(email.inbox, { widget: { color: '#000000' } })).toEqual(['widget']);
    expect(await bad(email.inbox, { smtp: { host: 'smtp.acme.test', port: 70000, tls: 'ssl' } })).toEqual(['smtp.port', 'smtp.tls']);
    expect(await bad(email.inbox, { address: 'nope', replyDomain: 'not a domain' })).toEqual(['address', 'replyDomain']);
    expect(await bad(email.inbox, { secret: 'mine' })).toEqual(['']);
    expect(await bad(email.inbox, { expectedUpdatedAt: 'yesterday' })).toEqual(['expectedUpdatedAt']);
    const del = await api('DELETE', `${inboxes}/${email.inbox}?tickets=move`);
    expect([del.status, del.body.error.details[0].path]).toEqual([400, 'moveTo']);
    // Nothing was written by any of them.
    expect(await node.deps.db.rows(sql`select 1 from audit_events where object_id in (${fx.inboxId}::uuid, ${email.inboxId}::uuid) and action = 'inbox.updated'`)).toEqual([]);
  });

  it('saves the widget settings, origins and email settings; a stale edit is refused and writes nothing; each change is audited with a redacted diff', async () => {
    const inbox = (await api('POST', inboxes, { channel: 'chat', name: 'Stale test' })).body.inbox;
    const saved = await api('PATCH', `${inboxes}/${inbox.id}`, {
      widget: { color: '#0A7A3B', teamName: 'Acme care', preChat: { name: 'optional', email: 'required' }, colorScheme: 'dark', position: 'left' },
      allowedOrigins: ['https://Shop.example/', 'https://*.acme.example'],
      expectedUpdatedAt: inbox.updatedAt,
    });
    expect(saved.status).toBe(200);
    expect(saved.body.chat).toMatchObject({
      widget: { color: '#0a7a3b', teamName: 'Acme care', preChat: { name: 'optional', email: 'required' }, colorScheme: 'dark', position: 'left', greeting: 'Hi! Ask us anything.' },
      allowedOrigins: ['https://shop.example', 'https://*.acme.example'],
    });
    expect(saved.body.updatedAt > inbox.updatedAt).toBe(true);
    // The widget gets it.
    const config = await (await fetch(`${node.url}/api/widget/config?inbox=${inbox.id}`, { headers: { origin: 'https://shop.example' } })).json();
    expect(config.settings).toMatchObject({ color: '#0a7a3b', teamName: 'Acme care', position: 'left', colorScheme: 'dark' });

    const stale = await api('PATCH', `${inboxes}/${inbox.id}`, { widget: { color: '#000000' }, expectedUpdatedAt: inbox.updatedAt });
    expect([stale.status, stale.body.error.code, stale.body.error.details]).toEqual([409, 'STALE', { updatedAt: saved.body.updatedAt }]);
    expect((await api('GET', `${inboxes}/${inbox.id}`)).body.chat.widget.color).toBe('#0a7a3b');
    // Saving what is stored already changes nothing.
    const same = await api('PATCH', `${inboxes}/${inbox.id}`, { widget: { color: '#0a7a3b' }, expectedUpdatedAt: saved.body.updatedAt });
    expect(same.body.updatedAt).toBe(saved.body.updatedAt);
    const [event, ...more] = await audits(decodeId('inbox', inbox.id)!, 'inbox.updated');
    expect(more).toEqual([]);
    expect(event!.diff).toEqual({
      before: { widget: { color: '#4f46e5', teamName: null, preChat: { name: 'off', email: 'off' }, colorScheme: 'auto', position: 'right' }, allowedOrigins: [] },
      after: { widget: { color: '#0a7a3b', teamName: 'Acme care', preChat: { name: 'optional', email: 'required' }, colorScheme: 'dark', position: 'left' }, allowedOrigins: ['https://shop.example', 'https://*.acme.example'] },
    });
    expect(event!.actor_id).toBe(fx.agents[0]!.id);
    expect(event!.request_id).toEqual(expect.any(String));

    const email = await seedEmailInbox(node.deps.db, fx.workspaceId);
    const e1 = await api('PATCH', `${inboxes}/${email.inbox}`, { fromName: null, replyDomain: 'Reply.Acme.test', mailgunSigningKey: 'key-new-secret-9876',
      smtp: { host: 'SMTP.acme.test', port: 2525, user: 'me', password: 'pw-secret-4321', tls: 'tls' } });
    expect(e1.body.email).toMatchObject({ fromName: null, replyDomain: 'reply.acme.test', webhook: { mailgunSigningKeyHint: '…9876' },
      smtp: { host: 'smtp.acme.test', port: 2525, user: 'me', passwordHint: '…4321', tls: 'tls' } });
    // The SMTP password is write-only: left out, it is kept.
    const e2 = await api('PATCH', `${inboxes}/${email.inbox}`, { smtp: { host: 'smtp.acme.test', port: 587, user: 'me', tls: 'starttls' } });
    expect(e2.body.email.smtp).toEqual({ host: 'smtp.acme.test', port: 587, user: 'me', passwordHint: '…4321', tls: 'starttls' });
    const e3 = await api('PATCH', `${inboxes}/${email.inbox}`, { smtp: null, mailgunSigningKey: null });
    expect(e3.body.email).toMatchObject({ smtp: null, webhook: { mailgunSigningKeyHint: null } });
    const diffs = (await audits(email.inboxId, 'inbox.updated')).map((a) => a.diff);
    expect(diffs[0]).toEqual({
      before: { fromName: 'Acme Support', replyDomain: null, mailgunSigningKey: '[redacted]', smtp: null },
      after: { fromName: null, replyDomain: 'reply.acme.test', mailgunSigningKey: '[redacted]', smtp: { host: 'smtp.acme.test', port: 2525, user: 'me', password: '[redacted]', tls: 'tls' } },
    });
    expect(diffs[1]).toEqual({ before: { smtp: { port: 2525, tls: 'tls' } }, after: { smtp: { port: 587, tls: 'starttls' } } });
    expect(JSON.stringify(diffs)).not.toMatch(/pw-secret|key-new-secret/);
  });

  it('reveals and rotates the identity secret, each audited; the old secret stops working at once', async () => {
    const hash = (id: string, key: string) => createHmac('sha256', key).update(id).digest('hex');
    const shown = await api('POST', `${inboxes}/${fx.inbox}/secret/reveal`);
    expect(shown.status).toBe(200);
    const old = shown.body.secret as string;
    const [row] = await node.deps.db.rows<{ secret: string }>(sql`select secret from inboxes where id = ${fx.inboxId}::uuid`);
    expect(old).toBe(row!.secret);
    expect((await api('POST', `${inboxes}/${fx.inbox}/secret/reveal`, undefined, agent)).status).toBe(403);

    const { s } = await visitor(node.url, fx.inbox);
    await ok(s, 'identify', { id: 'user-1', hash: hash('user-1', old) });
    const rotated = await api('POST', `${inboxes}/${fx.inbox}/secret/rotate`);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(old);
    expect(rotated.body.inbox.chat.secretHint).toBe(`…${fresh.slice(-4)}`);
    const refused = await call(s, 'identify', { id: 'user-2', hash: hash('user-2', old) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await ok(s, 'identify', { id: 'user-2', hash: hash('user-2', fresh) });

    expect((await audits(fx.inboxId, 'inbox.secret_revealed')).length).toBe(1);
    const [rotation] = await audits(fx.inboxId, 'inbox.secret_rotated');
    expect(rotation!.diff).toEqual({ before: { secret: '[redacted]' }, after: { secret: '[redacted]' } });
    // Email inboxes have none.
    const email = await seedEmailInbox(node.deps.db, fx.workspaceId);
    expect((await api('POST', `${inboxes}/${email.inbox}/secret/reveal`)).status).toBe(400);
  });

  it('regenerates the webhook password: the old one is refused at once, the new one shown once; audited', async () => {
    const email = await seedEmailInbox(node.deps.db, fx.workspaceId);
    const mail = (tag: string) => fixture('new-ticket-latin1.eml').toString().replace('latin1-new-1@', `${tag}-${Date.now()}@`);
    expect((await postRaw(node, email, mail('before'))).status).toBe(200);
    const r = await api('POST', `${inboxes}/${email.inbox}/credentials/regenerate`, { credential: 'basicPassword' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ basicUser: 'hook', basicPassword: expect.stringMatching(/^[\w-]{32}$/), inbox: { email: { webhook: { basicPasswordHint: `…${r.body.basicPassword.slice(-4)}` } } } });
    expect((await postRaw(node, email, mail('old'))).status).toBe(401);
    expect((await postRaw(node, email, mail('new'), basic('hook', r.body.basicPassword))).status).toBe(200);
    const [event] = await audits(email.inboxId, 'inbox.credentials_regenerated');
    expect(event!.diff).toEqual({ before: { basicPassword: '[redacted]' }, after: { basicPassword: '[redacted]', basicUser: 'hook' } });
    expect((await api('POST', `${inboxes}/${fx.inbox}/credentials/regenerate`, { credential: 'basicPassword' })).status).toBe(400);
  });

  it('tells every agent of the workspace when an inbox is created, renamed or deleted (inboxes:changed), and no other workspace', async () => {
    const s = await connect(node.url, '/agent', { token: agent });
    const other = await seedWorkspace(node.deps.db, 1);
    const theirs = await connect(node.url, '/agent', { token: await login(node.url, other.agents[0]!.email, other.agents[0]!.password) });
    const seen: unknown[] = [];
    theirs.on('inboxes:changed', (e) => seen.push(e));
    const created = next(s, 'inboxes:changed', (e) => e.change === 'created');
    const inbox = (await api('POST', inboxes, { channel: 'chat', name: 'Live one' })).body.inbox;
    expect(await created).toEqual({ inboxId: inbox.id, change: 'created' });
    expect((await ok(s, 'inboxes:list', {})).map((i: any) => i.name)).toContain('Live one');
    const renamed = next(s, 'inboxes:changed', (e) => e.change === 'updated');
    await api('PATCH', `${inboxes}/${inbox.id}`, { name: 'Live two' });
    expect(await renamed).toEqual({ inboxId: inbox.id, change: 'updated' });
    const deleted = next(s, 'inboxes:changed', (e) => e.change === 'deleted');
    expect((await api('DELETE', `${inboxes}/${inbox.id}`)).body).toEqual({ tickets: 'none', ticketCount: 0 });
    expect(await deleted).toEqual({ inboxId: inbox.id, change: 'deleted' });
    expect((await ok(s, 'inboxes:list', {})).map((i: any) => i.id)).not.toContain(inbox.id);
    expect(seen).toEqual([]);
  });
});

describe('deleting an inbox with tickets', () => {
  /** A chat inbox with `n` tickets (each a visitor's first message), and a file attached to the first. */
  async function chatInboxWithTickets(name: string, n: number) {
    const inbox = (await api('POST', inboxes, { channel: 'chat', name })).body.inbox;
    const tickets: string[] = [];
    for (let i = 0; i < n; i++) {
      const { s, session } = await visitor(node.url, inbox.id);
      let attachmentIds: string[] | undefined;
      if (i === 0) {
        const up = await fetch(`${node.url}/api/attachments?filename=a.txt`, { method: 'POST', headers: { authorization: `Bearer ${session.token}`, 'content-type': 'text/plain' }, body: 'file body' });
        attachmentIds = [((await up.json()) as any).id];
      }
      const m = await ok(s, 'message:send', { body: `hello ${i}`, clientMessageId: cmid(), ...(attachmentIds ? { attachmentIds } : {}) });
      tickets.push(decodeId('ticket', m.ticketId)!);
    }
    return { inbox, uuid: decodeId('inbox', inbox.id)!, tickets };
  }
  const count = async (table: string, col: string, ids: string[]) =>
    (await node.deps.db.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)} where ${sql.raw(col)} = any(${`{${ids.join(',')}}`}::uuid[])`))[0]!.n;

  it('asks first (409 INBOX_HAS_TICKETS with the count), then moves them to another inbox of the channel, audited', async () => {
    const from = await chatInboxWithTickets('Moving out', 2);
    const to = (await api('POST', inboxes, { channel: 'chat', name: 'Moving in' })).body.inbox;
    const email = await seedEmailInbox(node.deps.db, fx.workspaceId);
    const ask = await api('DELETE', `${inboxes}/${from.inbox.id}`);
    expect([ask.status, ask.body.error.code, ask.body.error.details]).toEqual([409, 'INBOX_HAS_TICKETS', { tickets: 2 }]);
    const wrongChannel = await api('DELETE', `${inboxes}/${from.inbox.id}?tickets=move&moveTo=${email.inbox}`);
    expect([wrongChannel.status, wrongChannel.body.error.details]).toEqual([400, [{ path: 'moveTo', message: 'must be another chat inbox' }]]);
    expect((await api('DELETE', `${inboxes}/${from.inbox.id}?tickets=move&moveTo=${from.inbox.id}`)).status).toBe(400);
    const moved = await api('DELETE', `${inboxes}/${from.inbox.id}?tickets=move&moveTo=${to.id}`);
    expect([moved.status, moved.body]).toEqual([200, { tickets: 'moved', ticketCount: 2 }]);
    const rows = await node.deps.db.rows<{ inbox_id: string }>(sql`select inbox_id from tickets where id = any(${`{${from.tickets.join(',')}}`}::uuid[])`);
    expect(rows.map((r) => r.inbox_id)).toEqual([decodeId('inbox', to.id), decodeId('inbox', to.id)]);
    expect(await count('messages', 'ticket_id', from.tickets)).toBe(2);
    expect(await node.deps.db.rows(sql`select 1 from inboxes where id = ${from.uuid}::uuid`)).toEqual([]);
    const [event] = await audits(from.uuid, 'inbox.deleted');
    expect(event!.diff.after).toEqual({ tickets: 'moved', movedTo: { id: to.id, name: 'Moving in' } });
    expect(event!.diff.before).toMatchObject({ name: 'Moving out', channel: 'chat', ticketCount: 2 });
  });

  it('or deletes them with everything under them (messages, conversations, attachments and their files)', async () => {
    const doomed = await chatInboxWithTickets('Doomed', 2);
    const [file] = await node.deps.db.rows<{ storage_key: string }>(sql`select storage_key from attachments where ticket_id = ${doomed.tickets[0]!}::uuid`);
    const dir = node.deps.config.ATTACHMENTS_DIR ?? `${node.deps.config.DATA_DIR}/attachments`;
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${dir}/${file!.storage_key}`)).toBe(true);
    const r = await api('DELETE', `${inboxes}/${doomed.inbox.id}?tickets=delete`);
    expect([r.status, r.body]).toEqual([200, { tickets: 'deleted', ticketCount: 2 }]);
    for (const [table, col] of [['tickets', 'id'], ['messages', 'ticket_id'], ['conversations', 'ticket_id'], ['attachments', 'ticket_id'], ['ticket_activities', 'ticket_id']])
      expect(await count(table!, col!, doomed.tickets), table).toBe(0);
    expect(existsSync(`${dir}/${file!.storage_key}`)).toBe(false);
    expect((await audits(doomed.uuid, 'inbox.deleted'))[0]!.diff.after).toEqual({ tickets: 'deleted' });
  });

  it('is one transaction: a failure at the last step leaves the inbox, its tickets and their messages as they were', async () => {
    const kept = await chatInboxWithTickets(`Atomic ${cmid()}`, 2);
    // A failure where the inbox row itself is deleted, after its tickets were.
    await node.deps.db.rows(sql.raw(`create or replace function test_refuse_inbox_delete() returns trigger language plpgsql as $$
      begin if old.id = '${kept.uuid}' then raise exception 'refused by the test'; end if; return old; end $$`));
    await node.deps.db.rows(sql`create trigger test_refuse_inbox_delete before delete on inboxes for each row execute function test_refuse_inbox_delete()`);
    try {
      const r = await api('DELETE', `${inboxes}/${kept.inbox.id}?tickets=delete`);
      expect(r.status).toBe(500);
    } finally {
      await node.deps.db.rows(sql`drop trigger test_refuse_inbox_delete on inboxes`);
      await node.deps.db.rows(sql`drop function test_refuse_inbox_delete()`);
    }
    expect(await count('tickets', 'id', kept.tickets)).toBe(2);
    expect(await count('messages', 'ticket_id', kept.tickets)).toBe(2);
    expect(await count('attachments', 'ticket_id', kept.tickets)).toBe(1);
    expect(await audits(kept.uuid, 'inbox.deleted')).toEqual([]);
    await until(async () => (await api('GET', `${inboxes}/${kept.inbox.id}`)).status === 200);
  });
});
