import { LinkifyIt } from 'linkify-it';
import { html, type TemplateResult } from 'lit';

/**
 * Finds links in what people typed: explicit `http://`, `https://` and `mailto:` links, and
 * bare email addresses (as `mailto:`). No scheme-less guessing ("example.com", "file.py"), no
 * `ftp:` or protocol-relative `//` links.
 */
const finder = new LinkifyIt({ fuzzyLink: false, fuzzyIP: false, fuzzyEmail: true }).add('ftp:', null).add('//', null);
const SAFE = new Set(['http:', 'https:', 'mailto:']);

export type TextPart = { text: string; href?: string };

/** The href of a found link when it parses as an http, https or mailto URL; null otherwise. */
function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return SAFE.has(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * `text` cut into plain parts and link parts (`href` set), in order; joined, the parts' text is
 * `text` exactly. Only http, https and mailto links become link parts.
 */
export function linkParts(text: string): TextPart[] {
  if (!finder.test(text)) return [{ text }];
  const found = finder.match(text);
  if (!found) return [{ text }];
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of found) {
    const href = safeHref(m.url);
    if (!href) continue;
    if (m.index > at) parts.push({ text: text.slice(at, m.index) });
    parts.push({ text: text.slice(m.index, m.lastIndex), href });
    at = m.lastIndex;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/**
 * A chat message's text with its links clickable. Everything stays a text node (Lit escapes
 * it); links open in a new tab with `rel="noopener noreferrer nofollow"`.
 */
export function linkify(text: string): string | (string | TemplateResult)[] {
  const parts = linkParts(text);
  if (parts.length === 1 && !parts[0]!.href) return text;
  return parts.map((p) => (p.href ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer nofollow">${p.text}</a>` : p.text));
}
