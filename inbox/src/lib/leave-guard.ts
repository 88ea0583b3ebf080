/** A form that may hold unsaved changes: true while it does. */
export type LeaveGuard = () => boolean;

const guards = new Set<LeaveGuard>();
let ask: (() => Promise<boolean>) | null = null;

/**
 * Registers a form's "unsaved changes?" check; returns the function that removes it (call it
 * when the form leaves the page). While any check says yes, closing or reloading the tab
 * asks the browser's question, and moving inside the app asks `mayLeave`'s.
 */
export function addLeaveGuard(g: LeaveGuard): () => void {
  guards.add(g);
  return () => void guards.delete(g);
}

export function hasUnsavedChanges(): boolean {
  for (const g of guards) if (g()) return true;
  return false;
}

/** The app's "leave without saving?" question (its dialog); true: leave. */
export function setLeaveQuestion(fn: () => Promise<boolean>): void {
  ask = fn;
}

/** Whether the person may move on: no unsaved changes, or they chose to leave them. */
export async function mayLeave(): Promise<boolean> {
  if (!hasUnsavedChanges()) return true;
  return ask ? ask() : window.confirm('Leave without saving your changes?');
}

if (typeof window !== 'undefined')
  window.addEventListener('beforeunload', (e) => {
    if (hasUnsavedChanges()) e.preventDefault();
  });
