/**
 * Bounce and machine-mail recognition over a public corpus:
 * `npx tsx bench/bounces.ts <folder>... [--labels <go-sisimai>/fact] [--verbose]`.
 *
 * Reads every file of the folders as one raw mail (e.g. sisimai/set-of-emails maildir/bsd,
 * and maildir/not for mails that are no bounce), runs our parser and classifier on it (the
 * same code the webhook runs, no database) and prints:
 * - recognition: real bounces (failures and delays) taken for a delivery report;
 * - matching: of those whose original Message-ID is anywhere in the mail (found by a loose
 *   scan of the raw bytes and of every decoded part, independent of our extractor), the share
 *   whose original id we extract (or that thread by In-Reply-To/References);
 * - misclassification: delay, success and vacation notices that would mark a mail failed,
 *   and machine reports (vacations, feedback reports, receipts, bounces) that would become a
 *   customer message or reopen a ticket.
 * The truth for each mail comes from sisimai's own expectations (go-sisimai's fact/*_test.go
 * tables: reason vacation, feedback, delivered, or a failure), with `Action: delayed` (and
 * no `Action: failed`) in the raw mail marking a delay notice. Files in a folder named `not`
 * are not bounces. Without --labels every other file counts as a failure bounce.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import PostalMime from 'postal-mime';
import { MalformedMail, parseMime, type InboundMail } from '../server/src/email/mime.js';

type Truth = 'failed' | 'delayed' | 'delivered' | 'vacation' | 'feedback' | 'not-a-bounce';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const labelsAt = args.indexOf('--labels');
const labelsDir = labelsAt >= 0 ? args[labelsAt + 1] : undefined;
const folders = args.filter((a, i) => !a.startsWith('--') && (labelsAt < 0 || i !== labelsAt + 1));
if (!folders.length) {
  process.stderr.write('usage: npx tsx bench/bounces.ts <folder>... [--labels <go-sisimai>/fact] [--verbose]\n');
  process.exit(2);
}

/** corpus file name (e.g. lhost-exim-01.eml) → sisimai reasons of its recipients. */
function readLabels(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of readdirSync(dir)) {
    const m = /^\d+-(.+)_test\.go$/.exec(f);
    if (!m) continue;
    const src = readFileSync(join(dir, f), 'utf8');
    const start = src.indexOf('publiclist');
    const end = src.indexOf('EngineTest(', start);
    if (start < 0 || end < 0) continue;
    for (const row of src.slice(start, end).matchAll(/\{"(\d+)",\s*\d+,\s*"[^"]*",\s*"[^"]*",\s*"([a-z]+)"/g)) {
      const name = `${m[1]}-${row[1]}.eml`;
      out.set(name, [...(out.get(name) ?? []), row[2]!]);
    }
  }
  return out;
}

function truthOf(file: string, folder: string, raw: string, labels: Map<string, string[]> | null): Truth {
  if (basename(folder) === 'not') return 'not-a-bounce';
  const name = basename(file);
  const reasons = labels?.get(name) ?? [];
  const subject = /^subject:[ \t]*(.*)$/im.exec(raw)?.[1] ?? '';
  // A person forwarding a bounce writes a customer message (sisimai reads the bounce inside).
  if (/^\s*fwd?:/i.test(subject)) return 'not-a-bounce';
  if (reasons.includes('vacation') || (!reasons.length && name.startsWith('rfc3834-'))) return 'vacation';
  if (reasons.includes('feedback') || (!reasons.length && name.startsWith('arf-'))) return 'feedback';
  if (reasons.length && reasons.every((r) => r === 'delivered')) return 'delivered';
  // sisimai gives delay warnings the failure reason they warn of: a DSN with only
  // `Action: delayed`, or a delay subject, is a delay notice here.
  if (/^\s*action\s*:\s*delayed/im.test(raw) && !/^\s*action\s*:\s*failed/im.test(raw)) return 'delayed';
  if (/\bdelay(ed)?\b|\(delay\)/i.test(subject) && !/fail|undeliver|returned/i.test(subject)) return 'delayed';
  return 'failed';
}

/** Every id written after a "Message-ID" anywhere in the mail, raw or decoded; the mail's own id left out. */
async function oracleIds(raw: Buffer): Promise<string[]> {
  const email = await PostalMime.parse(raw, { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer' }).catch(() => null);
  const texts = [raw.toString('latin1').split(/\r?\n\r?\n/).slice(1).join('\n\n'), email?.text ?? '', email?.html ?? ''];
  for (const a of email?.attachments ?? []) texts.push(Buffer.from(a.content as ArrayBuffer).toString('utf8'));
  const own = /<([^<>\s]+)>/.exec(email?.messageId ?? '')?.[1];
  const ids = new Set<string>();
  for (const t of texts)
    for (const m of t.matchAll(/message-id\s*[:=]?\s*(?:<[^>]*>\s*)?(?:&lt;|<)([^<>\s&]+@[^<>\s&]+?)(?:&gt;|>)/gi)) if (m[1] !== own) ids.add(m[1]!);
  return [...ids];
}

const labels = labelsDir ? readLabels(labelsDir) : null;
const rows: Array<{ file: string; truth: Truth; mail: InboundMail | null; error: string | null; oracle: string[] }> = [];
for (const folder of folders) {
  for (const f of readdirSync(folder).sort()) {
    const path = join(folder, f);
    if (!statSync(path).isFile()) continue;
    const raw = readFileSync(path);
    let mail: InboundMail | null = null;
    let error: string | null = null;
    try {
      mail = await parseMime(raw);
    } catch (err) {
      if (!(err instanceof MalformedMail)) throw err;
      error = err.message;
    }
    rows.push({ file: path, truth: truthOf(f, folder, raw.toString('latin1'), labels), mail, error, oracle: await oracleIds(raw) });
  }
}

const pctOf = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '–');
const line = (label: string, n: number, d: number, misses: typeof rows) => {
  process.stdout.write(`${label.padEnd(58)} ${String(n).padStart(4)} / ${String(d).padEnd(4)} ${pctOf(n, d).padStart(8)}\n`);
  if (verbose) for (const r of misses.slice(0, 40)) process.stdout.write(`    miss: ${r.file}${r.error ? ` (${r.error})` : ''} → ${describe(r.mail)}\n`);
};
const describe = (m: InboundMail | null) => (!m ? 'dead letter' : m.kind.report ? `${m.kind.report.type}${m.kind.report.type === 'bounce' ? `/${m.kind.report.outcome}` : ''}` : m.kind.auto ? 'auto' : 'customer');
const of = (...t: Truth[]) => rows.filter((r) => t.includes(r.truth));
const split = (list: typeof rows, ok: (r: (typeof rows)[number]) => boolean) => [list.filter(ok), list.filter((r) => !ok(r))] as const;

const bounces = of('failed', 'delayed');
const [recognised, unrecognised] = split(bounces, (r) => r.mail?.kind.report?.type === 'bounce');
const withId = recognised.filter((r) => r.oracle.length);
const [matched, unmatched] = split(withId, (r) => {
  const m = r.mail!;
  const ours = new Set([...m.kind.originalIds, ...(m.inReplyTo ? [m.inReplyTo] : []), ...m.references]);
  return r.oracle.some((id) => ours.has(id));
});
const [failedAsFailed, failedOther] = split(of('failed'), (r) => r.mail?.kind.report?.type === 'bounce' && r.mail.kind.report.outcome === 'failed');
const neverFailed = (r: (typeof rows)[number]) => !(r.mail?.kind.report?.type === 'bounce' && r.mail.kind.report.outcome === 'failed');
const [delayOk, delayBad] = split(of('delayed'), neverFailed);
const [successOk, successBad] = split(of('delivered'), neverFailed);
const [vacationOk, vacationBad] = split(of('vacation'), (r) => neverFailed(r) && Boolean(r.mail?.kind.auto));
const machine = of('failed', 'delayed', 'delivered', 'vacation', 'feedback');
const [machineOk, machineBad] = split(machine, (r) => !r.mail || Boolean(r.mail.kind.report) || r.mail.kind.auto);
const [feedbackOk, feedbackBad] = split(of('feedback'), (r) => r.mail?.kind.report?.type === 'feedback');
const [humanOk, humanBad] = split(of('not-a-bounce'), (r) => r.mail?.kind.report?.type !== 'bounce');
const deadLetters = rows.filter((r) => !r.mail && r.truth !== 'not-a-bounce');

process.stdout.write(`corpus: ${folders.join(', ')} (${rows.length} mails${labels ? `, ${labels.size} labelled by sisimai` : ''})\n`);
process.stdout.write(`truth: ${(['failed', 'delayed', 'delivered', 'vacation', 'feedback', 'not-a-bounce'] as Truth[]).map((t) => `${t} ${of(t).length}`).join(', ')}\n\n`);
line('bounces recognised as delivery reports', recognised.length, bounces.length, unrecognised);
line('  failures read as failed', failedAsFailed.length, of('failed').length, failedOther);
line('recognised bounces with the original id somewhere: matched', matched.length, withId.length, unmatched);
line('delay notices never marking a mail failed', delayOk.length, of('delayed').length, delayBad);
line('success notices never marking a mail failed', successOk.length, of('delivered').length, successBad);
line('vacation replies: automatic, never failed', vacationOk.length, of('vacation').length, vacationBad);
line('feedback (ARF) reports recognised', feedbackOk.length, of('feedback').length, feedbackBad);
line('machine mail never a customer message (report or auto)', machineOk.length, machine.length, machineBad);
line('non-bounces not taken for a bounce', humanOk.length, of('not-a-bounce').length, humanBad);
line('machine mail dead-lettered before classification', deadLetters.length, machine.length, deadLetters);
