import type { EmailAddress, EmailDelivery } from '@support/protocol';

/**
 * The client-side wall behind the server's sanitize-html pass: email HTML is parsed into an
 * inert document (a template's content: no script runs, no resource loads) and only these tags and
 * attributes are kept. Unknown elements are unwrapped (their text stays); these are dropped
 * with their content.
 */
const TAGS = new Set(
  ('a abbr address article aside b bdi bdo blockquote br caption center cite code col colgroup data dd dfn div dl dt em ' +
    'figcaption figure font footer h1 h2 h3 h4 h5 h6 header hgroup hr i img kbd li main mark nav ol p pre q rb rp rt rtc ruby ' +
    's samp section small span strike strong sub sup table tbody td tfoot th thead time tr u ul var wbr').split(' '),
);
const DROP = new Set('script style template iframe frame frameset object embed applet form input button select textarea option svg math noscript link meta base title head audio video source track canvas dialog'.split(' '));
const COMMON = ['dir', 'lang', 'title'];
const ATTRS: Record<string, string[]> = {
  a: ['href'],
  img: ['alt', 'width', 'height', 'data-remote-src', 'src'],
  td: ['colspan', 'rowspan', 'align', 'valign'],
  th: ['colspan', 'rowspan', 'align', 'valign'],
  table: ['width', 'cellpadding', 'cellspacing', 'border'],
};

/** Our own attachment files (same origin): the only image `src` shown without asking. */
export const isOwnAttachmentUrl = (u: string) => /^\/api\/attachments\/att_[0-9a-z]+$/i.test(u);
const isRemote = (u: string) => /^https?:\/\//i.test(u.trim());
const isLink = (u: string) => /^(https?:\/\/|mailto:|tel:)/i.test(u.trim());

function clean(el: Element | DocumentFragment): void {
  for (const child of Array.from(el.children)) {
    const tag = child.localName;
    if (DROP.has(tag) || child.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
      child.remove();
      continue;
    }
    clean(child);
    if (!TAGS.has(tag)) {
      child.replaceWith(...Array.from(child.childNodes));
      continue;
    }
    const allowed = ATTRS[tag] ?? [];
    for (const { name, value } of Array.from(child.attributes)) {
      const keep =
        (COMMON.includes(name) || allowed.includes(name)) &&
        (name !== 'href' || isLink(value)) &&
        (name !== 'src' || isOwnAttachmentUrl(value)) &&
        (name !== 'data-remote-src' || isRemote(value));
      if (!keep) child.removeAttribute(name);
    }
    if (tag === 'a') {
      child.setAttribute('target', '_blank');
      child.setAttribute('rel', 'noopener noreferrer nofollow');
    }
    // An image the sender gave no text: decorative to a screen reader (blocked or not).
    if (tag === 'img' && !child.hasAttribute('alt')) child.setAttribute('alt', '');
  }
  // Comments and processing instructions carry nothing to show.
  for (const n of Array.from(el.childNodes)) if (n.nodeType !== Node.ELEMENT_NODE && n.nodeType !== Node.TEXT_NODE) n.remove();
}

/**
 * Sanitized email HTML (from the server) as nodes of `doc`, after a second allow-list pass:
 * no script, handler, style, form or frame; links open a new tab without referrer; image
 * `src` only for our own attachment URLs; remote images keep only `data-remote-src`; every
 * image has an `alt` (empty when the sender gave none).
 */
export function emailFragment(html: string, doc: Document = document): DocumentFragment {
  // A template's content belongs to an inert document: parsing it runs nothing and loads nothing.
  const inert = doc.createElement('template');
  inert.innerHTML = html;
  clean(inert.content);
  return doc.importNode(inert.content, true);
}

/** Whether the HTML holds remote images the agent may choose to load. */
export const hasRemoteImages = (html: string | null | undefined) => !!html && /data-remote-src\s*=\s*["']?\s*https?:/i.test(html);

/** Loads the remote images under `root` (the agent asked): copies http(s) `data-remote-src` into `src` (http upgraded to https). Returns how many. */
export function loadRemoteImages(root: ParentNode): number {
  let n = 0;
  for (const img of Array.from(root.querySelectorAll('img[data-remote-src]:not([src])'))) {
    const u = img.getAttribute('data-remote-src') ?? '';
    if (!isRemote(u)) continue;
    img.setAttribute('referrerpolicy', 'no-referrer');
    // As browsers upgrade mixed-content images: the inbox's CSP allows remote images over https: only.
    img.setAttribute('src', u.trim().replace(/^http:/i, 'https:'));
    n++;
  }
  return n;
}

/** "Name <a@b.c>", or the address alone. */
export const addressText = (a: EmailAddress) => (a.name ? `${a.name} <${a.address}>` : a.address);

/** What an outbound email's delivery state says to an agent: "Sent", "Sending…", "Failed: …", "Not sent: …". */
export function deliveryText(d: EmailDelivery, time: (iso: string) => string): string {
  switch (d.status) {
    case 'sent':
      return 'Sent';
    case 'failed':
      return `Failed: ${d.reason ?? 'unknown error'}`;
    case 'not_sent':
      return `Not sent: ${d.reason ?? 'unknown reason'}`;
    default:
      return d.attempts > 0 && d.nextAttemptAt ? `Sending… (attempt ${d.attempts} failed${d.reason ? `: ${d.reason}` : ''}; next try ${time(d.nextAttemptAt)})` : 'Sending…';
  }
}

/** "12 B", "3.4 KB", "1.2 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
