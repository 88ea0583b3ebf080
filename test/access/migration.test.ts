import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { connectPglite, connectPostgres, type Db } from '../../server/src/db/client.js';
import { migrate, MIGRATIONS_DIR } from '../../server/src/db/migrate.js';
import { hashToken } from '../../server/src/lib/tokens.js';
import { readSessions, sessionActive } from '../../server/src/agents/agents.service.js';
import { liveAgentOf } from '../../server/src/agents/access.js';
import { identityOf } from '../../server/src/agents/agents.service.js';

/** The migrations as they were before memberships (0000–0002), in a folder of their own. */
const journalEntries = (dir: string) => (JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

function migrationsBefore(): string {
  const dir = mkdtempSync(join(tmpdir(), 'migr-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.tag < '0003');
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  return dir;
}

const U = {
  ws: '0190a000-0000-7000-8000-000000000001',
  other: '0190a000-0000-7000-8000-000000000002',
  owner: '0190a000-0000-7000-8000-0000000000a1',
  agent: '0190a000-0000-7000-8000-0000000000a2',
  loner: '0190a000-0000-7000-8000-0000000000a3',
  gone: '0190a000-0000-7000-8000-0000000000a4',
  solo: '0190a000-0000-7000-8000-0000000000a5',
  team: '0190a000-0000-7000-8000-0000000000b1',
  chat: '0190a000-0000-7000-8000-0000000000c1',
  chat2: '0190a000-0000-7000-8000-0000000000c2',
  mail: '0190a000-0000-7000-8000-0000000000c3',
  mail2: '0190a000-0000-7000-8000-0000000000c4',
  session: '0190a000-0000-7000-8000-0000000000d1',
};

/** What a database written by the code before memberships holds: users with workspace, role, status and presence. */
async function oldData(db: Db): Promise<void> {
  await db.rows(sql`insert into workspaces (id, name) values (${U.ws}::uuid, 'Old'), (${U.other}::uuid, 'Other')`);
  await db.rows(sql.raw(`insert into users (id, workspace_id, email, name, password_hash, role, status, availability) values
    ('${U.owner}', '${U.ws}', 'owner@old.test', 'Owner', 'x', 'owner', 'active', 'online'),
    ('${U.agent}', '${U.ws}', 'agent@old.test', 'In a team', 'x', 'agent', 'active', 'away'),
    ('${U.loner}', '${U.ws}', 'loner@old.test', 'No team', 'x', 'agent', 'active', 'offline'),
    ('${U.gone}', '${U.ws}', 'gone@old.test', 'Deactivated', 'x', 'agent', 'disabled', 'offline'),
    ('${U.solo}', '${U.other}', 'solo@old.test', 'Agent without teams', 'x', 'agent', 'active', 'offline')`));
  await db.rows(sql.raw(`insert into teams (id, workspace_id, name) values ('${U.team}', '${U.ws}', 'Support')`));
  await db.rows(sql.raw(`insert into team_members (workspace_id, team_id, user_id) values ('${U.ws}', '${U.team}', '${U.agent}')`));
  await db.rows(sql.raw(`insert into inboxes (id, workspace_id, name, channel, settings, secret, created_at) values
    ('${U.chat}', '${U.ws}', 'Chat', 'chat', '{}', 's', now() - interval '2 hours'),
    ('${U.chat2}', '${U.ws}', 'chat', 'chat', '{}', 's', now() - interval '1 hour'),
    ('${U.mail}', '${U.ws}', 'Mail', 'email', '{"email":{"address":"help@old.test"}}', 's', now() - interval '2 hours'),
    ('${U.mail2}', '${U.ws}', 'Mail 2', 'email', '{"email":{"address":"Help@old.test","fromName":"Help"}}', 's', now() - interval '1 hour'),
    ('${U.other}', '${U.other}', 'Chat', 'chat', '{}', 's', now())`));
  await db.rows(sql`insert into agent_sessions (id, workspace_id, user_id, token_hash, expires_at)
    values (${U.session}::uuid, ${U.ws}::uuid, ${U.agent}::uuid, ${hashToken('t'.repeat(43))}, now() + interval '1 day')`);
}

/**
 * A database from before memberships (what an existing `.data` folder or Postgres holds) is
 * carried by migrations 0003–0005: memberships from users, agents keep seeing what they saw
 * (every team works every inbox; agents in no team join one), names and addresses made
 * unique, and an old session still logs its member in.
 */
describe.each(['postgres', 'embedded'] as const)('migrating people to memberships (%s)', (engine) => {
  const admin = engine === 'postgres' ? postgres(inject('databaseUrl').replace(/\/[^/]+$/, '/postgres'), { max: 1, onnotice: () => {} }) : null;
  const name = `sd_access_${Date.now()}`;
  afterAll(async () => {
    if (!admin) return;
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('carries the old data and keeps every feature', async () => {
    let db: Db;
    if (admin) {
      await admin.unsafe(`create database ${name}`);
      db = await connectPostgres(inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`), { max: 2 });
    } else db = await connectPglite(null);
    const before = migrationsBefore();
    try {
      expect(await migrate(db, before)).toBe(3);
      await oldData(db);
      // 0003 onwards: the access migrations and whatever landed after them.
      expect(await migrate(db)).toBe(journalEntries(MIGRATIONS_DIR) - 3);
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
    const members = await db.rows<{ user_id: string; workspace_id: string; role: string; status: string; availability: string }>(sql`select user_id::text,
        workspace_id::text, role, status, availability from memberships order by user_id`);
    expect(members.map((m) => [m.user_id, m.workspace_id, m.role, m.status, m.availability])).toEqual([
      [U.owner, U.ws, 'owner', 'active', 'online'],
      [U.agent, U.ws, 'agent', 'active', 'away'],
      [U.loner, U.ws, 'agent', 'active', 'offline'],
      [U.gone, U.ws, 'agent', 'deactivated', 'offline'],
      [U.solo, U.other, 'agent', 'active', 'offline'],
    ]);
    expect((await db.rows<{ status: string }>(sql`select distinct status from users`)).map((r) => r.status)).toEqual(['active']);
    // The team works every inbox; the agent in no team joined it; a workspace with agents and no team got one.
    const links = await db.rows<{ name: string; inboxes: number; members: string[] }>(sql`select t.name,
        (select count(*)::int from team_inboxes ti where ti.team_id = t.id) as inboxes,
        (select array_agg(tm.user_id::text order by tm.user_id) from team_members tm where tm.team_id = t.id) as members
      from teams t order by t.workspace_id`);
    expect(links).toEqual([
      { name: 'Support', inboxes: 4, members: [U.agent, U.loner, U.gone] },
      { name: 'Support', inboxes: 1, members: [U.solo] },
    ]);
    const inboxes = await db.rows<{ id: string; name: string; address: string | null }>(sql`select id::text, name, settings->'email'->>'address' as address
      from inboxes where workspace_id = ${U.ws}::uuid order by created_at, id`);
    expect(inboxes).toEqual([
      { id: U.chat, name: 'Chat', address: null },
      { id: U.mail, name: 'Mail', address: 'help@old.test' },
      { id: U.chat2, name: `chat (${U.chat2.slice(-6)})`, address: null },
      { id: U.mail2, name: 'Mail 2', address: `Help+${U.mail2.slice(-6)}@old.test` },
    ]);
    // The old session still authenticates its member, who sees through the team.
    const [row] = await readSessions(db, sql`s.id = ${U.session}::uuid`);
    expect(row && sessionActive(row)).toBe(true);
    const me = await liveAgentOf(db, identityOf(row!));
    expect(me).toMatchObject({ role: 'agent', permissions: ['tickets.read.team', 'tickets.read.mine', 'tickets.write', 'tickets.assign', 'contacts.read', 'contacts.write'] });
    expect(me.inboxIds.sort()).toEqual([U.chat, U.chat2, U.mail, U.mail2].sort());
    await db.close();
  });
});
