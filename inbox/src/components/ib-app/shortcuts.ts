/** The keyboard shortcuts, shown under `?`; `ib-app` dispatches them. */
export const SHORTCUTS = [
  ['j', 'next ticket'],
  ['k', 'previous ticket'],
  ['↑ ↓', 'move in the list'],
  ['Enter', 'open the ticket'],
  ['r', 'reply'],
  ['n', 'internal note'],
  ['e', 'resolve'],
  ['a', 'assign to me'],
  ['/', 'search tickets'],
  ['?', 'show or hide this help'],
  ['Esc', 'leave the text field, then back to the list'],
] as const;

/** Whether a key event comes from a place where letters are typed (shortcuts stay off there). */
export function typingInField(e: KeyboardEvent): boolean {
  const el = e.composedPath()[0] as HTMLElement | undefined;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}
