/**
 * Quote stripping against the public suites of four reply parsers:
 * `npx tsx bench/quotes.ts <mirror git dir>… [--failures] [--only ours|planer|…]`
 * (see docs/benchmarks.md for fetching the mirrors: talon, GitHub's email_reply_parser,
 * crisp's and zapier's email-reply-parser; the bench finds which is which).
 *
 * Each suite's cases are what it asserts on (bench/lib/quote-suites.ts): talon's
 * `eq_(expected, extract_from_plain(body))` calls and standard replies; for the others, the
 * fixtures their tests check, with the visible text their assertions imply (the fragments
 * not hidden, the first fragment, or parse_reply's result).
 *
 * Scoring: a case passes when the output keeps every non-blank line of the expected reply,
 * in order, and has no other line, except lines the case marks optional (a signature or app
 * footer the suite hides as a signature rather than as a quote, or a part the suite does not
 * assert on). Lines are compared trimmed and blank lines are ignored. So a pass means: the
 * reply kept whole, no quote leaked.
 *
 * Compared, where on npm: ours (`stripQuotes`), planer (talon's port), email-reply-parser
 * (crisp), emailreplyparser (a port of GitHub's) and node-email-reply-parser (a port of
 * willdurand's PHP port of GitHub's). zapier's is Python only. Then the time each takes on
 * all cases, and ours on pathological 1 MB inputs.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { stripQuotes } from '../server/src/email/quotes.js';
import { loadSuite, type Case } from './lib/quote-suites.js';

const require = createRequire(import.meta.url);
const planer = require('planer') as { extractFrom: (t: string, type: string) => string };
const Crisp = (require('email-reply-parser') as { default: new () => { read: (t: string) => { getVisibleText: () => string } } }).default;
const github = (require('emailreplyparser') as { EmailReplyParser: { parse_reply: (t: string) => string } }).EmailReplyParser;
const willdurand = require('node-email-reply-parser') as (t: string) => { getVisibleText: () => string };

const STRIPPERS: Record<string, (t: string) => string> = {
  ours: (t) => stripQuotes(t).text,
  planer: (t) => planer.extractFrom(t, 'text/plain'),
  'email-reply-parser': (t) => new Crisp().read(t).getVisibleText(),
  emailreplyparser: (t) => github.parse_reply(t),
  'node-email-reply-parser': (t) => willdurand(t).getVisibleText(),
};

const lines = (s: string) => s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

/** Why the output fails the case, or null when it passes. */
export function verdict(c: Case, output: string): string | null {
  const optional = new Set(c.optional.flatMap(lines));
  const want = lines(c.reply).filter((l) => !optional.has(l));
  let j = 0;
  for (const l of lines(output)) {
    if (j < want.length && l === want[j]) j++;
    else if (!optional.has(l)) return `leaked: ${l.slice(0, 100)}`;
  }
  return j < want.length ? `lost: ${want[j]!.slice(0, 100)}` : null;
}

const args = process.argv.slice(2);
const showFailures = args.includes('--failures');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]! : null;
const dirs = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--only');
if (!dirs.length) {
  console.error('usage: npx tsx bench/quotes.ts <mirror git dir>… [--failures] [--only <stripper>]');
  process.exit(2);
}
const suites: Case[][] = [];
for (const d of dirs) {
  const cases = await loadSuite(d);
  if (!cases) console.error(`${d}: not one of the four suites, skipped`);
  else suites.push(cases);
}
const names = Object.keys(STRIPPERS).filter((n) => !only || n === only);
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
const all = suites.flat();
const passed: Record<string, Record<string, number>> = {};
const time: Record<string, number> = {};
for (const n of names) {
  const fn = STRIPPERS[n]!;
  passed[n] = {};
  const t0 = performance.now();
  for (const c of all) {
    let out: string;
    try {
      out = fn(c.input);
    } catch (e) {
      out = `(threw ${(e as Error).message})`;
    }
    const why = verdict(c, out);
    if (!why) passed[n]![c.suite] = (passed[n]![c.suite] ?? 0) + 1;
    else if (showFailures) console.log(`${n} ✗ ${c.suite} / ${c.name}: ${why}`);
  }
  time[n] = performance.now() - t0;
}

console.log(`\n| suite | cases | ${names.join(' | ')} |`);
console.log(`| --- | ---: | ${names.map(() => '---:').join(' | ')} |`);
for (const cases of suites) {
  const s = cases[0]!.suite;
  console.log(`| ${s} | ${cases.length} | ${names.map((n) => `${passed[n]![s] ?? 0} (${pct(passed[n]![s] ?? 0, cases.length)})`).join(' | ')} |`);
}
const total = (n: string) => Object.values(passed[n]!).reduce((a, b) => a + b, 0);
console.log(`| **all** | ${all.length} | ${names.map((n) => `**${total(n)} (${pct(total(n), all.length)})**`).join(' | ')} |`);
console.log(`| time for all cases, ms | | ${names.map((n) => time[n]!.toFixed(0)).join(' | ')} |`);

// Pathological inputs, 1 MB each: ours must stay linear.
const MB = 1 << 20;
const patho: Record<string, string> = {
  'one 1 MB line': 'a'.repeat(MB),
  'spaces then a letter': ' '.repeat(MB) + 'x',
  '"On 1 wrote" lines': 'On 1 Jan 2024 someone wrote\n'.repeat(MB / 28),
  '"From:" lines': 'From: a@b.c\n'.repeat(MB / 12),
  '"> " quote lines': '> quoted text\n'.repeat(MB / 14),
  'digits and colons': '12:34 <a@b.c> 2024 '.repeat(MB / 19),
  'rules of dashes': '-'.repeat(MB),
  'wrote: without breaks': 'wrote: '.repeat(MB / 7),
};
console.log('\n| pathological input (1 MB) | ours, ms |\n| --- | ---: |');
for (const [name, input] of Object.entries(patho)) {
  const t0 = performance.now();
  stripQuotes(input);
  console.log(`| ${name} | ${(performance.now() - t0).toFixed(0)} |`);
}
