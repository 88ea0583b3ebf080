import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { Db } from '../../server/src/db/client.js';
import type { Config } from '../../server/src/config.js';
import { launchChromium } from './browser.js';
import { closeSockets, connect, login, next, seedWorkspace, startNode, type Fixture, type Node } from './harness.js';

/**
 * A third-party website: a tiny HTTP server on its own port (so another origin than the
 * support server) serving pages registered with `page(path, html)`.
 */
export type HostSite = Awaited<ReturnType<typeof startHostSite>>;

export async function startHostSite() {
  const pages = new Map<string, { html: string; headers: Record<string, string> }>();
  const server = createServer((req, res) => {
    const page = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', ...page?.headers });
    res.end(page?.html ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Serves `html` at `path` (with extra response headers, e.g. a CSP); returns its URL. */
    page(path: string, html: string, headers: Record<string, string> = {}) {
      pages.set(path, { html, headers });
      return `${url}${path}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A host page embedding the widget the way the README tells site owners to (`attrs`: more attributes on its script tag). */
export function embedPage(supportUrl: string, inbox: string, o: { head?: string; body?: string; before?: string; attrs?: string } = {}) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${o.head ?? ''}</head><body>
<h1>Acme shop</h1><p>Some page content.</p>${o.body ?? ''}
<script>${o.before ?? ''}</script>
<script src="${supportUrl}/widget.js" data-inbox="${inbox}"${o.attrs ? ` ${o.attrs}` : ''} async></script>
</body></html>`;
}

/** Locators inside the widget (Playwright's CSS engine pierces open shadow roots). */
export const widget = (page: Page) => ({
  launcher: page.locator('sw-widget button.l'),
  panel: page.locator('sw-panel'),
  composer: page.locator('sw-composer textarea'),
  theirs: page.locator('sw-messages .m.them p'),
  mine: page.locator('sw-messages .m.me:not(.pending) p'),
  pending: page.locator('sw-messages .m.pending'),
  badge: page.locator('sw-widget .b'),
  async send(text: string) {
    await this.composer.fill(text);
    await this.composer.press('Enter');
  },
});

export type WidgetEnv = {
  node: Node;
  fx: Fixture;
  browser: Browser;
  site: HostSite;
  agentToken: string;
  /** The inbox secret, for identify hashes. */
  secret: string;
};

/** The inbox's server-side secret (the identify HMAC key). */
export async function inboxSecret(db: Db, inboxId: string): Promise<string> {
  const [row] = await db.rows<{ secret: string }>(sql`select secret from inboxes where id = ${inboxId}::uuid`);
  return row!.secret;
}

/**
 * Registers hooks for a browser suite: a Postgres + Redis node (Redis `prefix` kept, so a test
 * can restart the node), a workspace with one agent, a host site on another origin and Chromium.
 * The returned object is filled in `beforeAll`; `env.node` may be replaced by a test.
 */
export function useWidgetEnv(o: { prefix?: string; config?: Partial<Config>; isolated?: boolean } = {}): WidgetEnv {
  const env = {} as WidgetEnv;
  beforeAll(async () => {
    // `isolated`: a database of the file's own, for live events that come from the event log's
    // consumers (routing): on the shared database another file's node may hold their lease and
    // publish them on its own Redis prefix.
    env.node = await startNode('postgres', { ...(o.prefix ? { prefix: o.prefix } : {}), ...(o.config ? { config: o.config } : {}), ...(o.isolated ? { isolated: true } : {}) });
    env.fx = await seedWorkspace(env.node.deps.db, 1);
    env.agentToken = await login(env.node.url, env.fx.agents[0]!.email, env.fx.agents[0]!.password);
    env.secret = await inboxSecret(env.node.deps.db, env.fx.inboxId);
    env.site = await startHostSite();
    env.browser = await launchChromium();
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await env.browser?.close();
    await env.site?.close();
    await env.node?.app.close();
  });
  return env;
}

/**
 * A visitor in a fresh browser context opens the widget on `path` and sends `first`; returns
 * the page, its widget locators, the ticket the agent saw open and the agent's socket.
 */
export async function startChat(env: WidgetEnv, path: string, first: string, o: { context?: BrowserContextOptions; watch?: (p: Page) => void } = {}) {
  const agent = await connect(env.node.url, '/agent', { token: env.agentToken });
  const context = await env.browser.newContext(o.context);
  const page = await context.newPage();
  o.watch?.(page);
  await page.goto(env.site.page(path, embedPage(env.node.url, env.fx.inbox)));
  const w = widget(page);
  await w.launcher.click();
  const ticketNew = next(agent, 'ticket:new');
  await w.send(first);
  const { ticket } = await ticketNew;
  await w.mine.filter({ hasText: first }).waitFor();
  return { agent, context, page, w, ticket: ticket as { id: string } };
}
