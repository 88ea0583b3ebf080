/** How the panel picks light or dark: as set, or `auto` from the host page. */
export type Scheme = 'auto' | 'light' | 'dark';

/**
 * WCAG relative luminance of a computed `rgb()`/`rgba()` colour; null when it is (nearly)
 * transparent or not in that form.
 */
export function luminance(color: string): number | null {
  const m = /^rgba?\((\d+(?:\.\d+)?)[, ]+(\d+(?:\.\d+)?)[, ]+(\d+(?:\.\d+)?)(?:[,/ ]+([\d.]+%?))?\)$/.exec(color.trim());
  if (!m || (m[4] !== undefined && parseFloat(m[4]) / (m[4].endsWith('%') ? 100 : 1) < 0.5)) return null;
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => {
    const c = Number(v) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * True when the panel should be dark. `auto` reads the host page: the background of its body
 * (or root) when one is painted, dark below luminance 0.18, where white text contrasts more
 * than black; on a transparent page, its declared `color-scheme` (CSS or meta tag), dark when
 * it offers only dark, or both and the system prefers dark. Nothing declared: light, as the
 * browser paints such a page.
 */
export function isDark(scheme: Scheme, doc: Document = document): boolean {
  if (scheme !== 'auto') return scheme === 'dark';
  const view = doc.defaultView!;
  for (const el of [doc.body, doc.documentElement]) {
    const l = el ? luminance(view.getComputedStyle(el).backgroundColor) : null;
    if (l !== null) return l < 0.18;
  }
  const computed = view.getComputedStyle(doc.documentElement).colorScheme;
  const declared = computed && computed !== 'normal' ? computed : (doc.querySelector<HTMLMetaElement>('meta[name="color-scheme"]')?.content ?? '');
  return declared.includes('dark') && (!declared.includes('light') || view.matchMedia('(prefers-color-scheme: dark)').matches);
}
