import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { cmid, connect, login, ok, seedWorkspace, visitor, type Fixture, type Node } from './harness.js';
import { basic, fixture, postRaw, seedEmailInbox } from './email.js';
import type { Db } from '../../server/src/db/client.js';

/** Tables with a `workspace_id` column, and `workspaces`: what row-level security must hold, read from the catalog. */
export async function tenantTables(owner: Db): Promise<string[]> {
  const rows = await owner.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p')
        and (c.relname = 'workspaces' or exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped))
      order by 1`,
    [],
  );
  return rows.map((r) => r.name);
}

/** The column that names a tenant table's workspace. */
export const workspaceColumn = (table: string) => (table === 'workspaces' ? 'id' : 'workspace_id');

/**
 * A workspace with at least one row in every tenant table, made the way a team would (through
 * the app, as its owner, over HTTP and sockets) where it can: chat, tags, a custom role, an
 * invitation, an email inbox with a received mail and a reply (outbox), an upload; a dead
 * letter by hand (the owner handle).
 */
export async function seedTenantRows(node: Node): Promise<Fixture & { token: string }> {
  const db = node.deps.db;
  const fx = await seedWorkspace(db, 2);
  const token = await login(node.url, fx.agents[0]!.email, fx.agents[0]!.password);
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${node.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  await api('POST', '/api/settings/roles', { name: `Role ${randomUUID().slice(0, 8)}`, permissions: ['tickets.read.mine'] });
  await api('POST', '/api/settings/invitations', { email: `invitee-${randomUUID()}@example.test`, role: 'agent' });
  // SLA on (a calendar and the default policy made on first read): the chat below starts clocks.
  await api('GET', '/api/settings/calendars');
  const [policy] = (await api('GET', '/api/settings/sla-policies')) as { id: string }[];
  await api('PATCH', `/api/settings/sla-policies/${policy!.id}`, { enabled: true });
  // Routing: an inbox policy with no room (the chat below waits in its queue), a capacity override, a rule.
  await db.rows(sql`insert into routing_policies (id, workspace_id, inbox_id, mode, chat_capacity, email_capacity, away_grace_seconds, reopen_window_seconds)
    values (${randomUUID()}::uuid, ${fx.workspaceId}::uuid, ${fx.inboxId}::uuid, 'balanced', 0, 0, 300, 3600)`);
  await db.rows(sql`insert into routing_agents (workspace_id, user_id, chat_capacity) values (${fx.workspaceId}::uuid, ${fx.agents[1]!.id}::uuid, 0)`);
  await db.rows(sql`insert into routing_rules (id, workspace_id, name, position, conditions, actions)
    values (${randomUUID()}::uuid, ${fx.workspaceId}::uuid, 'Urgent words', 1, ${JSON.stringify({ all: [{ field: 'message.body', op: 'contains', value: 'asap' }] })}::jsonb, ${JSON.stringify({ priority: 'urgent' })}::jsonb)`);
  // Chat: contact, visitor session, ticket, conversation, message, activity; then a tag.
  const v = await visitor(node.url, fx.inbox);
  const sent = await ok(v.s, 'message:send', { body: 'hello', clientMessageId: cmid() });
  const agent = await connect(node.url, '/agent', { token });
  await ok(agent, 'ticket:addTag', { ticketId: sent.ticketId, tag: `tag-${randomUUID().slice(0, 6)}` });
  // Email: secrets, a received mail, and a reply that queues outbound mail.
  const ib = await seedEmailInbox(db, fx.workspaceId);
  const mail = await postRaw(node, ib, fixture('gmail.eml').toString().replaceAll(/Message-ID: <[^>]+>/gi, `Message-ID: <${randomUUID()}@mail.test>`), basic(ib.user, ib.password));
  if (mail.status !== 200) throw new Error(`webhook: ${mail.status} ${JSON.stringify(mail.body)}`);
  await ok(agent, 'message:send', { ticketId: mail.body.data.ticketId, body: 'a reply', clientMessageId: cmid(), visibility: 'public' });
  agent.disconnect();
  v.s.disconnect();
  // An upload (unattached until sent) and a dead letter.
  const up = await fetch(`${node.url}/api/attachments?filename=a.txt`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: 'file' });
  if (!up.ok) throw new Error(`upload: ${up.status} ${await up.text()}`);
  await db.rows(sql`insert into email_dead_letters (id, workspace_id, inbox_id, reason, raw)
    values (${randomUUID()}::uuid, ${fx.workspaceId}::uuid, ${ib.inboxId}::uuid, 'test', ${Buffer.from('not a mail')})`);
  // The chat's events (domain_events) reach the SLA consumer after commit: its clocks, their
  // events and due warnings and breaches. An event a consumer gave up on, by hand.
  for (let i = 0; ; i++) {
    // Clocks, not just due work: enabling the policy queued a re-plan (due work) at once.
    const [n] = await db.rows<{ n: number }>(sql`select count(*)::int as n from sla_clocks where workspace_id = ${fx.workspaceId}::uuid`);
    if (n!.n > 0) break;
    if (i > 1000) throw new Error('the SLA consumer started no clock');
    await new Promise((r) => setTimeout(r, 20));
  }
  for (let i = 0; ; i++) {
    const [n] = await db.rows<{ n: number }>(sql`select count(*)::int as n from routing_queue where workspace_id = ${fx.workspaceId}::uuid`);
    if (n!.n > 0) break;
    if (i > 1000) throw new Error('the routing consumer queued no ticket');
    await new Promise((r) => setTimeout(r, 20));
  }
  // Automation, macros, canned responses, notifications: one row each, by hand (their own tests drive them through the app).
  const [tkt] = await db.rows<{ id: string }>(sql`select id from tickets where workspace_id = ${fx.workspaceId}::uuid limit 1`);
  const ruleId = randomUUID();
  await db.rows(sql`insert into automation_rules (id, workspace_id, name, position, trigger, conditions, actions)
    values (${ruleId}::uuid, ${fx.workspaceId}::uuid, 'Pending 3 days', 1, 'time', ${JSON.stringify({ all: [{ field: 'ticket.since_status_change', op: 'gt', value: 4320 }] })}::jsonb, ${JSON.stringify([{ type: 'set_status', status: 'resolved' }])}::jsonb)`);
  await db.rows(sql`insert into automation_runs (id, workspace_id, rule_id, rule_name, ticket_id, matched) values (${randomUUID()}::uuid, ${fx.workspaceId}::uuid, ${ruleId}::uuid, 'Pending 3 days', ${tkt!.id}::uuid, true)`);
  await db.rows(sql`insert into automation_time_state (workspace_id, rule_id, ticket_id, checked_at) values (${fx.workspaceId}::uuid, ${ruleId}::uuid, ${tkt!.id}::uuid, now())`);
  await db.rows(sql`insert into macros (id, workspace_id, name, sharing, owner_id, actions) values (${randomUUID()}::uuid, ${fx.workspaceId}::uuid, 'Close', 'personal', ${fx.agents[0]!.id}::uuid, ${JSON.stringify([{ type: 'set_status', status: 'closed' }])}::jsonb)`);
  await db.rows(sql`insert into canned_responses (id, workspace_id, short_code, title, body, sharing) values (${randomUUID()}::uuid, ${fx.workspaceId}::uuid, 'thanks', 'Thanks', 'Thank you!', 'workspace')`);
  await db.rows(sql`insert into notifications (id, workspace_id, user_id, kind, ticket_id, message, source) values (${randomUUID()}::uuid, ${fx.workspaceId}::uuid, ${fx.agents[0]!.id}::uuid, 'automation', ${tkt!.id}::uuid, 'Look', 'Rule')`);
  await db.rows(sql`insert into event_dead_letters (consumer, position, workspace_id, name, attempts, last_error, state, dead_at, updated_at)
    select 'test', position, workspace_id, name, 5, 'test', 'dead', now(), now() from domain_events where workspace_id = ${fx.workspaceId}::uuid limit 1`);
  return { ...fx, token };
}
