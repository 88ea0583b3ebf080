import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type LockEntry = { version?: string; optionalDependencies?: Record<string, string>; link?: boolean };
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockEntry> };

/** Where npm would resolve `name` from the package at `from` (its own node_modules, then each parent's). */
function resolveFrom(from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? dir + '/' : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return null;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

describe('package-lock.json', () => {
  // `npm ci` refuses a lockfile that lacks any platform's optional package (rollup's native
  // builds, esbuild's) as "out of sync", so a clean clone would not install.
  it('lists every optional dependency of every package, for every platform', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolveFrom(path, name)) missing.push(`${name} (optional dependency of ${path || 'the root'})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
