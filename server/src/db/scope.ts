import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whose rows the database work of the current async context may touch (row-level security,
 * docs/access.md): one workspace, or a named privileged path that crosses workspaces.
 * `{}` is a scope whose workspace is not known yet (a request before its session is read):
 * statements run in it see no tenant row.
 */
export type DbScope = { workspaceId?: string; privileged?: string };

const storage = new AsyncLocalStorage<DbScope>();

/** The scope of the current async context, or undefined outside any. */
export function currentScope(): DbScope | undefined {
  return storage.getStore();
}

/**
 * The two settings a statement or transaction gets (`app.workspace_id`, `app.privileged`),
 * or null when there is no scope (then nothing is set, and no tenant row is visible).
 */
export function scopeSettings(scope: DbScope | undefined = storage.getStore()): [string, string] | null {
  if (!scope || (!scope.workspaceId && !scope.privileged)) return null;
  return [scope.workspaceId ?? '', scope.privileged ?? ''];
}

/**
 * Runs `fn` with the database scoped to `workspaceId`: every statement and transaction it
 * starts (directly or in callbacks it schedules) sees and writes that workspace's rows only.
 */
export function withWorkspace<T>(workspaceId: string, fn: () => T): T {
  return storage.run({ workspaceId }, fn);
}

/**
 * Runs `fn` through the named privileged path `name`: its statements see every workspace's
 * rows. Only for work that must cross workspaces before a workspace is known (login by
 * email, a session or widget key lookup, an inbound mail's inbox) or that serves all of them
 * (workers, maintenance). Every call site says why in a `// crosses workspaces:` comment, and
 * each name is tested (test/access/rls-privileged.test.ts). Prefer `withWorkspace` as soon as
 * the workspace is known.
 */
export function privileged<T>(name: string, fn: () => T): T {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`privileged path name must be kebab-case: ${name}`);
  return storage.run({ privileged: name }, fn);
}

/**
 * Runs `fn` in a fresh scope with no workspace yet (an HTTP request, a socket event); once the
 * caller is known, `scopeToWorkspace` narrows it. Statements before that see no tenant row.
 */
export function withRequestScope<T>(fn: () => T): T {
  return storage.run({}, fn);
}

/**
 * Narrows the current request scope (`withRequestScope`) to `workspaceId`, for the rest of
 * this request: called by authentication once the session's workspace is known. Outside a
 * scope, or in a privileged one, it does nothing.
 */
export function scopeToWorkspace(workspaceId: string): void {
  const s = storage.getStore();
  if (s && !s.privileged) s.workspaceId = workspaceId;
}
