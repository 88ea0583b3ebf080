/**
 * Where a run's latency tail falls in time: `npx tsx bench/tail.ts <timeline> [gc-prefix]`.
 * Reads a BENCH_TIMELINE file and, optionally, the BENCH_GC_LOG files of the same run, and
 * prints the 100 ms windows holding messages at or above the run's p99, with the collections
 * (of any process) that paused for more than 5 ms within 200 ms before or during each window.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const [timeline, gcPrefix] = process.argv.slice(2);
if (!timeline) throw new Error('usage: npx tsx bench/tail.ts <timeline file> [gc log prefix]');
const [head, ...lines] = readFileSync(timeline, 'utf8').trim().split('\n');
const t0 = Number(/^# t0 ([\d.]+)/.exec(head ?? '')?.[1]);
if (!Number.isFinite(t0)) throw new Error(`${timeline}: no "# t0" line; is it a BENCH_TIMELINE file?`);
const rows = lines.map((l) => l.split(' ').map(Number) as [number, number, number]).filter((r) => Number.isFinite(r[1]));
const sortedLat = rows.map((r) => r[1]).sort((a, b) => a - b);
const p99 = sortedLat[Math.min(sortedLat.length - 1, Math.floor(sortedLat.length * 0.99))]!;

type Pause = { proc: string; at: number; kind: string; ms: number };
const pauses: Pause[] = [];
if (gcPrefix) {
  const dir = dirname(gcPrefix);
  for (const f of readdirSync(dir).filter((f) => f.startsWith(basename(gcPrefix) + '.'))) {
    for (const l of readFileSync(join(dir, f), 'utf8').trim().split('\n')) {
      const [at, kind, ms] = l.split(' ');
      if (Number(ms) > 5) pauses.push({ proc: f.slice(basename(gcPrefix).length + 1), at: Number(at) - t0, kind: kind!, ms: Number(ms) });
    }
  }
}

const windows = new Map<number, { n: number; max: number }>();
for (const [sent, lat] of rows) {
  if (lat < p99) continue;
  const w = Math.floor(sent / 100) * 100;
  const e = windows.get(w) ?? { n: 0, max: 0 };
  e.n++;
  e.max = Math.max(e.max, lat);
  windows.set(w, e);
}
console.log(`${rows.length} messages, p99 ${p99.toFixed(1)} ms; ${[...windows.values()].reduce((a, b) => a + b.n, 0)} at or above it, in ${windows.size} windows of 100 ms:`);
for (const [w, e] of [...windows].sort((a, b) => a[0] - b[0])) {
  const near = pauses.filter((p) => p.at >= w - 200 && p.at < w + 100).map((p) => `${p.proc} ${p.kind} ${p.ms.toFixed(1)} ms @${Math.round(p.at)}`);
  console.log(`  ${String(w).padStart(6)} ms: ${String(e.n).padStart(3)} messages, max ${e.max.toFixed(1)} ms${near.length ? `; GC: ${near.join(', ')}` : ''}`);
}
