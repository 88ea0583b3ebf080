import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
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
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title></head><body><script type="module" src="/__test/${name}.js"></script></body></html>`;
  await page.route(`${origin}/__test/${name}`, (r) => r.fulfill({ contentType: 'text/html', body: html }));
  await page.route(`${origin}/__test/${name}.js`, (r) => r.fulfill({ contentType: 'text/javascript', body: js }));
  await page.goto(`${origin}/__test/${name}`);
}
