const FOCUSABLE = 'button:not([disabled]),textarea,input,a[href],[tabindex]:not([tabindex="-1"])';

/** Focusable elements in tree order, looking inside open shadow roots. */
export function focusables(root: ParentNode): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
    if (el.matches(FOCUSABLE)) out.push(el);
    if (el.shadowRoot) out.push(...focusables(el.shadowRoot));
  }
  return out;
}

/** The element that really has focus, through shadow roots. */
export function deepActive(): Element | null {
  let a = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}
