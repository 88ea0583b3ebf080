// The module alone, not the package index: the inbox bundle stays without zod.
import { forwardStart } from '@support/protocol/email-forward';

/**
 * A forwarded message inside an email's body: the server keeps it (see `forwardStart` in the
 * protocol) and the inbox shows it collapsed, in a native `<details>` (its summary is
 * reached with Tab and opened with Enter or Space).
 */

/** The label of the collapsed forward. */
export const FORWARD_LABEL = 'Forwarded message';

/** A text body split where a forwarded message starts: the note above it and the forward; null when there is none. */
export function splitForward(text: string): { note: string; forward: string } | null {
  const lines = text.split('\n');
  const f = forwardStart(lines);
  if (f < 0) return null;
  return { note: lines.slice(0, f).join('\n').trimEnd(), forward: lines.slice(f).join('\n') };
}

/** Elements that start a new line of text. */
const BLOCKS = new Set('address article aside blockquote center dd div dl dt figure footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul'.split(' '));

type Line = { text: string; node: Text | null; offset: number };

/** The lines of text under `root`, in document order, each with the text node (and offset) where its text starts. */
function textLines(root: Node): Line[] {
  const lines: Line[] = [{ text: '', node: null, offset: 0 }];
  const br = () => lines.push({ text: '', node: null, offset: 0 });
  const walk = (n: Node) => {
    for (const c of Array.from(n.childNodes)) {
      if (c.nodeType === Node.TEXT_NODE) {
        let offset = 0;
        (c.textContent ?? '').split('\n').forEach((part, i) => {
          if (i > 0) br();
          const line = lines[lines.length - 1]!;
          if (!line.node && part.trim()) Object.assign(line, { node: c as Text, offset: offset + part.length - part.trimStart().length });
          line.text += part;
          offset += part.length + 1;
        });
      } else if (c.nodeType === Node.ELEMENT_NODE) {
        const block = BLOCKS.has((c as Element).localName) || (c as Element).localName === 'br';
        if (block) br();
        walk(c);
        if (block) br();
      }
    }
  };
  walk(root);
  return lines;
}

const hasText = (n: Node) => !!n.textContent?.trim();

/**
 * Moves the forwarded message under `root` (sanitized email HTML) into a collapsed
 * `<details class="forward">`, from the line where it starts to the end of the email.
 * Returns whether there was one.
 */
export function collapseForward(root: HTMLElement): boolean {
  const lines = textLines(root);
  const f = forwardStart(lines.map((l) => l.text));
  const at = f < 0 ? undefined : lines.slice(f).find((l) => l.node);
  if (!at?.node) return false;
  // The forward may start inside a text node that also holds the note: split it there.
  let start: Node = at.offset > 0 ? at.node.splitText(at.offset) : at.node;
  // Up to the outermost element that the forward opens (nothing with text before it inside).
  while (start.parentNode && start.parentNode !== root) {
    let prev = start.previousSibling;
    while (prev && !hasText(prev)) prev = prev.previousSibling;
    if (prev) break;
    start = start.parentNode;
  }
  const doc = root.ownerDocument;
  const details = doc.createElement('details');
  details.className = 'forward';
  const summary = doc.createElement('summary');
  summary.textContent = FORWARD_LABEL;
  details.append(summary);
  start.parentNode!.insertBefore(details, start);
  // Everything after, in document order, belongs to the forward: the rest of this level, then of each level above.
  for (let n: Node | null = start, level: Node = details; level !== root; level = level.parentNode!) {
    while (n) {
      const next: Node | null = n.nextSibling;
      details.append(n);
      n = next;
    }
    n = level.parentNode === root ? null : level.parentNode!.nextSibling;
  }
  return true;
}
