import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { build, type Rollup } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles a test page's module (`entry`, a path from the repository root, TypeScript that
 * imports inbox code) with Vite into one ES module, unminified. It runs once per test file:
 * the inbox's own build (`inbox/dist`) never contains test pages.
 */
export async function bundlePage(entry: string): Promise<string> {
  const out = (await build({
    configFile: false,
    root,
    logLevel: 'silent',
    build: { write: false, target: 'es2022', minify: false, modulePreload: false, rollupOptions: { input: entry, output: { inlineDynamicImports: true } } },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const output = (Array.isArray(out) ? out[0]! : out).output;
  const chunk = output.find((o): o is Rollup.OutputChunk => o.type === 'chunk' && o.isEntry);
  if (!chunk) throw new Error(`bundlePage: no entry chunk for ${entry}`);
  return chunk.code;
}

/**
 * Opens `js` as a page at `${origin}/__test/${name}`, answered by the browser context's
 * routing (the server never sees these two requests; everything else the page fetches from
 * `origin` reaches it, with the context's cookies). `origin` may be a host that does not
 * exist when the page fetches nothing.
 */
export async function openTestPage(page: Page, origin: string, name: string, js: string): Promise<void> {
  await page.route(`${origin}/__test/${name}`, (r) => r.fulfill({ contentType: 'text/html', body: pageHtml(name) }));
  await page.route(`${origin}/__test/${name}.js`, (r) => r.fulfill({ contentType: 'text/javascript', body: js }));
  await page.goto(`${origin}/__test/${name}`);
}

/**
 * Makes `context` run the test page `js` (a build of the inbox app with test additions) in
 * place of the built inbox's script: pages under `${origin}/inbox/` come from the server as
 * usual (so the app's URLs, deep links and reloads work, and Chromium lets the page reach
 * the server's sockets: a page answered by the test would be another network), and their
 * entry script is `js`.
 */
export async function serveTestApp(context: BrowserContext, origin: string, js: string): Promise<void> {
  await context.route(`${origin}/inbox/assets/index-*.js`, (r) => r.fulfill({ contentType: 'text/javascript', body: js }));
}

const pageHtml = (name: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title><style>html, body { margin: 0; }</style></head><body><script type="module" src="/__test/${name}.js"></script></body></html>`;
