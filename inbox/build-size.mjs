// Prints the first-load size of the built inbox (index.html and every file it loads), gzip.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET = 150 * 1024;
const dist = new URL('./dist/', import.meta.url).pathname;
const files = ['index.html', ...readdirSync(join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f)).map((f) => `assets/${f}`)];
let total = 0;
for (const f of files) total += gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
const kb = (total / 1024).toFixed(1);
console.log(`inbox first load: ${kb} KB gzip (${files.length} files; budget 150 KB)`);
if (total > BUDGET) {
  console.error('inbox first load is over its 150 KB gzip budget');
  process.exit(1);
}
