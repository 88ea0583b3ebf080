// Builds the widget into dist/: the lazy chunk (Lit + socket.io-client + panel, ES module,
// content-hashed under dist/widget/), the loader (dist/widget.js, a classic script that
// knows the chunk's name) and the settings preview (dist/preview.html and its module), then
// prints both gzip -9 budgets of what visitors load and fails when one is over.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transformWithEsbuild } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const dist = join(root, 'dist');
const LOADER_BUDGET = 5 * 1024;
const TOTAL_BUDGET = 30 * 1024;

const common = {
  root,
  configFile: false,
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': '"production"' },
  esbuild: { legalComments: 'none' },
};

// The widget asks socket.io for websocket and polling only (chat/transport.ts): leave
// engine.io's WebTransport out of the chunk (about 0.4 KB gzip).
const noWebTransport = {
  name: 'no-webtransport',
  transform(code, id) {
    if (!/engine\.io-client\/build\/esm\/transports\/index\.js$/.test(id)) return null;
    const out = code.replace(/^.*\bWT\b.*\n/gm, '');
    if (out === code || /webtransport\.js/.test(out)) throw new Error('engine.io-client transports changed: check the no-webtransport step');
    return out;
  },
};

// Lit's css`` templates reach the bundle as written (esbuild does not minify template text):
// drop their comments and the whitespace CSS does not need (about 0.2 KB gzip). Spaces inside
// values (`calc(a - b)`, `1px solid`) and before a selector's `:` (descendant) are kept.
const minifyCss = {
  name: 'minify-css-templates',
  transform(code, id) {
    if (!/\/widget\/src\/.*\.ts$/.test(id) || !code.includes('css`')) return null;
    return code.replace(/\bcss`([^`]*)`/g, (_, text) => {
      if (text.includes('${')) throw new Error(`${id}: an interpolated css template; check the minify-css-templates step`);
      const out = text
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\s+/g, ' ')
        .replace(/\s*([{};,>])\s*/g, '$1')
        .replace(/:\s+/g, ':')
        .replace(/;}/g, '}')
        .trim();
      return `css\`${out}\``;
    });
  },
};

/**
 * Builds `entry` as one ES module under dist/widget/, minified fully (Vite keeps whitespace in
 * ES library output) and named by its content: `<name>-<hash>.js`. Returns that file name.
 */
async function esModule(entry, name, plugins = []) {
  await build({
    ...common,
    plugins,
    build: {
      outDir: join(dist, 'widget'),
      emptyOutDir: false,
      target: 'es2022',
      minify: 'esbuild',
      lib: { entry: join(root, entry), formats: ['es'], fileName: () => `${name}.js` },
    },
  });
  const raw = join(dist, 'widget', `${name}.js`);
  const { code } = await transformWithEsbuild(readFileSync(raw, 'utf8'), `${name}.js`, { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' });
  unlinkSync(raw);
  const file = `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 10)}.js`;
  writeFileSync(join(dist, 'widget', file), code);
  return file;
}

rmSync(dist, { recursive: true, force: true });
const chunkName = await esModule('src/panel.ts', 'panel', [noWebTransport, minifyCss]);

await build({
  ...common,
  define: { ...common.define, __PANEL_PATH__: JSON.stringify(`widget/${chunkName}`) },
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: 'es2022',
    minify: 'esbuild',
    lib: { entry: join(root, 'src/loader/loader.ts'), formats: ['iife'], name: 'SupportWidgetLoader', fileName: () => 'widget.js' },
  },
});

// The settings preview (GET /widget/preview): the same panel and launcher fed by the inbox's
// Inboxes settings. Visitors never load it, so it is outside the budgets.
const previewName = await esModule('src/preview/preview.ts', 'preview', [minifyCss]);
writeFileSync(
  join(dist, 'preview.html'),
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Widget preview</title></head><body><script type="module" src="${previewName}"></script></body></html>\n`,
);

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const loader = gz(join(dist, 'widget.js'));
const chunks = readdirSync(join(dist, 'widget')).filter((f) => f.endsWith('.js') && !f.startsWith('preview-'));
const total = loader + chunks.reduce((sum, f) => sum + gz(join(dist, 'widget', f)), 0);
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(`widget budgets (gzip -9): loader ${kb(loader)} / ${kb(LOADER_BUDGET)}, loader + lazy chunk ${kb(total)} / ${kb(TOTAL_BUDGET)}`);
if (loader > LOADER_BUDGET || total > TOTAL_BUDGET) {
  console.error('widget build is over its size budget');
  process.exit(1);
}
