/** What Tab can reach (before the visibility and tabindex checks). */
const TABBABLE =
  'a[href], area[href], button, input:not([type=hidden]), select, textarea, summary, iframe, [tabindex], [contenteditable=""], [contenteditable=true]';

/** The element that has keyboard focus, looked up through open shadow roots (null: none). */
export function deepActiveElement(): HTMLElement | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement && el !== document.body ? el : null;
}

/**
 * The elements under `root` that Tab visits, in the order it visits them (positive
 * tabindex aside): it follows open shadow roots and slots (their assigned content, or their
 * fallback), and skips what is disabled, inert, hidden or has tabindex -1.
 */
export function tabbables(root: Element | ShadowRoot): HTMLElement[] {
  const out: HTMLElement[] = [];
  const walk = (kids: Element[]) => {
    for (const el of kids) {
      if (!(el instanceof HTMLElement) || el.inert || el.hidden) continue;
      if (el instanceof HTMLSlotElement) {
        walk(el.assignedElements({ flatten: true }));
        continue;
      }
      if (el.matches(TABBABLE) && el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.checkVisibility()) out.push(el);
      walk(Array.from((el.shadowRoot ?? el).children));
    }
  };
  walk(Array.from(root.children));
  return out;
}
