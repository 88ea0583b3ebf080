// Prints the sizes of the built inbox (gzip): the first load — index.html, its entry script and
// everything that script imports statically — against its 150 KB budget, and each chunk loaded
// later (the settings and their pages). Fails over the budget, or when zod (which the settings
// forms use) reaches the first load.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET = 150 * 1024;
const dist = new URL('./dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** The files a chunk brings with it: its own, its CSS, and what it imports statically. */
function closure(key, seen = new Set()) {
  const c = manifest[key];
  if (!c || seen.has(c.file)) return seen;
  seen.add(c.file);
  for (const css of c.css ?? []) seen.add(css);
  for (const i of c.imports ?? []) closure(i, seen);
  return seen;
}

const first = closure('index.html');
let total = gz('index.html');
for (const f of first) total += gz(f);
console.log(`inbox first load: ${kb(total)} gzip (${first.size + 1} files; budget 150 KB)`);
for (const [key, c] of Object.entries(manifest)) {
  if (!c.isDynamicEntry) continue;
  const later = [...closure(key)].filter((f) => !first.has(f));
  console.log(`  loaded later, ${key}: ${kb(later.reduce((n, f) => n + gz(f), 0))} gzip`);
}
if ([...first].some((f) => f.endsWith('.js') && readFileSync(join(dist, f), 'utf8').includes('._zod'))) {
  console.error('zod is in the inbox first load: import protocol schemas only from the settings chunk');
  process.exit(1);
}
if (total > BUDGET) {
  console.error('inbox first load is over its 150 KB gzip budget');
  process.exit(1);
}
