const FOCUSABLE = 'button,textarea,input,a[href],[tabindex]';

/**
 * Elements Tab reaches, in tree order, looking inside open shadow roots: enabled, rendered
 * (a `hidden` file input is not) and not `tabindex="-1"`.
 */
export function focusables(root: ParentNode): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const el of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
    if (el.matches(FOCUSABLE) && !el.matches(':disabled,[tabindex="-1"]') && el.getClientRects().length) out.push(el);
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
