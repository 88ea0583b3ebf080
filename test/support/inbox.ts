import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Db } from '../../server/src/db/client.js';
import { closeSockets, seedWorkspace, startNode, type Fixture, type Mode, type Node } from './harness.js';
import { launchChromium } from './browser.js';

/**
 * A fresh browser context (its own cookies) with the inbox open at `path` and the agent
 * logged in. `permissions` are granted to the context; `init` runs in the page before the app;
 * `ignoreHTTPSErrors` lets it load from self-signed test servers.
 */
export async function openInbox(
  browser: Browser,
  url: string,
  agent: { email: string; password: string },
  o: { path?: string; permissions?: string[]; init?: () => void; ignoreHTTPSErrors?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: o.permissions ?? [], ignoreHTTPSErrors: o.ignoreHTTPSErrors ?? false });
  if (o.init) await context.addInitScript(o.init);
  const page = await context.newPage();
  const path = o.path ?? '/inbox/';
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (err) => console.error('[inbox page error]', err.message));
  page.on('console', (m) => {
    // The 401 of /api/auth/me before login is expected; anything else (a CSP violation…) is shown.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) console.error('[inbox console error]', m.text());
  });
  await page.goto(`${url}${path}`);
  await page.fill('ib-app input[name=email]', agent.email);
  await page.fill('ib-app input[name=password]', agent.password);
  await page.click('ib-app .login button');
  await page.locator('ib-app .bar').waitFor();
  return page;
}

/** The list row of the ticket with this number. */
export const row = (page: Page, ticketNumber: number) => page.locator(`ib-ticket-list .row[data-number="${ticketNumber}"]`);

/** The open conversation's thread. */
export const thread = (page: Page) => page.locator('ib-conversation .thread');

/**
 * Inserts `n` chat tickets straight into the database (one statement), each with a contact,
 * a conversation and one visitor message, with activity spread over the last `n` minutes.
 * For list sizes that would take too long through the widget. Returns the ticket numbers.
 */
export async function seedTickets(db: Db, fx: Fixture, n: number, o: { words?: string } = {}): Promise<{ first: number; last: number }> {
  const [w] = await db.rows<{ ticket_seq: number }>(sql`update workspaces set ticket_seq = ticket_seq + ${n}::int
    where id = ${fx.workspaceId}::uuid returning ticket_seq`);
  const base = Number(w!.ticket_seq) - n;
  const words = o.words ?? 'My order has not arrived yet';
  await db.rows(sql`with g as (
      select i, gen_random_uuid() as ct, gen_random_uuid() as tk, gen_random_uuid() as cv,
             now() - make_interval(mins => ${n}::int - i) - interval '1 hour' as at
      from generate_series(1, ${n}::int) i),
    c as (insert into contacts (id, workspace_id, name, email, attributes, created_at, updated_at)
      select ct, ${fx.workspaceId}::uuid, 'Customer ' || i, 'customer' || i || '@example.test', jsonb_build_object('plan', 'pro'), at, at from g),
    t as (insert into tickets (id, workspace_id, number, subject, status, priority, requester_id, inbox_id, last_message_preview,
                               created_at, updated_at, last_message_at)
      select tk, ${fx.workspaceId}::uuid, ${base}::int + i, ${words} || ' (' || i || ')',
             (case when i % 9 = 0 then 'pending' else 'open' end)::ticket_status,
             (array['low','normal','normal','high','urgent'])[1 + i % 5]::ticket_priority,
             ct, ${fx.inboxId}::uuid, ${words} || ' (' || i || ')', at, at, at from g),
    v as (insert into conversations (id, workspace_id, ticket_id, channel, last_seq, created_at, last_activity_at)
      select cv, ${fx.workspaceId}::uuid, tk, 'chat', 1, at, at from g)
    insert into messages (id, workspace_id, conversation_id, ticket_id, seq, author_type, author_id, body, visibility, created_at)
      select gen_random_uuid(), ${fx.workspaceId}::uuid, cv, tk, 1, 'contact', ct, ${words} || ' (' || i || ')', 'public', at from g`);
  // Fresh statistics, as autovacuum would have after a bulk load, so plans are the real ones.
  if (n >= 1000) await db.rows(sql`analyze tickets, contacts, conversations, messages`);
  return { first: base + 1, last: base + n };
}

/** Appends `n` alternating visitor/agent messages to a ticket's conversation (one statement). */
export async function seedThread(db: Db, fx: Fixture, ticketWire: string, conversationWire: string, requesterWire: string, n: number): Promise<void> {
  const { decodeId } = await import('@support/protocol');
  const tk = decodeId('ticket', ticketWire)!;
  const cv = decodeId('conversation', conversationWire)!;
  const ct = decodeId('contact', requesterWire)!;
  await db.rows(sql`insert into messages (id, workspace_id, conversation_id, ticket_id, seq, author_type, author_id, body, visibility, created_at)
    select gen_random_uuid(), ${fx.workspaceId}::uuid, ${cv}::uuid, ${tk}::uuid, c.last_seq + i,
           (case when i % 2 = 0 then 'agent' else 'contact' end)::actor_type,
           case when i % 2 = 0 then ${fx.agents[0]!.id}::uuid else ${ct}::uuid end,
           'Message number ' || i || ': ' || repeat('lorem ipsum dolor sit amet ', 1 + i % 6), 'public',
           now() + i * interval '1 millisecond'
    from conversations c, generate_series(1, ${n}::int) i where c.id = ${cv}::uuid`);
  await db.rows(sql`update conversations set last_seq = last_seq + ${n}::int where id = ${cv}::uuid`);
}

/**
 * The hooks every inbox browser test file needs: a node (`mode`), a workspace with `agents`
 * agents, and Chromium, closed after the file; sockets closed after each test. The returned
 * object is filled in `beforeAll` (a test may replace `node`, e.g. after a restart).
 */
export function useBrowserEnv(mode: Mode, o: { agents?: number; prefix?: string } = {}) {
  const env = {} as { node: Node; fx: Fixture; browser: Browser };
  beforeAll(async () => {
    env.node = await startNode(mode, o.prefix ? { prefix: o.prefix } : {});
    env.fx = await seedWorkspace(env.node.deps.db, o.agents ?? 1);
    env.browser = await launchChromium();
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await env.browser?.close();
    await env.node?.app.close();
  });
  return env;
}
