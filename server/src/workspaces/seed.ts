import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { privileged } from '../db/scope.js';
import { createEmailInbox } from '../email/inboxes.js';
import { createAgent, createInbox, createTeam, createWorkspace, DEFAULT_CHAT_SETTINGS } from './workspaces.service.js';

const SEED_LOCK = 0x5e_0002;

export type SeedResult = {
  workspaceId: string;
  inboxId: string;
  email: string;
  password: string;
  /** The demo email inbox and the Basic-auth password of its webhook (user `webhook`). */
  emailInboxId: string;
  webhookPassword: string;
};

/**
 * On a database with no workspace at all, creates the demo workspace: a chat inbox, an
 * email inbox (support@example.com, no SMTP needed to try it), an owner agent and a Support team
 * that works both inboxes. Returns what it created, or null when the database
 * already had a workspace. Safe when several nodes boot at once (advisory lock).
 */
export async function seedIfEmpty(db: Db, o: { email: string; password?: string }): Promise<SeedResult | null> {
  // crosses workspaces: whether any workspace exists at all, before there is one to scope to.
  return privileged('seed', () => db.transaction(async (tx) => {
    await tx.rows(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    const [any] = await tx.rows(sql`select id from workspaces limit 1`);
    if (any) return null;
    const password = o.password ?? randomBytes(12).toString('base64url');
    const workspaceId = await createWorkspace(tx, { name: 'Demo' });
    const inboxId = await createInbox(tx, {
      workspaceId,
      name: 'Website chat',
      channel: 'chat',
      settings: DEFAULT_CHAT_SETTINGS,
    });
    const adminId = await createAgent(tx, { workspaceId, email: o.email, name: 'Admin', password, role: 'owner' });
    const webhookPassword = randomBytes(18).toString('base64url');
    const emailInboxId = await createEmailInbox(tx, {
      workspaceId,
      name: 'Email',
      email: { address: 'support@example.com', fromName: 'Demo Support' },
      basicUser: 'webhook',
      basicPassword: webhookPassword,
    });
    await createTeam(tx, { workspaceId, name: 'Support', memberIds: [adminId], inboxIds: [inboxId, emailInboxId] });
    return { workspaceId, inboxId, email: o.email, password, emailInboxId, webhookPassword };
  }));
}
