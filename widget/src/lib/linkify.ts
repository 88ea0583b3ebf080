/** A piece of message text: plain text, or a link whose href is a safe http(s) URL. */
export type Segment = { text: string; href?: string };

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/**
 * Splits text into plain and link segments. Only http(s) URLs (and `www.` ones, which get
 * https) become links; trailing punctuation stays text. Rendering the segments as text
 * nodes and `<a href>` attributes keeps every byte of the input inert.
 */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const raw = m[0].replace(TRAILING, '');
    const start = m.index;
    let href: string | null = null;
    try {
      const u = new URL(raw.startsWith('www.') ? `https://${raw}` : raw);
      if (u.protocol === 'http:' || u.protocol === 'https:') href = u.href;
    } catch {
      href = null;
    }
    if (!href || !raw) continue;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
