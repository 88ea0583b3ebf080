import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Db } from '../../server/src/db/client.js';
import type { Clock } from '../../server/src/lib/clock.js';
import { closeSockets, seedWorkspace, startNode, type Fixture, type Mode, type Node } from './harness.js';
import { launchChromium } from './browser.js';

// Kept apart (no vitest import) so bench/inbox-list.ts can use it outside vitest.
export { seedTickets } from './seed-tickets.js';

/**
 * A fresh browser context (its own cookies) with the inbox open at `path` and the agent
 * logged in. `permissions` are granted to the context; `init` runs in the page before the app;
 * `setup` gets the context before the first request (routes); `ignoreHTTPSErrors` lets it load
 * from self-signed test servers; `viewport` defaults to 1280×800.
 */
export async function openInbox(
  browser: Browser,
  url: string,
  agent: { email: string; password: string },
  o: {
    path?: string;
    permissions?: string[];
    init?: () => void;
    setup?: (context: BrowserContext) => Promise<unknown>;
    ignoreHTTPSErrors?: boolean;
    viewport?: { width: number; height: number };
  } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: o.viewport ?? { width: 1280, height: 800 }, permissions: o.permissions ?? [], ignoreHTTPSErrors: o.ignoreHTTPSErrors ?? false });
  if (o.init) await context.addInitScript(o.init);
  if (o.setup) await o.setup(context);
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

/**
 * The element that has keyboard focus, through shadow roots, as `tag.class name` (name: its
 * aria-label, name attribute or text). Focus inside an `ib-button` is reported as the
 * `ib-button` (its classes, its `label` or text), the control the screen placed.
 */
export const focused = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return 'body';
    const host = (el.getRootNode() as ShadowRoot).host;
    if (host?.localName === 'ib-button') el = host;
    const name = el.getAttribute('aria-label') ?? el.getAttribute('label') ?? el.getAttribute('name') ?? el.textContent?.trim().slice(0, 30) ?? '';
    return `${el.localName}${el.classList.length ? `.${Array.from(el.classList).join('.')}` : ''} ${name}`.trim();
  });

/** The list row of the ticket with this number. */
/**
 * The rightmost edge of anything drawn on the page, shadow roots included (hidden and
 * visually-hidden elements aside): at most the viewport's width when nothing sticks out sideways.
 */
export const widestRight = (page: Page) =>
  page.evaluate(() => {
    let max = 0;
    const walk = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.width && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.visually-hidden')) max = Math.max(max, r.right);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return max;
  });

export const row = (page: Page, ticketNumber: number) => page.locator(`ib-ticket-list .row[data-number="${ticketNumber}"]`);

/** The open conversation's thread. */
export const thread = (page: Page) => page.locator('ib-conversation .thread');

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
 * agents (and `clock` as the node's clock), and Chromium, closed after the file; sockets closed after each test. The returned
 * object is filled in `beforeAll` (a test may replace `node`, e.g. after a restart).
 */
export function useBrowserEnv(mode: Mode, o: { agents?: number; prefix?: string; clock?: Clock; isolated?: boolean } = {}) {
  const env = {} as { node: Node; fx: Fixture; browser: Browser };
  beforeAll(async () => {
    // A clock of its own needs a database of its own (harness isolatedDatabase); so do live
    // events of the log's consumers (routing), which the node holding a consumer's lease publishes.
    env.node = await startNode(mode, { ...(o.prefix ? { prefix: o.prefix } : {}), ...(o.clock ? { clock: o.clock } : {}), ...(o.clock || o.isolated ? { isolated: true } : {}) });
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
