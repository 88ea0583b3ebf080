import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = [
  ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'iframe'),
  'img', 'span', 'font', 'center', 'u', 's', 'strike',
];

/**
 * Sanitizes email HTML for storage and display: no script, style, event handler, form or
 * frame survives; links open in a new tab without a referrer. Images are never loaded from
 * the network by default: a remote `src` moves to `data-remote-src` (the inbox may offer
 * "load images"); `cid:` images become the attachment URL given by `cidUrl`; anything
 * else (data:, javascript:) is dropped.
 */
export function sanitizeEmailHtml(html: string, cidUrl: (cid: string) => string | null = () => null): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height', 'data-remote-src'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['width', 'cellpadding', 'cellspacing', 'border'],
      '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['https', 'http'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head'],
    transformTags: {
      // Only absolute http(s), mailto and tel links survive: a relative link would point into our own app.
      a: (tagName, attribs) => {
        const { href, ...rest } = attribs;
        const safe = href && /^\s*(https?:\/\/|mailto:|tel:)/i.test(href) ? { href } : {};
        return { tagName, attribs: { ...safe, ...rest, target: '_blank', rel: 'noopener noreferrer nofollow' } as Record<string, string> };
      },
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        // Only our own rewrite may set data-remote-src, never the sender.
        const { src: _src, 'data-remote-src': _remote, ...rest } = attribs;
        if (/^cid:/i.test(src)) {
          const url = cidUrl(src.slice(4).replace(/^<|>$/g, ''));
          return { tagName, attribs: url ? { ...rest, src: url } : rest };
        }
        if (/^https?:\/\//i.test(src)) return { tagName, attribs: { ...rest, 'data-remote-src': src } };
        return { tagName, attribs: rest };
      },
    },
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** Plain text of an HTML body, for mail that has no text part. */
export function htmlToText(html: string): string {
  const marked = html
    .replace(/<(br|\/p|\/div|\/tr|\/h[1-6]|\/li|\/blockquote)\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ');
  const bare = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {}, nonTextTags: ['style', 'script', 'head', 'title'] });
  return bare
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+\d*);/gi, (m, e: string) => {
      if (ENTITIES[e]) return ENTITIES[e]!;
      if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
      return m;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
