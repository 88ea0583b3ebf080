/**
 * Where the quoted part of an HTML reply starts, from the markers mail clients write (Gmail,
 * Apple Mail and iOS, Thunderbird, Outlook desktop and web, Yahoo, Zimbra, Proton). Tags are
 * read with a pattern that never runs past the next `<`, so a hostile or truncated message
 * costs time linear in its length.
 */
import { forwardStart } from '@support/protocol';
import { isAttribution } from './quote-patterns.js';

/** An opening tag of the kinds that carry a quote marker, with its attributes (bounded). */
const TAG = /<(div|blockquote|hr|p)\b([^<>]{0,2000})>/gi;

const QUOTE_CLASSES = new Set(['gmail_quote', 'moz-cite-prefix', 'yahoo_quoted', 'protonmail_quote']);
/** The class names of a tag's attributes (the first class attribute). */
function classes(attrs: string): string[] {
  const m = /\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '').split(/\s+/) : [];
}

/** Whether the tag (name, attributes) marks the start of a quote on its own. */
function isMarker(name: string, attrs: string, html: string, end: number): boolean {
  switch (name.toLowerCase()) {
    case 'div':
      if (classes(attrs).some((c) => QUOTE_CLASSES.has(c))) return true;
      if (/\bid\s*=\s*["']?(?:divRplyFwdMsg|appendonsend)/i.test(attrs)) return true;
      // Outlook desktop: the header block sits in a div with a thin top border, then MsoNormal paragraphs.
      return /border-top:\s*solid\s*#[0-9a-f]{6}\s*1(?:\.0)?pt/i.test(attrs) && /^\s*<p\b[^<>]*class\s*=\s*["']?MsoNormal/i.test(html.slice(end, end + 500));
    case 'blockquote':
      return /\btype\s*=\s*["']?cite\b/i.test(attrs);
    case 'hr':
      return /\bid\s*=\s*["']?(?:stopSpelling|zwchr)\b/i.test(attrs);
    default:
      return false;
  }
}

/**
 * Markers where mail clients start the quoted part of an HTML reply. Returns the index of
 * the first, or -1. Apple Mail writes the "On …, X wrote:" line in a `<div>` just above its
 * `<blockquote type="cite">`: the quote then starts at that line (and the wrappers around
 * it). A plain `<blockquote>` counts only with such a line above it. A marker whose content
 * starts with a forwarded message is not a quote: -1, the forward stays. So is a blockquote
 * with text after it (a reply below or between quotes): -1, and the caller shows the
 * stripped text, which keeps those replies.
 */
export function htmlQuoteStart(html: string): number {
  let plain = 0;
  for (const m of html.matchAll(TAG)) {
    const p = m.index;
    const name = m[1]!.toLowerCase();
    const end = p + m[0].length;
    const marker = isMarker(name, m[2]!, html, end);
    // A plain blockquote is looked at only with an attribution above it; a few are enough to find one.
    if (!marker && (name !== 'blockquote' || ++plain > MAX_PLAIN_BLOCKQUOTES)) continue;
    const above = name === 'blockquote' ? attributionAbove(html, p) : -1;
    if (!marker && above < 0) continue;
    if (forwardInside(html, end)) return -1;
    // Thunderbird and Apple users also write below the quote, or between quotes: then the text part, which keeps those replies, is shown.
    if ((name === 'blockquote' || classes(m[2]!).includes('moz-cite-prefix')) && textAfterBlockquote(html, p)) return -1;
    return withWrappers(html, above >= 0 ? above : p);
  }
  return -1;
}

/** Whether text follows the first blockquote at or after `from`, outside any blockquote (nested ones counted). */
function textAfterBlockquote(html: string, from: number): boolean {
  const re = /<(\/?)blockquote\b[^<>]*>/gi;
  re.lastIndex = from;
  let depth = 0;
  let outside = -1;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (depth === 0 && outside >= 0 && flat(html.slice(outside, m.index))) return true;
    depth = Math.max(0, depth + (m[1] ? -1 : 1));
    outside = depth === 0 ? re.lastIndex : -1;
  }
  return outside >= 0 && !!flat(html.slice(outside));
}

/** Widens a cut over the `<div>`s opened right above it that hold nothing before it but line breaks (Apple, iOS). */
function withWrappers(html: string, at: number): number {
  for (let i = 0; i < 5; i++) {
    const from = Math.max(0, at - 300);
    const m = /<div\b[^<>]*>(?:\s|<br\b[^<>]*>)*$/i.exec(html.slice(from, at));
    if (!m) break;
    at = from + m.index;
  }
  return at;
}

const MAX_PLAIN_BLOCKQUOTES = 20;

const BLOCK = /<\/?(?:div|p|br|blockquote|hr|tr|li|h[1-6]|table)\b[^<>]*>/gi;
const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** The text of an HTML fragment, a line per block (entities decoded). */
function textLines(fragment: string): string[] {
  return fragment
    .replace(BLOCK, '\n')
    .replace(/<[^<>]*>/g, '')
    .replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, (all, e: string) => {
      if (ENTITY[e.toLowerCase()]) return ENTITY[e.toLowerCase()]!;
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : e[0] === '#' ? Number(e.slice(1)) : NaN;
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    })
    .split('\n');
}

const flat = (fragment: string) => textLines(fragment).join(' ').replace(/\s+/g, ' ').trim();

/** Whether the quoted part starting at `from` opens with a forwarded message (looked for in its first lines). */
function forwardInside(html: string, from: number): boolean {
  const lines = textLines(html.slice(from, from + 4000));
  const f = forwardStart(lines);
  return f >= 0 && lines.slice(0, f).every((l) => !l.trim() || /^[-_=*\s]+$/.test(l));
}

/**
 * The start of an attribution line right above a blockquote at `at` (Apple Mail, some
 * webmails), widened to the wrappers that hold nothing else; -1 if there is none.
 */
function attributionAbove(html: string, at: number): number {
  const from = Math.max(0, at - 1500);
  const window = html.slice(from, at);
  const opens = [...window.matchAll(/<(?!\/)[a-z][^<>]*>/gi)].map((m) => m.index);
  let best = -1;
  let attribution = '';
  let text = '';
  // From the blockquote upwards, one opening tag at a time; the text grows only where a piece has some.
  for (let i = opens.length - 1; i >= 0 && i >= opens.length - 40; i--) {
    const piece = flat(window.slice(opens[i], i + 1 < opens.length ? opens[i + 1] : undefined));
    if (piece) text = `${piece} ${text}`.trim();
    if (best < 0) {
      if (!text) continue;
      if (!isAttribution(text, true)) return -1;
      attribution = text;
    } else if (text !== attribution) break;
    best = opens[i]!;
  }
  return best < 0 ? -1 : from + best;
}
