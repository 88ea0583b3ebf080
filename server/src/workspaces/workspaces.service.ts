import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Channel, Role } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { newId } from '../db/ids.js';
import { hashPassword } from '../agents/password.js';

/** Creates a workspace. Returns its uuid. */
export async function createWorkspace(db: Db | Tx, o: { name: string; timezone?: string }): Promise<string> {
  const id = newId();
  await db.rows(sql`insert into workspaces (id, name, timezone) values (${id}::uuid, ${o.name}, ${o.timezone ?? 'UTC'})`);
  return id;
}

/** Creates an inbox with a fresh server-side secret. Returns its uuid. */
export async function createInbox(
  db: Db | Tx,
  o: { workspaceId: string; name: string; channel: Channel; settings?: Record<string, unknown> },
): Promise<string> {
  const id = newId();
  await db.rows(sql`insert into inboxes (id, workspace_id, name, channel, settings, secret)
    values (${id}::uuid, ${o.workspaceId}::uuid, ${o.name}, ${o.channel}::channel, ${JSON.stringify(o.settings ?? {})}::jsonb,
            ${randomBytes(32).toString('base64url')})`);
  return id;
}

/** Creates an agent with an argon2id-hashed password (agents/password.ts). Returns its uuid. */
export async function createAgent(
  db: Db | Tx,
  o: { workspaceId: string; email: string; name: string; password: string; role?: Role },
): Promise<string> {
  const id = newId();
  const hash = await hashPassword(o.password);
  await db.rows(sql`insert into users (id, workspace_id, email, name, password_hash, role)
    values (${id}::uuid, ${o.workspaceId}::uuid, ${o.email.toLowerCase()}, ${o.name}, ${hash}, ${o.role ?? 'agent'}::user_role)`);
  return id;
}

/** Creates a team, optionally with members. Returns its uuid. */
export async function createTeam(db: Db | Tx, o: { workspaceId: string; name: string; memberIds?: string[] }): Promise<string> {
  const id = newId();
  await db.rows(sql`insert into teams (id, workspace_id, name) values (${id}::uuid, ${o.workspaceId}::uuid, ${o.name})`);
  for (const userId of o.memberIds ?? [])
    await db.rows(sql`insert into team_members (workspace_id, team_id, user_id) values (${o.workspaceId}::uuid, ${id}::uuid, ${userId}::uuid)`);
  return id;
}
