/**
 * Quote and signature stripping for plain-text replies: what is left is what the sender
 * wrote this time.
 *
 * - A quoted message starts at an attribution line ("On …, X wrote:" and its forms in some
 *   thirty languages, wrapped over up to five lines, or glued to the end of the reply), an
 *   "Original Message" rule, or an Outlook header block (From:/Sent:/To:/Subject: in the
 *   client's language). When unmarked text follows it (Outlook, Gmail without `>`), the rest
 *   of the mail is the quote. When a `>` block follows it, only that block is the quote: text
 *   after it is kept (a reply written below the quote), and when replies alternate with `>`
 *   blocks (interleaved), everything up to the last reply is kept, quotes included, for
 *   context; only the quote after the last reply goes.
 * - Without any such line, a `>` block at the end is the quote.
 * - A signature ("-- "), a mailing-list footer rule or an app footer ("Sent from my iPhone",
 *   "Get Outlook for iOS") ends the reply.
 * - A forwarded message (see `forwardStart` in the protocol) is kept whole, under the note
 *   above it: the inbox shows it collapsed. A forward found inside the quote goes with it.
 *
 * If nothing would be left, the full text is kept. Every test looks at one line or a few,
 * with bounded lengths, so the work is linear in the size of the mail.
 */
import { forwardStart, isRuleLine } from '@support/protocol';
import {
  MAX_MARKER, couldStartAttribution, gluedAttribution, hasEmail, isAttribution, isFooter, isFromField, isHeaderField, isOriginalRule, isSentField, isSignatureRule,
} from './quote-patterns.js';

export { htmlQuoteStart } from './quotes-html.js';

export type Stripped = { text: string; stripped: boolean };

/** Returns the new text of a reply and whether anything was cut. Line endings become \n. */
export function stripQuotes(input: string): Stripped {
  const full = input.replace(/\r\n?/g, '\n').trimEnd();
  const lines = splitGlued(full.split('\n'));
  const kept = keepForward(lines);
  const text = trimLines(kept).join('\n');
  // Nothing cut but blank lines around it: the text as it came (an HTML part is then shown whole).
  if (!text.trim() || text === full.trim()) return { text: full, stripped: false };
  return { text, stripped: true };
}

/** A forward before any quote is kept whole under the (stripped) note above it. */
function keepForward(lines: string[]): string[] {
  const f = forwardStart(lines);
  if (f < 0) return reply(lines);
  const above = lines.slice(0, f);
  const k = kinds(above);
  for (let i = 0; i < above.length; i++) if (k[i] === 't' && splitterSpan(above, k, i) > 0) return reply(lines);
  const note = trimLines(reply(above));
  return note.length ? [...note, '', ...lines.slice(f)] : lines.slice(f);
}

type Kind = 'e' | 'q' | 't';

/** e: blank, q: quoted with `>` (or a wrapped piece of a quoted line), t: text. */
function kinds(lines: readonly string[]): Kind[] {
  const k: Kind[] = lines.map((l) => (!l.trim() ? 'e' : /^\s*>/.test(l) ? 'q' : 't'));
  // A quoted line wrapped by the sender's client leaves its tail unquoted between two quoted lines; so does a long link.
  for (let i = 1; i + 1 < lines.length; i++) {
    if (k[i] !== 't' || k[i - 1] !== 'q' || k[i + 1] !== 'q') continue;
    const t = lines[i]!.trim();
    const linkish = /^[(<]?https?:\/\/\S*\s*>?$/.test(t) || (t.length < 80 && /^\S+[)>]\s*>?$/.test(t));
    if (linkish || lines[i - 1]!.length >= 50) k[i] = 'q';
  }
  return k;
}

/** The reply in `lines` (no forward in them, or one inside the quote). */
function reply(all: string[]): string[] {
  const k0 = kinds(all);
  const sig = k0.findIndex((k, i) => k === 't' && endsReply(all, i));
  const lines = sig < 0 ? all : all.slice(0, sig);
  const k = sig < 0 ? k0 : k0.slice(0, sig);
  const s = firstSplitter(lines, k, 0, lines.length);
  if (!s) return dropTrailingQuote(lines, k);
  let j = s.end;
  while (j < lines.length && k[j] === 'e') j++;
  // Unmarked text (or nothing) after the splitter: the rest is the quote.
  if (j >= lines.length || k[j] !== 'q') return dropTrailingQuote(lines.slice(0, s.start), k);
  let b = j;
  while (b < lines.length && k[b] !== 't') b++;
  const next = firstSplitter(lines, k, b, lines.length);
  const restEnd = next ? next.start : lines.length;
  const rest = k.slice(b, restEnd);
  if (!rest.includes('t')) return dropTrailingQuote(lines.slice(0, s.start), k);
  // Replies between quotes: keep it all up to the last reply.
  if (rest.includes('q')) return dropTrailingQuote(lines.slice(0, restEnd), k);
  // One quote with a reply below it: the reply above and below, without the quote.
  return [...trimLines(dropTrailingQuote(lines.slice(0, s.start), k)), '', ...lines.slice(b, restEnd)];
}

/** A signature delimiter, an app footer, or a mailing-list footer rule (underscores only) ends the reply. */
function endsReply(lines: readonly string[], i: number): boolean {
  const t = lines[i]!.trim();
  return isSignatureRule(t) || isFooter(t) || /^_{2,}$/.test(t);
}

type Span = { start: number; end: number };

function firstSplitter(lines: readonly string[], k: readonly Kind[], from: number, to: number): Span | null {
  for (let i = from; i < to; i++) {
    if (k[i] !== 't') continue;
    const n = splitterSpan(lines, k, i);
    if (n > 0) {
      // Rules and blank lines right above belong to the splitter ("=====", Outlook's "_____").
      let start = i;
      while (start > from && (k[start - 1] === 'e' || isRuleLine(lines[start - 1]!))) start--;
      return { start, end: i + n };
    }
  }
  return null;
}

/** How many lines the splitter starting at line i spans (0: none). */
function splitterSpan(lines: readonly string[], k: readonly Kind[], i: number): number {
  const t = lines[i]!.trim();
  if (t.length > MAX_MARKER) return 0;
  if (isOriginalRule(t)) return 1;
  const header = headerBlock(lines, i);
  if (header) return header;
  // The first line of an attribution is not a sentence of its own.
  if (!couldStartAttribution(t) || /[.!?]$/.test(t)) return 0;
  // Attribution lines wrapped over up to five lines (one blank line between them happens too).
  let joined = '';
  let blanks = 0;
  for (let j = i, used = 0; j < lines.length && used < 5; j++) {
    if (k[j] === 'e') {
      if (++blanks > 1) break;
      continue;
    }
    if (used > 0 && k[j] === 'q' && !/^\s*>\s*(?:wrote|:)/i.test(lines[j]!)) break;
    joined = used ? `${joined} ${lines[j]!.trim()}` : t;
    used++;
    if (joined.length > MAX_MARKER) break;
    if (/[:：>\-\p{L}]$/u.test(joined) && isAttribution(joined, nextIsQuote(lines, k, j + 1)))
      // "<addr>" then "> wrote:" on the next line (Polymail): the "> wrote:" belongs to it.
      return j - i + (j + 1 < lines.length && /^\s*>\s*\p{L}*\s*:\s*$/u.test(lines[j + 1]!) ? 2 : 1);
  }
  return 0;
}

function nextIsQuote(lines: readonly string[], k: readonly Kind[], from: number): boolean {
  let j = from;
  while (j < lines.length && k[j] === 'e') j++;
  return k[j] === 'q';
}

/**
 * Lines of an Outlook-style header block starting at line i: at least two header fields
 * before the next blank line, the first of them not To or Cc, with an address in the block
 * or both From and Sent (so "Date: 12 May / From: Berlin / To: Paris" in a booking request is
 * no header block).
 */
function headerBlock(lines: readonly string[], i: number): number {
  const first = lines[i]!.trim();
  if (!isField(lines, i) || /^\*?(?:to|cc|an|aan|à|a|para|til|till|do|кому|komu)\s?\*?\s?:/iu.test(first)) return 0;
  let fields = 1;
  let end = i + 1;
  let address = hasEmail(first);
  let from = isFromField(first);
  let sent = isSentField(first);
  for (let j = i + 1; j < Math.min(lines.length, i + 10); j++) {
    const t = lines[j]!.trim();
    if (!t) break;
    if (isField(lines, j)) {
      if (isFromField(t)) {
        if (from) break;
        from = true;
      }
      sent ||= isSentField(t);
      fields++;
      end = j + 1;
    }
    address ||= t.length <= MAX_MARKER && hasEmail(t);
  }
  return fields >= 2 && (address || (from && sent)) ? end - i : 0;
}

/** Whether line i is a header field, remembered per array (a block is looked at from each of its lines). */
const fieldMemo = new WeakMap<readonly string[], Int8Array>();
function isField(lines: readonly string[], i: number): boolean {
  let memo = fieldMemo.get(lines);
  if (!memo) fieldMemo.set(lines, (memo = new Int8Array(lines.length)));
  if (!memo[i]) memo[i] = isHeaderField(lines[i]!.trim().replace(/^\*\s*/, '')) ? 1 : 2;
  return memo[i] === 1;
}

/** Without a splitter, a `>` block after the last line of text is the quote. */
function dropTrailingQuote(lines: string[], k: readonly Kind[]): string[] {
  let last = lines.length - 1;
  while (last >= 0 && k[last] !== 't') last--;
  return last >= 0 ? lines.slice(0, last + 1) : lines.slice(0, 0);
}

/** "reply text On <date>, X wrote:" on one line becomes two lines. */
function splitGlued(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const at = /^\s*>/.test(l) ? -1 : gluedAttribution(l);
    if (at > 0) out.push(l.slice(0, at).trimEnd().replace(/-{1,20}$/, '').trimEnd(), l.slice(at));
    else out.push(l);
  }
  return out;
}

/** Without blank lines (or trailing spaces) at either end. */
function trimLines(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && !lines[a]!.trim()) a++;
  while (b > a && !lines[b - 1]!.trim()) b--;
  const out = lines.slice(a, b);
  if (out.length) out[out.length - 1] = out[out.length - 1]!.trimEnd();
  return out;
}
