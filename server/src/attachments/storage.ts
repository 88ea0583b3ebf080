import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where attachment bytes live. Local disk by default; an S3-compatible store can implement the same. */
export interface BlobStore {
  /** Stores bytes under a new random key and returns the key. */
  put(data: Buffer): Promise<string>;
  get(key: string): Promise<Buffer>;
  /** Removes the bytes; a missing key is not an error. */
  delete(key: string): Promise<void>;
}

const KEY_RE = /^[0-9a-f]{2}\/[0-9a-f]{32}$/;

/** Files under `dir`, two-level fan-out by a random key (`ab/…`); keys never come from users. */
export function diskStore(dir: string): BlobStore {
  return {
    async put(data) {
      const name = randomBytes(16).toString('hex');
      const key = `${name.slice(0, 2)}/${name}`;
      await mkdir(join(dir, name.slice(0, 2)), { recursive: true });
      await writeFile(join(dir, key), data, { flag: 'wx' });
      return key;
    },
    async get(key) {
      if (!KEY_RE.test(key)) throw new Error('bad storage key');
      return readFile(join(dir, key));
    },
    async delete(key) {
      if (!KEY_RE.test(key)) throw new Error('bad storage key');
      await rm(join(dir, key), { force: true });
    },
  };
}
