/**
 * A reproduction, in plain JavaScript, of the young-generation promotion behind the server's
 * scavenge pauses (docs/benchmarks.md, "Where the one-node tail comes from now").
 *
 * 100 jobs at a time, 200,000 in all; each awaits a promise that a 1 ms timer resolves in
 * batches, the way a database driver resolves queries from socket data. The promise is made
 * one of four ways (`--shape`):
 *   native     a plain Promise
 *   raw        a Promise subclass keeping its raw resolve/reject functions as properties
 *   closures   a Promise subclass keeping arrow functions that call them, as postgres.js's
 *              Query does (`this.resolve = x => (this.active = false, resolve(x))`)
 *   deferred   a plain object keeping such arrow functions next to a plain Promise
 * Run it several times per shape: `closures` is bimodal.
 *
 *   node --trace-gc-nvp --max-semi-space-size=64 bench/gc-promise-closures.mjs --shape closures \
 *     | node bench/gc-promise-closures.mjs --sum
 */
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
if (args[0] === '--sum') {
  // Sums V8's --trace-gc-nvp scavenge lines from stdin.
  let n = 0, pause = 0, promoted = 0, label = '';
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.startsWith('shape ')) label = line;
    const m = / pause=([\d.]+) .* gc=s .* promoted=(\d+) /.exec(line);
    if (m) { n++; pause += Number(m[1]); promoted += Number(m[2]); }
  }
  console.log(`${label}: ${n} scavenges, ${pause.toFixed(0)} ms paused, ${(promoted / 1e6).toFixed(1)} MB promoted`);
  process.exit(0);
}
const shape = args[0] === '--shape' ? args[1] : 'closures';
const shapes = {
  native: () => { let r; const p = new Promise((a) => (r = a)); return { p, done: r }; },
  raw: () => { const p = new Raw(); return { p, done: (x) => p.resolve(x) }; },
  closures: () => { const p = new WithClosures(); return { p, done: (x) => p.resolve(x) }; },
  deferred: () => { const d = new Deferred(); return { p: d.promise, done: (x) => d.resolve(x) }; },
};
class Raw extends Promise {
  constructor() { let resolve, reject; super((a, b) => { resolve = a; reject = b; }); this.resolve = resolve; this.reject = reject; }
  static get [Symbol.species]() { return Promise; }
}
class WithClosures extends Promise {
  constructor() {
    let resolve, reject;
    super((a, b) => { resolve = a; reject = b; });
    this.resolve = (x) => ((this.active = false), resolve(x));
    this.reject = (x) => ((this.active = false), reject(x));
  }
  static get [Symbol.species]() { return Promise; }
}
class Deferred {
  constructor() { this.promise = new Promise((a, b) => { this.resolve = (x) => a(x); this.reject = (e) => b(e); }); }
}
if (!shapes[shape]) throw new Error(`--shape: one of ${Object.keys(shapes).join(', ')}`);

const N = 200_000, CONCURRENCY = 100;
const waiting = [];
const timer = setInterval(() => { for (const done of waiting.splice(0)) done(Array.from({ length: 5 }, (_, i) => ({ i, s: 'y'.repeat(50) }))); }, 1);
async function job() { const { p, done } = shapes[shape](); queueMicrotask(() => waiting.push(done)); return await p; }
let started = 0, finished = 0;
const t0 = performance.now();
await new Promise((resolve) => {
  const next = () => {
    if (started >= N) return;
    started++;
    job().then(() => (++finished === N ? resolve() : setImmediate(next)));
  };
  for (let k = 0; k < CONCURRENCY; k++) next();
});
clearInterval(timer);
console.log(`shape ${shape}, ${N} jobs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
